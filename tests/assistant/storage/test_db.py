"""The shared database (assistant/storage/db.py) and the stores on it, against a real SQLite file
and a real PostgreSQL server (tests/postgres.py): schema, migration of the previous release's
files, retention with an injected clock, hashed Slack ids, the feedback query, de-duplication
and rate limits raced by several processes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import multiprocessing
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import inspect, select, text, update

from assistant import Settings
from assistant.errors import ConfigError, StoreError
from assistant.interfaces.cli import main
from assistant.interfaces.slack.state import RateLimiter, SlackState
from assistant.storage.audit import ChangeLog
from assistant.storage.db import DEFAULT_SQLITE_NAME, KEY_FILE_NAME, Database, database_url, open_database
from assistant.storage.editors import EditorAccounts
from assistant.storage.feedback import FeedbackStore, draft_item
from assistant.storage.schema import SCHEMA_VERSION, feedback, schema_meta
from assistant.types import Answer, Chunk, Citation, Hit

KEY = "test-id-hash-key"
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class Clock:
    """A settable UTC clock, so a year can pass in a test."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def citation(doc: str, n: int = 1) -> Citation:
    return Citation(n, doc, f"{doc}.txt", doc.title(), "BMA", "2012", "Why", 3, f"{doc} passage", f"{doc} quote")


def hit(chunk_id: str, doc: str, rank: int) -> Hit:
    chunk = Chunk(chunk_id, doc, f"{doc}.txt", doc.title(), "BMA", "2012", "Why", 3, 0, 10, "passage")
    return Hit(rank, chunk, 1.0 / rank)


def answer(question: str, docs: list[str], outcome: str = "answer", mode: str = "extractive") -> Answer:
    return Answer(
        question,
        f"answer to {question} [1]",
        [citation(d, i + 1) for i, d in enumerate(docs)],
        outcome == "refuse",
        [hit(f"{d}:{i}", d, i + 1) for i, d in enumerate(docs or ["nearest"])],
        mode=mode,
        outcome=outcome,
    )


def test_schema_is_created_versioned_and_refused_when_newer(database_url: str) -> None:
    db = Database(database_url, id_hash_key=KEY)
    db.ensure()
    assert db.schema_version() == SCHEMA_VERSION
    with db.begin() as conn:
        tables = set(inspect(conn).get_table_names())
    assert {"feedback", "feedback_docs", "slack_events", "slack_rate_hits", "editors", "corpus_changes"} <= tables
    db.migrate()  # a second process starting: nothing to do, nothing lost
    assert db.schema_version() == SCHEMA_VERSION
    with db.begin() as conn:
        conn.execute(update(schema_meta).where(schema_meta.c.key == "version").values(value="99"))
    with pytest.raises(StoreError, match="schema version 99, newer"):
        db.migrate()


def test_a_version_1_database_is_migrated_and_keeps_its_rows(database_url: str) -> None:
    db = Database(database_url, id_hash_key=KEY)
    db.ensure()
    store = FeedbackStore(db)
    # Version 1 as it was: the feedback table without a reply's lead line and nearest sections.
    with db.begin() as conn:
        for column in ("lead_text", "nearest"):
            conn.execute(text(f"ALTER TABLE feedback DROP COLUMN {column}"))
        conn.execute(update(schema_meta).where(schema_meta.c.key == "version").values(value="1"))
        conn.execute(
            text(
                "INSERT INTO feedback (created_at, source, question, answer, outcome, refused, mode) "
                "VALUES (:at, 'slack', 'kept?', 'An answer from before. [1]', 'answer', :no, 'extractive')"
            ),
            {"at": T0, "no": False},
        )
        old_id = conn.execute(text("SELECT max(id) FROM feedback")).scalar_one()
    db.migrate()
    assert db.schema_version() == SCHEMA_VERSION == 2
    before = store.answer(old_id)
    assert before is not None and before.text == "An answer from before. [1]" and before.lead == ""
    refusal = Answer(
        "sepsis?",
        "Not answered here. The nearest: Why.",
        [],
        True,
        [],
        nearest=["Why", "How?"],
        lead="Not answered here.",
    )
    again = store.answer(store.save(refusal, source="slack"))
    assert again is not None and again.lead == "Not answered here." and again.nearest == ["Why", "How?"]
    assert again.body == "The nearest: Why."
    db.migrate()  # another process starting: nothing to do
    assert store.answer(old_id) is not None


