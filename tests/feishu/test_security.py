"""url_verification, signature, token: rejected requests never reach a handler."""

from __future__ import annotations

import json

import httpx

from .conftest import Harness
from .helpers import ENCRYPT_KEY, SAMPLE, VERIFICATION_TOKEN, fixture, message_event, sign, signed_request


def _assert_nothing_ran(h: Harness, event: dict) -> None:
    h.settle()
    assert h.answerer.calls == []
    assert h.api.message_calls() == []
    assert not h.processed(f"feishu:msg:{event['event']['message']['message_id']}")


def test_url_verification_plain(feishu: Harness) -> None:
    payload = dict(fixture("url_verification.json"), token=VERIFICATION_TOKEN)
    resp = feishu.post(payload, encrypted=False, signed=False)
    assert resp.status_code == 200
    assert resp.json() == {"challenge": "ajls384kdjx98XX"}


def test_url_verification_encrypted_sample(feishu: Harness) -> None:
    resp = feishu.post_raw(SAMPLE["url_verification_encrypted_raw_body"].encode(),
                           {"Content-Type": "application/json"})
    assert resp.status_code == 200
    assert resp.json() == {"challenge": "ajls384kdjx98XX"}


def test_url_verification_encrypted_fresh(feishu: Harness) -> None:
    payload = {"challenge": "c-123", "token": VERIFICATION_TOKEN, "type": "url_verification"}
    resp = feishu.post(payload, signed=False)
    assert resp.status_code == 200 and resp.json() == {"challenge": "c-123"}


def test_url_verification_with_wrong_token_is_rejected(feishu: Harness) -> None:
    resp = feishu.post(fixture("url_verification.json"), encrypted=False, signed=False)  # token "xxxx..."
    assert resp.status_code == 401
    assert "challenge" not in resp.text


