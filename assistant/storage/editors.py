"""Editor accounts for deployments without an identity provider: names and argon2 password hashes.

Kept in SQLite under the data directory (`editors.sqlite`), shared by the web app and the
`assistant editors` command. Failed sign-ins are counted per account name in the same database,
so a restart of the web app does not reset the limit. Nothing here imports Streamlit; the web
glue is `assistant/webauth.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import math
import re
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import ConfigError, StoreError
from ..settings import Settings
from .sqlite import connect, ensure_schema

# The limit counts failures in a sliding window of this length (the setting gives the count).
WINDOW_S = 15 * 60
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS editors (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_signin_at TEXT
);
CREATE TABLE IF NOT EXISTS signin_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS signin_failures_name ON signin_failures(name, at);
"""


def editors_db(settings: Settings) -> Path:
    """The database of editor accounts, sign-in failures and the corpus change log."""
    return settings.data_dir / "editors.sqlite"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class EditorAccount:
    name: str
    created_at: str
    last_signin_at: str | None


@dataclass(frozen=True)
class SignInResult:
    """`ok` when name and password match. `retry_after_s` > 0: too many failures for this name;
    the password was not even checked. The same for names that do not exist."""

    ok: bool
    retry_after_s: int = 0
    # The account's name as stored (sign-in is case-insensitive), set when ok.
    name: str = ""

    @property
    def locked(self) -> bool:
        return self.retry_after_s > 0