def test_settings_choose_the_database_and_errors_name_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    assert database_url(settings) == f"sqlite:///{tmp_path / 'var' / DEFAULT_SQLITE_NAME}"
    assert Database.for_settings(settings).url.drivername == "sqlite"
    pg = Database("postgresql://app:s3cret@db.example:5432/assistant")
    assert pg.url.drivername == "postgresql+psycopg" and "s3cret" not in pg.display
    with pytest.raises(ConfigError, match="in-memory"):
        Database("sqlite://")
    with pytest.raises(ConfigError, match="must be sqlite"):
        Database("mysql://x@y/z")
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        Settings.from_env({"ASSISTANT_FEEDBACK_RETENTION_DAYS": "0"}, dotenv=None)
    # Nothing listens on port 9: the error is ours and names the database, without the password.
    unreachable = Database("postgresql://app:s3cret@127.0.0.1:9/assistant")
    with pytest.raises(
        StoreError, match=r"cannot use the database postgresql\+psycopg://app:\*\*\*@127.0.0.1:9"
    ) as err:
        unreachable.ensure()
    assert "s3cret" not in str(err.value)


# --- the previous release's files ------------------------------------------------------------

OLD_FEEDBACK = """
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, rated_at TEXT, source TEXT NOT NULL,
    user TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, history TEXT NOT NULL, answer TEXT NOT NULL,
    refused INTEGER NOT NULL, citations TEXT NOT NULL, notices TEXT NOT NULL DEFAULT '[]', rating INTEGER,
    comment TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_rating ON feedback(rating);
"""
OLD_SLACK = """
CREATE TABLE slack_turns (
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, position INTEGER NOT NULL, role TEXT NOT NULL,
    content TEXT NOT NULL, PRIMARY KEY (channel, thread_ts, position)
);
CREATE TABLE slack_events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE TABLE slack_requests (
    signature TEXT NOT NULL, timestamp INTEGER NOT NULL, seen_at REAL NOT NULL, PRIMARY KEY (signature, timestamp)
);
CREATE TABLE slack_shares (
    feedback_id INTEGER PRIMARY KEY, channel TEXT NOT NULL, user TEXT NOT NULL, shared_at REAL NOT NULL
);
"""
OLD_EDITORS = """
CREATE TABLE editors (
    name TEXT PRIMARY KEY COLLATE NOCASE, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, last_signin_at TEXT
);
CREATE TABLE signin_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX signin_failures_name ON signin_failures(name, at);
CREATE TABLE corpus_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, editor TEXT NOT NULL, action TEXT NOT NULL,
    document TEXT NOT NULL, detail TEXT NOT NULL DEFAULT ''
);
"""
PASSWORD = "correct horse battery staple"


def write_old_files(folder: Path, now: dt.datetime) -> None:
    """The three SQLite files the previous release kept in the data directory, with rows."""
    folder.mkdir(parents=True, exist_ok=True)
    iso = now.isoformat(timespec="seconds")
    cites = json.dumps([citation("alpha").to_record(), citation("beta", 2).to_record()])
    with sqlite3.connect(folder / "feedback.sqlite") as db:
        db.executescript(OLD_FEEDBACK)
        # Ids 7 and 9: buttons already posted in Slack carry them.
        db.execute(
            "INSERT INTO feedback VALUES (7, ?, ?, 'slack', 'U0OLDUSER', 'old question?', '[]', 'old answer [1]', 0, ?,"
            " '[]', -1, 'wrong year', 'answer')",
            (iso, iso, cites),
        )
        # A row from before the outcome column: stored '' and derived on import.
        db.execute(
            "INSERT INTO feedback VALUES (9, ?, NULL, 'web', '', 'refused question?', '[]', 'no', 1, '[]', '[]',"
            " NULL, '', '')",
            (iso,),
        )
    with sqlite3.connect(folder / "slack.sqlite") as db:
        db.executescript(OLD_SLACK)
        db.execute("INSERT INTO slack_turns VALUES ('C1', '1.1', 0, 'user', 'old question?')")
        db.execute("INSERT INTO slack_turns VALUES ('C1', '1.1', 1, 'assistant', 'old answer [1]')")
        db.execute("INSERT INTO slack_events VALUES ('EvOLD', ?)", (now.timestamp(),))
        db.execute("INSERT INTO slack_shares VALUES (7, 'C1', 'U0OLDUSER', ?)", (now.timestamp(),))
    with sqlite3.connect(folder / "editors.sqlite") as db:
        db.executescript(OLD_EDITORS)
        db.execute("INSERT INTO editors VALUES ('Ana', ?, ?, NULL)", (PasswordHasher().hash(PASSWORD), iso))
        db.execute("INSERT INTO corpus_changes VALUES (1, ?, 'Ana', 'upload', 'rota.md', 'Rota')", (iso,))
        db.execute("INSERT INTO corpus_changes VALUES (2, ?, 'Ana', 'ingest', 'rota.md', '1 changed')", (iso,))


