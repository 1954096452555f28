"""Chroma at the boundary: one client per location per process, our embedding function (never
Chroma's default, which would download a model), the collections' HNSW settings, and its
errors mapped to `StoreError`."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlparse

from ..errors import StoreError
from ..settings import Settings
from ..types import Embedder

HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}
# Sentence rows are read by id and by document, never searched by vector; Chroma still builds
# an HNSW graph for them, and with the chunks' settings that graph was most of an ingest's write
# time (six sentences per chunk). A sparse graph costs a quarter as much. Existing collections
# keep the configuration they were created with.
HNSW_SENTENCES = {"space": "cosine", "ef_construction": 16, "ef_search": 16, "max_neighbors": 4}


def chroma_embedding_function(embedder: Embedder) -> Any:
    """Wrap our embedder as a Chroma EmbeddingFunction so Chroma never falls back to its
    default model (which it would download)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class OurEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            self._embedder = embedder

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._embedder.embed(list(input)))

        @staticmethod
        def name() -> str:
            return "guidance-assistant"

        def get_config(self) -> dict[str, Any]:
            return {"model_id": embedder.model_id}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> Any:
            # Chroma rebuilds the function when it deserialises a collection's configuration.
            # It must never embed through that copy (it would have no model): refuse loudly.
            return _RefusingEmbeddingFunction()

        def default_space(self) -> Any:
            return "cosine"

        def supported_spaces(self) -> Any:
            return ["cosine"]

        def is_legacy(self) -> bool:
            return False

    return OurEmbeddingFunction()


class _RefusingEmbeddingFunction:
    def __call__(self, input: Any) -> Any:
        raise StoreError("embed through assistant.storage.store.Store, which supplies the embedder")

    @staticmethod
    def name() -> str:
        return "guidance-assistant"

    def get_config(self) -> dict[str, Any]:
        return {}

    def is_legacy(self) -> bool:
        return False


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def connect(settings: Settings) -> Any:
    """The Chroma client for the settings' server (`chroma_url`) or embedded path, shared by
    every store in the process: Chroma allows one PersistentClient per path per process."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    key = settings.chroma_url or str(settings.chroma_path)
    with _clients_lock:
        client = _clients.get(key)
        if client is not None:
            return client
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        try:
            if settings.chroma_url:
                url = urlparse(settings.chroma_url)
                client = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1",
                    port=url.port or 8000,
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
            else:
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=key, settings=chroma_settings)
        except Exception as exc:
            raise StoreError(f"cannot open the Chroma store at {key}: {exc}") from exc
        _clients[key] = client
        return client


def guard(fn: Any, what: str) -> Any:
    """`fn()`, with any Chroma failure raised as a `StoreError` saying what was being done."""
    try:
        return fn()
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"Chroma failed to {what}: {exc}") from exc
