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

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.storage.embed_cache import EmbedCache, embedder_key
from assistant.types import Embedder

__all__ = ["CachedEmbedding", "EmbedCache", "EmbedStats", "embedder_key"]


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
