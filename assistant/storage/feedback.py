"""Feedback on answers, kept in the shared database (`db.py`) by the web chat and Slack.

An answer is saved when it is shown (unrated), with what the editors' desk needs to triage it:
where it was asked (web or Slack), its outcome and mode, the documents it cites and the chunk
ids of the passages retrieved for it. A thumbs up/down and an optional comment are added to it
later. `assistant feedback export` turns rated answers into draft evaluation items; `rows()`
is the query behind a feedback page. Rows older than the retention period are deleted by
`Database.purge`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import ColumnElement

from ..errors import StoreError
from ..settings import Settings
from ..types import OUTCOMES, Answer
from .db import Database, open_database
from .schema import doc_ids, feedback, feedback_docs, inserted_id

SOURCES = ("web", "slack")
# Most rows a query returns unless asked for fewer; a page shows far fewer than this.
MAX_ROWS = 1000
# Ids are 32-bit on PostgreSQL: a larger number (a forged button value) names no answer, and
# must not reach the database as an out-of-range error.
_MAX_ID = 2**31 - 1


class FeedbackStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure()

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(open_database(settings))

    def save(
        self, answer: Answer, history: list[dict[str, str]] | tuple[Any, ...] = (), *, source: str, user: str = ""
    ) -> int:
        """Store an answer as shown; `user` (a Slack user id) is kept only as a keyed hash."""
        if source not in SOURCES:
            raise StoreError(f"feedback source must be one of {', '.join(SOURCES)}, not {source!r}")
        hist = [
            {"role": getattr(t, "role", None) or t["role"], "content": getattr(t, "content", None) or t["content"]}
            for t in history
        ]
        citations = [c.to_record() for c in answer.citations]
        with self.db.begin() as conn:
            fid = inserted_id(
                conn.execute(
                    insert(feedback).values(
                        created_at=self.db.clock(),
                        source=source,
                        user_hash=self.db.hash_id(user),
                        question=answer.question,
                        history=json.dumps(hist),
                        answer=answer.text,
                        outcome=answer.outcome,
                        refused=answer.refused,
                        mode=answer.mode,
                        citations=json.dumps(citations),
                        retrieved=json.dumps([h.chunk.chunk_id for h in answer.retrieved]),
                        notices=json.dumps(answer.notices),
                        lead_text=answer.lead,
                        nearest=json.dumps(answer.nearest),
                    )
                )
            )
            docs = doc_ids(citations)
            if docs:
                conn.execute(insert(feedback_docs), [{"feedback_id": fid, "doc_id": d} for d in docs])
        return int(fid)

    def rate(self, feedback_id: int, rating: int, comment: str | None = None) -> None:
        if rating not in (1, -1):
            raise StoreError(f"rating must be 1 (up) or -1 (down), not {rating!r}")
        if not 0 < feedback_id <= _MAX_ID:
            raise StoreError(f"no answer with feedback id {feedback_id}")
        values: dict[str, Any] = {"rating": rating, "rated_at": self.db.clock()}
        if comment is not None:
            values["comment"] = comment
        with self.db.begin() as conn:
            done = conn.execute(update(feedback).where(feedback.c.id == feedback_id).values(**values)).rowcount
        if done == 0:
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
            mode=row["mode"] or "extractive",
            outcome=row["outcome"] or "",
            nearest=row["nearest"],
            lead=row["lead"],
        )

    def get(self, feedback_id: int) -> dict[str, Any] | None:
        if not 0 < feedback_id <= _MAX_ID:
            return None
        with self.db.begin() as conn:
            row = conn.execute(select(feedback).where(feedback.c.id == feedback_id)).mappings().first()
        return _row(row) if row else None

    def rated(self, rating: int | None = None) -> list[dict[str, Any]]:
        """Rated answers, oldest first (the export's order)."""
        query = select(feedback).where(feedback.c.rating.is_not(None))
        if rating is not None:
            query = query.where(feedback.c.rating == rating)
        with self.db.begin() as conn:
            return [_row(r) for r in conn.execute(query.order_by(feedback.c.id)).mappings()]

    def rows(
        self,
        rating: int | None = None,
        outcome: str | None = None,
        source: str | None = None,
        doc_id: str | None = None,
        since: dt.datetime | dt.date | None = None,
        until: dt.datetime | dt.date | None = None,
        text: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Stored answers, newest first, as plain dicts (see `_row`). Filters combine (AND):
        `rating` 1 or -1, or 0 for answers not rated; `outcome` answer/partial/refuse; `source`
        web/slack; `doc_id` a cited document; `since` (inclusive) and `until` (exclusive) as aware
        datetimes or dates (a date means midnight UTC, and `until` a date includes that day);
        `text` a case-insensitive substring of the question, answer or comment."""
        if outcome is not None and outcome not in OUTCOMES:
            raise StoreError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        if source is not None and source not in SOURCES:
            raise StoreError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        if rating not in (None, 1, -1, 0):
            raise StoreError(f"rating must be 1, -1 or 0 (not rated), not {rating!r}")
        conditions: list[ColumnElement[bool]] = []
        if rating == 0:
            conditions.append(feedback.c.rating.is_(None))
        elif rating is not None:
            conditions.append(feedback.c.rating == rating)
        if outcome is not None:
            conditions.append(feedback.c.outcome == outcome)
        if source is not None:
            conditions.append(feedback.c.source == source)
        if doc_id:
            cited = select(feedback_docs.c.feedback_id).where(feedback_docs.c.doc_id == doc_id)
            conditions.append(feedback.c.id.in_(cited))
        if since is not None:
            conditions.append(feedback.c.created_at >= _instant(since, "since"))
        if until is not None:
            end = _instant(until, "until")
            if not isinstance(until, dt.datetime):
                end += dt.timedelta(days=1)
            conditions.append(feedback.c.created_at < end)
        if text:
            conditions.append(
                feedback.c.question.icontains(text, autoescape=True)
                | feedback.c.answer.icontains(text, autoescape=True)
                | feedback.c.comment.icontains(text, autoescape=True)
            )
        query = (
            select(feedback)
            .where(*conditions)
            .order_by(feedback.c.created_at.desc(), feedback.c.id.desc())
            .limit(max(0, min(limit, MAX_ROWS)))
            .offset(max(0, offset))
        )
        with self.db.begin() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def delete(self, feedback_id: int) -> bool:
        """Remove one answer (a person asked for their question to be forgotten)."""
        with self.db.begin() as conn:
            conn.execute(delete(feedback_docs).where(feedback_docs.c.feedback_id == feedback_id))
            return conn.execute(delete(feedback).where(feedback.c.id == feedback_id)).rowcount == 1


def _instant(value: dt.datetime | dt.date, name: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise StoreError(f"{name}: give an aware datetime (UTC), not a naive one")
        return value
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _row(row: RowMapping) -> dict[str, Any]:
    """A stored answer as a plain dict: id, created_at and rated_at (ISO 8601, UTC), source,
    user_hash, question, history [{role, content}], answer, outcome, refused, mode, citations
    [Citation.to_record()], doc_ids (cited, in order), retrieved_chunk_ids (in rank order),
    notices, lead (the reply's plain first line, shown apart), nearest (a refusal's nearest
    sections), rating (1, -1 or None) and comment."""
    citations = json.loads(row["citations"] or "[]")
    return {
        "id": int(row["id"]),
        "created_at": _iso(row["created_at"]),
        "rated_at": _iso(row["rated_at"]),
        "source": row["source"],
        "user_hash": row["user_hash"],
        "question": row["question"],
        "history": json.loads(row["history"] or "[]"),
        "answer": row["answer"],
        "outcome": row["outcome"],
        "refused": bool(row["refused"]),
        "mode": row["mode"],
        "citations": citations,
        "doc_ids": doc_ids(citations),
        "retrieved_chunk_ids": json.loads(row["retrieved"] or "[]"),
        "notices": json.loads(row["notices"] or "[]"),
        "lead": row["lead_text"],
        "nearest": json.loads(row["nearest"] or "[]"),
        "rating": row["rating"],
        "comment": row["comment"],
    }


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
    store = FeedbackStore.for_settings(settings)
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
