"""The manifest of record: which generation of collections answers, and what in it is committed.

Why: Chroma has no multi-collection transactions, and an ingest writes thousands of rows across
two collections. A kill between any two writes must leave an index that answers. So the rows
themselves are never the truth; one small record per document is, and writing that record (a
single upsert of a single row, atomic in Chroma) is the commit point.

It lives in Chroma itself (collection `<name>-registry`), so it works against a Chroma server
exactly as against the embedded store, with nothing kept beside it on local disk:

- row `@active`: `{"active": generation, "pending": generation, "stamp": token}`. The active
  generation is the pair of collections readers use; `pending` is a rebuild being written beside
  it. Swapping a rebuild in is one upsert of this row. `stamp` changes whenever an ingest
  changed what readers see, so a running process notices another's ingest by reading one row.
- row `<generation>/<doc_id>`: a `DocRecord` (document hash, file, chunk and sentence counts).
  Chunk and sentence rows carry `doc_id` and `doc_hash`; a row counts only if the registry holds
  that document with that hash in that generation. Rows of an uncommitted write (a kill mid-
  document) or of a superseded version are invisible to readers and deleted by the next ingest.

Chroma records need a vector, so registry rows carry a constant 1-dimensional one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ACTIVE = "@active"
_VEC = [1.0]


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    doc_hash: str
    file: str
    chunks: int
    sentences: int

    def metadata(self, generation: str) -> dict[str, Any]:
        return {
            "generation": generation,
            "doc_id": self.doc_id,
            "doc_hash": self.doc_hash,
            "file": self.file,
            "chunks": self.chunks,
            "sentences": self.sentences,
        }

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> DocRecord:
        return cls(
            str(meta["doc_id"]),
            str(meta["doc_hash"]),
            str(meta.get("file", "")),
            int(meta["chunks"]),
            int(meta["sentences"]),
        )


@dataclass(frozen=True)
class Pointer:
    active: str = ""  # "" when no generation was ever swapped in
    pending: str = ""  # a rebuild in progress (resumed by the next `--rebuild`)
    stamp: str = ""  # new after every ingest that changed the index


@dataclass(frozen=True)
class View:
    """What readers see: one generation and the documents committed in it."""

    generation: str
    docs: dict[str, DocRecord] = field(default_factory=dict)
    # An index written before the registry existed: its rows are all current.
    legacy: bool = False

    def current(self, meta: Mapping[str, Any] | None) -> bool:
        if self.legacy:
            return True
        if not meta:
            return False
        rec = self.docs.get(str(meta.get("doc_id")))
        return rec is not None and rec.doc_hash == meta.get("doc_hash")

    def where(self, extra: dict[str, Any] | None) -> dict[str, Any] | None:
        """A Chroma filter keeping only committed rows (and `extra`, the caller's filter)."""
        if self.legacy:
            return extra
        hashes = sorted({r.doc_hash for r in self.docs.values()})
        mine: dict[str, Any] = {"doc_hash": {"$in": hashes}}
        return mine if not extra else {"$and": [extra, mine]}


Guard = Callable[[Callable[[], Any], str], Any]


class Registry:
    """Reads and writes of the registry collection (`col`, a Chroma collection)."""

    def __init__(self, col: Any, guard: Guard) -> None:
        self._col = col
        self._guard = guard

    def pointer(self) -> Pointer:
        got = self._guard(lambda: self._col.get(ids=[ACTIVE], include=["metadatas"]), "read the registry")
        if not got["ids"]:
            return Pointer()
        meta = got["metadatas"][0] or {}
        return Pointer(str(meta.get("active", "")), str(meta.get("pending", "")), str(meta.get("stamp", "")))

    def set_pointer(self, pointer: Pointer) -> None:
        """Write the pointer with a new stamp (a swap changes what readers see)."""
        meta = {"active": pointer.active, "pending": pointer.pending, "stamp": uuid.uuid4().hex}
        self._guard(lambda: self._col.upsert(ids=[ACTIVE], metadatas=[meta], embeddings=[_VEC]), "swap generations")

    def touch(self) -> None:
        """A new stamp, generations unchanged: the index changed, readers should reload."""
        self.set_pointer(self.pointer())

    def records(self, generation: str) -> dict[str, DocRecord]:
        got = self._guard(
            lambda: self._col.get(where={"generation": generation}, include=["metadatas"]), "read the registry"
        )
        recs = [DocRecord.from_metadata(m) for m in got["metadatas"] if m]
        return {r.doc_id: r for r in recs}

    def commit(self, generation: str, rec: DocRecord) -> None:
        self._guard(
            lambda: self._col.upsert(
                ids=[f"{generation}/{rec.doc_id}"], metadatas=[rec.metadata(generation)], embeddings=[_VEC]
            ),
            f"commit document {rec.doc_id!r}",
        )

    def forget(self, generation: str, doc_id: str) -> None:
        self._guard(lambda: self._col.delete(ids=[f"{generation}/{doc_id}"]), f"remove document {doc_id!r}")

    def drop(self, generation: str) -> None:
        self._guard(lambda: self._col.delete(where={"generation": generation}), "drop a generation's records")

    def generations(self) -> set[str]:
        got = self._guard(lambda: self._col.get(include=["metadatas"]), "read the registry")
        return {str(m["generation"]) for m in got["metadatas"] if m and "generation" in m}
