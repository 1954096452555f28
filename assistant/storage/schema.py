"""The shared database's schema (SQLAlchemy Core): one set of tables for SQLite and PostgreSQL,
with the version `Database.migrate` brings a database up to, and two small row helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.types import TypeDecorator

from ..errors import StoreError

SCHEMA_VERSION = 2
# What moves a database from the version before each key to that version; a database of version 0
# has no tables and is created whole. Plain DDL that SQLite and PostgreSQL both accept.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # A reply's lead line and nearest sections, so that an answer shared in Slack later is shown
    # as it was first (the caveat apart from the answer, a refusal's nearest sections as a list).
    2: (
        "ALTER TABLE feedback ADD COLUMN lead_text TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE feedback ADD COLUMN nearest TEXT NOT NULL DEFAULT '[]'",
    ),
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in and out. SQLite keeps no zone (its DATETIME is text), PostgreSQL
    keeps timestamptz; both compare correctly because every value is UTC before it is stored."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError(f"naive datetime {value!r}: store UTC times with their zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


metadata = MetaData()

schema_meta = Table(
    "schema_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per old file imported (keyed by name and content hash), so two processes starting at
# once import it once: the marker is inserted first, and the loser's insert conflicts.
legacy_imports = Table(
    "legacy_imports",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("rows", Integer, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("rated_at", UTCDateTime),
    Column("source", String(16), nullable=False),  # web or slack
    Column("user_hash", String(64), nullable=False, server_default=""),  # HMAC of the Slack user id
    Column("question", Text, nullable=False),
    Column("history", Text, nullable=False, server_default="[]"),  # JSON [{role, content}]
    Column("answer", Text, nullable=False),
    Column("outcome", String(16), nullable=False, server_default=""),  # answer, partial, refuse
    Column("refused", Boolean, nullable=False),
    Column("mode", String(32), nullable=False, server_default=""),  # extractive, generated, ...
    Column("citations", Text, nullable=False, server_default="[]"),  # JSON [Citation.to_record()]
    Column("retrieved", Text, nullable=False, server_default="[]"),  # JSON [chunk id], in rank order
    Column("notices", Text, nullable=False, server_default="[]"),
    Column("lead_text", Text, nullable=False, server_default=""),  # Answer.lead (schema version 2)
    Column("nearest", Text, nullable=False, server_default="[]"),  # JSON Answer.nearest (version 2)
    Column("rating", SmallInteger, index=True),  # 1, -1, or NULL (not rated)
    Column("comment", Text, nullable=False, server_default=""),
)

# The documents an answer cites, one row each, so "answers citing document X" is an indexed
# query rather than a scan of JSON text.
feedback_docs = Table(
    "feedback_docs",
    metadata,
    Column("feedback_id", Integer, ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False),
    Column("doc_id", String(200), nullable=False, index=True),
    PrimaryKeyConstraint("feedback_id", "doc_id"),
)

slack_turns = Table(
    "slack_turns",
    metadata,
    Column("channel", String(64), nullable=False),
    Column("thread_ts", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("role", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("channel", "thread_ts", "position"),
)

slack_events = Table(
    "slack_events",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("seen_at", Float, nullable=False, index=True),
)

slack_requests = Table(
    "slack_requests",
    metadata,
    Column("signature", String(128), nullable=False),
    Column("timestamp", BigInteger, nullable=False, index=True),
    Column("seen_at", Float, nullable=False),
    PrimaryKeyConstraint("signature", "timestamp"),
)

slack_shares = Table(
    "slack_shares",
    metadata,
    Column("feedback_id", Integer, primary_key=True, autoincrement=False),
    Column("channel", String(64), nullable=False),
    Column("user_hash", String(64), nullable=False),
    Column("shared_at", UTCDateTime, nullable=False, index=True),
)

slack_rate_hits = Table(
    "slack_rate_hits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_hash", String(64), nullable=False),
    Column("at", Float, nullable=False, index=True),
    Index("slack_rate_hits_user", "user_hash", "at"),
)

editors = Table(
    "editors",
    metadata,
    # Names are unique whatever their case: the key is the lower-cased name.
    Column("name_key", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_signin_at", UTCDateTime),
)

signin_failures = Table(
    "signin_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("signin_failures_name", "name", "at"),
)

corpus_changes = Table(
    "corpus_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("editor", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("document", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
)

# Tables an earlier release created (in its own files); finding one here without schema_meta
# means this very file is an old one.
OLD_TABLES = {"feedback", "slack_turns", "slack_events", "slack_requests", "slack_shares", "editors", "corpus_changes"}


def inserted_id(result: CursorResult[Any]) -> int:
    """The key of the row an INSERT made."""
    key = result.inserted_primary_key
    if not key or key[0] is None:
        raise StoreError("the database did not return the new row's id")
    return int(key[0])


def doc_ids(citations: list[dict[str, Any]]) -> list[str]:
    """The documents cited, each once, in citation order."""
    return list(dict.fromkeys(str(c["doc_id"]) for c in citations if c.get("doc_id")))
