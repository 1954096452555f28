"""Editor accounts for deployments without an identity provider: names and argon2 password hashes.

Kept in the shared database (`db.py`), used by the web app and the `assistant editors` command.
Failed sign-ins are counted in the same database, so neither a restart of the web app nor a
second app process resets the limit. They are counted per account *and client* (the browser's
address): someone who types an editor's name with wrong passwords locks out only themselves,
not the editor. A much higher limit per account over all clients still stops guessing spread
across many addresses. Nothing here imports Streamlit; the web glue
is `assistant/interfaces/webauth.py`.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import math
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from ..errors import ConfigError, StoreError
from ..settings import Settings
from .db import Database, open_database
from .schema import editors, signin_failures

# The limit counts failures in a sliding window of this length (the setting gives the count).
WINDOW_S = 15 * 60
# Failures allowed per account over all clients, as a multiple of the per-client limit.
ACCOUNT_FACTOR = 10
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")

_hasher = PasswordHasher()
_dummy_lock = threading.Lock()
_dummy: str | None = None


def _dummy_hash() -> str:
    """A throw-away hash to check unknown names against, made once per process (made per
    instance, the first unknown name would take two hashes' time and stand out)."""
    global _dummy
    with _dummy_lock:
        if _dummy is None:
            _dummy = _hasher.hash(secrets.token_urlsafe(16))
        return _dummy


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
        self, db: Database, *, max_failures: int = 5, window_s: float = WINDOW_S, clock: Callable[[], float] = time.time
    ) -> None:
        if max_failures < 1:
            raise ConfigError(f"ASSISTANT_SIGNIN_MAX_FAILURES must be at least 1, not {max_failures}")
        self.db = db
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._hasher = _hasher
        db.ensure()

    @classmethod
    def for_settings(cls, settings: Settings) -> EditorAccounts:
        return cls(open_database(settings), max_failures=settings.signin_max_failures)

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
        with self.db.begin() as conn:
            self.db.lock(conn, "editor:" + _key(name))
            exists = conn.execute(select(editors.c.name).where(editors.c.name_key == _key(name))).first()
            if exists and not replace:
                raise StoreError(f"editor {name!r} already exists; add --replace to set a new password")
            if exists:
                conn.execute(update(editors).where(editors.c.name_key == _key(name)).values(password_hash=hashed))
            else:
                conn.execute(
                    insert(editors).values(
                        name_key=_key(name), name=name, password_hash=hashed, created_at=self.db.clock()
                    )
                )
            # A new password is a fresh start for the account's failure count.
            conn.execute(delete(signin_failures).where(signin_failures.c.name == _key(name)))

    def remove(self, name: str) -> None:
        with self.db.begin() as conn:
            if conn.execute(delete(editors).where(editors.c.name_key == _key(name))).rowcount == 0:
                raise StoreError(f"no editor named {name!r}")
            conn.execute(delete(signin_failures).where(signin_failures.c.name == _key(name)))

    def accounts(self) -> list[EditorAccount]:
        query = select(editors.c.name, editors.c.created_at, editors.c.last_signin_at).order_by(editors.c.name_key)
        with self.db.begin() as conn:
            rows = conn.execute(query).all()
        return [
            EditorAccount(
                n, c.isoformat(timespec="seconds"), last.isoformat(timespec="seconds") if last is not None else None
            )
            for n, c, last in rows
        ]

    def has_accounts(self) -> bool:
        with self.db.begin() as conn:
            return conn.execute(select(editors.c.name_key).limit(1)).first() is not None

    def exists(self, name: str) -> bool:
        with self.db.begin() as conn:
            return conn.execute(select(editors.c.name_key).where(editors.c.name_key == _key(name))).first() is not None

    def verify(self, name: str, password: str, client: str = "") -> SignInResult:
        """Check a sign-in from `client` (the browser's address; "" for the command line).
        Unknown names get the same answers, timing and limits as known ones."""
        key = _key(name)
        mine = _client_key(key, client)
        now = self._clock()
        with self.db.begin() as conn:
            # Counting and recording a failure under one lock (SQLite: the write lock from BEGIN
            # IMMEDIATE; PostgreSQL: an advisory lock on the name), so two processes (two app
            # servers, or the app and the CLI) cannot both see "one try left".
            self.db.lock(conn, "signin:" + key)
            conn.execute(delete(signin_failures).where(signin_failures.c.at <= now - self.window_s))
            for counted, limit in ((mine, self.max_failures), (key, self.max_failures * ACCOUNT_FACTOR)):
                times = [
                    r[0]
                    for r in conn.execute(
                        select(signin_failures.c.at)
                        .where(signin_failures.c.name == counted)
                        .order_by(signin_failures.c.at)
                    )
                ]
                if len(times) >= limit:
                    # Unlocked when enough of the failures in the window have aged out of it.
                    unlock = times[len(times) - limit] + self.window_s
                    return SignInResult(False, max(1, math.ceil(unlock - now)))
            # Counted as a failure before the (slow) hash check and cleared on success, so
            # attempts racing each other cannot exceed the limit.
            conn.execute(insert(signin_failures), [{"name": mine, "at": now}, {"name": key, "at": now}])
            row = conn.execute(select(editors.c.name, editors.c.password_hash).where(editors.c.name_key == key)).first()
        # Unknown names are checked against a throw-away hash, so the answer takes as long.
        stored = row[1] if row else _dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return SignInResult(False)
        if row is None:
            return SignInResult(False)
        values: dict[str, Any] = {"last_signin_at": self.db.clock()}
        if self._hasher.check_needs_rehash(stored):
            # argon2's parameters moved on since the hash was made: upgrade it now that the
            # password is at hand.
            values["password_hash"] = self._hasher.hash(password)
        with self.db.begin() as conn:
            conn.execute(delete(signin_failures).where(signin_failures.c.name.in_([key, mine])))
            conn.execute(update(editors).where(editors.c.name_key == key).values(**values))
        return SignInResult(True, name=str(row[0]))

    def failures(self, name: str, client: str | None = None) -> int:
        """Failed sign-ins for `name` within the window, from all clients or from `client` (for
        the command line and tests)."""
        counted = _key(name) if client is None else _client_key(_key(name), client)
        query = (
            select(func.count())
            .select_from(signin_failures)
            .where(signin_failures.c.name == counted, signin_failures.c.at > self._clock() - self.window_s)
        )
        with self.db.begin() as conn:
            return int(conn.execute(query).scalar_one())


def _client_key(key: str, client: str) -> str:
    # One row key per (account, client), within the column's 64 characters.
    return "client:" + hashlib.sha256(f"{key}\0{client}".encode()).hexdigest()[:48]


def _key(name: str) -> str:
    # Names are compared case-folded; failures are counted under the name as typed (folded,
    # bounded), whether or not an account has it, so the limit says nothing about which names exist.
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
    return EditorAccounts.for_settings(settings)


def _store_name(settings: Settings) -> str:
    return open_database(settings).display


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
    print(f"editor {args.name.strip()} {'updated' if args.replace else 'added'} in {_store_name(settings)}")
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
