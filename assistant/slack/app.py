"""The Slack Bolt app: mentions, DMs, thread follow-ups, /ask, feedback and share buttons.

Interfaces stay thin: every answer comes from `Assistant.ask`. Bolt verifies each request's
signature (v0 HMAC-SHA256 of `v0:timestamp:body`, rejecting timestamps older than five
minutes) before any listener runs.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from ..core import Assistant
from ..feedback import FeedbackStore
from ..messages import render
from ..settings import Settings
from .blocks import answer_blocks, escape, fallback_text
from .state import RateLimiter, SlackState

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackConfig:
        env = os.environ if env is None else env
        url = env.get("SLACK_API_URL", "")
        if url and not url.endswith("/"):
            url += "/"
        return cls(
            env.get("SLACK_BOT_TOKEN", ""), env.get("SLACK_SIGNING_SECRET", ""), env.get("SLACK_APP_TOKEN", ""), url
        )


class SlackApp:
    def __init__(self, assistant: Assistant, settings: Settings, config: SlackConfig) -> None:
        self.assistant = assistant
        self.feedback = FeedbackStore(settings.feedback_db)
        self.state = SlackState(settings.data_dir / "slack.sqlite")
        self.limiter = RateLimiter(settings.slack_rate_per_minute)
        client = WebClient(token=config.bot_token or None, base_url=config.api_url or WebClient.BASE_URL)
        # No token check at start-up: the app starts without reaching Slack.
        self.bolt = App(
            token=config.bot_token or None,
            signing_secret=config.signing_secret,
            client=client,
            token_verification_enabled=False,
            raise_error_for_unhandled_request=False,
        )
        self._register()

    # --- answering ------------------------------------------------------------------

    def _answer_in_thread(self, client: WebClient, channel: str, thread_ts: str, user: str, text: str) -> None:
        question = _MENTION.sub("", text or "").strip()
        if not question:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=render("slack_empty"))
            return
        if not self.limiter.allow(user):
            client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, text=render("slack_rate_limited")
            )
            return
        try:
            history = self.state.history(channel, thread_ts)
            answer = self.assistant.ask(question, history)
            fid = self.feedback.save(answer, history, source="slack", user=user)
            # Remember the turn before posting: a quick reply in the thread must find it.
            self.state.add_turns(channel, thread_ts, question, answer.text)
            for blocks in answer_blocks(answer, fid):
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    blocks=blocks,
                    text=fallback_text(answer),
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except Exception:
            log.exception("answering %r in %s/%s failed", question, channel, thread_ts)
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=render("slack_error"))

    def _register(self) -> None:
        app = self.bolt

        def fresh(body: dict[str, Any], event: dict[str, Any]) -> bool:
            if event.get("bot_id") or event.get("subtype"):
                return False  # other bots, edits, joins: never answered
            return self.state.first_delivery(str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"))

        @app.event("app_mention")
        def on_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
            if not fresh(body, event):
                return
            thread = event.get("thread_ts") or event["ts"]
            self._answer_in_thread(client, event["channel"], thread, event.get("user", ""), event.get("text", ""))

        @app.event("message")
        def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: Any) -> None:
            channel, thread = event.get("channel", ""), event.get("thread_ts")
            is_dm = event.get("channel_type") == "im"
            follow_up = bool(thread) and self.state.knows_thread(channel, str(thread))
            mentions_bot = context.bot_user_id and f"<@{context.bot_user_id}>" in (event.get("text") or "")
            if not (is_dm or follow_up) or mentions_bot:
                return  # mentions arrive as app_mention too; other channel chatter is not for us
            if not fresh(body, event):
                return
            self._answer_in_thread(client, channel, thread or event["ts"], event.get("user", ""), event.get("text", ""))

        @app.command("/ask")
        def on_ask(ack: Any, command: dict[str, Any], client: WebClient) -> None:
            ack()  # within Slack's three seconds; the answer follows
            user, channel, question = command["user_id"], command["channel_id"], (command.get("text") or "").strip()
            if not question:
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_empty"))
                return
            if not self.limiter.allow(user):
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_rate_limited"))
                return
            try:
                answer = self.assistant.ask(question)
                fid = self.feedback.save(answer, source="slack", user=user)
                for blocks in answer_blocks(answer, fid, share=True):
                    client.chat_postEphemeral(channel=channel, user=user, blocks=blocks, text=fallback_text(answer))
            except Exception:
                log.exception("/ask %r failed", question)
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_error"))

        def rate(ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient, value: int) -> None:
            ack()
            self.feedback.rate(int(action["value"]), value)
            channel = (body.get("channel") or {}).get("id")
            user = (body.get("user") or {}).get("id")
            if channel and user:
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_thanks"))

        @app.action("feedback_up")
        def on_up(ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
            rate(ack, body, action, client, 1)

        @app.action("feedback_down")
        def on_down(ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
            rate(ack, body, action, client, -1)

        @app.action("share_answer")
        def on_share(ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
            ack()
            answer = self.feedback.answer(int(action["value"]))
            channel = (body.get("channel") or {}).get("id")
            if answer is None or not channel:
                return
            user = (body.get("user") or {}).get("id", "")
            intro = {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<@{user}> asked: " + escape(answer.question)}],
            }
            for i, blocks in enumerate(answer_blocks(answer, int(action["value"]))):
                client.chat_postMessage(
                    channel=channel,
                    blocks=([intro] if i == 0 else []) + blocks,
                    text=fallback_text(answer),
                    unfurl_links=False,
                )


class SlackHTTPServer:
    """Events, commands and actions on one port at `/slack/events`, via `App.dispatch`."""

    def __init__(self, app: SlackApp, host: str = "127.0.0.1", port: int = 3000, path: str = "/slack/events") -> None:
        bolt = app.bolt

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path.split("?")[0] != path:
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                headers: dict[str, str | Sequence[str]] = {k.lower(): [v] for k, v in self.headers.items()}
                resp = bolt.dispatch(BoltRequest(body=body, headers=headers))
                payload = (resp.body or "").encode("utf-8")
                self.send_response(resp.status)
                for k, values in resp.headers.items():
                    for v in values:
                        self.send_header(k, v)
                if "content-length" not in {k.lower() for k in resp.headers}:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                out = b"ok"
                self.send_response(200 if self.path == "/health" else 404)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, fmt: str, *args: Any) -> None:
                log.debug(fmt, *args)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def start_background(self) -> threading.Thread:
        t = threading.Thread(target=self.serve_forever, daemon=True)
        t.start()
        return t

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
