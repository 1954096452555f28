"""The Slack Bolt app: mentions, DMs, thread follow-ups, /ask, feedback and share buttons.

Interfaces stay thin: every answer comes from `Assistant.ask`. Bolt verifies each request's
signature (v0 HMAC-SHA256 of `v0:timestamp:body`, rejecting timestamps older than five
minutes) before any listener runs; then a middleware here refuses a signed request seen before
inside that window (a replay). HTTP serving lives in `server.py` (Bolt's ASGI adapter, uvicorn).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from ...core import Assistant
from ...errors import QuestionError, StoreError
from ...messages import render
from ...settings import Settings
from ...storage.db import open_database
from ...storage.feedback import FeedbackStore
from .blocks import answer_blocks, escape, fallback_text
from .state import RateLimiter, SlackState

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# Feedback ids are integer keys: digits only, and short enough for a 64-bit INTEGER.
_FEEDBACK_ID = re.compile(r"[0-9]{1,18}")


def feedback_id(action: Mapping[str, Any]) -> int | None:
    """A button's feedback id, or None (logged) when the value is not one: a forged or mangled
    click is acknowledged and ignored rather than raising inside the listener."""
    value = action.get("value")
    if isinstance(value, str) and _FEEDBACK_ID.fullmatch(value):
        return int(value)
    log.warning("ignoring %s click with a value that is not a feedback id: %r", action.get("action_id"), value)
    return None


def well_formed(payload: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    """Whether the fields a listener reads are strings (required ones non-empty). A signed but
    mis-shaped payload is logged and ignored instead of raising inside Bolt's listener runner."""
    bad = [k for k in required if not (isinstance(payload.get(k), str) and payload[k])]
    bad += [k for k in optional if payload.get(k) is not None and not isinstance(payload[k], str)]
    if bad:
        log.warning("ignoring a Slack payload with missing or malformed %s", ", ".join(bad))
    return not bad


def _id_of(body: Mapping[str, Any], key: str) -> str:
    """`body[key]["id"]` (the clicking user, the channel) when it is there and a string, else ""."""
    value = body.get(key)
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def _header(req: BoltRequest, name: str) -> str:
    values = req.headers.get(name) or []
    return str(values[0]) if values else ""


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
        self.public_url = settings.public_url  # sources link to the web app's viewer when set
        # One database shared with the web app and with any other `assistant slack` process.
        db = open_database(settings)
        self.feedback = FeedbackStore(db)
        self.state = SlackState(db)
        self.limiter = RateLimiter(db, settings.slack_rate_per_minute)
        client = WebClient(token=config.bot_token or None, base_url=config.api_url or WebClient.BASE_URL)
        # No token check at start-up: the app starts without reaching Slack. The token travels in
        # the client (Bolt reads it from there and warns when it is given twice).
        self.bolt = App(
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
            if answer.outcome == "no_question":
                # "thanks!" in a thread: a short reply, kept neither as a turn nor as feedback.
                client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=escape(answer.text))
                return
            fid = self.feedback.save(answer, history, source="slack", user=user)
            # Remember the turn before posting: a quick reply in the thread must find it.
            self.state.add_turns(channel, thread_ts, question, answer.text)
            for blocks in answer_blocks(answer, fid, public_url=self.public_url):
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    blocks=blocks,
                    text=fallback_text(answer),
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except QuestionError as exc:  # too long, say: asking again will not help, shortening will
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=render("slack_bad_question", reason=escape(str(exc)))
            )
        except Exception:
            log.exception("answering %r in %s/%s failed", question, channel, thread_ts)
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=render("slack_error"))

    def _register(self) -> None:
        app = self.bolt

        @app.middleware
        def refuse_replays(req: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
            # Custom middleware runs after Bolt's own signature check, so only genuinely signed
            # pairs are remembered and garbage signatures cannot fill the table.
            if req.mode == "socket_mode":
                return next_()  # no signatures over the socket; Slack's connection is the proof
            signature, timestamp = _header(req, "x-slack-signature"), _header(req, "x-slack-request-timestamp")
            if not timestamp.isdecimal():
                return BoltResponse(status=400, body="bad timestamp")
            if not self.state.first_request(signature, int(timestamp)):
                log.warning("refused a replayed request (timestamp %s)", timestamp)
                return BoltResponse(status=409, body="replayed request")
            return next_()

        def fresh(body: dict[str, Any], event: dict[str, Any]) -> bool:
            if not well_formed(event, ("channel", "ts"), ("text", "thread_ts", "user")):
                return False
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
            if not well_formed(event, ("channel", "ts"), ("text", "thread_ts", "user")):
                return
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
            if not well_formed(command, ("user_id", "channel_id"), ("text",)):
                return
            user, channel, question = command["user_id"], command["channel_id"], (command.get("text") or "").strip()
            if not question:
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_empty"))
                return
            if not self.limiter.allow(user):
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_rate_limited"))
                return
            try:
                answer = self.assistant.ask(question)
                if answer.outcome == "no_question":
                    client.chat_postEphemeral(channel=channel, user=user, text=escape(answer.text))
                    return
                fid = self.feedback.save(answer, source="slack", user=user)
                for blocks in answer_blocks(answer, fid, share=True, public_url=self.public_url):
                    client.chat_postEphemeral(channel=channel, user=user, blocks=blocks, text=fallback_text(answer))
            except QuestionError as exc:
                client.chat_postEphemeral(
                    channel=channel, user=user, text=render("slack_bad_question", reason=escape(str(exc)))
                )
            except Exception:
                log.exception("/ask %r failed", question)
                client.chat_postEphemeral(channel=channel, user=user, text=render("slack_error"))

        def rate(ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient, value: int) -> None:
            ack()
            fid = feedback_id(action)
            if fid is None:
                return
            try:
                self.feedback.rate(fid, value)
            except StoreError as exc:
                log.warning("ignoring a rating: %s", exc)
                return
            channel = _id_of(body, "channel")
            user = _id_of(body, "user")
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
            fid = feedback_id(action)
            answer = None if fid is None else self.feedback.answer(fid)
            channel = _id_of(body, "channel")
            if fid is None or answer is None or not channel:
                return
            user = _id_of(body, "user")
            # Claimed before posting, atomically: a double click or a replay posts nothing more.
            if not self.state.first_share(fid, channel, user):
                log.info("answer %d was already shared; ignoring another share", fid)
                return
            intro = {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<@{user}> asked: " + escape(answer.question)}],
            }
            for i, blocks in enumerate(answer_blocks(answer, fid, public_url=self.public_url)):
                client.chat_postMessage(
                    channel=channel,
                    blocks=([intro] if i == 0 else []) + blocks,
                    text=fallback_text(answer),
                    unfurl_links=False,
                )
