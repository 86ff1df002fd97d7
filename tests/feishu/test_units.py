"""Unit tests: card rendering limits, message parsing, token buckets, streaming throttle, send uuids."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from bot.feishu import cards
from bot.feishu.api import send_uuid
from bot.feishu.conversation import CardStreamer
from bot.feishu.parsing import Mention, clean_text, extract_text, mentions_bot, parse_message
from bot.feishu.ratelimit import KeyedRateLimiter, TokenBucket
from bot.router import Citation, Reply, SimilarCase

from .helpers import BOT_OPEN_ID, fixture


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


# --- token buckets ----------------------------------------------------------------------------
def test_token_bucket_allows_burst_then_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5, 5, clock=clock)
    assert [bucket.try_acquire() for _ in range(5)] == [0.0] * 5
    assert bucket.try_acquire() == pytest.approx(0.2)
    clock.now += 0.1
    assert bucket.try_acquire() == pytest.approx(0.1)
    clock.now += 0.1
    assert bucket.try_acquire() == 0.0
    clock.now += 100  # refills only up to capacity
    assert [bucket.try_acquire() for _ in range(6)].count(0.0) == 5


def test_token_bucket_acquire_sleeps_and_gives_up() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5, 1, clock=clock)
    assert bucket.acquire(sleep=clock.sleep)
    assert bucket.acquire(sleep=clock.sleep)
    assert clock.slept == [pytest.approx(0.2)]
    slow = TokenBucket(0.1, 1, clock=clock)
    assert slow.acquire(sleep=clock.sleep)
    assert not slow.acquire(max_wait=1.0, sleep=clock.sleep)  # would need 10 s


def test_keyed_limiter_is_per_chat_and_bounded() -> None:
    clock = FakeClock()
    limiter = KeyedRateLimiter(5, 5, clock=clock, max_keys=3)
    for _ in range(5):
        assert limiter.try_acquire("oc_a") == 0.0
    assert limiter.try_acquire("oc_a") > 0
    assert limiter.try_acquire("oc_b") == 0.0  # another chat has its own budget
    limiter.try_acquire("oc_c")
    limiter.try_acquire("oc_d")
    assert len(limiter) == 3  # oldest forgotten


def test_rate_validation() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0)


# --- streaming throttle -------------------------------------------------------------------------------
class RecordingApi:
    def __init__(self, fail: bool = False) -> None:
        self.patches: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail

    def patch_card(self, message_id: str, card: dict[str, Any]) -> None:
        if self.fail:
            raise RuntimeError("patch failed")
        self.patches.append((message_id, card))


def test_streamer_throttles_partials_and_spaces_the_final_patch() -> None:
    clock = FakeClock()
    api = RecordingApi()
    streamer = CardStreamer(api, "om_card", "en", interval=0.5, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]
    for t, text in [(0.1, "a"), (0.6, "ab"), (0.7, "abc"), (0.9, "abcd"), (1.2, "abcde"), (1.25, "abcdef")]:
        clock.now = 1000.0 + t
        streamer.push(text)
    shown = [card["body"]["elements"][0]["content"] for _, card in api.patches]
    assert shown == ["ab", "abcde"]
    streamer.finish({"final": True})
    assert api.patches[-1] == ("om_card", {"final": True})
    assert clock.slept == [pytest.approx(0.15)]  # ≥ 0.2 s after the previous patch (5 QPS per message)


def test_streamer_stops_streaming_after_a_failure() -> None:
    clock = FakeClock()
    api = RecordingApi(fail=True)
    streamer = CardStreamer(api, "om_card", "en", interval=0.2, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]
    clock.now += 1
    streamer.push("partial")
    api.fail = False
    clock.now += 1
    streamer.push("more")
    assert api.patches == []
    streamer.finish({"final": True})
    assert api.patches == [("om_card", {"final": True})]


# --- send uuid ------------------------------------------------------------------------------------------
def test_send_uuid_is_deterministic_and_short() -> None:
    assert send_uuid("p", "om_7e08f794677f583375d9ed73fc355b67") == "cs-p-om_7e08f794677f583375d9ed73fc355b67"
    long = send_uuid("h", "fs-om_7e08f794677f583375d9ed73fc355b67-and-more-and-more")
    assert len(long) <= 50 and long == send_uuid("h", "fs-om_7e08f794677f583375d9ed73fc355b67-and-more-and-more")
    assert send_uuid("p", "x" * 60) != send_uuid("r", "x" * 60)


# --- cards ------------------------------------------------------------------------------------------------
def _reply(text: str = "Answer [1].", n_citations: int = 2, quote: str = "quote", **kw: Any) -> Reply:
    citations = [Citation(i, f"doc-{i}", f"Title {i}", f"kb/{i}.md", quote, url=f"https://kb.example.com/{i}")
                 for i in range(1, n_citations + 1)]
    return Reply(text=text, kind="answer", language=kw.pop("language", "en"), citations=citations,
                 similar_case=SimilarCase("case-1", "Broken kettle", "sent a label"), grounded=True, **kw)


def test_card_shape_follows_the_sample() -> None:
    sample = fixture("card_v2_interactive_message.json")
    card = cards.render_card(_reply(), "fs-om_1")
    assert set(card) == set(sample)
    assert card["config"]["update_multi"] is True
    buttons = [c["elements"][0] for c in card["body"]["elements"][-1]["columns"]]
    for button in buttons:
        # tag, element_id, type, text, behaviors; JSON 2.0 accepts `name` on a button only inside a form
        assert set(button) == set(sample["body"]["elements"][1]) - {"name"}
        assert set(button["behaviors"][0]["value"]) == {"action", "value", "payload", "answer_id"}


def test_huge_answer_is_truncated_to_fit() -> None:
    reply = _reply(text="很长的回答。" * 20_000, n_citations=40, quote="引用" * 500)
    card = cards.render_card(reply, "fs-om_1")
    assert cards.card_size(card) <= cards.MAX_CARD_BYTES
    ids = [e["element_id"] for e in card["body"]["elements"]]
    assert "truncated" in ids and "actions" in ids and "sources" in ids
    assert cards.count_elements(card) <= cards.MAX_ELEMENTS


def test_markup_in_answers_cannot_mention_everyone() -> None:
    card = cards.render_card(_reply(text='Call <at id=all></at> now <font color="red">x</font>'), "fs-om_1")
    content = card["body"]["elements"][0]["content"]
    assert "<" not in content and "&#60;at id=all>" in content and "&#60;font" in content


def test_citation_links_only_for_http_urls() -> None:
    reply = Reply(text="x", kind="answer", citations=[
        Citation(1, "d1", "Good [link]", "s", "q", url="https://ok.example.com/a"),
        Citation(2, "d2", "Bad", "kb/bad.md", "q", url="javascript:alert(1)"),
    ])
    sources = next(e for e in cards.render_card(reply, "a")["body"]["elements"] if e["element_id"] == "sources")
    assert "1. [Good (link)](https://ok.example.com/a)" in sources["content"]
    assert "javascript" not in sources["content"] and "2. **Bad** · kb/bad.md" in sources["content"]


def test_button_labels_are_capped() -> None:
    from bot.router import Button

    element = cards.button_element(Button("need_human", "x" * 300, "fs-1"))
    assert len(element["text"]["content"]) == cards.MAX_BUTTON_TEXT
    assert cards.ELEMENT_ID.match(element["element_id"])


def test_with_feedback_done_keeps_need_human() -> None:
    card = cards.render_card(_reply(), "fs-om_1")
    done = cards.with_feedback_done(card, "zh")
    ids = [e["element_id"] for e in done["body"]["elements"]]
    assert ids[-2:] == ["feedback_done", "actions"]
    assert "感谢反馈" in done["body"]["elements"][-2]["content"]
    assert card != done and "feedback_done" not in json.dumps(card)  # the original is untouched


def test_simple_card_kinds() -> None:
    assert cards.simple_card("*bold* text", "en", kind="error")["header"]["template"] == "red"
    assert cards.simple_card("*bold* text", "en")["body"]["elements"][0]["content"] == "**bold** text"
    assert cards.render_card(Reply(text="hi", kind="help"))["header"]["template"] == "indigo"


# --- parsing ------------------------------------------------------------------------------------------------
def test_extract_text_variants() -> None:
    assert extract_text("text", '{"text": "hello"}') == "hello"
    assert extract_text("text", "not json") == ""
    assert extract_text("image", '{"image_key": "img"}') == ""
    post = {"zh_cn": {"title": "T", "content": [[{"tag": "at", "user_id": "@_user_1"}, {"tag": "text", "text": " hi"}],
                                                  [{"tag": "img", "image_key": "k"}], [{"tag": "a", "text": "link"}]]}}
    assert extract_text("post", json.dumps(post)) == "T\n@_user_1 hi\nlink"


def test_clean_text_and_mentions() -> None:
    bot = Mention("@_user_1", BOT_OPEN_ID, "bot")
    bob = Mention("@_user_10", "ou_bob", "Bob")
    assert clean_text("@_user_1  /ask  did @_user_10 reply?", (bot, bob), BOT_OPEN_ID) == "/ask did @Bob reply?"
    assert clean_text("@_user_1 hi", (bot,), None) == "hi"
    assert mentions_bot((bot,), BOT_OPEN_ID) and not mentions_bot((bob,), BOT_OPEN_ID)
    assert mentions_bot((bob,), None)  # bot id unknown: any mention counts
    assert not mentions_bot((), None)


def _event(sample: str) -> Any:
    from lark_oapi.api.im.v1 import P2ImMessageReceiveV1

    return P2ImMessageReceiveV1(fixture(sample)).event


def test_parse_message_from_sdk_objects() -> None:
    inbound = parse_message(_event("im_message_receive_v1_group_thread_reply.json"), BOT_OPEN_ID)
    assert inbound is not None
    assert inbound.text == "and build 513?" and inbound.chat_type == "group"
    assert inbound.thread_key == "feishu:oc_5ce6d572455d361153b7xx51da133945:om_5ce6d572455d361153b7cb51da133945"
    assert inbound.thread_id == "omt_d4be107c616" and inbound.supported
    p2p = parse_message(_event("im_message_receive_v1_p2p.json"), BOT_OPEN_ID)
    assert p2p is not None and p2p.is_p2p and p2p.text == "/help" and p2p.root_id == ""
    assert parse_message(_event("im_message_receive_v1_group_at_bot.json"), "ou_another_bot") is None


def test_parse_message_ignores_apps() -> None:
    event = SimpleNamespace(
        sender=SimpleNamespace(sender_type="app", sender_id=SimpleNamespace(open_id="cli_x")),
        message=SimpleNamespace(message_id="om_1", chat_type="p2p", message_type="text", content='{"text":"x"}'),
    )
    assert parse_message(event, BOT_OPEN_ID) is None


def test_escape_keeps_code_spans_readable() -> None:
    assert cards.escape_md("type `/ask <question>` or <b>") == "type `/ask <question>` or &#60;b>"
    assert cards.escape_md("`<at id=all></at>`") == "`＜at id=all>＜/at>`"
    help_card = cards.render_card(Reply(text="• `/ask <question>`: *cited* answers", kind="help"))
    assert help_card["body"]["elements"][0]["content"] == "• `/ask <question>`: **cited** answers"


def test_unusable_api_url_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.errors import ConfigError
    from bot.feishu.app import build_client, build_feishu
    from bot.storage.db import Database, StateStore

    from .conftest import feishu_settings

    with pytest.raises(ConfigError, match="FEISHU_API_URL"):
        build_client(feishu_settings(tmp_path, "http://example.com"))
    state = StateStore(Database(f"sqlite:///{tmp_path / 's.db'}"))
    with pytest.raises(ConfigError, match="FEISHU_APP_ID"):
        build_feishu(feishu_settings(tmp_path, "https://open.larksuite.com", feishu_app_id=""), None, state)  # type: ignore[arg-type]
