"""The write side of the vector store: the generations an ingest builds, fills and drops.

A generation (`store.py`) is two collections, chunks and sentences. Ingestion creates one,
writes each document's rows into it in batches the client accepts, copies unchanged documents
from the generation a rebuild replaces, deletes what a killed run left, and drops generations
nothing points to. None of this is visible to readers until the registry commits it; readers
use `Store` alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import IndexMissingError
from ..types import Chunk
from .chroma import guard
from .store import Store


class Generations:
    """The generations of one store, for writing (`Ingestor`)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def counts(self, generation: str) -> tuple[int, int]:
        """(chunk rows, sentence rows) in `generation`, committed or not."""
        col, sent = (self._store.collection(n, create=True) for n in self._store.names(generation))
        return int(guard(col.count, "count rows")), int(guard(sent.count, "count rows"))

    def copy_document(self, source: str, target: str, doc_hash: str) -> tuple[int, int]:
        """Copy every row of one document version, with its vectors, from generation `source`
        into `target` (uncommitted there until the caller commits it): (chunks, sentences)."""
        copied = [0, 0]
        for slot, (src, dst) in enumerate(zip(self._store.names(source), self._store.names(target), strict=True)):
            include = ["documents", "metadatas", "embeddings"]
            rows = self._store.read_all(self._store.collection(src), include, "read rows", {"doc_hash": doc_hash})
            col = self._store.collection(dst, create=True)
            step = self._store.max_batch
            for i in range(0, len(rows["ids"]), step):
                guard(
                    lambda: col.upsert(
                        ids=rows["ids"][i : i + step],
                        documents=rows["documents"][i : i + step],
                        metadatas=rows["metadatas"][i : i + step],
                        embeddings=list(rows["embeddings"][i : i + step]),
                    ),
                    "copy rows",
                )
            copied[slot] = len(rows["ids"])
        return copied[0], copied[1]

    def create(self, generation: str) -> None:
        """Both collections of `generation`, empty where they were absent."""
        for name in self._store.names(generation):
            self._store.collection(name, create=True)

    def exists(self, generation: str) -> bool:
        """Whether `generation`'s chunks exist (another model's: `EmbedderMismatchError`)."""
        try:
            self._store.collection(self._store.names(generation)[0])
        except IndexMissingError:
            return False
        return True

    def all(self) -> set[str]:
        """Every generation with a collection in the store ("" for the pre-registry pair)."""
        client = self._store.client()
        cols = guard(client.list_collections, "list collections")
        found: set[str] = set()
        pattern = re.compile(re.escape(self._store.name) + r"(?:\.([A-Za-z0-9]+))?(?:-sentences)?")
        for col in cols:
            m = pattern.fullmatch(col if isinstance(col, str) else col.name)
            if m:
                found.add(m.group(1) or "")
        return found

    def drop(self, generation: str) -> None:
        """Both collections of `generation`, deleted."""
        for name in self._store.names(generation):
            with contextlib.suppress(Exception):  # absent already
                self._store.client().delete_collection(name)

    def scan(self, generation: str) -> dict[tuple[str, str], list[int]]:
        """(doc_id, doc_hash) → [chunk rows, sentence rows] actually in the generation."""
        counts: dict[tuple[str, str], list[int]] = {}
        for slot, name in enumerate(self._store.names(generation)):
            got = self._store.read_all(self._store.collection(name, create=True), ["metadatas"], "read rows")
            for m in got["metadatas"]:
                key = (str((m or {}).get("doc_id", "")), str((m or {}).get("doc_hash", "")))
                counts.setdefault(key, [0, 0])[slot] += 1
        return counts

    def write(
        self,
        generation: str,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        sentences: tuple[list[str], list[str], list[str], list[str]],
        sentence_vectors: np.ndarray,
    ) -> None:
        """Upsert chunks and their sentences (ids, chunk ids, doc ids, texts) in batches the
        client accepts. Invisible to readers until the document is committed in the registry."""
        col, sent = (self._store.collection(n, create=True) for n in self._store.names(generation))
        hashes = {c.chunk_id: c.doc_hash for c in chunks}
        step = self._store.max_batch
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            guard(
                lambda: col.upsert(
                    ids=[c.chunk_id for c in part],
                    documents=[c.text for c in part],
                    metadatas=[c.metadata() for c in part],
                    embeddings=list(vectors[i : i + step]),
                ),
                "write chunks",
            )
        ids, cids, dids, texts = sentences
        for i in range(0, len(ids), step):
            metas = [
                {"chunk_id": c, "doc_id": d, "doc_hash": hashes[c]}
                for c, d in zip(cids[i : i + step], dids[i : i + step], strict=True)
            ]
            guard(
                lambda: sent.upsert(
                    ids=ids[i : i + step],
                    documents=texts[i : i + step],
                    metadatas=metas,
                    embeddings=list(sentence_vectors[i : i + step]),
                ),
                "write sentences",
            )

    def delete_rows(self, generation: str, doc_id: str, keep_hash: str | None = None) -> None:
        """Delete a document's rows, except those of version `keep_hash`."""
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_hash is not None:
            where = {"$and": [where, {"doc_hash": {"$ne": keep_hash}}]}
        col, sent = (self._store.collection(n, create=True) for n in self._store.names(generation))
        # Sentences first: a chunk is never left without them while it is still visible.
        guard(lambda: sent.delete(where=where), "delete sentences")
        guard(lambda: col.delete(where=where), "delete chunks")

    def mark_ingested(self, generation: str) -> None:
        """Record this model and the time on `generation`'s chunk collection (`Store.info`)."""
        col = self._store.collection(self._store.names(generation)[0], create=True)
        meta = dict(col.metadata or {})
        meta["embedding_model"] = self._store.embedder.model_id
        meta["last_ingested"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        guard(lambda: col.modify(metadata=meta), "record the ingest time")
