"""Rows of the older per-purpose SQLite files (`feedback.sqlite`, `slack.sqlite`,
`editors.sqlite` in the data directory), imported once into the shared database, then the files
removed (they hold Slack user ids in clear).

Each file is imported under a marker row keyed by its name and content hash, so two processes
starting at once import it once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection

from ..errors import StoreError
from .schema import (
    OLD_TABLES,
    corpus_changes,
    doc_ids,
    editors,
    feedback,
    feedback_docs,
    inserted_id,
    legacy_imports,
    signin_failures,
    slack_events,
    slack_requests,
    slack_shares,
    slack_turns,
    utcnow,
)

log = logging.getLogger(__name__)

# The per-purpose SQLite files of earlier releases, imported once into this database.
LEGACY_FILES = ("feedback.sqlite", "slack.sqlite", "editors.sqlite")


class Target(Protocol):
    """What the import needs of `Database`."""

    @property
    def display(self) -> str: ...
    @property
    def dialect(self) -> str: ...
    @property
    def sqlite_path(self) -> Path | None: ...
    def bare_transaction(self) -> AbstractContextManager[Connection]: ...
    def lock(self, conn: Connection, key: str) -> None: ...
    def insert_once(self, conn: Connection, table: Table, values: Mapping[str, Any]) -> bool: ...
    def hash_id(self, raw: str) -> str: ...


def import_legacy(db: Target, folder: Path) -> None:
    target = db.sqlite_path.resolve() if db.sqlite_path else None
    found = [
        folder / name for name in LEGACY_FILES if (folder / name).is_file() and (folder / name).resolve() != target
    ]
    if not found:
        return
    sources = [(path, _read_legacy(path)) for path in found]
    imported: list[Path] = []
    with db.bare_transaction() as conn:
        db.lock(conn, "assistant-legacy-import")
        id_map: dict[int, int] | None = None
        # feedback.sqlite first: shares in slack.sqlite refer to its ids.
        for path, tables in sorted(sources, key=lambda s: s[0].name != "feedback.sqlite"):
            digest = hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode()).hexdigest()[:32]
            n_rows = sum(len(rows) for rows in tables.values())
            marker = {"source": f"{path.name}:{digest}", "imported_at": utcnow(), "rows": n_rows}
            if db.insert_once(conn, legacy_imports, marker):
                if "feedback" in tables:
                    id_map = _import_feedback(db, conn, tables["feedback"])
                _import_slack(db, conn, tables, id_map)
                _import_editors(db, conn, tables)
                log.warning("imported %d rows from %s into %s", n_rows, path, db.display)
            imported.append(path)
    # Only once the rows are committed: the old files go (they hold Slack user ids in clear).
    for path in imported:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        log.warning("removed %s: its rows are in %s", path, db.display)


def _import_feedback(db: Target, conn: Connection, rows: list[dict[str, Any]]) -> dict[int, int]:
    # Ids appear in buttons already posted to Slack: keep them when the table is empty
    # (the usual upgrade), otherwise number the rows afresh and map the shares.
    keep_ids = conn.execute(select(func.count()).select_from(feedback)).scalar_one() == 0
    id_map: dict[int, int] = {}
    for r in sorted(rows, key=lambda r: int(r["id"])):
        refused = bool(r.get("refused"))
        values: dict[str, Any] = {
            "created_at": _time(r.get("created_at")) or utcnow(),
            "rated_at": _time(r.get("rated_at")),
            "source": str(r.get("source") or ""),
            "user_hash": db.hash_id(str(r.get("user") or "")),
            "question": str(r.get("question") or ""),
            "history": str(r.get("history") or "[]"),
            "answer": str(r.get("answer") or ""),
            "outcome": str(r.get("outcome") or ("refuse" if refused else "answer")),
            "refused": refused,
            "mode": "",  # not recorded before
            "citations": str(r.get("citations") or "[]"),
            "retrieved": "[]",
            "notices": str(r.get("notices") or "[]"),
            "rating": r.get("rating"),
            "comment": str(r.get("comment") or ""),
        }
        if keep_ids:
            values["id"] = int(r["id"])
        new_id = inserted_id(conn.execute(insert(feedback).values(**values)))
        id_map[int(r["id"])] = int(values.get("id", new_id))
        docs = doc_ids(json.loads(values["citations"]))
        if docs:
            conn.execute(insert(feedback_docs), [{"feedback_id": id_map[int(r["id"])], "doc_id": d} for d in docs])
    if keep_ids and rows and db.dialect == "postgresql":
        # Explicit ids do not move the sequence; the next answer must not reuse one.
        conn.execute(text("SELECT setval(pg_get_serial_sequence('feedback', 'id'), (SELECT MAX(id) FROM feedback))"))
    return id_map


def _import_slack(
    db: Target, conn: Connection, tables: dict[str, list[dict[str, Any]]], id_map: dict[int, int] | None
) -> None:
    now = utcnow()
    for r in tables.get("slack_turns", []):
        db.insert_once(
            conn,
            slack_turns,
            {
                "channel": r["channel"],
                "thread_ts": r["thread_ts"],
                "position": int(r["position"]),
                "role": r["role"],
                "content": r["content"],
                # Not recorded before: counted from the upgrade.
                "created_at": now,
            },
        )
    for r in tables.get("slack_events", []):
        db.insert_once(conn, slack_events, {"event_id": r["event_id"], "seen_at": float(r["seen_at"])})
    for r in tables.get("slack_requests", []):
        db.insert_once(
            conn,
            slack_requests,
            {"signature": r["signature"], "timestamp": int(r["timestamp"]), "seen_at": float(r["seen_at"])},
        )
    for r in tables.get("slack_shares", []):
        fid = int(r["feedback_id"])
        fid = id_map.get(fid, -1) if id_map is not None else fid
        if fid < 0:
            continue  # the answer it shared was not imported
        db.insert_once(
            conn,
            slack_shares,
            {
                "feedback_id": fid,
                "channel": r["channel"],
                "user_hash": db.hash_id(str(r.get("user") or "")),
                "shared_at": dt.datetime.fromtimestamp(float(r["shared_at"]), dt.UTC),
            },
        )


def _import_editors(db: Target, conn: Connection, tables: dict[str, list[dict[str, Any]]]) -> None:
    for r in tables.get("editors", []):
        db.insert_once(
            conn,
            editors,
            {
                "name_key": str(r["name"]).lower(),
                "name": r["name"],
                "password_hash": r["password_hash"],
                "created_at": _time(r.get("created_at")) or utcnow(),
                "last_signin_at": _time(r.get("last_signin_at")),
            },
        )
    failures = [{"name": r["name"], "at": float(r["at"])} for r in tables.get("signin_failures", [])]
    if failures:
        conn.execute(insert(signin_failures), failures)
    changes = [
        {
            "at": _time(r.get("at")) or utcnow(),
            "editor": r["editor"],
            "action": r["action"],
            "document": r["document"],
            "detail": r.get("detail") or "",
        }
        for r in sorted(tables.get("corpus_changes", []), key=lambda r: int(r["id"]))
    ]
    if changes:
        conn.execute(insert(corpus_changes), changes)


def _read_legacy(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of an older per-purpose SQLite file, by table."""
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as con:
            con.row_factory = sqlite3.Row
            names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {
                name: [dict(row) for row in con.execute(f'SELECT * FROM "{name}"')]
                for name in names
                if name in OLD_TABLES | {"signin_failures"}
            }
    except sqlite3.Error as exc:
        raise StoreError(f"cannot import the older database {path}: {exc}; move it aside to start without it") from exc


def _time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
