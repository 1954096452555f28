"""What the Slack bot remembers, in SQLite beside the feedback: thread turns, seen events, accepted
request signatures (replay protection) and shared answers. SQLite, so it holds across restarts."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from pathlib import Path

from ...storage.sqlite import connect, ensure_schema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_turns (
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, position INTEGER NOT NULL,
    role TEXT NOT NULL, content TEXT NOT NULL,
    PRIMARY KEY (channel, thread_ts, position)
);
CREATE TABLE IF NOT EXISTS slack_events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS slack_requests (
    signature TEXT NOT NULL, timestamp INTEGER NOT NULL, seen_at REAL NOT NULL,
    PRIMARY KEY (signature, timestamp)
);
CREATE TABLE IF NOT EXISTS slack_shares (
    feedback_id INTEGER PRIMARY KEY, channel TEXT NOT NULL, user TEXT NOT NULL, shared_at REAL NOT NULL
);
"""

# Bolt refuses a timestamp more than five minutes from now (either way), so a pair whose
# timestamp is older than that can never be accepted again and need not be remembered.
REPLAY_WINDOW_S = 5 * 60


class SlackState:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        ensure_schema(path, _SCHEMA, "Slack state")

    def _db(self) -> sqlite3.Connection:
        return connect(self.path)

    def first_delivery(self, event_id: str) -> bool:
        """True the first time an event id is seen; Slack redelivers when we are slow."""
        with self._lock, self._db() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO slack_events (event_id, seen_at) VALUES (?, ?)", (event_id, time.time())
            )
            db.execute("DELETE FROM slack_events WHERE seen_at < ?", (time.time() - 86400,))
            return cur.rowcount == 1

    def first_request(self, signature: str, timestamp: int) -> bool:
        """True the first time a signed (signature, timestamp) pair is accepted: a captured request
        replayed inside Bolt's five-minute window is refused. Pruned once the window has passed."""
        now = time.time()
        with self._lock, self._db() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO slack_requests (signature, timestamp, seen_at) VALUES (?, ?, ?)",
                (signature, timestamp, now),
            )
            db.execute("DELETE FROM slack_requests WHERE timestamp < ?", (int(now) - REPLAY_WINDOW_S - 1,))
            return cur.rowcount == 1

    def first_share(self, feedback_id: int, channel: str, user: str) -> bool:
        """True the first time an answer is shared; a second click (or a replay) posts nothing."""
        with self._lock, self._db() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO slack_shares (feedback_id, channel, user, shared_at) VALUES (?, ?, ?, ?)",
                (feedback_id, channel, user, time.time()),
            )
            return cur.rowcount == 1

    def history(self, channel: str, thread_ts: str) -> list[dict[str, str]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT role, content FROM slack_turns WHERE channel = ? AND thread_ts = ? ORDER BY position",
                (channel, thread_ts),
            ).fetchall()
        return [{"role": r, "content": c} for r, c in rows]

    def knows_thread(self, channel: str, thread_ts: str) -> bool:
        with self._db() as db:
            return (
                db.execute(
                    "SELECT 1 FROM slack_turns WHERE channel = ? AND thread_ts = ? LIMIT 1", (channel, thread_ts)
                ).fetchone()
                is not None
            )

    def add_turns(self, channel: str, thread_ts: str, question: str, answer: str) -> None:
        with self._lock, self._db() as db:
            (n,) = db.execute(
                "SELECT COUNT(*) FROM slack_turns WHERE channel = ? AND thread_ts = ?", (channel, thread_ts)
            ).fetchone()
            db.executemany(
                "INSERT INTO slack_turns VALUES (?, ?, ?, ?, ?)",
                [(channel, thread_ts, n, "user", question), (channel, thread_ts, n + 1, "assistant", answer)],
            )


class RateLimiter:
    """At most `per_minute` questions per user in any 60 seconds (in this process)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, user: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(user, deque())
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            return True
