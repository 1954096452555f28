"""A real PostgreSQL server for tests: Debian's binaries, `initdb` in a temporary folder, listening
on 127.0.0.1 only (and a Unix socket in that folder), one fresh database per test.

Loaded as a pytest plugin from tests/conftest.py. Skipped, saying why, when the server binaries
are not installed (`make test` installs Debian's `postgresql`). PostgreSQL refuses to run as
root, so under root the server runs as `nobody` (through `runuser`).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import free_port

PG_ROOT = Path("/usr/lib/postgresql")
PREFERRED = "15"
USER = "nobody"


def find_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server binaries (15 preferred), or None."""
    override = os.environ.get("ASSISTANT_TEST_PG_BIN")
    if override:
        return Path(override) if (Path(override) / "initdb").is_file() else None
    candidates = [PG_ROOT / PREFERRED / "bin", *sorted(PG_ROOT.glob("*/bin"), reverse=True)]
    return next((c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()), None)


@dataclass
class PostgresServer:
    host: str
    port: int
    socket_dir: Path
    superuser: str = "postgres"
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.superuser}@{self.host}:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """A fresh, empty database on this server; its URL."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(
            host=self.host, port=self.port, user=self.superuser, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", USER, "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql; `make test` installs it)"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root and `runuser` is missing: PostgreSQL refuses to run as root")
    # Not under pytest's tmp_path: its folders are private to root and the server runs as nobody.
    base = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    data, sockets, log = base / "data", base / "sock", base / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (base, sockets):
            shutil.chown(path, USER)
    port = free_port()
    started = False
    try:
        subprocess.run(
            _as_server_user(
                [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        # fsync off and small buffers: a throw-away server for tests, on a shared machine.
        options = f"-h 127.0.0.1 -p {port} -k {sockets} -F -c shared_buffers=32MB -c max_connections=100"
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]),
            check=True,
            capture_output=True,
            timeout=120,
        )
        started = True
        yield PostgresServer("127.0.0.1", port, sockets)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace") + (log.read_text() if log.exists() else "")
        raise RuntimeError(f"could not start PostgreSQL from {bin_dir}: {detail}") from exc
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture()
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against a SQLite file and against PostgreSQL (started only when needed)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'assistant.sqlite'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
