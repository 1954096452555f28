"""The vector store: Chroma, embedded (PersistentClient) or a server (HttpClient).

An index is a *generation*: two collections sharing one embedding model, whose id is stored in
their metadata: `<name>.<generation>` holds the chunks, `<name>.<generation>-sentences` the
sentences of every chunk (for sentence-level reranking and answer composition). Opening a
collection built with another model is an `EmbedderMismatchError`, never silently wrong scores.

Which generation answers, and which rows in it count, is decided by the registry
(`assistant/storage/registry.py`, the commit record of every document): readers see only committed
rows, so an ingest killed at any point leaves the previous state answering. An index written
before the registry existed (collections `<name>` and `<name>-sentences`) is read as it is,
and replaced by a fresh generation at the next ingest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import EmbedderMismatchError, IndexMissingError, StoreError
from ..settings import Settings
from ..types import Chunk, Embedder
from .chroma import HNSW, HNSW_SENTENCES, chroma_embedding_function, connect, guard
from .registry import Registry, View


@dataclass(frozen=True)
class SentenceRows:
    ids: list[str]  # "<chunk id>:<position in the chunk>"
    chunk_ids: list[str]
    texts: list[str]
    vectors: np.ndarray


class Store:
    def __init__(self, settings: Settings, embedder: Embedder, max_batch: int | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.name = settings.collection
        self._ef = chroma_embedding_function(embedder)
        # Rows per Chroma write; the client's own limit unless a smaller one is given (tests).
        self._max_batch = max_batch
        self._view: View | None = None
        self._counts: dict[str, tuple[int, float]] = {}
        # Collections queried per question, opened once (opening one is a round trip).
        self._cols: dict[str, Any] = {}

    # --- connection -----------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.chroma_path)

    def client(self) -> Any:
        """The Chroma client every read and write of this store goes through."""
        return connect(self.settings)

    @property
    def max_batch(self) -> int:
        if self._max_batch is None:
            client = self.client()
            self._max_batch = int(guard(client.get_max_batch_size, "read the maximum batch size"))
        return max(1, self._max_batch)

    def names(self, generation: str) -> tuple[str, str]:
        """(chunks, sentences) collection names of a generation; "" is the pre-registry pair."""
        base = f"{self.name}.{generation}" if generation else self.name
        return base, base + "-sentences"

    def collection(self, name: str, create: bool = False, model_check: bool = True) -> Any:
        """The collection `name`, created with this store's model and index settings (`create`);
        one built with another model is an `EmbedderMismatchError` (`model_check`)."""
        client = self.client()
        try:
            if create:
                hnsw = HNSW_SENTENCES if name.endswith("-sentences") else HNSW
                col = client.get_or_create_collection(
                    name=name,
                    embedding_function=self._ef,
                    metadata={"embedding_model": self.embedder.model_id} if model_check else None,
                    configuration={"hnsw": hnsw},
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
        if model_check and stored and stored != self.embedder.model_id:
            raise EmbedderMismatchError(
                f"the index at {self.location} was built with embedding model {stored!r}, but "
                f"{self.embedder.model_id!r} is configured; set ASSISTANT_EMBEDDING_MODEL={stored} "
                "or rebuild with `assistant ingest --rebuild`"
            )
        return col

    def registry(self, create: bool = False) -> Registry | None:
        """The registry, or None where none was ever written (a new or pre-registry store)."""
        try:
            col = self.collection(self.name + "-registry", create=create, model_check=False)
        except IndexMissingError:
            return None
        return Registry(col, guard)

    # --- what readers see -----------------------------------------------------------

    def view(self, refresh: bool = False) -> View:
        """The active generation and its committed documents (cached until `refresh`)."""
        if self._view is not None and not refresh:
            return self._view
        reg = self.registry()
        active = reg.pointer().active if reg is not None else ""
        if active:
            view = View(active, reg.records(active) if reg is not None else {})
        else:
            self.collection(self.name)  # raises IndexMissingError where there is no index at all
            view = View("", legacy=True)
        self._view = view
        return view

    def stamp(self) -> str:
        """The registry's change stamp: differs after another process's ingest ("" if none)."""
        reg = self.registry()
        return reg.pointer().stamp if reg is not None else ""

    def exists(self) -> bool:
        try:
            self.collection(self.names(self.view(refresh=True).generation)[0])
        except IndexMissingError:  # from view() too: no registry and no pre-registry index
            return False
        return True

    def info(self) -> dict[str, Any]:
        view = self.view()
        meta = dict(self.collection(self.names(view.generation)[0]).metadata or {})
        meta["generation"] = view.generation
        return meta

    def all_chunks(self) -> list[Chunk]:
        view = self.view()
        got = self.read_all(self.collection(self.names(view.generation)[0]), ["documents", "metadatas"], "read chunks")
        chunks = [
            Chunk.from_metadata(i, d or "", m or {})
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            if view.current(m)
        ]
        return sorted(chunks, key=lambda c: (c.doc_id, c.position))

    def chunk_ids_by_doc(self) -> dict[str, dict[str, Any]]:
        """doc_id → {"hashes", "file", "ids"} of the committed chunks (works against a server too)."""
        try:
            chunks = self.all_chunks()
        except IndexMissingError:
            return {}
        docs: dict[str, dict[str, Any]] = {}
        for c in chunks:
            d = docs.setdefault(c.doc_id, {"hashes": set(), "file": c.file, "ids": []})
            d["hashes"].add(c.doc_hash)
            d["ids"].append(c.chunk_id)
        return docs

    def sentences(self) -> SentenceRows:
        view = self.view()
        col = self.collection(self.names(view.generation)[1])
        got = self.read_all(col, ["documents", "metadatas", "embeddings"], "read sentences")
        keep = [i for i, m in enumerate(got["metadatas"]) if view.current(m)]
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        vectors = vectors[keep] if vectors.ndim == 2 else np.zeros((0, 0), dtype=np.float32)
        return SentenceRows(
            [got["ids"][i] for i in keep],
            [got["metadatas"][i]["chunk_id"] for i in keep],
            [got["documents"][i] for i in keep],
            vectors,
        )

    def dense(
        self,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        accept: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest committed chunks.

        With `accept` (the reader's own snapshot of committed chunk ids, e.g. its read pack), the
        query is not filtered by the registry: a filter naming every committed document's hash
        costs hundreds of milliseconds once there are thousands of documents. It over-fetches
        instead and keeps what `accept` admits, and falls back to the filtered query only when
        uncommitted rows (an ingest in progress) crowd the accepted ones out.
        """
        try:
            return self._dense(self.view(), vector, k, where, accept)
        except IndexMissingError:
            # Another process swapped a rebuild in and dropped the generation this view named.
            return self._dense(self.view(refresh=True), vector, k, where, accept)

    def _dense(
        self,
        view: View,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None,
        accept: Callable[[str], bool] | None,
    ) -> list[tuple[str, float]]:
        name = self.names(view.generation)[0]
        if name in self._cols:
            try:
                return self._dense_in(self._cols[name], view, vector, k, where, accept)
            except IndexMissingError:
                raise
            except StoreError:  # the collection went away (a rebuild swapped in): open it again
                self._cols.pop(name, None)
        return self._dense_in(self._chunk_collection(view), view, vector, k, where, accept)

    def _dense_in(
        self,
        col: Any,
        view: View,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None,
        accept: Callable[[str], bool] | None,
    ) -> list[tuple[str, float]]:
        n = self._count(col)
        if n == 0 or not (view.legacy or view.docs):
            return []
        if accept is not None:
            for factor in (2, 8):
                fetch = min(n, factor * k)
                hits = self._query(col, vector, fetch, where)
                kept = [(i, s) for i, s in hits if accept(i)]
                if len(kept) >= k or len(hits) < fetch or fetch >= n:
                    return kept[:k]
            # Many rows this reader does not know (an ingest in progress, or a snapshot older
            # than the store): the registry's filter, then the snapshot's.
            return [(i, s) for i, s in self._query(col, vector, min(k, n), view.where(where)) if accept(i)]
        return self._query(col, vector, min(k, n), view.where(where))

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks, by id (ids absent from the current generation
        are left out)."""
        ids = list(chunk_ids)
        if not ids:
            return {}
        try:
            got = self._get_vectors(self.view(), ids)
        except (IndexMissingError, StoreError):
            # Another process swapped a rebuild in since this view was read: read the new one.
            self._cols.clear()
            got = self._get_vectors(self.view(refresh=True), ids)
        vecs = np.asarray(got["embeddings"], dtype=np.float32)
        return {i: vecs[n] for n, i in enumerate(got["ids"])}

    def _get_vectors(self, view: View, ids: list[str]) -> Any:
        col = self._chunk_collection(view)
        return guard(lambda: col.get(ids=ids, include=["embeddings"]), "read chunk vectors")

    def _chunk_collection(self, view: View) -> Any:
        """The view's chunk collection, opened once."""
        name = self.names(view.generation)[0]
        col = self._cols.get(name)
        if col is None:
            col = self._cols[name] = self.collection(name)
        return col

    def _query(self, col: Any, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        res = guard(
            lambda: col.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"]),
            "query",
        )
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def warm(self) -> None:
        """Have the active generation's nearest-neighbour index ready for the first question.
        Embedded Chroma reads a collection's HNSW files on its first count or query (at 1,000×
        the corpus, 156 MB: about a second with them out of the page cache)."""
        view = self.view()
        if view.legacy or view.docs:
            self._count(self._chunk_collection(view))

    def _count(self, col: Any) -> int:
        """The collection's row count, re-read at most once a second (a round trip to a server)."""
        now = time.monotonic()
        cached = self._counts.get(col.name)
        if cached is not None and now - cached[1] < 1.0:
            return cached[0]
        n = int(guard(col.count, "count rows"))
        self._counts[col.name] = (n, now)
        return n

    def document_rows(self, generation: str, doc_hash: str) -> tuple[list[Chunk], SentenceRows, np.ndarray]:
        """One version of one document: its chunks (by position), its sentences (by chunk
        position, then sentence position) and its chunks' vectors (by position), read in pages
        the client accepts."""
        col, sent = (self.collection(n) for n in self.names(generation))
        where = {"doc_hash": doc_hash}
        got = self.read_all(col, ["documents", "metadatas", "embeddings"], "read chunks", where)
        by_position = sorted(
            (
                (Chunk.from_metadata(i, d or "", m or {}), v)
                for i, d, m, v in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
            ),
            key=lambda cv: cv[0].position,
        )
        chunks = [c for c, _ in by_position]
        chunk_vectors = np.asarray([v for _, v in by_position], dtype=np.float32)
        rows = self.read_all(sent, ["documents", "metadatas", "embeddings"], "read sentences", where)
        at = {c.chunk_id: c.position for c in chunks}
        order = sorted(
            (i for i, m in enumerate(rows["metadatas"]) if (m or {}).get("chunk_id") in at),
            key=lambda i: (at[rows["metadatas"][i]["chunk_id"]], int(rows["ids"][i].rsplit(":", 1)[1])),
        )
        vectors = np.asarray(rows["embeddings"], dtype=np.float32)
        vectors = vectors[order] if vectors.ndim == 2 and order else np.zeros((0, 0), dtype=np.float32)
        sentences = SentenceRows(
            [rows["ids"][i] for i in order],
            [rows["metadatas"][i]["chunk_id"] for i in order],
            [rows["documents"][i] for i in order],
            vectors,
        )
        return chunks, sentences, chunk_vectors

    # --- helpers --------------------------------------------------------------------

    def read_all(
        self, col: Any, include: list[str], what: str, where: dict[str, Any] | None = None
    ) -> dict[str, list[Any]]:
        """Every row of `col` (matching `where`), read in pages the client accepts."""
        out: dict[str, list[Any]] = {"ids": [], **{k: [] for k in include}}
        step, offset = self.max_batch, 0
        while True:
            got = guard(lambda: col.get(where=where, include=include, limit=step, offset=offset), what)
            out["ids"].extend(got["ids"])
            for k in include:
                out[k].extend(list(got[k]) if got[k] is not None else [])
            if len(got["ids"]) < step:
                return out
            offset += step
