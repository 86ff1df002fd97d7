"""The model gateway with langchain's fake chat models: what the model receives holds no personal data,
the agent gets the real values back, timeouts become ModelError, and the per-user rate limit holds."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.errors import ModelError
from bot.llm import ModelGateway, RateLimited, TokenBucket
from bot.privacy import Redactor


class Recorder(BaseCallbackHandler):
    """Records the messages langchain hands to the chat model (what would leave the process)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *, run_id: UUID,
                            **kwargs: Any) -> None:
        self.sent.extend(str(m.content) for batch in messages for m in batch)


def model(responses: list[str], recorder: Recorder, sleep: float | None = None) -> FakeListChatModel:
    return FakeListChatModel(responses=responses, sleep=sleep, callbacks=[recorder])


QUESTION = [
    SystemMessage(content="You help agents. Customer contact: zhang.wei@163.com"),
    HumanMessage(content="客户王小明（身份证11010519491231002X）说手机138 1234 5678收不到验证码，邮箱 zhang.wei@163.com"),
]


def test_invoke_sends_no_personal_data_and_maps_it_back() -> None:
    rec = Recorder()
    reply = "已给 [NAME_1] 回电 [PHONE_1]，并发邮件到 [EMAIL_1]；[PHONE_7] 不是本次的号码。"
    gateway = ModelGateway(model([reply], rec), timeout_seconds=5, redactor=Redactor())
    text = gateway.invoke(QUESTION, user_key="slack:U1")
    sent = "\n".join(rec.sent)
    for value in ("zhang.wei@163.com", "11010519491231002X", "138 1234 5678", "王小明"):
        assert value not in sent
    assert sent.count("[EMAIL_1]") == 2  # the same value, the same placeholder in both messages
    assert "[ID_1]" in sent and "[PHONE_1]" in sent
    assert text == "已给 王小明 回电 138 1234 5678，并发邮件到 zhang.wei@163.com；[PHONE_7] 不是本次的号码。"


def test_stream_never_shows_half_a_placeholder() -> None:
    rec = Recorder()
    gateway = ModelGateway(model(["Call [PHONE_1] today, or email [EMAIL_1]."], rec), timeout_seconds=5,
                           redactor=Redactor())
    partials: list[str] = []
    text = gateway.stream("My number is +1 415-555-0132, email jo@example.com", user_key="u",
                          on_partial=partials.append)
    assert "555-0132" not in "".join(rec.sent) and "jo@example.com" not in "".join(rec.sent)
    assert text == "Call +1 415-555-0132 today, or email jo@example.com."
    assert len(partials) > 5 and partials[-1] == text
    assert not any("[PH" in p or "[EM" in p for p in partials)


def test_timeout_raises_model_error() -> None:
    gateway = ModelGateway(model(["late"], Recorder(), sleep=1.0), timeout_seconds=0.2, redactor=Redactor())
    with pytest.raises(ModelError, match="0.2"):
        gateway.invoke("hello", user_key="u")


def test_provider_failure_raises_model_error() -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise ConnectionError("provider down")

    gateway = ModelGateway(Broken(responses=["x"]), timeout_seconds=2, redactor=Redactor())
    with pytest.raises(ModelError, match="provider down"):
        gateway.invoke("hello", user_key="u")


def test_rate_limit_per_user_with_retry_after() -> None:
    now = [1000.0]
    bucket = TokenBucket(rate_per_minute=6, burst=2, clock=lambda: now[0])
    rec = Recorder()
    gateway = ModelGateway(model(["ok"] * 10, rec), timeout_seconds=5, redactor=Redactor(), rate_limiter=bucket)
    gateway.invoke("a", user_key="alice")
    gateway.invoke("b", user_key="alice")
    with pytest.raises(RateLimited) as info:
        gateway.invoke("c", user_key="alice")
    assert info.value.retry_after == 10  # 6 per minute: one token every 10 s
    assert "10" in info.value.user_message("en") and "10" in info.value.user_message("zh")
    assert len(rec.sent) == 2  # nothing was sent for the refused call
    gateway.invoke("d", user_key="bob")  # another user has a bucket of their own
    now[0] += 10
    assert gateway.invoke("e", user_key="alice") == "ok"
