"""Scale-out, really run: one `chroma run` server, one PostgreSQL server, and TWO `assistant slack`
processes (each with its own data directory, as on two machines) pointed at both.

- The same Slack event delivered to each process (Slack's retry reaching the other machine) is
  answered once; the identical signed request again is refused as a replay by the other process.
- A follow-up in the thread sent to the other process finds the history the first one wrote.
- The per-user rate limit counts questions across both processes.
- A 👎 clicked through one process is exported by a third (`assistant feedback export`).

Only Slack's Web API is stood in for (tests/interfaces/test_slack.py), shared by both processes,
so every chat.postMessage either process makes is counted in one place."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Settings
from assistant.storage.db import Database
from assistant.storage.feedback import FeedbackStore
from ingest.pipeline import Ingestor
from tests.helpers import free_port, wait_http, write_small_corpus
from tests.interfaces.test_slack import blocks_text, event
from tests.slack_fake import SECRET, SlackAPI, block_action, fake_slack_api, send

KEY = "shared-id-hash-key-for-every-process"
QUESTION = "how do I apply for a position on the alpha board?"


DELTA = (
    "Delta guidance\n\nParking\n\nDelta staff park in the multistorey behind the orthodontics wing and pay "
    "nothing after six in the evening. Permits are issued by the delta estates office.\n"
)


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).with_name("chroma")
    log = open(tmp_path / "chroma.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/api/v2/heartbeat", proc, tmp_path / "chroma.log")
        yield url
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


@contextlib.contextmanager
def slack_processes(env: dict[str, str], data_dirs: list[Path], models: Path) -> Iterator[list[str]]:
    """`assistant slack` once per data directory, started together; yields their events URLs."""
    exe = Path(sys.executable).with_name("assistant")
    procs, logs, urls = [], [], []
    try:
        for data in data_dirs:
            data.mkdir(parents=True)
            # The ONNX export is read-only and 90 MB: shared by a link rather than made again.
            (data / "models").symlink_to(models)
            port = free_port()
            log = open(data / "slack.log", "w")  # noqa: SIM115 - closed below
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [str(exe), "slack", "--host", "127.0.0.1", "--port", str(port)],
                    env={**env, "ASSISTANT_DATA_DIR": str(data)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc, data in zip(urls, procs, data_dirs, strict=True):
            wait_http(url + "/health", proc, data / "slack.log", timeout=180)
        yield [u + "/slack/events" for u in urls]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(15)
        for log in logs:
            log.close()


def in_thread(api: SlackAPI, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    posted = api.posted("chat.postMessage")
    return [m for m in posted if m.get("channel") == channel and m.get("thread_ts") == thread_ts]


def test_two_slack_processes_share_one_chroma_server_and_one_postgres(
    tmp_path: Path, minilm: Any, _session_settings: Settings, postgres_url: str, chroma_server: str
) -> None:
    corpus = write_small_corpus(tmp_path / "corpus")
    writer = Settings(corpus_dir=corpus, data_dir=tmp_path / "writer", chroma_url=chroma_server)
    report = Ingestor(writer, minilm).run()
    assert report.ok and report.total_chunks > 0
    db = Database(postgres_url, id_hash_key=KEY)
    store = FeedbackStore(db)

    with fake_slack_api() as (api_url, api):
        env = {
            **os.environ,
            "ASSISTANT_CORPUS_DIR": str(corpus),
            "ASSISTANT_CHROMA_URL": chroma_server,
            "ASSISTANT_DATABASE_URL": postgres_url,
            "ASSISTANT_ID_HASH_KEY": KEY,  # the same key everywhere: hashed ids agree across machines
            "ASSISTANT_SLACK_RATE_PER_MINUTE": "2",
            "ASSISTANT_RELOAD_CHECK_S": "0",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_API_URL": api_url,
            "HF_HUB_OFFLINE": "1",
        }
        env.pop("SLACK_APP_TOKEN", None)
        models = _session_settings.data_dir / "models"
        with slack_processes(env, [tmp_path / "app-a", tmp_path / "app-b"], models) as (a, b):
            print(f"\nchroma server {chroma_server}; database {db.display}; slack processes {a} and {b}")

            # 1. One event, delivered to both processes at once (Slack's retry is signed afresh).
            body, ts = event("app_mention", f"<@UBOT> {QUESTION}", channel="C7", event_id="EvSHARED1")
            now = int(time.time())
            statuses: dict[str, int] = {}

            def deliver(name: str, url: str, stamp: int) -> None:
                statuses[name] = send(url, body, ts=stamp, headers={"X-Slack-Retry-Num": "1"} if name == "b" else None)

            threads = [
                threading.Thread(target=deliver, args=("a", a, now)),
                threading.Thread(target=deliver, args=("b", b, now - 1)),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            api.wait_for("chat.postMessage", 1)
            time.sleep(3)  # time for a second answer, if there were to be one
            posted = in_thread(api, "C7", ts)
            rows = store.rows(text=QUESTION)
            print(
                f"same event EvSHARED1 to both processes: HTTP a={statuses['a']} b={statuses['b']}; "
                f"chat.postMessage in the thread: {len(posted)}; feedback rows: {len(rows)}"
            )
            assert statuses == {"a": 200, "b": 200}
            assert len(posted) == 1 and len(rows) == 1
            assert "alpha board secretary" in blocks_text(posted[0])

            # 2. The identical signed request again, to the other process: a replay.
            replay = send(b, body, ts=now)
            print(f"the identical signed request again, to process b: HTTP {replay}")
            assert replay == 409

            # 3. A follow-up in the thread, to process b: it finds the turns a process wrote.
            follow, _ = event("message", "and who do I contact?", channel="C7", thread_ts=ts, channel_type="channel")
            assert send(b, follow) == 200
            api.wait_for("chat.postMessage", len(api.posted("chat.postMessage")) + 1)
            (row,) = store.rows(text="and who do I contact?")
            print(f"follow-up via b: history of {len(row['history'])} turns from the shared thread")
            assert row["history"][0] == {"role": "user", "content": QUESTION}

            # 4. The rate limit (2 a minute) counts across processes.
            eph = len(api.posted("chat.postEphemeral"))
            answers = len(api.posted("chat.postMessage"))
            for url in (a, b, a):
                dm, _ = event("message", "Who sets beta salaries?", channel="D9", channel_type="im", user="U9")
                assert send(url, dm) == 200
            limited = api.wait_for("chat.postEphemeral", eph + 1)[-1]
            # The two questions let through are answered too; until they are, a later step
            # waiting for "the next answer" could take one of theirs (CI once did: a beta answer
            # read as process a's answer about delta).
            api.wait_for("chat.postMessage", answers + 2)
            print(f"questions from U9 via a, b, a with a limit of 2: third refused: {limited['text']!r}")
            assert limited["user"] == "U9" and "wait a moment" in limited["text"]

            # 5. 👎 through process b on the answer (whichever process gave it).
            fid = next(
                e["value"]
                for blk in posted[0]["blocks"]
                if blk["type"] == "actions"
                for e in blk["elements"]
                if e["action_id"] == "feedback_down"
            )
            thanks = len(api.posted("chat.postEphemeral"))
            form = "application/x-www-form-urlencoded"
            assert send(b, block_action("feedback_down", fid, "U1", "C7"), form) == 200
            api.wait_for("chat.postEphemeral", thanks + 1)

            # 7. A document ingested by another process (this one) is answered from by both
            # running processes, without a restart: each reloads on the registry's new stamp.
            (corpus / "delta.txt").write_text(DELTA, encoding="utf-8")
            added = Ingestor(writer, minilm).run()
            assert added.count("added") == 1
            for url, user, app in ((a, "U5", "app-a"), (b, "U6", "app-b")):
                n = len(api.posted("chat.postMessage"))
                dm, _ = event(
                    "message", "where do delta staff park after six?", channel=f"D{user}", channel_type="im", user=user
                )
                assert send(url, dm) == 200
                reply = api.wait_in("chat.postMessage", f"D{user}", n)
                print(f"after another process ingested delta.txt, process {url} answers: {blocks_text(reply)[:90]!r}")
                # The process's own log says what its reload read, should this ever fail again.
                log = (tmp_path / app / "slack.log").read_text(encoding="utf-8", errors="replace")
                assert "multistorey" in blocks_text(reply), log[-3000:]

        # 6. ... exported by a third process, through the same database.
        cli_env = {**env, "ASSISTANT_DATA_DIR": str(tmp_path / "cli")}
        done = subprocess.run(
            [str(Path(sys.executable).with_name("assistant")), "feedback", "export", "--rating", "down"],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        items = [json.loads(line) for line in done.stdout.splitlines()]
        print(f"👎 via process b on answer {fid}; `assistant feedback export --rating down` → {len(items)} item(s):")
        print("  " + json.dumps({k: items[0][k] for k in ("id", "question", "rating", "source", "doc")}))
        assert [(i["question"], i["rating"], i["source"]) for i in items] == [(QUESTION, "down", "slack")]
        stored = store.get(int(fid))
        assert stored is not None and stored["user_hash"] == db.hash_id("U1") != "U1"
