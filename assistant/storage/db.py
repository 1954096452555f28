"""The one database the app processes share: feedback, Slack state, editor accounts, change log.

`ASSISTANT_DATABASE_URL` chooses it: empty means SQLite in the data directory
(`assistant.sqlite`, nothing to start), `postgresql://user:password@host/db` lets several web and
Slack processes on several machines share one. One schema (SQLAlchemy Core) serves both; it is
created, or migrated, the first time a process opens the database.

Why Core and not the ORM: every operation here is one or two statements, and the ones that
matter for several processes (de-duplication, rate limits, sign-in limits) must be a single
atomic INSERT or run under a lock; explicit statements keep that visible.

- One engine per URL per process, made lazily (never at import) and remade after a fork.
- SQLite: every transaction starts with BEGIN IMMEDIATE, so read-then-write sequences cannot
  interleave between processes; PostgreSQL: `lock()` takes a transaction-scoped advisory lock.
- Rows of the older per-purpose SQLite files (`feedback.sqlite`, `slack.sqlite`,
  `editors.sqlite` in the data directory) are imported once, then those files are removed
  (legacy.py). The tables are in schema.py.
- Retention: questions, comments and thread history older than `ASSISTANT_FEEDBACK_RETENTION_DAYS`
  are deleted when a process first opens the database and then at most a day apart, checked
  whenever the database is used (`Database.purge` takes an explicit time for tests).
- Slack user ids are stored only as an HMAC (`Database.hash_id`) keyed by
  `ASSISTANT_ID_HASH_KEY`, or by a random key kept in the data directory (`id_hash.key`, 0600).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Table,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.sql.expression import Executable

from ..errors import ConfigError, StoreError
from ..settings import Settings
from . import legacy
from .idkey import load_or_create_key
from .schema import (
    MIGRATIONS,
    OLD_TABLES,
    SCHEMA_VERSION,
    feedback,
    feedback_docs,
    metadata,
    schema_meta,
    slack_shares,
    slack_turns,
    utcnow,
)

log = logging.getLogger(__name__)

DEFAULT_SQLITE_NAME = "assistant.sqlite"
KEY_FILE_NAME = "id_hash.key"
PURGE_EVERY = dt.timedelta(days=1)


# --- URLs and engines ------------------------------------------------------------------------


def database_url(settings: Settings) -> str:
    """The URL in force: ASSISTANT_DATABASE_URL, or SQLite in the data directory."""
    if settings.database_url.strip():
        return settings.database_url.strip()
    return URL.create("sqlite", database=str(settings.data_dir / DEFAULT_SQLITE_NAME)).render_as_string()


def _parse(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"ASSISTANT_DATABASE_URL={raw!r} is not a database URL: {exc}") from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        # psycopg 3 is the driver we install; SQLAlchemy's default for postgresql:// is psycopg2.
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            # Each pooled connection would get its own empty database.
            raise ConfigError("ASSISTANT_DATABASE_URL: an in-memory SQLite database is not shared; name a file")
        return url
    raise ConfigError(f"ASSISTANT_DATABASE_URL must be sqlite:///PATH or postgresql://..., not {url.drivername}://")


_engines_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_ready: set[str] = set()  # URLs whose schema this process has checked
_last_purge: dict[str, dt.datetime] = {}
_engines_pid = os.getpid()


def _engine_for(url: URL) -> Engine:
    global _engines_pid
    key = url.render_as_string(hide_password=False)
    with _engines_lock:
        if os.getpid() != _engines_pid:
            # A forked child must not use the parent's pooled connections (close=False leaves
            # them to the parent).
            for engine in _engines.values():
                engine.dispose(close=False)
            _engines.clear()
            _engines_pid = os.getpid()
        if key not in _engines:
            _engines[key] = _create_engine(url)
        return _engines[key]


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite would BEGIN lazily (and not at all before a SELECT); we issue BEGIN
            # ourselves so that a whole transaction holds the write lock (see `_on_begin`).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # WAL: readers in other processes are not blocked by a writer.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # With WAL, NORMAL stays consistent after a crash and skips an fsync per commit (a
            # Slack request makes several); a power cut may lose the last moments' commits.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            # IMMEDIATE takes the write lock at once: a count-then-insert (rate limits, sign-in
            # failures, thread positions) cannot interleave with another process's.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 10})


def _reason(exc: BaseException) -> str:
    # A DBAPIError's own text repeats the statement and its parameters (questions, comments):
    # the driver's first line says what went wrong without them.
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# --- the database ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    """Rows deleted by one retention run."""

    feedback: int
    turns: int
    shares: int


class Database:
    """A handle on the shared database: cheap to make (the engine is shared per URL)."""

    def __init__(
        self,
        url: str,
        *,
        data_dir: Path | None = None,
        retention_days: int = 365,
        id_hash_key: str = "",
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        if retention_days < 1:
            raise ConfigError(f"ASSISTANT_FEEDBACK_RETENTION_DAYS must be at least 1, not {retention_days}")
        self.url = _parse(url)
        self.data_dir = data_dir
        self.retention_days = retention_days
        self._id_hash_key = id_hash_key
        self._key: bytes | None = None
        self.clock = clock
        self._key_url = self.url.render_as_string(hide_password=False)

    @classmethod
    def for_settings(cls, settings: Settings, clock: Callable[[], dt.datetime] = utcnow) -> Database:
        return cls(
            database_url(settings),
            data_dir=settings.data_dir,
            retention_days=settings.feedback_retention_days,
            id_hash_key=settings.id_hash_key,
            clock=clock,
        )

    @property
    def display(self) -> str:
        """The URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.database or "").expanduser() if self.dialect == "sqlite" else None

    @property
    def engine(self) -> Engine:
        return _engine_for(self.url)

    # --- transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def bare_transaction(self) -> Iterator[Connection]:
        """A transaction without `ensure()` and retention: for creating the schema and importing
        older files, which `begin` itself runs first."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot use the database {self.display}: {_reason(exc)}") from exc

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction, committed on leaving; library errors become StoreError naming the
        database. Creates or migrates the schema on first use in this process and runs the
        retention job when it is due."""
        self.ensure()
        self.purge_if_due()
        with self.bare_transaction() as conn:
            yield conn

    def insert_once(self, conn: Connection, table: Table, values: Mapping[str, Any]) -> bool:
        """INSERT unless a row with the same key exists; True when this call inserted it. Atomic
        across processes: of two racing inserts exactly one wins, the other changes nothing."""
        # RETURNING rather than rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT here.
        key = next(iter(table.primary_key.columns))
        if self.dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            statement: Executable = postgresql.insert(table).values(**values).on_conflict_do_nothing().returning(key)
        else:
            from sqlalchemy.dialects import sqlite

            statement = sqlite.insert(table).values(**values).on_conflict_do_nothing().returning(key)
        return conn.execute(statement).first() is not None

    def lock(self, conn: Connection, key: str) -> None:
        """Serialise transactions that read and then write under `key`, across processes, until
        this transaction ends. SQLite's transactions already hold the write lock from BEGIN."""
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})

    # --- schema ------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create or migrate the schema, import older SQLite files and run retention, once per
        process per URL."""
        with _engines_lock:
            if os.getpid() == _engines_pid and self._key_url in _ready:
                return
        self.migrate()
        if self.data_dir is not None:
            self.import_legacy(self.data_dir)
        self.purge()
        with _engines_lock:
            _ready.add(self._key_url)

    def migrate(self) -> None:
        with self.bare_transaction() as conn:
            # Two processes starting at once: one creates, the other waits and finds it made.
            self.lock(conn, "assistant-schema")
            present = set(inspect(conn).get_table_names())
            if "schema_meta" not in present and present & OLD_TABLES:
                raise StoreError(
                    f"the database {self.display} holds tables of an earlier release; point "
                    "ASSISTANT_DATABASE_URL at a new database (the old files in the data directory are "
                    "imported automatically)"
                )
            version = 0
            if "schema_meta" in present:
                row = conn.execute(select(schema_meta.c.value).where(schema_meta.c.key == "version")).first()
                version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the database {self.display} has schema version {version}, newer than this release's "
                    f"{SCHEMA_VERSION}; upgrade the assistant"
                )
            # A new database is created whole; an older one takes each later version's steps in
            # turn (create_all then adds any table a version introduced).
            if version:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS.get(step, ()):
                        conn.execute(text(statement))
            metadata.create_all(conn, checkfirst=True)
            if version < SCHEMA_VERSION:
                conn.execute(delete(schema_meta).where(schema_meta.c.key == "version"))
                conn.execute(insert(schema_meta).values(key="version", value=str(SCHEMA_VERSION)))

    def schema_version(self) -> int:
        with self.bare_transaction() as conn:
            row = conn.execute(select(schema_meta.c.value).where(schema_meta.c.key == "version")).first()
        return int(row[0]) if row else 0

    # --- user ids ----------------------------------------------------------------------

    def hash_id(self, raw: str) -> str:
        """A user id as stored: HMAC-SHA256 under the deployment's key ("" stays "")."""
        if not raw:
            return ""
        if self._key is None:
            if self._id_hash_key:
                self._key = self._id_hash_key.encode("utf-8")
            elif self.data_dir is not None:
                self._key = load_or_create_key(self.data_dir / KEY_FILE_NAME)
            else:
                raise ConfigError("set ASSISTANT_ID_HASH_KEY (or a data directory) to store user ids")
        return hmac.new(self._key, raw.encode("utf-8"), hashlib.sha256).hexdigest()

    # --- retention ---------------------------------------------------------------------

    def purge(self, now: dt.datetime | None = None) -> Purged:
        """Delete questions and comments (feedback rows with their cited documents and shares)
        and Slack thread history older than the retention period, as of `now`."""
        now = now or self.clock()
        cutoff = now - dt.timedelta(days=self.retention_days)
        with self.bare_transaction() as conn:
            old = select(feedback.c.id).where(feedback.c.created_at < cutoff)
            conn.execute(delete(feedback_docs).where(feedback_docs.c.feedback_id.in_(old)))
            shares = conn.execute(
                delete(slack_shares).where(or_(slack_shares.c.shared_at < cutoff, slack_shares.c.feedback_id.in_(old)))
            ).rowcount
            rows = conn.execute(delete(feedback).where(feedback.c.created_at < cutoff)).rowcount
            turns = conn.execute(delete(slack_turns).where(slack_turns.c.created_at < cutoff)).rowcount
        with _engines_lock:
            _last_purge[self._key_url] = now
        if rows or turns or shares:
            log.info(
                "retention (%d days): deleted %d answers, %d thread turns, %d shares older than %s",
                self.retention_days,
                rows,
                turns,
                shares,
                cutoff.isoformat(timespec="seconds"),
            )
        return Purged(rows, turns, shares)

    def purge_if_due(self) -> Purged | None:
        """The daily run for long-lived processes: purge when the last run in this process was a
        day ago or more (checked on each use, so no timer thread is needed)."""
        now = self.clock()
        with _engines_lock:
            last = _last_purge.get(self._key_url)
        if last is not None and now - last < PURGE_EVERY:
            return None
        return self.purge(now)

    # --- older files -------------------------------------------------------------------

    def import_legacy(self, folder: Path) -> None:
        legacy.import_legacy(self, folder)


def open_database(settings: Settings, clock: Callable[[], dt.datetime] = utcnow) -> Database:
    """The database these settings name, created or migrated (and purged) if this process has not
    done so yet."""
    db = Database.for_settings(settings, clock)
    db.ensure()
    return db
