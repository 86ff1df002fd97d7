"""End to end through the REAL answering core.

Signed requests over real HTTP (the shared uvicorn server) to the production wiring
(`bot.server.build_asgi_app` -> `bot.slack.http.slack_routes`), answered by `sample_container`'s real
CommandRouter + AnswerService over the bundled knowledge/ (embedded Chroma, no LLM configured, so
answers are extractive), recorded in its real SQLite StateStore, and delivered to the recording mock
Web API. The other Slack tests use a fake answerer; these check what a user would actually see.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import httpx
import pytest

from bot import messages
from bot.config import Settings
from bot.conversation import reply_to_json
from bot.server import build_asgi_app
from tests.slack.blockutil import action_ids, answer_id_of, block_text, buttons
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID, MockSlackApi
from tests.slack.support import FakeAnswerer, FixedContainer, ServerThread, SwappableApp

TIMEOUT = 30.0  # the warm core answers in well under a second; generous for slow machines

RETURN_FEE_URL = "https://help.brightcart.example/zh/return-shipping-fee"
RETURN_FEE_TITLE = "退货运费谁来出？"
EARBUD_TICKET = "T-2026-0075"
EARBUD_SUBJECT = "Left earbud died after two weeks"


@pytest.fixture
def real_stack(
    sample_container: Any,
    slack_api: MockSlackApi,
    make_settings: Callable[..., Settings],
    shared_server: tuple[ServerThread, SwappableApp],
) -> Iterator[Stack]:
    """The production Slack wiring around the real router and state of `sample_container`."""
    server, mount = shared_server
    settings = make_settings()  # Slack token/secret and the mock API url; the core keeps its own settings
    state = sample_container.state()
    container = FixedContainer(settings, sample_container.router(), state)
    mount.app = build_asgi_app(container, warm=False)
    with httpx.Client(timeout=TIMEOUT) as http:
        # Stack wants an answerer for the fake-based tests; this one is never wired in (never called).
        yield Stack(slack_api, state, FakeAnswerer(fail=True), settings, server, http, container.conversation())
    mount.app = None


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def sources_section(blocks: list[dict[str, Any]], lang: str) -> str:
    heading = f"*{messages.text('sources_heading', lang)}*\n"
    (sources,) = [t for t in section_texts(blocks) if t.startswith(heading)]
    return sources


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in buttons(blocks)]


def stored_reply(stack: Stack, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    record = stack.conversation.get_answer(answer_id_of(blocks))
    assert record is not None and record.platform == "slack"
    return reply_to_json(record.reply)


def test_ask_in_chinese_gets_a_cited_answer_from_the_article(real_stack: Stack) -> None:
    resp = real_stack.slash("/ask", "退货运费谁出？")
    assert resp.status_code == 200
    assert resp.text == messages.text("thinking", "zh")  # the ack speaks the asker's language

    (hook,) = real_stack.api.wait_for("/webhook", timeout=TIMEOUT)
    body, blocks = hook.body, hook.body["blocks"]
    assert body["response_type"] == "in_channel"

    answer = section_texts(blocks)[0]
    assert answer.startswith(messages.text("extractive_intro", "zh"))
    assert "运费" in answer and "[1]" in answer
    assert "[1]" in body["text"]  # the notification fallback carries the same answer

    sources = sources_section(blocks, "zh")
    assert f"[1] <{RETURN_FEE_URL}|{RETURN_FEE_TITLE}> — kb/zh/return-shipping-fee.md: “" in sources

    assert action_ids(blocks) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    assert button_labels(blocks) == [
        messages.text(key, "zh") for key in ("button_helpful", "button_not_helpful", "button_resolve", "button_human")
    ]
    assert button_labels(blocks)[0].startswith("👍") and button_labels(blocks)[1].startswith("👎")

    reply = stored_reply(real_stack, blocks)  # what the buttons will find
    assert reply["grounded"] is True and reply["language"] == "zh" and reply["question"] == "退货运费谁出？"
    assert reply["citations"][0]["doc_id"].startswith("kb/zh/return-shipping-fee.md")


def test_mention_with_an_order_number_cites_the_past_ticket(real_stack: Stack) -> None:
    ts = f"{time.time():.6f}"  # a fresh thread: the session's state store is shared
    resp = real_stack.event(
        text=f"<@{BOT_USER_ID}> My order BC20261103-58217 is late, what happened?", ts=ts, event_ts=ts
    )
    assert resp.status_code == 200

    (placeholder,) = real_stack.api.wait_for("/chat.postMessage", timeout=TIMEOUT)
    assert placeholder.body["thread_ts"] == ts
    assert placeholder.body["text"] == messages.text("thinking", "en")

    (update,) = real_stack.api.wait_for("/chat.update", timeout=TIMEOUT)
    blocks = update.body["blocks"]
    assert update.body["ts"] == "1700000101.000200"  # the placeholder the mock handed out, replaced
    answer = section_texts(blocks)[0]
    assert answer.startswith(messages.text("extractive_intro_case", "en"))
    assert "firmware 1.3.1" in answer and "[1]" in answer  # from the ticket's resolution

    sources = sources_section(blocks, "en")
    assert f"[1] *{EARBUD_SUBJECT}* — resolutions/tickets.jsonl: “" in sources  # tickets have no url
    assert action_ids(blocks) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    assert button_labels(blocks) == ["👍 Helpful", "👎 Not helpful", "✅ Mark resolved", "Need a human"]

    reply = stored_reply(real_stack, blocks)
    assert reply["citations"][0]["doc_id"] == EARBUD_TICKET
    assert reply["question"] == "My order BC20261103-58217 is late, what happened?"  # mention stripped


def test_question_outside_the_knowledge_gets_a_plain_dont_know(real_stack: Stack) -> None:
    resp = real_stack.slash("/ask", "What is the capital of Australia?")
    assert resp.status_code == 200

    (hook,) = real_stack.api.wait_for("/webhook", timeout=TIMEOUT)
    blocks = hook.body["blocks"]
    no_answer = messages.text("no_answer", "en")
    assert hook.body["text"] == no_answer
    assert section_texts(blocks) == [no_answer]  # no sources, no similar case
    text = block_text(blocks)
    assert "Sources" not in text and ":bulb:" not in text
    assert "http" not in text and ".md" not in text and ".jsonl" not in text and "[1]" not in text

    # It is still an "answer" (kind="answer", grounded=False): the renderer keeps the feedback and
    # need-a-human buttons so an agent can flag the gap or hand the question over.
    assert action_ids(blocks) == ["feedback_up", "feedback_down", "need_human"]
    reply = stored_reply(real_stack, blocks)
    assert reply["grounded"] is False and reply["citations"] == [] and reply["similar_case"] is None
