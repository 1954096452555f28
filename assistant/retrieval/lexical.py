"""BM25 over the stored chunks (bm25s), persisted beside the store and rebuilt when stale."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError

_TOKEN = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves get got also may might must shall
    i'm what's
    """.split()  # noqa: SIM905
)


def normalise_quotes(text: str) -> str:
    return (
        text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    )


def _bm25s() -> Any:
    import bm25s

    # bm25s sets its own logger to DEBUG on import, which prints "DEBUG bm25s: Building
    # index from tokens" into every ingest's output.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem: "recruited" and "recruitment" both become "recruit"."""
    return str(_stemmer().stemWord(word))


# "CCGs", "CSUs", "GPs": the stemmer keeps the "s" of an acronym's plural (no vowel before it,
# or one right before it), so "what is a CSU?" would not match a text about CSUs.
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")


def terms(text: str) -> list[str]:
    """Query/document terms for BM25: lowercase, stopwords out, lightly stemmed."""
    text = _ACRONYM_PLURAL.sub(r"\1", normalise_quotes(text))
    text = re.sub(r"'s\b", "", text.lower())  # "CCG’s" → "ccg"
    words = _TOKEN.findall(text.replace("'", ""))
    return [stem(w) for w in words if w not in STOPWORDS]


# Bump when `terms` changes: a saved index built with other terms is then rebuilt.
TOKENIZER_VERSION = "snowball-3"


def fingerprint(ids: Sequence[str]) -> str:
    payload = TOKENIZER_VERSION + "\n" + "\n".join(sorted(ids))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


class LexicalIndex:
    """A BM25 index whose rows line up with `ids`."""

    def __init__(self, ids: list[str], model: object) -> None:
        self.ids = ids
        self._model = model

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        bm25s = _bm25s()
        model = bm25s.BM25()
        corpus = [terms(t) or ["∅"] for t in texts]
        model.index(corpus, show_progress=False)
        return cls(list(ids), model)

    def scores(self, query: str) -> np.ndarray:
        q = terms(query)
        if not q or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._model.get_scores(q), dtype=np.float32)  # type: ignore[attr-defined]

    def save(self, path: Path) -> None:
        """Write atomically: a reader never sees a half-written index."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=path.parent))
        try:
            self._model.save(str(tmp / "model"))  # type: ignore[attr-defined]
            (tmp / "ids.json").write_text(json.dumps({"ids": self.ids, "fingerprint": fingerprint(self.ids)}))
            old = path.with_name(path.name + ".old")
            if path.exists():
                path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(f"cannot write the BM25 index at {path}: {exc}") from exc

    @classmethod
    def load(cls, path: Path, expected: str) -> LexicalIndex | None:
        """The saved index if it matches the store's chunk ids (`expected` fingerprint)."""
        bm25s = _bm25s()
        try:
            meta = json.loads((path / "ids.json").read_text())
            if meta.get("fingerprint") != expected:
                return None
            model = bm25s.BM25.load(str(path / "model"))
        except (OSError, ValueError, KeyError):
            return None
        return cls(list(meta["ids"]), model)
