"""The Slack endpoint against a hostile client: `assistant slack` (uvicorn) really started on
127.0.0.1 and sent malformed, oversized, slow, unsigned and replayed requests, over raw sockets
where urllib would refuse to send them. Every one gets a 4xx, never a 500 or a dropped connection."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Settings
from assistant.interfaces.slack.state import REPLAY_WINDOW_S, SlackState
from assistant.storage.db import Database
from tests.interfaces.test_slack import event, running_bot
from tests.slack_fake import SECRET, SlackAPI, block_action, fake_slack_api

READ_TIMEOUT_S = 2.0
MAX_BODY_KB = 64


@pytest.fixture(scope="module")
def slack_api() -> Iterator[tuple[str, SlackAPI]]:
    with fake_slack_api() as out:
        yield out


@pytest.fixture(scope="module")
def hostile_bot(corpus_settings: Settings, minilm, slack_api, tmp_path_factory) -> Iterator[tuple[str, Settings, Path]]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("slack-hostile")
    limits = {"ASSISTANT_SLACK_READ_TIMEOUT_S": str(READ_TIMEOUT_S), "ASSISTANT_SLACK_MAX_BODY_KB": str(MAX_BODY_KB)}
    with running_bot(corpus_settings, minilm, slack_api[0], base, limits) as (url, settings):
        yield url, settings, base / "slack.log"


def sign(body: bytes, ts: int | str, secret: str = SECRET) -> str:
    # Any timestamp, numeric or not: the hostile tests sign what they send as they send it.
    return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()


def raw(url: str, request: bytes, *, body_after: bytes = b"", timeout: float = 15) -> tuple[int, bytes, float]:
    """Send bytes as they are; return the status, the raw response and seconds until the server
    closed the connection (or the reply was complete). Status 0 would mean no response at all."""
    parts = urllib.parse.urlsplit(url)
    started = time.perf_counter()
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=timeout) as sock:
        sock.sendall(request + body_after)
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    elapsed = time.perf_counter() - started
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, data, elapsed


def post(
    url: str,
    body: bytes,
    *,
    ts: str | None = None,
    content_type: str = "application/json",
    signature: str | None = None,
    extra: bytes = b"",
) -> int:
    """A raw POST to the events path, signed unless told otherwise, with `Connection: close`."""
    stamp = str(int(time.time())) if ts is None else ts
    sig = sign(body, stamp) if signature is None else signature
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {stamp}\r\nX-Slack-Signature: {sig}\r\n"
        "Connection: close\r\n"
    ).encode() + extra
    return raw(url, head + b"\r\n", body_after=body)[0]


def test_content_length_negative_or_missing_is_refused(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    head = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Request-Timestamp: 1\r\n"
    assert raw(url, head + b"Content-Length: -5\r\n\r\n")[0] == 400
    assert raw(url, head + b"Content-Length: abc\r\n\r\n")[0] == 400
    chunked = head + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    assert raw(url, chunked)[0] == 411


def test_oversized_body_gets_413_without_being_read(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Request-Timestamp: 1\r\n"
        b"Content-Length: 1048576\r\n\r\n"
    )
    status, _, elapsed = raw(url, head, body_after=b"{}")
    assert status == 413 and elapsed < READ_TIMEOUT_S  # answered at once, not after waiting for the body
    big = json.dumps({"type": "event_callback", "pad": "x" * (MAX_BODY_KB * 1024)}).encode()
    assert post(url, big) == 413


def test_slow_body_times_out_with_408_and_closes(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Request-Timestamp: {int(time.time())}\r\n"
        "Content-Length: 60000\r\n\r\n"
    ).encode()
    status, data, elapsed = raw(url, head, body_after=b'{"')
    assert status == 408 and b"connection: close" in data.lower()
    assert READ_TIMEOUT_S - 0.5 < elapsed < READ_TIMEOUT_S + 3  # the server closed it, promptly


def test_slow_headers_time_out_with_408_and_close(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    status, _, elapsed = raw(url, b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-")
    assert status == 408 and READ_TIMEOUT_S - 0.5 < elapsed < READ_TIMEOUT_S + 3


def test_keep_alive_serves_a_second_request_then_idles_out(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    get = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=15) as sock:
        replies = []
        for _ in range(2):
            sock.sendall(get)
            time.sleep(0.3)
            replies.append(sock.recv(4096))
        started = time.perf_counter()
        assert sock.recv(4096) == b""  # the server closes the idle connection
        idle = time.perf_counter() - started
    assert all(r.startswith(b"HTTP/1.1 200") and r.endswith(b"ok") for r in replies)
    assert idle < 8  # uvicorn's keep-alive timeout (5 s), not forever


def test_timestamp_header_must_be_a_number(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    body, _ = event("app_mention", "<@UBOT> how do I get on a CCG board?")
    assert post(url, body.encode(), ts="soon") == 400
    assert post(url, body.encode(), ts="1e9") == 400
    no_stamp = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    assert raw(url, no_stamp, body_after=body.encode())[0] == 401


def test_non_utf8_body_and_headers_get_400(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    assert post(url, b'{"type": "event_callback", "x": "\xff\xfe"}') == 400
    body, _ = event("app_mention", "<@UBOT> what is a CCG?")
    assert post(url, body.encode(), extra=b"X-Note: caf\xe9\r\n") == 400


def test_signed_malformed_payloads_get_400_and_unsigned_get_401(hostile_bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, api = hostile_bot[0], slack_api[1]
    n = len(api.calls)
    form = "application/x-www-form-urlencoded"
    assert post(url, b'{"type": "event_callback", ') == 400
    assert post(url, b"[1, 2, 3]") == 400
    assert post(url, b"payload=%7Bnot+json", content_type=form) == 400
    assert post(url, b"payload=%5B1%5D", content_type=form) == 400  # JSON, but not an object
    # Valid JSON in shapes Bolt's own middleware would index and crash on (a 500).
    assert post(url, b'{"type": "event_callback", "event": "x"}') == 400
    for shape in [{"type": "block_actions", "actions": "x"}, {"type": "view_submission", "view": "x"}]:
        assert post(url, urllib.parse.urlencode({"payload": json.dumps(shape)}).encode(), content_type=form) == 400
    assert post(url, b'{"type": "event_callback", ', signature="v0=" + "0" * 64) == 401
    time.sleep(1)
    assert [m for m, _ in api.calls[n:] if m.startswith("chat.")] == []


def test_button_value_that_is_not_a_number_is_acked_and_logged(hostile_bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _, log = hostile_bot
    api = slack_api[1]
    n = len(api.calls)
    form = "application/x-www-form-urlencoded"
    for action_id, value in [("feedback_up", "12abc"), ("share_answer", "DROP TABLE"), ("feedback_down", "9" * 40)]:
        assert post(url, block_action(action_id, value).encode(), content_type=form) == 200
    assert post(url, block_action("feedback_up", "987654").encode(), content_type=form) == 200  # no such answer
    # Fields a listener reads, present but mis-shaped: acknowledged, logged, nothing posted.
    click = [{"action_id": "share_answer", "value": "1"}]
    odd = {"type": "block_actions", "user": "U3", "channel": "C3", "actions": click}
    assert post(url, urllib.parse.urlencode({"payload": json.dumps(odd)}).encode(), content_type=form) == 200
    assert post(url, b"command=/ask&text=hi&channel_id=C3", content_type=form) == 200  # no user_id
    mention = {"type": "app_mention", "channel": "C3", "ts": 5, "text": "<@UBOT> hi"}
    assert post(url, json.dumps({"type": "event_callback", "event_id": "EvOdd", "event": mention}).encode()) == 200
    time.sleep(2)
    assert [m for m, _ in api.calls[n:] if m.startswith("chat.")] == []
    text = log.read_text(encoding="utf-8")
    assert "not a feedback id: '12abc'" in text and "Traceback" not in text


def ask_form(question: str, user: str) -> str:
    return urllib.parse.urlencode(
        {
            "command": "/ask",
            "text": question,
            "user_id": user,
            "channel_id": "C4",
            "team_id": "T1",
            "trigger_id": "t4",
            "response_url": "http://127.0.0.1:9/unused",
        }
    )


def test_replayed_ask_is_refused_and_shares_post_once(hostile_bot, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _, log = hostile_bot
    api = slack_api[1]
    form = "application/x-www-form-urlencoded"
    n_eph = len(api.posted("chat.postEphemeral"))
    body, ts = ask_form("what happens to my pension?", "U4").encode(), str(int(time.time()))
    assert post(url, body, ts=ts, content_type=form) == 200
    assert post(url, body, ts=ts, content_type=form) == 409  # the same signed request again
    eph = api.wait_for("chat.postEphemeral", n_eph + 1)[-1]
    time.sleep(2)
    assert len(api.posted("chat.postEphemeral")) == n_eph + 1  # answered once
    fid = next(e["value"] for b in eph["blocks"] if b["type"] == "actions" for e in b["elements"])

    n_post = len(api.posted("chat.postMessage"))
    share, share_ts = block_action("share_answer", fid, "U4", "C4").encode(), str(int(time.time()))
    assert post(url, share, ts=share_ts, content_type=form) == 200
    assert post(url, share, ts=share_ts, content_type=form) == 409  # a replayed click
    assert post(url, block_action("share_answer", fid, "U4", "C4").encode(), content_type=form) == 200  # a 2nd click
    api.wait_for("chat.postMessage", n_post + 1)
    time.sleep(2)
    assert len(api.posted("chat.postMessage")) == n_post + 1
    assert "refused a replayed request" in log.read_text(encoding="utf-8")


def test_routes_health_and_methods(hostile_bot) -> None:  # type: ignore[no-untyped-def]
    url = hostile_bot[0]
    root = url.rsplit("/slack/events", 1)[0]
    with urllib.request.urlopen(root + "/health", timeout=5) as resp:
        assert resp.status == 200 and resp.read() == b"ok"
    assert raw(url, b"GET /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 405
    assert raw(url, b"GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 404


def test_seen_signatures_survive_a_restart_and_are_pruned_after_the_window(tmp_path: Path) -> None:
    def state() -> SlackState:  # a new handle each time, as a restarted process would make
        return SlackState(Database.for_settings(Settings(data_dir=tmp_path / "var")))

    now = int(time.time())
    assert state().first_request("v0=aa", now)
    assert not state().first_request("v0=aa", now)  # a new process, the same database
    old = now - REPLAY_WINDOW_S - 10
    assert state().first_request("v0=bb", old)
    assert state().first_request("v0=cc", now)  # prunes pairs older than the window
    with state().db.begin() as conn:
        kept: Any = set(conn.exec_driver_sql("SELECT signature FROM slack_requests").scalars())
    assert kept == {"v0=aa", "v0=cc"}
    assert state().first_share(7, "C1", "U1") and not state().first_share(7, "C1", "U1")
