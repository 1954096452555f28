"""SQLite as this project uses it: WAL mode, a busy timeout, schema created on open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError


def connect(path: Path) -> sqlite3.Connection:
    # WAL lets the web app, the Slack bot and the CLI read while one of them writes.
    db = sqlite3.connect(path, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")
    return db


def ensure_schema(path: Path, schema: str, what: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with connect(path) as db:
            db.executescript(schema)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the {what} database {path}: {exc}") from exc