def test_bad_signature_is_rejected(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    body, headers = signed_request(event)
    headers["X-Lark-Signature"] = "0" * 64
    resp = feishu.post_raw(body, headers)
    assert resp.status_code == 401
    assert resp.json() == {"msg": "unauthorized"}
    _assert_nothing_ran(feishu, event)


def test_tampered_body_is_rejected(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    body, headers = signed_request(event)
    other, _ = signed_request(message_event("p2p", "something else"))
    resp = feishu.post_raw(other, headers)  # valid-looking body, signature of another body
    assert resp.status_code == 401
    feishu.settle()
    assert feishu.answerer.calls == [] and feishu.api.message_calls() == []


def test_missing_signature_headers_are_rejected(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    resp = feishu.post(event, signed=False)
    assert resp.status_code == 401
    _assert_nothing_ran(feishu, event)


def test_lowercase_signature_headers_are_accepted(feishu: Harness) -> None:
    event = message_event("p2p", "/help")
    body, headers = signed_request(event)
    resp = feishu.post_raw(body, {k.lower(): v for k, v in headers.items()})
    assert resp.status_code == 200


def test_wrong_verification_token_is_rejected(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?", token="rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV")
    resp = feishu.post(event)  # encrypted and correctly signed, but the token is not ours
    assert resp.status_code == 401
    _assert_nothing_ran(feishu, event)


def test_wrong_encrypt_key_is_rejected(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    resp = feishu.post(event, key="some-other-key")
    assert resp.status_code == 401
    _assert_nothing_ran(feishu, event)


def test_plaintext_event_with_encrypt_key_needs_signature(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    body = json.dumps(event).encode()
    headers = {"X-Lark-Request-Timestamp": "1", "X-Lark-Request-Nonce": "n", "X-Lark-Signature": "f" * 64}
    assert feishu.post_raw(body, headers).status_code == 401
    _assert_nothing_ran(feishu, event)
    headers["X-Lark-Signature"] = sign("1", "n", ENCRYPT_KEY, body)  # Feishu's own plaintext push
    assert feishu.post_raw(body, headers).status_code == 200


def test_malformed_body_is_400(feishu: Harness) -> None:
    resp = feishu.post_raw(b"not json", {"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert "Expecting" not in resp.text


def test_card_callback_with_bad_signature_is_rejected(feishu: Harness) -> None:
    from .helpers import card_action_event

    event = card_action_event("feedback_up", "fs-om_x", message_id="om_x", chat_id="oc_x")
    body, headers = signed_request(event)
    headers["X-Lark-Signature"] = "1" * 64
    resp = feishu.post_raw(body, headers, path="/feishu/card")
    assert resp.status_code == 401
    assert feishu.state.feedback() == []


def test_get_is_not_allowed(feishu: Harness) -> None:
    assert httpx.get(feishu.url + "/feishu/events").status_code == 405


def test_token_only_setup_checks_the_token(make_feishu) -> None:  # type: ignore[no-untyped-def]
    h = make_feishu(feishu_encrypt_key="")
    good = message_event("p2p", "/help")
    assert h.post(good, encrypted=False, signed=False).status_code == 200
    bad = message_event("p2p", "/help", token="not-the-token")
    assert h.post(bad, encrypted=False, signed=False).status_code == 401
    h.settle()
    assert len(h.api.message_calls()) == 1


def test_unauthenticated_setup_refuses_webhooks(make_feishu) -> None:  # type: ignore[no-untyped-def]
    h = make_feishu(feishu_encrypt_key="", feishu_verification_token="")
    event = message_event("p2p", "/help", token="")
    resp = h.post(event, encrypted=False, signed=False)
    assert resp.status_code == 503
    _assert_nothing_ran(h, event)


def test_server_wiring(tmp_path, mock_api) -> None:  # type: ignore[no-untyped-def]
    from bot.server import build_asgi_app
    from bot.storage.db import Database, StateStore

    from .conftest import InjectedContainer, feishu_settings
    from .helpers import FakeAnswerer

    settings = feishu_settings(tmp_path, mock_api.url)
    state = StateStore(Database(f"sqlite:///{tmp_path / 'wiring.db'}"))
    app = build_asgi_app(InjectedContainer(settings, FakeAnswerer(), state), warm=False)  # the real router
    paths = {getattr(r, "path", "") for r in app.routes}
    assert {"/feishu/events", "/feishu/card", "/healthz"} <= paths


def test_subscribed_but_unused_events_are_acknowledged(feishu: Harness) -> None:
    event = message_event("p2p", "x")
    event["header"]["event_type"] = "im.chat.member.bot.added_v1"
    event["event"] = {"chat_id": "oc_new", "operator_id": {"open_id": "ou_x"}}
    assert feishu.post(event).status_code == 200  # not 500, so Feishu does not retry it for hours
    event["header"]["event_type"] = "contact.user.created_v3"  # not subscribed, not registered
    assert feishu.post(event).status_code == 500
    feishu.settle()
    assert feishu.api.message_calls() == []


# --- malformed requests: 400 (authenticated or unauthenticatable) / 401, never a 500 or a traceback ------

import time  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402

from .helpers import encrypt  # noqa: E402
from testkit import assert_quiet  # noqa: E402

MALFORMED_JSON = {
    "invalid-json": b"{not json",
    "json-array": b'[{"encrypt": "x"}]',
    "json-null": b"null",
    "json-string": b'"hello"',
    "json-number": b"42",
    "not-utf8": b"\xff\xfe{}",
    "empty": b"",
}
# JSON objects that are not a Feishu envelope (after decryption, in encrypted mode)
BAD_ENVELOPES: dict[str, object] = {
    "header-not-object": {"schema": "2.0", "header": "x", "event": {}},
    "event-not-object": {"schema": "2.0", "header": {"event_type": "im.message.receive_v1",
                                                     "token": VERIFICATION_TOKEN}, "event": "x"},
    "array-plaintext": [1, 2],
}
PATHS = ["/feishu/events", "/feishu/card"]




def _signed(body: bytes, ts: str | None = None, key: str = ENCRYPT_KEY) -> dict[str, str]:
    ts = ts if ts is not None else str(int(time.time()))
    nonce = uuid.uuid4().hex[:8]
    return {"Content-Type": "application/json", "X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": sign(ts, nonce, key, body)}


def _nothing_ran(h: Harness) -> None:
    h.settle()
    assert h.answerer.calls == [] and h.api.message_calls() == []
    assert h.state.feedback() == []


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", sorted(MALFORMED_JSON))
def test_signed_malformed_body_is_400(feishu: Harness, all_logs: pytest.LogCaptureFixture, name: str,
                                      path: str) -> None:
    body = MALFORMED_JSON[name]
    resp = feishu.post_raw(body, _signed(body), path=path)
    assert resp.status_code == 400, resp.text
    assert resp.json() == {"msg": "bad request"}
    _nothing_ran(feishu)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", sorted(MALFORMED_JSON))
def test_unsigned_malformed_body_is_rejected(feishu: Harness, all_logs: pytest.LogCaptureFixture, name: str,
                                            path: str) -> None:
    body = MALFORMED_JSON[name]
    resp = feishu.post_raw(body, {"Content-Type": "application/json"}, path=path)
    assert resp.status_code in (400, 401), resp.text
    _nothing_ran(feishu)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("encrypted", ["garbage", "", 123, None, ["x"], "QUJD"])
def test_signed_undecryptable_encrypt_field_is_400(feishu: Harness, all_logs: pytest.LogCaptureFixture,
                                                  encrypted: object, path: str) -> None:
    body = json.dumps({"encrypt": encrypted}).encode()
    resp = feishu.post_raw(body, _signed(body), path=path)
    assert resp.status_code == 400, resp.text
    _nothing_ran(feishu)
    assert_quiet(all_logs)


@pytest.mark.parametrize("encrypted", ["garbage", 123, None, "QUJD"])
def test_unsigned_undecryptable_encrypt_field_is_rejected(feishu: Harness, all_logs: pytest.LogCaptureFixture,
                                                         encrypted: object) -> None:
    body = json.dumps({"encrypt": encrypted}).encode()
    resp = feishu.post_raw(body, {"Content-Type": "application/json"})
    assert resp.status_code in (400, 401), resp.text
    _nothing_ran(feishu)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", sorted(BAD_ENVELOPES))
def test_signed_bad_envelope_is_400(feishu: Harness, all_logs: pytest.LogCaptureFixture, name: str,
                                    path: str) -> None:
    body = json.dumps({"encrypt": encrypt(json.dumps(BAD_ENVELOPES[name]).encode(), ENCRYPT_KEY)}).encode()
    resp = feishu.post_raw(body, _signed(body), path=path)
    assert resp.status_code == 400, resp.text
    _nothing_ran(feishu)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("timestamp", ["abc", "1e9", "-1", "１２３", "9" * 40])
def test_non_numeric_timestamp_is_401(feishu: Harness, all_logs: pytest.LogCaptureFixture, timestamp: str,
                                      path: str) -> None:
    event = message_event("p2p", "who pays return shipping?")
    body, _ = signed_request(event)
    headers = _signed(body, ts=timestamp)  # correctly signed over the odd timestamp
    resp = httpx.post(feishu.url + path, content=body,
                      headers={k: v.encode() for k, v in headers.items()}, timeout=10)
    assert resp.status_code == 401, resp.text
    _assert_nothing_ran(feishu, event)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
def test_wrong_signature_never_reaches_the_sdk(feishu: Harness, all_logs: pytest.LogCaptureFixture,
                                               path: str) -> None:
    event = message_event("p2p", "who pays return shipping?")
    body, headers = signed_request(event)
    headers["X-Lark-Signature"] = "0" * 64
    assert feishu.post_raw(body, headers, path=path).status_code == 401
    headers["X-Lark-Signature"] = "a" * 100_000
    assert feishu.post_raw(body, headers, path=path).status_code == 401
    _assert_nothing_ran(feishu, event)
    assert_quiet(all_logs)
    assert all(len(r.getMessage()) < 5_000 for r in all_logs.records)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", sorted(MALFORMED_JSON))
def test_plain_mode_malformed_body_is_400(make_feishu, all_logs: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
                                          name: str, path: str) -> None:
    h = make_feishu(feishu_encrypt_key="")
    resp = h.post_raw(MALFORMED_JSON[name], {"Content-Type": "application/json"}, path=path)
    assert resp.status_code == 400, resp.text
    _nothing_ran(h)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("payload", [
    {"schema": "2.0", "header": "x", "event": {}},
    {"schema": "2.0", "header": {"token": VERIFICATION_TOKEN, "event_type": "im.message.receive_v1"},
     "event": "x"},
    {"uuid": "u1", "token": VERIFICATION_TOKEN, "type": "event_callback", "event": "x"},
])
def test_plain_mode_bad_envelope_is_400(make_feishu, all_logs: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
                                        payload: dict, path: str) -> None:
    h = make_feishu(feishu_encrypt_key="")
    resp = h.post_raw(json.dumps(payload).encode(), {"Content-Type": "application/json"}, path=path)
    assert resp.status_code == 400, resp.text
    _nothing_ran(h)
    assert_quiet(all_logs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("payload", [
    {"encrypt": "abc"},
    {"schema": "2.0", "header": {"token": 5, "event_type": "im.message.receive_v1"}, "event": {}},
    {"schema": "2.0", "header": {"event_type": "im.message.receive_v1"}, "event": {}},
    {"challenge": "c", "type": "url_verification"},
])
def test_plain_mode_wrong_or_missing_token_is_401(make_feishu, all_logs: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
                                                  payload: dict, path: str) -> None:
    h = make_feishu(feishu_encrypt_key="")
    resp = h.post_raw(json.dumps(payload).encode(), {"Content-Type": "application/json"}, path=path)
    assert resp.status_code == 401, resp.text
    assert "challenge" not in resp.text
    _nothing_ran(h)
    assert_quiet(all_logs)
