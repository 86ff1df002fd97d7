"""A chat model's verdict on borderline matches (langchain's fake chat model through the real model gateway):
it decides only scores near the threshold, never clear ones, and a failing or unusable model leaves the
threshold in charge."""

from __future__ import annotations

from typing import Any, Callable
from uuid import UUID

import numpy as np
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage

from bot.escalation.judge import NeedJudge, parse_verdict
from bot.escalation.matching import NeedMatcher, Wording, unit
from bot.escalation.store import EscalationStore
from bot.escalation.service import Agent, EscalationService
from bot.llm import ModelGateway
from bot.privacy import Redactor
from tests.escalation.conftest import Env


class Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.sent: list[str] = []

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *, run_id: UUID,
                            **kwargs: Any) -> None:
        self.sent.append("\n".join(str(m.content) for batch in messages for m in batch))


def judge(*replies: str, recorder: Recorder | None = None, model: Any = None) -> NeedJudge:
    chat = model or FakeListChatModel(responses=list(replies), callbacks=[recorder] if recorder else None)
    return NeedJudge(ModelGateway(chat, timeout_seconds=5, redactor=Redactor()), band=0.1)


def at(cos: float) -> np.ndarray:
    """A unit vector at cosine `cos` from (1, 0)."""
    return unit(np.asarray([cos, float(np.sqrt(1 - cos * cos))], dtype=np.float32))


MATCHER = NeedMatcher(threshold=0.5, centre=False, lexical_weight=0.0, cross_bonus=0.0, member_weight=0.0,
                      contrast_weight=0.0, concept_weight=0.0, conflict_weight=0.0)
STORED = [Wording(1, at(1.0), "en", text="Customer wants to pay in monthly installments")]


def probe(cos: float) -> Wording:
    return Wording(-1, at(cos), "en", text="Customer asks to split the price over several months")


def test_a_borderline_match_follows_the_model_either_way() -> None:
    below, above = probe(0.45), probe(0.55)
    assert MATCHER.best(below, STORED) is None and MATCHER.best(above, STORED) is not None
    rec = Recorder()
    yes = judge('{"same_need": true}', recorder=rec).verdicts(MATCHER, below, STORED)
    assert yes == {1: True}
    joined = MATCHER.best(below, STORED, verdicts=yes)
    assert joined is not None and joined.request_id == 1
    no = judge('Here you go: {"same_need": false}').verdicts(MATCHER, above, STORED)
    assert no == {1: False} and MATCHER.best(above, STORED, verdicts=no) is None
    assert "monthly installments" in rec.sent[0] and "several months" in rec.sent[0]


def test_clear_cases_never_reach_the_model() -> None:
    rec = Recorder()
    j = judge('{"same_need": false}', recorder=rec)
    assert j.verdicts(MATCHER, probe(0.95), STORED) == {} and j.verdicts(MATCHER, probe(0.1), STORED) == {}
    assert rec.sent == []


def test_a_failing_or_unusable_model_leaves_the_threshold_in_charge() -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise ConnectionError("provider down")

    assert judge(model=Broken(responses=["x"])).verdicts(MATCHER, probe(0.55), STORED) == {}
    assert judge("I think they are the same").verdicts(MATCHER, probe(0.45), STORED) == {}
    assert parse_verdict('{"same_need": "yes"}') is None and parse_verdict('{"same_need": true}') is True


def test_the_service_asks_the_model_before_recording_a_borderline_wording(make_env: Callable[..., Env]) -> None:
    env = make_env(escalation_threshold=100)
    first = env.service.escalate("Customer wants to choose a delivery time slot", "C1", Agent("slack", "U1", "C0", {}))
    text = "Can customers pick a time slot for their delivery?"
    vector = env.service.embedder.embed_query(text)
    score = env.service.matcher.scores(Wording.of(-1, text, vector), env.service.store.wordings())[first.request.id]
    rec = Recorder()
    matcher = NeedMatcher(threshold=score - 0.05, priors=env.service.matcher.priors)  # a paraphrase, made borderline
    service = EscalationService(EscalationStore(env.db.engine), env.service.embedder, env.settings, env.outboxes,
                                clock=env.clock, matcher=matcher, judge=judge('{"same_need": false}', recorder=rec))
    second = service.escalate(text, "C2", Agent("slack", "U2", "C0", {}))
    assert second.new and second.request.id != first.request.id  # the model said no: a request of its own
    assert len(rec.sent) == 1 and "delivery time slot" in rec.sent[0] and text in rec.sent[0]


def test_the_container_gets_a_judge_only_with_a_chat_model(tmp_path: Any) -> None:
    from bot.config import load_settings
    from bot.container import Container
    from bot.escalation.service import build_service

    settings = load_settings(data_dir=tmp_path / "d", env_file=None)
    with_model = build_service(Container(settings, chat_model=FakeListChatModel(responses=['{"same_need": true}'])))
    assert isinstance(with_model.judge, NeedJudge)
    assert build_service(Container(load_settings(data_dir=tmp_path / "e", env_file=None))).judge is None