class EditorAccounts:
    """Password accounts of content editors, with a per-account limit on failed sign-ins."""

    def __init__(
        self, path: Path, *, max_failures: int = 5, window_s: float = WINDOW_S, clock: Callable[[], float] = time.time
    ) -> None:
        if max_failures < 1:
            raise ConfigError(f"ASSISTANT_SIGNIN_MAX_FAILURES must be at least 1, not {max_failures}")
        self.path = path
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._hasher = PasswordHasher()
        self._lock = threading.Lock()
        self._dummy: str | None = None
        ensure_schema(path, _SCHEMA, "editors")

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            with contextlib.closing(connect(self.path)) as db, db:
                yield db
        except sqlite3.Error as exc:
            raise StoreError(f"cannot use the editors database {self.path}: {exc}") from exc

    def add(self, name: str, password: str, *, replace: bool = False) -> None:
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise ConfigError(
                f"editor name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
            )
        if len(password) < MIN_PASSWORD_CHARS:
            raise ConfigError(f"password: at least {MIN_PASSWORD_CHARS} characters")
        if len(password) > MAX_PASSWORD_CHARS:
            raise ConfigError(f"password: at most {MAX_PASSWORD_CHARS} characters")
        hashed = self._hasher.hash(password)
        with self._lock, self._db() as db:
            exists = db.execute("SELECT 1 FROM editors WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise StoreError(f"editor {name!r} already exists; add --replace to set a new password")
            if exists:
                db.execute("UPDATE editors SET password_hash = ? WHERE name = ?", (hashed, name))
            else:
                db.execute(
                    "INSERT INTO editors (name, password_hash, created_at) VALUES (?, ?, ?)", (name, hashed, _now())
                )
            # A new password is a fresh start for the account's failure count.
            db.execute("DELETE FROM signin_failures WHERE name = ?", (_key(name),))

    def remove(self, name: str) -> None:
        with self._lock, self._db() as db:
            cur = db.execute("DELETE FROM editors WHERE name = ?", (name.strip(),))
            if cur.rowcount == 0:
                raise StoreError(f"no editor named {name!r}")
            db.execute("DELETE FROM signin_failures WHERE name = ?", (_key(name),))

    def accounts(self) -> list[EditorAccount]:
        with self._db() as db:
            rows = db.execute("SELECT name, created_at, last_signin_at FROM editors ORDER BY name").fetchall()
        return [EditorAccount(*r) for r in rows]

    def has_accounts(self) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM editors LIMIT 1").fetchone() is not None

    def exists(self, name: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM editors WHERE name = ?", (name.strip(),)).fetchone() is not None

    def verify(self, name: str, password: str) -> SignInResult:
        """Check a sign-in. Unknown names get the same answers, timing and limit as known ones."""
        key = _key(name)
        now = self._clock()
        with self._lock, self._db() as db:
            # IMMEDIATE takes the write lock before counting, so two processes (two app servers,
            # or the app and the CLI) cannot both see "one try left".
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM signin_failures WHERE at <= ?", (now - self.window_s,))
            times = [r[0] for r in db.execute("SELECT at FROM signin_failures WHERE name = ? ORDER BY at", (key,))]
            if len(times) >= self.max_failures:
                # Unlocked when enough of the failures in the window have aged out of it.
                unlock = times[len(times) - self.max_failures] + self.window_s
                return SignInResult(False, max(1, math.ceil(unlock - now)))
            # Counted as a failure before the (slow) hash check and cleared on success, so
            # attempts racing each other cannot exceed the limit.
            db.execute("INSERT INTO signin_failures (name, at) VALUES (?, ?)", (key, now))
            row = db.execute("SELECT name, password_hash FROM editors WHERE name = ?", (name.strip(),)).fetchone()
        # Unknown names are checked against a throw-away hash, so the answer takes as long.
        stored = row[1] if row else self._dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return SignInResult(False)
        if row is None:
            return SignInResult(False)
        with self._lock, self._db() as db:
            db.execute("DELETE FROM signin_failures WHERE name = ?", (key,))
            db.execute("UPDATE editors SET last_signin_at = ? WHERE name = ?", (_now(), row[0]))
            if self._hasher.check_needs_rehash(stored):
                # argon2's parameters moved on since the hash was made: upgrade it now that
                # the password is at hand.
                db.execute("UPDATE editors SET password_hash = ? WHERE name = ?", (self._hasher.hash(password), row[0]))
        return SignInResult(True, name=str(row[0]))

    def failures(self, name: str) -> int:
        """Failed sign-ins for `name` within the window (for the command line and tests)."""
        with self._db() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM signin_failures WHERE name = ? AND at > ?",
                (_key(name), self._clock() - self.window_s),
            ).fetchone()
        return int(row[0])

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy


def _key(name: str) -> str:
    # Failures are counted under the name as typed (case-folded, bounded), whether or not an
    # account has it, so the limit says nothing about which names exist.
    return name.strip().lower()[:64]


# --- `assistant editors` -------------------------------------------------------------------


def add_editors_parser(sub: Any) -> None:
    s = sub.add_parser("editors", help="editor accounts for the web app's Corpus and Evaluation pages")
    esub = s.add_subparsers(dest="editors_command", required=True)
    a = esub.add_parser("add", help="add an editor account (asks for the password twice)")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    a.add_argument("--replace", action="store_true", help="set a new password for an existing account")
    a.set_defaults(fn=cmd_add)
    ls = esub.add_parser("list", help="editor accounts and their last sign-in")
    ls.set_defaults(fn=cmd_list)
    r = esub.add_parser("remove", help="remove an editor account")
    r.add_argument("name")
    r.set_defaults(fn=cmd_remove)


def _store(settings: Settings) -> EditorAccounts:
    return EditorAccounts(editors_db(settings), max_failures=settings.signin_max_failures)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ConfigError("--password-stdin: no password on standard input")
        return password
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise ConfigError("the two passwords differ; nothing was changed")
    return password


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password(args.password_stdin)
    _store(settings).add(args.name, password, replace=args.replace)
    print(f"editor {args.name.strip()} {'updated' if args.replace else 'added'} in {editors_db(settings)}")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    accounts = _store(settings).accounts()
    if not accounts:
        print("no editor accounts; add one with `assistant editors add NAME`")
        return 0
    print(f"{'name':<32} {'created':<26} last sign-in")
    for a in accounts:
        print(f"{a.name:<32} {a.created_at:<26} {a.last_signin_at or 'never'}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    _store(settings).remove(args.name)
    print(f"editor {args.name.strip()} removed")
    return 0
