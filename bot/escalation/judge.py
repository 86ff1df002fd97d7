"""A chat model's second opinion on borderline matches (optional; only when a chat model is configured).

The offline matcher (bot/escalation/matching.py) decides every clear case. When the best requests for a new
wording score within `band` of the threshold, the model is asked, through the model gateway (redaction,
timeout, rate limit: bot/llm/gateway.py) with the prompt prompts/escalation.judge.*.md, whether the wording
is the same need as each of them (at most `limit` calls per /escalate). Its verdicts then overrule the
threshold for those requests only (NeedMatcher.best). A model that fails, times out, is rate limited or
answers something else than the expected JSON gives no verdict: the threshold decides, as without a model.

The judgement runs before the escalation lock is taken (a model call must not hold it); a request opened
meanwhile by another call is matched by the threshold alone.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Sequence

from bot.errors import CsCopilotError
from bot.escalation.matching import NeedMatcher, Wording

if TYPE_CHECKING:
    from bot.llm.gateway import ModelGateway

log = logging.getLogger(__name__)

DEFAULT_BAND = 0.1
DEFAULT_LIMIT = 2
SAMPLES = 4
_JSON = re.compile(r"\{.*?\}", re.S)


class NeedJudge:
    def __init__(self, gateway: "ModelGateway", band: float = DEFAULT_BAND, limit: int = DEFAULT_LIMIT,
                 samples: int = SAMPLES) -> None:
        self.gateway = gateway
        self.band = band
        self.limit = limit
        self.samples = samples

    def same_need(self, wording: str, request_texts: Sequence[str], user_key: str = "escalation") -> bool | None:
        """The model's verdict, or None (no usable answer: the threshold decides)."""
        from bot.prompts import render_prompt

        examples = [t for t in dict.fromkeys(request_texts) if t.strip()][: self.samples]
        if not examples or not wording.strip():
            return None
        prompt = render_prompt("escalation.judge", wording=wording,
                               request="\n".join(f"- {t}" for t in examples))
        try:
            raw = self.gateway.invoke(prompt, user_key=user_key)
        except CsCopilotError as exc:  # ModelError, RateLimited: the threshold decides
            log.warning("escalation judge: no verdict (%s)", type(exc).__name__)
            return None
        return parse_verdict(raw)

    def verdicts(self, matcher: NeedMatcher, new: Wording, stored: Sequence[Wording],
                 user_key: str = "escalation") -> dict[int, bool]:
        """The model's verdicts on the borderline requests of `new` (none when the match is clear)."""
        out: dict[int, bool] = {}
        for match in matcher.borderline(new, stored, self.band, self.limit):
            texts = _closest_texts(new, [w for w in stored if w.request_id == match.request_id])
            verdict = self.same_need(new.text, texts, user_key)
            if verdict is not None:
                out[match.request_id] = verdict
                log.info("escalation judge: request %d score %.3f -> %s", match.request_id, match.score, verdict)
        return out


def parse_verdict(raw: str) -> bool | None:
    """`{"same_need": true|false}` anywhere in the reply; anything else is no verdict."""
    for found in _JSON.finditer(raw or ""):
        try:
            data = json.loads(found.group(0))
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("same_need"), bool):
            return bool(data["same_need"])
    return None


def _closest_texts(new: Wording, members: Sequence[Wording]) -> list[str]:
    """The request's wordings the model sees: its first one (the title), then the closest to the new one."""
    with_text = [w for w in members if w.text]
    if not with_text:
        return []
    ranked = sorted(with_text[1:], key=lambda w: -float(w.vector @ new.vector))
    return [with_text[0].text] + [w.text for w in ranked]
