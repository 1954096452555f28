"""Feedback on answers, kept in SQLite and shared by the web chat and Slack.

An answer is saved when it is shown (unrated); a thumbs up/down and an optional comment are
added to it later. `assistant feedback export` turns rated answers into draft evaluation items.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..settings import Settings
from ..types import Answer
from .sqlite import connect, ensure_schema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rated_at TEXT,
    source TEXT NOT NULL,
    user TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    history TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    citations TEXT NOT NULL,
    notices TEXT NOT NULL DEFAULT '[]',
    rating INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS feedback_rating ON feedback(rating);
"""
# Columns added after the first release: (name, definition), added to older databases at open.
_ADDED = [("outcome", "TEXT NOT NULL DEFAULT ''")]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        ensure_schema(path, _SCHEMA, "feedback")
        with self._connect() as db:
            have = {r[1] for r in db.execute("PRAGMA table_info(feedback)")}
            for name, definition in _ADDED:
                if name not in have:
                    db.execute(f"ALTER TABLE feedback ADD COLUMN {name} {definition}")

    def _connect(self) -> sqlite3.Connection:
        db = connect(self.path)
        db.row_factory = sqlite3.Row
        return db

    def save(
        self, answer: Answer, history: list[dict[str, str]] | tuple[Any, ...] = (), *, source: str, user: str = ""
    ) -> int:
        hist = [
            {"role": getattr(t, "role", None) or t["role"], "content": getattr(t, "content", None) or t["content"]}
            for t in history
        ]
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created_at, source, user, question, history, answer, refused, citations,"
                " notices, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    source,
                    user,
                    answer.question,
                    json.dumps(hist),
                    answer.text,
                    int(answer.refused),
                    json.dumps([c.to_record() for c in answer.citations]),
                    json.dumps(answer.notices),
                    answer.outcome,
                ),
            )
            return int(cur.lastrowid or 0)

    def rate(self, feedback_id: int, rating: int, comment: str | None = None) -> None:
        if rating not in (1, -1):
            raise StoreError(f"rating must be 1 (up) or -1 (down), not {rating!r}")
        with self._lock, self._connect() as db:
            cur = db.execute(
                "UPDATE feedback SET rating = ?, rated_at = ?, comment = COALESCE(?, comment) WHERE id = ?",
                (rating, _now(), comment, feedback_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"no answer with feedback id {feedback_id}")

    def answer(self, feedback_id: int) -> Answer | None:
        """The stored answer, rebuilt (to share it again, for example)."""
        from ..types import Citation

        row = self.get(feedback_id)
        if row is None:
            return None
        return Answer(
            row["question"],
            row["answer"],
            [Citation(**c) for c in row["citations"]],
            row["refused"],
            [],
            row["notices"],
            outcome=row.get("outcome") or "",
        )

    def get(self, feedback_id: int) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
        return _row(row) if row else None

    def rated(self, rating: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM feedback WHERE rating IS NOT NULL"
        args: tuple[Any, ...] = ()
        if rating is not None:
            sql += " AND rating = ?"
            args = (rating,)
        with self._connect() as db:
            return [_row(r) for r in db.execute(sql + " ORDER BY id", args).fetchall()]


def _row(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["history"] = json.loads(d["history"])
    d["citations"] = json.loads(d["citations"])
    d["notices"] = json.loads(d.get("notices") or "[]")
    d["refused"] = bool(d["refused"])
    return d


def draft_item(row: dict[str, Any]) -> dict[str, Any]:
    """A draft evaluation item: the editor fills in evidence, key facts and answerable."""
    slug = re.sub(r"[^a-z0-9]+", "-", row["question"].lower()).strip("-")[:40]
    return {
        "id": f"fb-{row['id']}-{slug}",
        "question": row["question"],
        "answerable": not row["refused"],
        "category": "follow_up" if row["history"] else "fact",
        "doc": sorted({c["file"] for c in row["citations"]}) or None,
        "evidence": [],
        "key_facts": [],
        "history": row["history"],
        "answer_given": row["answer"],
        "cited_passages": [c["text"] for c in row["citations"]],
        "rating": "up" if row["rating"] == 1 else "down",
        "comment": row["comment"],
        "source": row["source"],
    }


def add_feedback_parser(sub: Any) -> None:
    s = sub.add_parser("feedback", help="rated answers from the web chat and Slack")
    fsub = s.add_subparsers(dest="feedback_command", required=True)
    e = fsub.add_parser("export", help="write rated answers as draft evaluation items (JSONL)")
    e.add_argument("--rating", choices=["up", "down"], help="only this rating")
    e.add_argument("--out", type=Path, help="file to write (default: standard output)")
    e.set_defaults(fn=cmd_export)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    store = FeedbackStore(settings.feedback_db)
    rating = {"up": 1, "down": -1}.get(args.rating or "")
    lines = [json.dumps(draft_item(r), ensure_ascii=False) for r in store.rated(rating)]
    text = "\n".join(lines) + ("\n" if lines else "")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(
            f"{len(lines)} draft item(s) written to {args.out}; fill in evidence and key_facts, then "
            f"`assistant eval validate {args.out}`"
        )
    else:
        print(text, end="")
    return 0
