"""Fuzz the command router with hostile and random texts, for every registered command and alias (read from
the registry when the test runs), on Slack, Feishu and the CLI, as admin, manager and agent.

Every message gets a clear reply (never the "something went wrong" of an unexpected failure), and its Block
Kit and Feishu card renderings stay within the platforms' limits and never carry a live broadcast mention
(`<!channel>`, `<!here>`, `<!everyone>`, `<at user_id="all">`). The fast container uses the hash embedder,
so the whole file runs in well under a minute.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import messages
from bot.feishu.cards import MAX_BODY_BYTES, MAX_ELEMENTS, card_size, count_elements, render_card
from bot.models import ActionEvent, IncomingMessage, Reply
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    MAX_SECTION_CHARS,
    MAX_TOTAL_CHARS,
    fallback_text,
    render_reply,
    text_size,
)
from reliability_kit import ADMINS, MANAGERS

HOSTILE = [
    "", " ", "\n\n\n", "<!channel>", "<!here|here>", "<!everyone>", "@channel", "@here", "@everyone",
    '<at user_id="all"></at>', "<at id=all></at>", '<at user_id="all">所有人</at>', "<!subteam^S123|oncall>",
    "*bold* _it_ ~s~ `code` ```block```", "# heading\n> quote\n- item", "[click](javascript:alert(1))",
    "<https://evil.example|click here>", "&lt;!channel&gt; &amp;", "\x00\x07\x1b[31mred\x1b[0m", "\u200b\u202e\u2066",
    "🙂👍🏽🇨🇳👨‍👩‍👧", "退货运费谁出？", "مرحبا بالعالم", "Привет мир", "ｆｕｌｌｗｉｄｔｈ", "\ud800\udfff",
    "--since", "--since 99999d", "--until 1900-01-01", "--top 999999", "--top -1", "--private", "-p", "--json",
    "--question", '"unbalanced', "'", "\\", "%s %d {0} {seconds} {ref}", "${jndi:ldap://x/a}",
    "'; DROP TABLE audit_log; --", "<<<END PASSAGES>>>", "<script>alert(1)</script>", "T-1", "C000001",
    "BC20261103-58217", "PAY-4031", "R-00000000", "x" * 3000,
]
PLATFORMS = ("slack", "feishu", "cli")
BROADCAST_SLACK = re.compile(r"<!(channel|here|everyone)\b")
BROADCAST_FEISHU = re.compile(r"<at\b[^>]*\b(user_)?id\s*=\s*[\"']?all", re.I)


def _names(router: Any) -> list[str]:
    return [n for spec in router.registry.all() for n in (spec.name, *spec.aliases)]


_CRASH = [re.compile(re.escape(t).replace(re.escape("{ref}"), ".*")) for t in messages.MESSAGES["internal_error"].values()]


def _is_crash(reply: Reply) -> bool:
    """The reply the router gives when a handler raised something unexpected (a bug, not bad input)."""
    return any(p.fullmatch(reply.text.strip()) for p in _CRASH)


def check_rendering(reply: Reply) -> None:
    blocks = render_reply(reply, "a1b2c3")
    assert 1 <= len(blocks) <= MAX_BLOCKS
    for block in blocks:
        text = block.get("text", {})
        if block.get("type") == "section" and isinstance(text, dict):
            assert 0 < len(text.get("text", "")) <= MAX_SECTION_CHARS
    assert text_size(blocks) <= MAX_TOTAL_CHARS
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert not BROADCAST_SLACK.search(dumped), dumped[:500]
    fallback = fallback_text(reply)
    assert len(fallback) <= MAX_FALLBACK_CHARS and not BROADCAST_SLACK.search(fallback)
    card = render_card(reply, "a1b2c3")
    assert card_size(card) <= MAX_BODY_BYTES and count_elements(card) <= MAX_ELEMENTS
    assert not BROADCAST_FEISHU.search(json.dumps(card, ensure_ascii=False))


def _user(platform: str, who: str) -> str:
    if platform == "cli":
        return "local"
    return {"admin": ADMINS, "manager": MANAGERS}.get(who, {}).get(platform, "U_AGENT_1")


def _message(name: str, text: str, platform: str, who: str, slash_field: bool) -> IncomingMessage:
    user = _user(platform, who)
    if slash_field and platform == "slack" and name.startswith("/"):
        return IncomingMessage(text, user_id=user, channel_id="C_FUZZ", platform="slack", command=name)
    return IncomingMessage(f"{name} {text}", user_id=user, channel_id="C_FUZZ", platform=platform)


def _run(router: Any, msg: IncomingMessage) -> Reply:
    reply = router.handle(msg)
    assert isinstance(reply, Reply) and reply.text.strip() or reply.report is not None or reply.form is not None
    assert not _is_crash(reply), (msg.text[:200], msg.command, reply.text)
    check_rendering(reply)
    return reply


def test_every_command_and_alias_with_every_hostile_text(fast_container: Any) -> None:
    router = fast_container.router()
    names = _names(router)
    assert "/ask" in names and "/help" in names
    problems: dict[str, list[str]] = {}
    for i, name in enumerate(names):
        for j, text in enumerate(HOSTILE):
            platform = PLATFORMS[(i + j) % 3]
            who = ("admin", "manager", "agent")[(i * 7 + j) % 3]
            try:
                _run(router, _message(name, text, platform, who, slash_field=bool(j % 2)))
            except AssertionError as exc:
                problems.setdefault(name, []).append(f"{text[:40]!r} on {platform} as {who}: "
                                                     f"{str(exc).splitlines()[0][:240]}")
    summary = [f"{name}: {len(p)} failing texts, e.g. {p[0]}" for name, p in problems.items()]
    assert not problems, "\n".join(summary)


def test_100_kb_and_oversize_messages_are_refused_politely(fast_container: Any) -> None:
    router = fast_container.router()
    for name in _names(router):
        for text in ("a" * 100_000, "退" * 100_000, "<!channel> " * 10_000):
            reply = _run(router, _message(name, text, "slack", "admin", slash_field=name.startswith("/")))
            limit = str(fast_container.settings.max_question_chars)
            assert reply.kind == "error" and limit in reply.text.replace(",", ""), reply.text


hostile_piece = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                          st.text(alphabet=st.characters(codec="utf-8"), max_size=20))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow], database=None)
@given(data=st.data())
def test_random_messages_never_break_the_router_or_the_renderers(fast_container: Any, data: Any) -> None:
    router = fast_container.router()
    name = data.draw(st.sampled_from(_names(router) + ["", "/nonexistent", "/ASK", "/"]), label="command")
    words = data.draw(st.lists(hostile_piece, max_size=6), label="words")
    platform = data.draw(st.sampled_from(PLATFORMS), label="platform")
    who = data.draw(st.sampled_from(("admin", "manager", "agent")), label="who")
    _run(router, _message(name, " ".join(words), platform, who, slash_field=data.draw(st.booleans())))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow], database=None)
@given(data=st.data())
def test_random_button_clicks_never_break_the_router(fast_container: Any, data: Any) -> None:
    router = fast_container.router()
    actions = sorted({a for spec in router.registry.all() for a in spec.actions}) or ["none"]
    action = data.draw(st.sampled_from(actions + ["unknown_action"]), label="action")
    suffix = data.draw(st.sampled_from(["", "~1", "~99"]))
    value = data.draw(hostile_piece, label="value")
    payload = data.draw(st.dictionaries(st.sampled_from(["lang", "ticket", "answer_id", "q", "page"]), hostile_piece,
                                        max_size=3), label="payload")
    platform = data.draw(st.sampled_from(PLATFORMS))
    who = data.draw(st.sampled_from(("admin", "manager", "agent")))
    event = ActionEvent(action_id=action + suffix, value=value, user_id=_user(platform, who), channel_id="C_FUZZ",
                        platform=platform, payload=payload)
    reply = router.handle_action(event)
    if reply is not None:
        assert not _is_crash(reply), (action, value, payload, reply.text)
        check_rendering(reply)


@pytest.mark.parametrize("text", ["<!channel> please read", '<at user_id="all"></at> 大家看', "@here refunds?"])
def test_broadcast_mentions_in_a_model_answer_are_defused(text: str) -> None:
    """The renderers, not only the router: an answer whose text carries mentions renders them inert."""
    reply = Reply(text=text, kind="answer", language="en", grounded=True)
    check_rendering(reply)
