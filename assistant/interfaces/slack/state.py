"""What the Slack bot remembers, in the shared database (`assistant/storage/db.py`): thread turns,
seen events, accepted request signatures (replay protection), shared answers and each user's
recent questions (the rate limit). In the database, so it holds across restarts and across
several `assistant slack` processes: every "first time?" question is one INSERT on a unique key,
and of two processes racing on the same event exactly one wins and answers.

Slack user ids are stored only as keyed hashes (`Database.hash_id`)."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import delete, func, insert, select

from ...storage.db import Database
from ...storage.schema import slack_events, slack_rate_hits, slack_requests, slack_shares, slack_turns

# Bolt refuses a timestamp more than five minutes from now (either way), so a pair whose
# timestamp is older than that can never be accepted again and need not be remembered.
REPLAY_WINDOW_S = 5 * 60
# Slack stops redelivering an event long before this.
EVENT_MEMORY_S = 24 * 3600
RATE_WINDOW_S = 60.0


class SlackState:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        db.ensure()

    def first_delivery(self, event_id: str) -> bool:
        """True the first time an event id is seen, in any process; Slack redelivers when we are
        slow, and a redelivery may reach another process behind the load balancer."""
        now = self._clock()
        with self.db.begin() as conn:
            first = self.db.insert_once(conn, slack_events, {"event_id": event_id, "seen_at": now})
            conn.execute(delete(slack_events).where(slack_events.c.seen_at < now - EVENT_MEMORY_S))
        return first

    def first_request(self, signature: str, timestamp: int) -> bool:
        """True the first time a signed (signature, timestamp) pair is accepted: a captured request
        replayed inside Bolt's five-minute window is refused. Pruned once the window has passed."""
        now = self._clock()
        with self.db.begin() as conn:
            first = self.db.insert_once(
                conn, slack_requests, {"signature": signature, "timestamp": timestamp, "seen_at": now}
            )
            conn.execute(delete(slack_requests).where(slack_requests.c.timestamp < int(now) - REPLAY_WINDOW_S - 1))
        return first

    def first_share(self, feedback_id: int, channel: str, user: str) -> bool:
        """True the first time an answer is shared; a second click (or a replay) posts nothing."""
        with self.db.begin() as conn:
            return self.db.insert_once(
                conn,
                slack_shares,
                {
                    "feedback_id": feedback_id,
                    "channel": channel,
                    "user_hash": self.db.hash_id(user),
                    "shared_at": self.db.clock(),
                },
            )

    def history(self, channel: str, thread_ts: str) -> list[dict[str, str]]:
        query = (
            select(slack_turns.c.role, slack_turns.c.content)
            .where(slack_turns.c.channel == channel, slack_turns.c.thread_ts == thread_ts)
            .order_by(slack_turns.c.position)
        )
        with self.db.begin() as conn:
            return [{"role": r, "content": c} for r, c in conn.execute(query)]

    def knows_thread(self, channel: str, thread_ts: str) -> bool:
        query = (
            select(slack_turns.c.position)
            .where(slack_turns.c.channel == channel, slack_turns.c.thread_ts == thread_ts)
            .limit(1)
        )
        with self.db.begin() as conn:
            return conn.execute(query).first() is not None

    def add_turns(self, channel: str, thread_ts: str, question: str, answer: str) -> None:
        where = (slack_turns.c.channel == channel, slack_turns.c.thread_ts == thread_ts)
        with self.db.begin() as conn:
            # Two processes answering in one thread at once must not take the same positions.
            self.db.lock(conn, f"thread:{channel}:{thread_ts}")
            # After the max, not a count: retention may have removed a thread's oldest turns.
            last = conn.execute(select(func.max(slack_turns.c.position)).where(*where)).scalar_one()
            n = 0 if last is None else int(last) + 1
            at = self.db.clock()
            turn = {"channel": channel, "thread_ts": thread_ts, "created_at": at}
            conn.execute(
                insert(slack_turns),
                [
                    {**turn, "position": n, "role": "user", "content": question},
                    {**turn, "position": n + 1, "role": "assistant", "content": answer},
                ],
            )


class RateLimiter:
    """At most `per_minute` questions per user in any 60 seconds, counted across every process
    sharing the database (a user cannot double the limit by reaching two processes)."""

    def __init__(self, db: Database, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.per_minute = per_minute
        self._clock = clock
        db.ensure()

    def allow(self, user: str) -> bool:
        key = self.db.hash_id(user) or "-"
        now = self._clock()
        with self.db.begin() as conn:
            # Count, then record, under one lock: two processes cannot both take the last slot.
            self.db.lock(conn, "rate:" + key)
            conn.execute(delete(slack_rate_hits).where(slack_rate_hits.c.at <= now - RATE_WINDOW_S))
            count = conn.execute(
                select(func.count()).select_from(slack_rate_hits).where(slack_rate_hits.c.user_hash == key)
            ).scalar_one()
            if count >= self.per_minute:
                return False
            conn.execute(insert(slack_rate_hits).values(user_hash=key, at=now))
            return True