def test_the_previous_releases_files_are_imported_once_with_their_rows(database_url: str, tmp_path: Path) -> None:
    data = tmp_path / "var"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    write_old_files(data, now)
    db = Database(database_url, data_dir=data, id_hash_key=KEY)
    db.ensure()

    store = FeedbackStore(db)
    old = store.get(7)
    assert old is not None and old["question"] == "old question?" and old["rating"] == -1
    assert (
        old["comment"] == "wrong year" and old["doc_ids"] == ["alpha", "beta"] and old["created_at"] == now.isoformat()
    )
    assert old["user_hash"] == hmac.new(KEY.encode(), b"U0OLDUSER", hashlib.sha256).hexdigest()
    refused = store.get(9)
    assert refused is not None and refused["outcome"] == "refuse" and refused["rating"] is None
    assert [r["id"] for r in store.rows(doc_id="beta")] == [7]
    assert draft_item(old)["doc"] == ["alpha.txt", "beta.txt"]
    # Ids were kept, and the next answer does not reuse one.
    assert store.save(answer("new?", ["alpha"]), source="web") == 10

    state = SlackState(db)
    assert state.history("C1", "1.1") == [
        {"role": "user", "content": "old question?"},
        {"role": "assistant", "content": "old answer [1]"},
    ]
    assert not state.first_delivery("EvOLD") and not state.first_share(7, "C1", "U0OLDUSER")
    accounts = EditorAccounts(db)
    assert accounts.verify("ana", PASSWORD).ok and [a.name for a in accounts.accounts()] == ["Ana"]
    assert [(c.action, c.document) for c in ChangeLog(db).recent()] == [("ingest", "rota.md"), ("upload", "rota.md")]

    # The old files are gone (they held Slack ids in clear); the raw id is nowhere.
    assert not any((data / n).exists() for n in ("feedback.sqlite", "slack.sqlite", "editors.sqlite"))
    with db.begin() as conn:
        dumped = json.dumps([list(r) for r in conn.execute(select(feedback))], default=str)
    assert "U0OLDUSER" not in dumped

    # The same files again (restored from a backup, or a second process that read them first):
    # imported once only.
    write_old_files(data, now)
    db.import_legacy(data)
    assert len(store.rows(text="old question")) == 1 and not (data / "feedback.sqlite").exists()


def test_a_database_file_of_the_previous_release_is_refused_by_name(tmp_path: Path) -> None:
    old = tmp_path / "feedback.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript(OLD_FEEDBACK)
    with pytest.raises(StoreError, match="tables of an earlier release"):
        Database(f"sqlite:///{old}").ensure()


# --- retention -------------------------------------------------------------------------------


def test_retention_deletes_old_questions_at_start_and_daily(database_url: str, tmp_path: Path) -> None:
    clock = Clock()
    db = Database(database_url, data_dir=tmp_path / "var", retention_days=30, clock=clock)
    store, state = FeedbackStore(db), SlackState(db)
    first = store.save(answer("asked on day 0?", ["alpha"]), source="slack", user="U1")
    store.rate(first, -1, "a comment from day 0")
    state.add_turns("C1", "9.9", "asked on day 0?", "answer")
    assert state.first_share(first, "C1", "U1")
    clock.now = T0 + dt.timedelta(days=20)
    second = store.save(answer("asked on day 20?", ["beta"]), source="web")
    state.add_turns("C1", "9.9", "follow-up on day 20?", "answer")

    clock.now = T0 + dt.timedelta(days=30, hours=1)
    # The next use after a day runs the job: day 0 is past the 30 days, day 20 is not.
    assert [r["id"] for r in store.rows()] == [second]
    assert store.get(first) is None and store.rows(doc_id="alpha") == [] and store.rows(text="comment") == []
    assert [t["content"] for t in state.history("C1", "9.9")] == ["follow-up on day 20?", "answer"]
    # A thread that lost its oldest turns keeps numbering after its newest.
    state.add_turns("C1", "9.9", "day 30?", "answer")
    assert len(state.history("C1", "9.9")) == 4
    assert state.first_share(first, "C1", "U1")  # the share went with the answer
    assert db.purge_if_due() is None  # at most daily

    clock.now = T0 + dt.timedelta(days=50, hours=2)
    assert db.purge_if_due() is not None
    assert store.rows() == []
    # Callable directly, with an explicit time.
    later = store.save(answer("asked on day 50?", ["beta"]), source="web")
    purged = db.purge(T0 + dt.timedelta(days=81))
    assert purged.feedback == 1 and store.get(later) is None


