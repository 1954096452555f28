"""Who changed the corpus, and when: one row per upload, replacement, removal or ingest.

Written by the web Corpus page after each successful change (the editor is known there), kept
in the shared database (`db.py`). No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from ..errors import ConfigError
from ..settings import Settings
from .db import Database, open_database
from .schema import corpus_changes, inserted_id

ACTIONS = ("upload", "replace", "remove", "ingest")


@dataclass(frozen=True)
class Change:
    id: int
    at: str
    editor: str
    action: str
    document: str
    detail: str


class ChangeLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure()

    @classmethod
    def for_settings(cls, settings: Settings) -> ChangeLog:
        return cls(open_database(settings))

    def record(self, editor: str, action: str, document: str, detail: str = "") -> int:
        if action not in ACTIONS:
            raise ConfigError(f"change action must be one of {', '.join(ACTIONS)}, not {action!r}")
        if not editor:
            # An anonymous change is exactly what this log exists to rule out.
            raise ConfigError("a corpus change must name its editor")
        with self.db.begin() as conn:
            new_id = inserted_id(
                conn.execute(
                    insert(corpus_changes).values(
                        at=self.db.clock().replace(microsecond=0),
                        editor=editor,
                        action=action,
                        document=document,
                        detail=detail,
                    )
                )
            )
        return int(new_id)

    def recent(self, limit: int = 20) -> list[Change]:
        query = select(corpus_changes).order_by(corpus_changes.c.at.desc(), corpus_changes.c.id.desc()).limit(limit)
        with self.db.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            Change(
                int(r["id"]),
                r["at"].isoformat(timespec="seconds"),
                r["editor"],
                r["action"],
                r["document"],
                r["detail"],
            )
            for r in rows
        ]
