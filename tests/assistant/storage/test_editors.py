"""Editor accounts (real argon2, on a real SQLite file and a real PostgreSQL server), the corpus change
log and `assistant editors`."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Settings
from assistant.errors import ConfigError, StoreError
from assistant.interfaces.cli import main
from assistant.storage.audit import ChangeLog
from assistant.storage.db import Database
from assistant.storage.editors import EditorAccounts

PASSWORD = "correct horse battery staple"


class Clock:
    """A settable clock, so the 15-minute window can pass without waiting for it."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def db(database_url: str) -> Database:
    """A fresh database: a SQLite file, then PostgreSQL (tests/postgres.py)."""
    return Database(database_url)


def test_password_is_stored_as_an_argon2_hash_never_in_clear(db: Database) -> None:
    EditorAccounts(db).add("ana", PASSWORD)
    with db.begin() as conn:
        (stored,) = conn.exec_driver_sql("SELECT password_hash FROM editors WHERE name = 'ana'").one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    # Nor anywhere in the database files (WAL included).
    if db.sqlite_path is not None:
        for f in db.sqlite_path.parent.iterdir():
            assert PASSWORD.encode() not in f.read_bytes(), f


def test_verify_right_and_wrong_password_case_insensitive_name(db: Database) -> None:
    store = EditorAccounts(db)
    store.add("Ana", PASSWORD)
    ok = store.verify("ana", PASSWORD)
    assert ok.ok and ok.name == "Ana" and not ok.locked
    assert not store.verify("Ana", PASSWORD + "x").ok
    assert not store.verify("nobody", PASSWORD).ok
    assert store.accounts()[0].last_signin_at is not None


def test_names_and_passwords_are_checked(db: Database) -> None:
    store = EditorAccounts(db)
    with pytest.raises(ConfigError, match="at least 12"):
        store.add("ana", "short")
    with pytest.raises(ConfigError, match="editor name"):
        store.add("ana smith; drop", PASSWORD)
    store.add("ana", PASSWORD)
    with pytest.raises(StoreError, match="already exists"):
        store.add("ANA", PASSWORD)
    store.add("ana", PASSWORD + "!", replace=True)
    assert store.verify("ana", PASSWORD + "!").ok and not store.verify("ana", PASSWORD).ok


def test_failures_lock_the_account_across_instances_until_the_window_passes(db: Database) -> None:
    clock = Clock()
    EditorAccounts(db).add("ana", PASSWORD)
    first = EditorAccounts(db, max_failures=3, clock=clock)
    for _ in range(3):
        r = first.verify("ana", "wrong password!")
        assert not r.ok and not r.locked
    # A new instance (a restarted app, another process) sees the same count.
    again = EditorAccounts(db, max_failures=3, clock=clock)
    assert again.failures("ana") == 3
    locked = again.verify("ana", PASSWORD)
    assert not locked.ok and locked.locked and 0 < locked.retry_after_s <= 15 * 60
    clock.now += 15 * 60 + 1
    assert again.verify("ana", PASSWORD).ok
    assert again.failures("ana") == 0  # a success clears the count


def test_someone_else_failing_does_not_lock_the_editor_out(db: Database) -> None:
    clock = Clock()
    EditorAccounts(db).add("ana", PASSWORD)
    store = EditorAccounts(db, max_failures=3, clock=clock)
    for _ in range(3):
        assert not store.verify("ana", "wrong password!", client="203.0.113.9").locked
    assert store.verify("ana", PASSWORD, client="203.0.113.9").locked  # the guesser is locked
    assert store.failures("ana", client="203.0.113.9") == 3
    ok = store.verify("ana", PASSWORD, client="198.51.100.4")  # ana, from her own browser
    assert ok.ok and ok.name == "ana"
    # Her success clears her own and the account's counts, not the guesser's lock.
    assert store.failures("ana") == 0 and store.failures("ana", client="198.51.100.4") == 0
    assert store.verify("ana", PASSWORD, client="203.0.113.9").locked


def test_guessing_spread_over_many_addresses_locks_the_account(db: Database) -> None:
    from assistant.storage.editors import ACCOUNT_FACTOR

    clock = Clock()
    EditorAccounts(db).add("ana", PASSWORD)
    store = EditorAccounts(db, max_failures=2, clock=clock)
    for i in range(2 * ACCOUNT_FACTOR):
        assert not store.verify("ana", "wrong password!", client=f"10.0.0.{i}").locked
    locked = store.verify("ana", PASSWORD, client="10.9.9.9")  # a new address, still refused
    assert locked.locked and not locked.ok
    clock.now += 15 * 60 + 1
    assert store.verify("ana", PASSWORD, client="10.9.9.9").ok


def test_unknown_names_are_limited_the_same_way(db: Database) -> None:
    # Otherwise the lock-out itself would tell which names exist.
    store = EditorAccounts(db, max_failures=2)
    store.add("ana", PASSWORD)
    for name in ("ana", "ghost"):
        assert not store.verify(name, "wrong password!").locked
        assert not store.verify(name, "wrong password!").locked
        assert store.verify(name, "wrong password!").locked


def test_remove(db: Database) -> None:
    store = EditorAccounts(db)
    store.add("ana", PASSWORD)
    store.add("ben", PASSWORD)
    store.remove("ANA")
    assert [a.name for a in store.accounts()] == ["ben"] and not store.exists("ana")
    assert not store.verify("ana", PASSWORD).ok
    with pytest.raises(StoreError, match="no editor named"):
        store.remove("ana")
    store.remove("ben")
    assert not store.has_accounts()


def test_change_log_records_who_and_when(db: Database) -> None:
    log = ChangeLog(db)
    log.record("ana", "upload", "rota.md", "Rota guidance")
    log.record("ana", "ingest", "rota.md", "1 changed")
    recent = log.recent()
    assert [(c.editor, c.action, c.document) for c in recent] == [
        ("ana", "ingest", "rota.md"),
        ("ana", "upload", "rota.md"),
    ]
    assert recent[0].at.endswith("+00:00")
    with pytest.raises(ConfigError):
        log.record("", "upload", "x.md")
    with pytest.raises(ConfigError):
        log.record("ana", "rename", "x.md")


def test_cli_add_list_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["editors", "add", "ana", "--password-stdin"]) == 0
    store = EditorAccounts.for_settings(Settings(data_dir=tmp_path / "var"))
    assert store.verify("ana", PASSWORD).ok
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["editors", "add", "ana", "--password-stdin"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["editors", "list"]) == 0
    assert "ana" in capsys.readouterr().out
    assert main(["editors", "remove", "ana"]) == 0
    assert main(["editors", "remove", "ana"]) == 2


def test_cli_in_a_subprocess_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "editors", "add", "ana", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert EditorAccounts.for_settings(Settings(data_dir=tmp_path / "var")).verify("ana", PASSWORD).ok
