"""The Slack Bolt app, really started (`assistant slack`) on 127.0.0.1, answering signed requests.
Only Slack's Web API is stood in for (tests/slack_fake.py): a local HTTP server that records what
the bot posts."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Settings
from assistant.storage.feedback import FeedbackStore
from ingest.pipeline import Ingestor
from tests.helpers import free_port, wait_http
from tests.slack_fake import SECRET, SlackAPI, fake_slack_api, send


@pytest.fixture(scope="module")
def slack_api() -> Iterator[tuple[str, SlackAPI]]:
    with fake_slack_api() as out:
        yield out


@contextlib.contextmanager
def running_bot(
    corpus_settings: Settings, minilm: Any, api_url: str, base: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, Settings]]:
    """`assistant slack` (uvicorn) started on a copy of the session index; yields the events URL."""
    corpus, data = base / "corpus", base / "var"
    shutil.copytree(corpus_settings.corpus_dir, corpus)
    shutil.copytree(corpus_settings.data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    # A document whose text tries to ping the whole channel and inject a link.
    (corpus / "bulletin.txt").write_text(
        "Locum rota bulletin\n\nUrgent <!channel> update: locum rota swaps for commissioning leads must be "
        "agreed with <https://evil.example|the portal> by Friday & confirmed by email.\n",
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, data_dir=data, slack_rate_per_minute=8)
    assert Ingestor(settings, minilm).run().ok
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_SLACK_RATE_PER_MINUTE": "8",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": api_url,
        **(extra_env or {}),
    }
    env.pop("SLACK_APP_TOKEN", None)
    exe = Path(sys.executable).with_name("assistant")
    log = open(base / "slack.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(exe), "slack", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/health", proc, base / "slack.log")
        yield url + "/slack/events", settings
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


@pytest.fixture(scope="module")
def bot_url(corpus_settings: Settings, minilm, slack_api, tmp_path_factory) -> Iterator[tuple[str, Settings]]:  # type: ignore[no-untyped-def]
    with running_bot(corpus_settings, minilm, slack_api[0], tmp_path_factory.mktemp("slack")) as out:
        yield out


_n = iter(range(1, 10_000))


def event(
    kind: str,
    text: str,
    channel: str = "C1",
    thread_ts: str | None = None,
    user: str = "U1",
    event_id: str | None = None,
    **extra: Any,
) -> tuple[str, str]:
    ts = f"{1_700_000_000 + next(_n)}.000100"
    ev = {"type": kind, "user": user, "text": text, "ts": ts, "channel": channel, "event_ts": ts, **extra}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    body = {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": ev,
        "event_id": event_id or f"Ev{ts}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
    }
    return json.dumps(body), ts


def blocks_text(args: dict[str, Any]) -> str:
    return json.dumps(args.get("blocks"), ensure_ascii=False)


def test_mention_is_answered_in_thread_with_citations_and_dates(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    before = len(api.posted("chat.postMessage"))
    body, ts = event("app_mention", "<@UBOT> how do I get on a CCG board?")
    assert send(url, body) == 200
    msg = api.wait_for("chat.postMessage", before + 1)[-1]
    assert msg["thread_ts"] == ts and msg["channel"] == "C1"
    text = blocks_text(msg)
    assert "Positions on the CCG" in text and "c. 2012" in text and "years old" in text
    assert "feedback_up" in text and "feedback_down" in text
    assert "integrated care boards" in text  # the editor notice travels with the answer


def test_follow_up_in_the_thread_uses_its_history(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, settings = bot_url
    api = slack_api[1]
    n = len(api.posted("chat.postMessage"))
    body, ts = event("app_mention", "<@UBOT> how do I get on a CCG board?")
    send(url, body)
    api.wait_for("chat.postMessage", n + 1)
    reply, _ = event("message", "and what about SAS doctors?", thread_ts=ts, channel_type="channel")
    assert send(url, reply) == 200
    msg = api.wait_for("chat.postMessage", n + 2)[-1]
    assert msg["thread_ts"] == ts
    (row,) = FeedbackStore.for_settings(settings).rows(text="and what about SAS doctors?", limit=1)
    turns = row["history"]
    assert turns[0] == {"role": "user", "content": "how do I get on a CCG board?"} and len(turns) == 2


def test_thanks_in_the_thread_gets_a_short_reply_and_the_next_follow_up_carries_the_real_question(  # type: ignore[no-untyped-def]
    bot_url, slack_api
) -> None:
    url, settings = bot_url
    api = slack_api[1]
    n = len(api.posted("chat.postMessage"))
    # A user of its own: the bot limits each user's questions per minute.
    body, ts = event("app_mention", "<@UBOT> how do I get on a CCG board?", user="U10")
    send(url, body)
    api.wait_for("chat.postMessage", n + 1)
    thanks, _ = event("message", "great, thanks!", thread_ts=ts, channel_type="channel", user="U10")
    assert send(url, thanks) == 200
    msg = api.wait_for("chat.postMessage", n + 2)[-1]
    assert msg["thread_ts"] == ts and msg["text"] == "You're welcome. Ask another question whenever you like."
    assert not msg.get("blocks")  # no sources, no rating buttons
    store = FeedbackStore.for_settings(settings)
    assert store.rows(text="great, thanks!", limit=5) == []
    reply, _ = event("message", "and what about SAS doctors?", thread_ts=ts, channel_type="channel", user="U10")
    assert send(url, reply) == 200
    api.wait_for("chat.postMessage", n + 3)
    (row,) = store.rows(text="and what about SAS doctors?", limit=1)
    # The thread's history skips the small talk: the follow-up carries on from the board question.
    assert [t["content"] for t in row["history"] if t["role"] == "user"] == ["how do I get on a CCG board?"]


def test_an_over_long_question_is_told_why_not_to_try_again_later(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    n = len(api.posted("chat.postMessage"))
    body, ts = event("app_mention", "<@UBOT> " + "how do I get on a CCG board? " * 80, user="U11")
    assert send(url, body) == 200
    msg = api.wait_for("chat.postMessage", n + 1)[-1]
    assert msg["thread_ts"] == ts
    assert "longer than 2000 characters" in msg["text"] and "try again in a moment" not in msg["text"]


def test_bad_signature_and_stale_timestamp_get_401_and_no_work(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    time.sleep(1)
    n = len(api.calls)
    body, _ = event("app_mention", "<@UBOT> what happens to my pension?")
    assert send(url, body, secret="wrong-secret") == 401
    req = urllib.request.Request(url, data=body.encode(), method="POST", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 401
    assert send(url, body, ts=int(time.time()) - 6 * 60) == 401  # a replay
    time.sleep(2)
    assert len(api.calls) == n


def test_a_redelivered_event_is_answered_once(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    n = len(api.posted("chat.postMessage"))
    body, ts = event("app_mention", "<@UBOT> How many CCGs are there?", event_id="EvRETRY1")
    now = int(time.time())
    assert send(url, body, ts=now) == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    # Slack signs a retry afresh, later. (Signed "now - 1" after a slow first answer, the retry
    # could carry the first request's very timestamp and signature, and be refused as a replay.)
    assert send(url, body, ts=now + 1, headers=retry) == 200
    api.wait_for("chat.postMessage", n + 1)
    time.sleep(3)
    assert len([m for m in api.posted("chat.postMessage") if m.get("thread_ts") == ts]) == 1


def test_own_and_other_bots_messages_are_ignored(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    n = len(api.calls)
    mine, _ = event("message", "I am the bot", channel="D1", channel_type="im", user="UBOT", bot_id="BBOT")
    other, _ = event(
        "message", "beep", channel="D1", channel_type="im", user="U7", bot_id="BOTHER", subtype="bot_message"
    )
    assert send(url, mine) == 200 and send(url, other) == 200
    time.sleep(3)
    assert [m for m, _ in api.calls[n:] if m.startswith("chat.")] == []


def test_direct_message_and_corpus_text_is_escaped(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    n = len(api.posted("chat.postMessage"))
    body, _ts = event(
        "message",
        "What is the urgent update about locum rota swaps for commissioning leads?",
        channel="D1",
        channel_type="im",
    )
    assert send(url, body) == 200
    msg = api.wait_for("chat.postMessage", n + 1)[-1]
    text = blocks_text(msg) + msg.get("text", "")
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "<https://evil.example" not in text and "&amp;" in text


def test_slash_command_is_ephemeral_with_share_button_and_buttons_work(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, settings = bot_url
    api = slack_api[1]
    n_eph = len(api.posted("chat.postEphemeral"))
    form = urllib.parse.urlencode(
        {
            "command": "/ask",
            "text": "what happens to my pension?",
            "user_id": "U2",
            "channel_id": "C2",
            "team_id": "T1",
            "trigger_id": "t1",
            "response_url": "http://127.0.0.1:9/unused",
        }
    )
    started = time.perf_counter()
    assert send(url, form, "application/x-www-form-urlencoded") == 200
    assert time.perf_counter() - started < 3  # acknowledged within Slack's three seconds
    eph = api.wait_for("chat.postEphemeral", n_eph + 1)[-1]
    assert eph["user"] == "U2" and "share_answer" in blocks_text(eph) and "pension" in blocks_text(eph).lower()
    fid = next(
        e["value"]
        for b in eph["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "feedback_down"
    )

    def action(action_id: str) -> str:
        payload = {
            "type": "block_actions",
            "user": {"id": "U2"},
            "channel": {"id": "C2"},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "trigger_id": "t2",
            "container": {"type": "message"},
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "value": fid,
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return urllib.parse.urlencode({"payload": json.dumps(payload)})

    assert send(url, action("feedback_down"), "application/x-www-form-urlencoded") == 200
    api.wait_for("chat.postEphemeral", n_eph + 2)
    stored = FeedbackStore.for_settings(settings).get(int(fid))
    assert stored is not None and stored["rating"] == -1 and stored["source"] == "slack"
    assert stored["user_hash"] and stored["user_hash"] != "U2"  # the Slack id only as a keyed hash
    n_post = len(api.posted("chat.postMessage"))
    assert send(url, action("share_answer"), "application/x-www-form-urlencoded") == 200
    shared = api.wait_for("chat.postMessage", n_post + 1)[-1]
    assert shared["channel"] == "C2" and "asked" in blocks_text(shared) and "pension" in blocks_text(shared).lower()
    # A second click on the same answer (a fresh, validly signed request) posts nothing more.
    assert send(url, action("share_answer"), "application/x-www-form-urlencoded") == 200
    time.sleep(2)
    assert len(api.posted("chat.postMessage")) == n_post + 1


def test_per_user_rate_limit_is_polite(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    n_eph = len(api.posted("chat.postEphemeral"))
    for _ in range(9):
        body, _ = event("message", "What is commissioning?", channel="D9", channel_type="im", user="U9")
        assert send(url, body) == 200
    eph = api.wait_for("chat.postEphemeral", n_eph + 1)[-1]
    assert eph["user"] == "U9" and "wait a moment" in eph["text"]


def test_event_to_posted_answer_latency(bot_url, slack_api) -> None:  # type: ignore[no-untyped-def]
    url, _ = bot_url
    api = slack_api[1]
    latencies = []
    for q in [
        "How many CCGs are there?",
        "Who will monitor consortium GPs?",
        "What is a clinical senate?",
        "What are the drawbacks of commissioning?",
        "Can I get fired from a consortium?",
    ]:
        n = len(api.posted("chat.postMessage"))
        body, _ = event("app_mention", f"<@UBOT> {q}", user="U5")
        started = time.perf_counter()
        send(url, body)
        api.wait_for("chat.postMessage", n + 1)
        latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"\nevent → posted answer on loopback: p50 {statistics.median(latencies):.0f} ms "
        f"(max {max(latencies):.0f} ms over {len(latencies)})"
    )
    assert len(latencies) == 5
