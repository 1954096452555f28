"""The QA model's vectors of the corpus's sentences, and its similarity to an ask.

Ingest embeds every committed sentence through the QA model into the content-hash cache
(`assistant/storage/embed_cache.py`), so answering reads them by the sentence's text. A sentence
the cache lacks (an index written before there was a QA model, a host given only the Chroma
server's rows, a deleted cache) is embedded when first needed and kept in memory, and the next
`assistant ingest` fills the cache: answers are the same either way, only slower at first.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..storage.embed_cache import EmbedCache, embedder_key
from ..types import spoken
from .qa_embedder import PassageSide, QAEmbedder

log = logging.getLogger(__name__)

# Sentence vectors kept in memory once read or embedded (1.5 kB each: 96 MB at most).
KEEP = 65536


class QASentenceVectors:
    def __init__(self, qa: QAEmbedder, cache_path: Path, keep: int = KEEP) -> None:
        self.qa = qa
        self._side = PassageSide(qa)
        self._path = cache_path
        self._keep = keep
        self._cache: EmbedCache | None = None
        self._memory: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._warned = False

    def _store(self) -> EmbedCache:
        with self._lock:
            if self._cache is None:
                self._cache = EmbedCache(self._path, embedder_key(self._side))
            return self._cache

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text: of its words, without a speaker's label (`spoken`), as ingest
        embeds it."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        texts = [spoken(t) for t in texts]
        cache = self._store()
        keys = [cache.digest(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for k in keys:
                v = self._memory.get(k)
                if v is not None:
                    found[k] = v
                    self._memory.move_to_end(k)
        wanted = list(dict.fromkeys(k for k in keys if k not in found))
        if wanted:
            found.update(cache.get_many(wanted))
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        if todo:
            if not self._warned:
                self._warned = True
                log.warning(
                    "the QA model's vectors of some sentences are not in %s; embedding them now "
                    "(run `assistant ingest` to store them)",
                    self._path,
                )
            text_of = dict(zip(keys, texts, strict=True))
            fresh = self.qa.embed_passages([text_of[k] for k in todo])
            found.update(zip(todo, np.asarray(fresh, dtype=np.float32), strict=True))
        with self._lock:
            for k in wanted + todo:
                self._memory[k] = found[k]
            while len(self._memory) > self._keep:
                self._memory.popitem(last=False)
        return np.stack([found[k] for k in keys])

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None


def qa_similarity(ask_vector: np.ndarray, sentence_vectors: Sequence[np.ndarray]) -> float:
    """The best similarity between the ask and any sentence of the passages given."""
    best = 0.0
    for vecs in sentence_vectors:
        if len(vecs):
            best = max(best, float((vecs @ ask_vector).max()))
    return best
