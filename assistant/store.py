"""The vector store: Chroma, embedded (PersistentClient) or a server (HttpClient).

Two collections share one embedding model, whose id is stored in their metadata:
`<name>` holds the chunks, `<name>-sentences` the sentences of every chunk (for sentence-level
reranking and answer composition). Opening a collection built with another model is an
`EmbedderMismatchError`, never silently wrong scores.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlparse

import numpy as np

from .embeddings import Embedder
from .errors import EmbedderMismatchError, IndexMissingError, StoreError
from .settings import Settings
from .types import Chunk

_HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}


def _chroma_ef(embedder: Embedder) -> Any:
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
        raise StoreError("embed through assistant.store.Store, which supplies the embedder")

    @staticmethod
    def name() -> str:
        return "guidance-assistant"

    def get_config(self) -> dict[str, Any]:
        return {}

    def is_legacy(self) -> bool:
        return False


@dataclass(frozen=True)
class SentenceRows:
    ids: list[str]  # "<chunk id>:<position in the chunk>"
    chunk_ids: list[str]
    texts: list[str]
    vectors: np.ndarray


class Store:
    _clients: ClassVar[dict[str, Any]] = {}
    _clients_lock = threading.Lock()

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.name = settings.collection
        self._ef = _chroma_ef(embedder)

    # --- connection -----------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.chroma_path)

    def _client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        key = self.location
        with Store._clients_lock:
            client = Store._clients.get(key)
            if client is not None:
                return client
            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
            try:
                if self.settings.chroma_url:
                    url = urlparse(self.settings.chroma_url)
                    client = chromadb.HttpClient(
                        host=url.hostname or "127.0.0.1",
                        port=url.port or 8000,
                        ssl=url.scheme == "https",
                        settings=chroma_settings,
                    )
                else:
                    self.settings.chroma_path.mkdir(parents=True, exist_ok=True)
                    # One PersistentClient per path per process (Chroma requires it).
                    client = chromadb.PersistentClient(path=key, settings=chroma_settings)
            except Exception as exc:
                raise StoreError(f"cannot open the Chroma store at {key}: {exc}") from exc
            Store._clients[key] = client
            return client

    def _collection(self, suffix: str = "", create: bool = False) -> Any:
        name = self.name + suffix
        client = self._client()
        try:
            if create:
                col = client.get_or_create_collection(
                    name=name,
                    embedding_function=self._ef,
                    metadata={"embedding_model": self.embedder.model_id},
                    configuration={"hnsw": _HNSW},
                )
            else:
                col = client.get_collection(name=name, embedding_function=self._ef)
        except Exception as exc:
            if not create and ("does not exist" in str(exc) or "NotFound" in type(exc).__name__):
                raise IndexMissingError(
                    f"no index in {self.location} (collection {name!r}); run `assistant ingest`"
                ) from exc
            raise StoreError(f"cannot open collection {name!r} at {self.location}: {exc}") from exc
        stored = (col.metadata or {}).get("embedding_model")
        if stored and stored != self.embedder.model_id:
            raise EmbedderMismatchError(
                f"the index at {self.location} was built with embedding model {stored!r}, but "
                f"{self.embedder.model_id!r} is configured; set ASSISTANT_EMBEDDING_MODEL={stored} "
                "or rebuild with `assistant ingest --rebuild`"
            )
        return col

    def exists(self) -> bool:
        try:
            self._collection()
        except IndexMissingError:
            return False
        return True

    # --- writes (ingestion) ---------------------------------------------------------

    def reset(self) -> None:
        client = self._client()
        for suffix in ("", "-sentences"):
            try:
                client.delete_collection(self.name + suffix)
            except Exception:  # absent already
                pass

    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        col = self._collection(create=True)
        self._guard(
            lambda: col.upsert(
                ids=[c.chunk_id for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=[c.metadata() for c in chunks],
                embeddings=list(vectors),
            ),
            "write chunks",
        )

    def upsert_sentences(
        self,
        ids: Sequence[str],
        chunk_ids: Sequence[str],
        doc_ids: Sequence[str],
        texts: Sequence[str],
        vectors: np.ndarray,
    ) -> None:
        if not ids:
            return
        col = self._collection("-sentences", create=True)
        self._guard(
            lambda: col.upsert(
                ids=list(ids),
                documents=list(texts),
                metadatas=[{"chunk_id": c, "doc_id": d} for c, d in zip(chunk_ids, doc_ids, strict=True)],
                embeddings=list(vectors),
            ),
            "write sentences",
        )

    def delete_chunks(self, chunk_ids: Iterable[str]) -> None:
        ids = list(chunk_ids)
        if not ids:
            return
        col = self._collection(create=True)
        sent = self._collection("-sentences", create=True)
        self._guard(lambda: sent.delete(where={"chunk_id": {"$in": ids}}), "delete sentences")
        self._guard(lambda: col.delete(ids=ids), "delete chunks")

    def mark_ingested(self) -> None:
        col = self._collection(create=True)
        meta = dict(col.metadata or {})
        meta["embedding_model"] = self.embedder.model_id
        meta["last_ingested"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._guard(lambda: col.modify(metadata=meta), "record the ingest time")

    # --- reads ----------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        return dict(self._collection().metadata or {})

    def all_chunks(self) -> list[Chunk]:
        col = self._collection()
        got = self._guard(lambda: col.get(include=["documents", "metadatas"]), "read chunks")
        chunks = [
            Chunk.from_metadata(i, d or "", m or {})
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: (c.doc_id, c.position))

    def chunk_ids_by_doc(self) -> dict[str, dict[str, Any]]:
        """doc_id → {"hash", "file", "ids"} from the store itself (works against a server too)."""
        try:
            col = self._collection()
        except IndexMissingError:
            return {}
        got = self._guard(lambda: col.get(include=["metadatas"]), "read chunk metadata")
        docs: dict[str, dict[str, Any]] = {}
        for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
            d = docs.setdefault(str(meta["doc_id"]), {"hashes": set(), "file": meta.get("file", ""), "ids": []})
            d["hashes"].add(meta.get("doc_hash", ""))
            d["ids"].append(cid)
        return docs

    def sentences(self) -> SentenceRows:
        col = self._collection("-sentences")
        got = self._guard(lambda: col.get(include=["documents", "metadatas", "embeddings"]), "read sentences")
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        if vectors.ndim != 2:
            vectors = vectors.reshape(0, 0)
        return SentenceRows(
            list(got["ids"]), [m["chunk_id"] for m in got["metadatas"]], list(got["documents"]), vectors
        )

    def dense(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks."""
        col = self._collection()
        n = col.count()
        if n == 0:
            return []
        res = self._guard(
            lambda: col.query(
                query_embeddings=[vector], n_results=min(k, n), where=where or None, include=["distances"]
            ),
            "query",
        )
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    @staticmethod
    def _guard(fn: Any, what: str) -> Any:
        try:
            return fn()
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"Chroma failed to {what}: {exc}") from exc
