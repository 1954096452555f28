"""HTTP mode: Bolt's ASGI adapter served by uvicorn, behind a small guard for hostile requests.

Bolt checks signatures and staleness but trusts the transport: a body it cannot decode or parse
raised inside the adapter (a 500, or a dropped connection with the old stdlib server), and
nothing bounded how large a body could be or how long it could take to arrive. `RequestGuard`
reads and checks the whole request first and always answers a bad one with a 4xx; only a
complete, bounded, UTF-8 body with a numeric timestamp reaches Bolt.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import anyio
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from uvicorn.protocols.http.h11_impl import H11Protocol

from ...settings import Settings
from .app import SlackApp

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Receive, Send], Awaitable[None]]  # Bolt types its scope as a dict

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
_DIGITS = re.compile(rb"[0-9]{1,12}")  # 12 digits: far beyond any real length or Unix time


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 256 * 1024
    read_timeout_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.slack_max_body_kb * 1024, settings.slack_read_timeout_s)


class BoltHandler(SlackRequestHandler):
    """Bolt's ASGI adapter with two changes: `App.dispatch` (synchronous; it verifies, runs
    middleware and acks) runs in a worker thread so a slow one never stalls the event loop and
    its timeouts, and a signed body that is not a Slack payload (unparseable, or shaped so that
    Bolt's own middleware would raise) gets 400 instead of a 500."""

    def __init__(self, app: SlackApp, signing_secret: str, path: str = EVENTS_PATH) -> None:
        super().__init__(app.bolt, path)
        self.verifier = SignatureVerifier(signing_secret)

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:
        body, headers = await request.get_raw_body(), request.get_headers()
        return await anyio.to_thread.run_sync(self._dispatch, body, request.query_string, headers)

    def _dispatch(self, body: str, query: str, headers: dict[str, Any]) -> BoltResponse:
        try:
            # BoltRequest parses the JSON body (or the form's `payload=`) in its constructor.
            req = BoltRequest(body=body, query=query, headers=headers)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            return self._refuse(body, headers, str(exc))
        problem = _shape_problem(req.body)
        if problem is not None:
            return self._refuse(body, headers, problem)
        return self.app.dispatch(req)

    def _refuse(self, body: str, headers: dict[str, Any], reason: str) -> BoltResponse:
        if not self.verifier.is_valid_request(body, headers):
            return BoltResponse(status=401, body="")  # unsigned garbage: the answer Bolt gives
        log.warning("refused a signed request whose body is not a Slack payload: %s", reason)
        return BoltResponse(status=400, body="malformed payload")


def _shape_problem(body: dict[str, Any]) -> str | None:
    """What Bolt's own middleware indexes without checking (it raises, and answers 500)."""
    for key in ("event", "view", "message", "container"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            return f"`{key}` is not an object"
    for key in ("actions", "authorizations"):
        items = body.get(key)
        if items is not None and not (isinstance(items, list) and all(isinstance(i, dict) for i in items)):
            return f"`{key}` is not a list of objects"
    return None


class RequestGuard:
    """ASGI middleware in front of Bolt: routes, health, and the limits on every POST."""

    def __init__(self, inner: ASGIApp, limits: Limits, path: str = EVENTS_PATH) -> None:
        self.inner, self.limits, self.path = inner, limits, path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)  # lifespan: Bolt's adapter answers it
            return
        method, path = scope["method"], scope["path"]
        if path == HEALTH_PATH:
            ok = method in ("GET", "HEAD")
            await _reply(send, 200 if ok else 405, "ok" if ok else "method not allowed")
            return
        if path != self.path:
            await _reply(send, 404, "not found")
            return
        if method != "POST":
            await _reply(send, 405, "method not allowed", [(b"allow", b"POST")])
            return
        refusal = self._check_headers(scope)
        if refusal is not None:
            await _reply(send, *refusal)
            return
        body = await self._read_body(scope, receive, send)
        if body is None:
            return  # already answered, or the client went away
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            await _reply(send, 400, "body is not UTF-8")
            return
        await self.inner(scope, _replay(body), send)

    def _check_headers(self, scope: Scope) -> tuple[int, str] | None:
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        try:
            # Bolt's adapter decodes every header and the query string as UTF-8 and would raise.
            for raw in [*(b for pair in headers for b in pair), bytes(scope.get("query_string", b""))]:
                raw.decode("utf-8")
        except UnicodeDecodeError:
            return 400, "headers are not UTF-8"
        lengths = {v.strip() for k, v in headers if k.lower() == b"content-length"}
        if not lengths:
            return 411, "Content-Length required"  # Slack always sends one; chunked is refused
        length = lengths.pop()
        if lengths or not _DIGITS.fullmatch(length):
            return 400, "bad Content-Length"
        if int(length) > self.limits.max_body_bytes:
            return 413, "body too large"
        stamps = [v.strip() for k, v in headers if k.lower() == b"x-slack-request-timestamp"]
        if not stamps:
            return 401, "missing X-Slack-Request-Timestamp"
        if len(stamps) > 1 or not _DIGITS.fullmatch(stamps[0]):
            return 400, "bad X-Slack-Request-Timestamp"
        return None

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body within the read timeout and size limit, or None once answered."""
        chunks, size = [], 0
        with anyio.move_on_after(self.limits.read_timeout_s) as deadline:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunk = bytes(message.get("body", b""))
                size += len(chunk)
                if size > self.limits.max_body_bytes:
                    await _reply(send, 413, "body too large")
                    return None
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
        if deadline.cancelled_caught:
            log.warning("closed a request whose body did not arrive in %.1f s", self.limits.read_timeout_s)
            await _reply(send, 408, "request body timed out")
        return None


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the already-read body to the inner app, then reports disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _reply(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode("utf-8")
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    if status >= 400:
        # The rest of a refused request may still be on the wire: close rather than parse it as
        # the next request on this connection.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


_HEADERS_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 25\r\nconnection: close\r\n\r\nrequest headers timed out"
)


class H11WithHeaderTimeout(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for a request's headers: uvicorn closes idle
    keep-alive connections but waits forever on a request line or headers that never finish
    (a slow-loris), which no ASGI middleware can see. Such a connection gets 408 and is closed."""

    header_timeout_s = 10.0  # replaced per server by `serve`
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()  # a connection that never sends a complete request line is not kept

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)

    def on_response_complete(self) -> None:
        self._disarm()  # idle from here on: uvicorn's keep-alive timeout governs
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        armed = self.cycle  # a new request replaces the cycle once its headers are complete
        self._deadline = self.loop.call_later(self.header_timeout_s, self._expire, armed)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, armed: object) -> None:
        # Fire only if no request has begun since arming; one still being answered (pipelined
        # straight after the last) is not idle and re-arms when its response completes.
        idle = self.cycle is armed and (self.cycle is None or self.cycle.response_complete)
        if idle and not self.transport.is_closing():
            self.transport.write(_HEADERS_TIMED_OUT)
            self.transport.close()


def build_asgi(app: SlackApp, signing_secret: str, limits: Limits) -> RequestGuard:
    return RequestGuard(BoltHandler(app, signing_secret), limits)


def serve(app: SlackApp, signing_secret: str, settings: Settings, host: str, port: int) -> None:
    """Run uvicorn in this thread until SIGINT/SIGTERM."""
    import uvicorn

    limits = Limits.from_settings(settings)
    protocol = type("H11Protocol", (H11WithHeaderTimeout,), {"header_timeout_s": limits.read_timeout_s})
    config = uvicorn.Config(
        build_asgi(app, signing_secret, limits),
        host=host,
        port=port,
        http=protocol,  # h11: pure Python and strict, so malformed framing (Content-Length: -5) is a 400
        ws="none",
        lifespan="off",
        interface="asgi3",
        log_config=None,  # keep the CLI's logging set-up
        log_level="warning",
        access_log=False,  # one line per Slack event is noise; refusals are logged above
        server_header=False,
        timeout_keep_alive=5,  # idle keep-alive sockets are closed quickly
        # Each request may hold a worker thread; beyond this uvicorn answers 503 rather than queue.
        limit_concurrency=64,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run()
