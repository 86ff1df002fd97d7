"""Prompt templates live as files in prompts/ with named {variables}.

`load_prompt(name)` reads `prompts/<name>.system.md` and `prompts/<name>.user.md` into a langchain
ChatPromptTemplate; `render_prompt(name, **values)` refuses a missing (or unexpected) variable.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from bot.errors import PromptError


def prompts_dir() -> Path:
    env = os.environ.get("CS_COPILOT_PROMPTS_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "prompts"


@lru_cache(maxsize=32)
def load_prompt(name: str, folder: str | None = None) -> ChatPromptTemplate:
    base = Path(folder) if folder else prompts_dir()
    parts: list[tuple[str, str]] = []
    for role, suffix in (("system", "system"), ("human", "user")):
        path = base / f"{name}.{suffix}.md"
        if path.exists():
            parts.append((role, path.read_text(encoding="utf-8").strip()))
    if not parts:
        raise PromptError(f"no prompt named {name!r} in {base}")
    return ChatPromptTemplate.from_messages(parts)


def render_prompt(name: str, folder: str | None = None, **values: object) -> list[BaseMessage]:
    template = load_prompt(name, folder)
    expected = set(template.input_variables)
    missing = sorted(expected - values.keys())
    if missing:
        raise PromptError(f"prompt {name!r} needs {', '.join(missing)}")
    extra = sorted(values.keys() - expected)
    if extra:
        raise PromptError(f"prompt {name!r} has no variable {', '.join(extra)}")
    return template.format_messages(**values)
