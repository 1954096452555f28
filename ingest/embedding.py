"""Embedding for ingest: each distinct text once, through the query embedder, cached by content.

- **Same runtime as queries**: whatever `build_embedder` gives (ONNX by default), so stored and
  query vectors come from one model; the ONNX embedder sorts a call's texts by length and pads
  each batch only to its longest, so ingest hands it a whole group of texts in one call rather
  than slices of 32 (which padded short sentences to the longest passage of the slice).
- **Content-hash cache** (`<data_dir>/embed-cache.sqlite`): sha256 of the model key and the text
  → its float32 vector. A document uploaded twice, repeated boilerplate, the unchanged passages
  of an edited document and the work of a killed ingest are not embedded again. The key names
  the model id and the embedder's class (runtime), so another model never reads these vectors.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.retrieval.embeddings import Embedder

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


@dataclass
class EmbedStats:
    texts: int = 0  # asked for
    distinct: int = 0  # after removing repeats within the calls
    cached: int = 0  # of the distinct, found in the cache
    embedded: int = 0  # run through the model
    seconds: float = 0.0


class CachedEmbedding:
    """`embed(texts)` with repeats removed and the cache consulted; statistics kept."""

    def __init__(self, embedder: Embedder, cache: EmbedCache | None) -> None:
        self.embedder = embedder
        self.cache = cache
        self.stats = EmbedStats()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import time

        started = time.perf_counter()
        self.stats.texts += len(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        digest = self.cache.digest if self.cache is not None else _plain_digest
        keys = [digest(t) for t in texts]
        distinct: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            distinct.setdefault(k, t)
        self.stats.distinct += len(distinct)
        found = self.cache.get_many(list(distinct)) if self.cache is not None else {}
        self.stats.cached += len(found)
        todo = [k for k in distinct if k not in found]
        if todo:
            # One call: the embedder orders these by length and batches them itself.
            vectors = self.embedder.embed([distinct[k] for k in todo])
            fresh = list(zip(todo, np.asarray(vectors, dtype=np.float32), strict=True))
            self.stats.embedded += len(todo)
            if self.cache is not None:
                self.cache.put_many(fresh)
            found.update(fresh)
        out = np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
        self.stats.seconds += time.perf_counter() - started
        return out


def _plain_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:20]