def test_a_new_process_purges_at_start(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", feedback_retention_days=365)
    now = dt.datetime.now(dt.UTC)
    store = FeedbackStore(open_database(settings, clock=Clock(now - dt.timedelta(days=400))))
    store.rate(store.save(answer("asked 400 days ago?", ["alpha"]), source="web"), -1)
    store.db.clock = Clock(now - dt.timedelta(days=2))
    store.rate(store.save(answer("asked 2 days ago?", ["beta"]), source="web"), -1)
    # A new process (the command line) opens the database: the old question goes at once.
    env = {"ASSISTANT_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["question"] for line in done.stdout.splitlines()] == ["asked 2 days ago?"]
    assert [r["question"] for r in store.rows()] == ["asked 2 days ago?"]


# --- hashed Slack ids ------------------------------------------------------------------------


def test_slack_user_ids_are_stored_only_as_keyed_hashes(database_url: str, tmp_path: Path) -> None:
    data = tmp_path / "var"
    db = Database(database_url, data_dir=data)
    fid = FeedbackStore(db).save(answer("q?", ["alpha"]), source="slack", user="U0SECRETID")
    SlackState(db).first_share(fid, "C1", "U0SECRETID")
    assert RateLimiter(db, 5).allow("U0SECRETID")
    key_file = data / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = bytes.fromhex(key_file.read_text().strip())
    expected = hmac.new(key, b"U0SECRETID", hashlib.sha256).hexdigest()
    row = FeedbackStore(db).get(fid)
    assert row is not None and row["user_hash"] == expected
    # A second handle (another process on this machine) reuses the key: the same hash.
    assert Database(database_url, data_dir=data).hash_id("U0SECRETID") == expected
    # A configured key is used instead, and no key file is made.
    other = Database(database_url, data_dir=tmp_path / "elsewhere", id_hash_key=KEY)
    assert other.hash_id("U0SECRETID") == hmac.new(KEY.encode(), b"U0SECRETID", hashlib.sha256).hexdigest()
    assert not (tmp_path / "elsewhere" / KEY_FILE_NAME).exists()
    with db.begin() as conn:
        for table in ("feedback", "slack_shares", "slack_rate_hits"):
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            assert rows and "U0SECRETID" not in json.dumps([list(r) for r in rows], default=str), table
    if db.sqlite_path is not None:
        for f in db.sqlite_path.parent.iterdir():
            assert b"U0SECRETID" not in f.read_bytes(), f


# --- the feedback query ----------------------------------------------------------------------


def test_feedback_rows_filter_and_export(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    db = Database(database_url, data_dir=tmp_path / "var", id_hash_key=KEY, clock=clock)
    store = FeedbackStore(db)
    ids = {}
    for day, (q, docs, outcome, source) in enumerate(
        [
            ("how do I join a board?", ["alpha"], "answer", "web"),
            ("pension 100% safe?", ["beta", "alpha"], "partial", "slack"),
            ("sepsis antibiotics?", [], "refuse", "slack"),
            ("salaries in April?", ["beta"], "answer", "web"),
        ]
    ):
        clock.now = T0 + dt.timedelta(days=day)
        ids[q] = store.save(answer(q, docs, outcome, mode="generated" if day == 3 else "extractive"), source=source)
    store.rate(ids["how do I join a board?"], 1)
    store.rate(ids["pension 100% safe?"], -1, "Mention the CARE scheme")
    store.rate(ids["sepsis antibiotics?"], -1)

    newest_first = [r["question"] for r in store.rows()]
    assert newest_first == ["salaries in April?", "sepsis antibiotics?", "pension 100% safe?", "how do I join a board?"]
    row = store.rows(text="100%")[0]  # % is matched literally
    assert row["source"] == "slack" and row["outcome"] == "partial" and row["mode"] == "extractive"
    assert row["doc_ids"] == ["beta", "alpha"] and row["retrieved_chunk_ids"] == ["beta:0", "alpha:1"]
    assert row["comment"] == "Mention the CARE scheme" and row["created_at"] == (T0 + dt.timedelta(days=1)).isoformat()

    def questions(**kw: Any) -> list[str]:
        return [r["question"] for r in store.rows(**kw)]

    assert questions(rating=-1) == ["sepsis antibiotics?", "pension 100% safe?"]
    assert questions(rating=0) == ["salaries in April?"]
    assert questions(outcome="refuse") == ["sepsis antibiotics?"]
    assert questions(source="web") == ["salaries in April?", "how do I join a board?"]
    assert questions(doc_id="alpha") == ["pension 100% safe?", "how do I join a board?"]
    assert questions(since=T0 + dt.timedelta(days=1), until=T0 + dt.timedelta(days=3)) == [
        "sepsis antibiotics?",
        "pension 100% safe?",
    ]
    assert questions(until=(T0 + dt.timedelta(days=1)).date()) == ["pension 100% safe?", "how do I join a board?"]
    assert questions(text="care SCHEME") == ["pension 100% safe?"]
    assert questions(source="slack", rating=-1, doc_id="beta") == ["pension 100% safe?"]
    assert questions(limit=1, offset=1) == ["sepsis antibiotics?"]
    assert store.rows(source="slack")[0]["mode"] == "extractive" and store.rows(limit=1)[0]["mode"] == "generated"
    with pytest.raises(StoreError, match="outcome"):
        store.rows(outcome="maybe")
    with pytest.raises(StoreError, match="no answer with feedback id"):
        store.rate(999_999, 1)
    with pytest.raises(StoreError, match="no answer with feedback id"):
        store.rate(10**15, 1)  # larger than a database integer: still "no such answer"
    assert store.get(10**15) is None
    with pytest.raises(StoreError, match="source"):
        store.save(answer("q?", []), source="email")
    rebuilt = store.answer(ids["pension 100% safe?"])
    assert (
        rebuilt is not None
        and rebuilt.outcome == "partial"
        and [c.doc_id for c in rebuilt.citations]
        == [
            "beta",
            "alpha",
        ]
    )

    # `assistant feedback export`, as before: rated answers, oldest first, as draft items.
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", database_url)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ASSISTANT_ID_HASH_KEY", KEY)
    assert main(["feedback", "export", "--rating", "down"]) == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [i["question"] for i in items] == ["pension 100% safe?", "sepsis antibiotics?"]
    assert set(items[0]) == {
        "id", "question", "answerable", "category", "doc", "evidence", "key_facts", "history",
        "answer_given", "cited_passages", "rating", "comment", "source",
    }  # fmt: skip
    assert items[0]["rating"] == "down" and items[0]["doc"] == ["alpha.txt", "beta.txt"] and not items[1]["answerable"]
    out = tmp_path / "drafts.jsonl"
    assert main(["feedback", "export", "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 3 and "3 draft item(s) written" in capsys.readouterr().out


# --- several processes -----------------------------------------------------------------------


def _race(url: str, kind: str, barrier: Any, results: Any) -> None:
    """One competing process: wait for the others, then ask the shared database once."""
    db = Database(url, id_hash_key=KEY)
    db.ensure()
    barrier.wait(timeout=60)
    if kind == "event":
        results.put(SlackState(db).first_delivery("EvRACE"))
    else:
        results.put(RateLimiter(db, per_minute=3).allow("U0RACER"))


@pytest.mark.parametrize("kind", ["event", "rate"])
def test_deduplication_and_rate_limits_hold_across_processes(database_url: str, kind: str) -> None:
    Database(database_url, id_hash_key=KEY).ensure()  # schema made first, as at deployment
    ctx = multiprocessing.get_context("spawn")
    n = 6
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(database_url, kind, barrier, results)) for _ in range(n)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    # The same event to six processes at once: one answers. Six questions against a limit of three.
    assert sorted(outcomes) == ([False] * 5 + [True] if kind == "event" else [False] * 3 + [True] * 3)


def test_replay_window_and_shares(database_url: str) -> None:
    now = 1_800_000_000.0
    db = Database(database_url, id_hash_key=KEY)
    state = SlackState(db, clock=lambda: now)
    assert state.first_request("v0=aa", int(now))
    assert not SlackState(db, clock=lambda: now).first_request("v0=aa", int(now))  # another process
    assert state.first_request("v0=bb", int(now) - 400)
    assert state.first_request("v0=cc", int(now))  # prunes pairs older than the window
    with db.begin() as conn:
        kept = set(conn.execute(text("SELECT signature FROM slack_requests")).scalars())
    assert kept == {"v0=aa", "v0=cc"}
    assert state.first_share(7, "C1", "U1") and not SlackState(db).first_share(7, "C1", "U1")
    limiter = RateLimiter(db, 2, clock=lambda: now)
    assert [limiter.allow("U1") for _ in range(3)] == [True, True, False] and limiter.allow("U2")
    assert RateLimiter(db, 2, clock=lambda: now + 61).allow("U1")  # the minute has passed
