"""Who changed the corpus, and when: one row per upload, replacement, removal or ingest.

Written by the web Corpus page after each successful change (the editor is known there), kept
in the editors' database under the data directory. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, StoreError
from .sqlite import connect, ensure_schema

ACTIONS = ("upload", "replace", "remove", "ingest")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corpus_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    editor TEXT NOT NULL,
    action TEXT NOT NULL,
    document TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True)
class Change:
    id: int
    at: str
    editor: str
    action: str
    document: str
    detail: str


class ChangeLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        ensure_schema(path, _SCHEMA, "corpus change log")

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            with contextlib.closing(connect(self.path)) as db, db:
                yield db
        except sqlite3.Error as exc:
            raise StoreError(f"cannot use the corpus change log {self.path}: {exc}") from exc

    def record(self, editor: str, action: str, document: str, detail: str = "") -> int:
        if action not in ACTIONS:
            raise ConfigError(f"change action must be one of {', '.join(ACTIONS)}, not {action!r}")
        if not editor:
            # An anonymous change is exactly what this log exists to rule out.
            raise ConfigError("a corpus change must name its editor")
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO corpus_changes (at, editor, action, document, detail) VALUES (?, ?, ?, ?, ?)",
                (at, editor, action, document, detail),
            )
            return int(cur.lastrowid or 0)

    def recent(self, limit: int = 20) -> list[Change]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, at, editor, action, document, detail FROM corpus_changes ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [Change(*r) for r in rows]
