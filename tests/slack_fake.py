"""Slack's Web API stood in for on loopback, and signed requests to the bot: the one outside
service the Slack tests (and bench/scale.py's load run) fake. Everything on our side is real."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.helpers import free_port

SECRET = "test-signing-secret"


class SlackAPI:
    """Records Web API calls; answers like Slack would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # thread_ts (or "" at top level) → time.perf_counter() of the first chat.postMessage there.
        self.answered: dict[str, float] = {}
        self.cond = threading.Condition()

    def posted(self, method: str) -> list[dict[str, Any]]:
        with self.cond:
            return [args for m, args in self.calls if m == method]

    def wait_in(self, method: str, channel: str, after: int, timeout: float = 60) -> dict[str, Any]:
        """The first `method` call to `channel` among those after the first `after` calls: an
        answer to an earlier event, posted late, is not taken for this one's."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                later = [args for m, args in self.calls if m == method][after:]
                hit = next((args for args in later if args.get("channel") == channel), None)
                if hit is not None:
                    return hit
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"no {method} to {channel} after the first {after}: {self.calls}")
                self.cond.wait(left)

    def wait_for(self, method: str, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        with self.cond:
            while len([1 for m, _ in self.calls if m == method]) < count:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} calls, got {self.calls}")
                self.cond.wait(left)
            return [args for m, args in self.calls if m == method]


@contextlib.contextmanager
def fake_slack_api() -> Iterator[tuple[str, SlackAPI]]:
    """(base URL for SLACK_API_URL, the recorder), served until the block ends."""
    api = SlackAPI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                args = json.loads(raw or "{}")
            else:
                args = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
            method = self.path.rsplit("/", 1)[-1]
            out: dict[str, Any] = {"ok": True}
            if method == "auth.test":
                out.update(user_id="UBOT", bot_id="BBOT", team_id="T1", user="guidance")
            elif method == "chat.postMessage":
                out.update(channel=args.get("channel"), ts=f"{time.time():.6f}")
            with api.cond:
                api.calls.append((method, args))
                if method == "chat.postMessage":
                    api.answered.setdefault(str(args.get("thread_ts") or ""), time.perf_counter())
                api.cond.notify_all()
            body = json.dumps(out).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/api/", api
    finally:
        server.shutdown()


def signature(body: str | bytes, ts: int, secret: str = SECRET) -> str:
    raw = body.encode() if isinstance(body, str) else body
    return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()


def send(
    url: str,
    body: str,
    content_type: str = "application/json",
    *,
    secret: str = SECRET,
    ts: int | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> int:
    """POST `body` signed as Slack signs it; the HTTP status (-1 when no answer came)."""
    ts = int(time.time()) if ts is None else ts
    req = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature(body, ts, secret),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except OSError:
        return -1


def block_action(action_id: str, value: str, user: str = "U3", channel: str = "C3") -> str:
    """A button click (`block_actions`), form-encoded as Slack posts it."""
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": channel},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "t3",
        "container": {"type": "message"},
        "actions": [
            {"action_id": action_id, "block_id": "b", "value": value, "type": "button", "action_ts": str(time.time())}
        ],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
