"""The content-hash cache of embeddings (`<data_dir>/embed-cache.sqlite`).

sha256 of the model key and the text → its float32 vector. Ingest writes it (under the ingest
lock) so that identical text is embedded once; the answer path reads the QA model's sentence
vectors from it (`assistant/retrieval/qa_vectors.py`). The key names the model id and the
embedder's class (runtime), so another model never reads these vectors.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ..types import Embedder

# A rowid table: with WITHOUT ROWID, SQLite stored each 1.5 kB vector in 4.7 kB (overflow pages).
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL)"
_PAGE = 500  # keys per SELECT (SQLite's variable limit is 32766; smaller pages stay quick)


def embedder_key(embedder: Embedder) -> str:
    return f"{type(embedder).__name__}:{embedder.model_id}"


class EmbedCache:
    """text digest → vector, in one SQLite file (written only under the ingest lock)."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self._salt = key.encode() + b"\0"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()

    def digest(self, text: str) -> bytes:
        return hashlib.sha256(self._salt + text.encode("utf-8", "surrogatepass")).digest()[:20]

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), _PAGE):
                page = list(keys[i : i + _PAGE])
                marks = ",".join("?" * len(page))
                for k, v in self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", page):
                    found[bytes(k)] = np.frombuffer(v, dtype=np.float32)
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        if not items:
            return
        rows = [(k, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items]
        with self._lock, self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)", rows)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
