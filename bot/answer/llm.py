"""Chat models through langchain, chosen by settings: none (extractive only), openai, ollama."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from bot.config import Settings


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    if settings.llm_provider == "none":
        return None
    if settings.llm_provider == "openai":
        from langchain_openai import ChatOpenAI

        kwargs: dict[str, Any] = {
            "model": settings.llm_model,
            "api_key": settings.llm_api_key.get_secret_value() or "unused",
            "timeout": settings.llm_timeout_seconds,
            "max_retries": 0,
            "temperature": settings.llm_temperature,
        }
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        return ChatOpenAI(**kwargs)
    from langchain_ollama import ChatOllama

    kwargs = {
        "model": settings.llm_model,
        "temperature": settings.llm_temperature,
        "client_kwargs": {"timeout": settings.llm_timeout_seconds},
    }
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    return ChatOllama(**kwargs)
