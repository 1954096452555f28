"""What a question reads, on local disk: per-document files and the read pack built from them.

Why: an answering process used to load every chunk and every sentence vector at start, so its
memory and start-up grew with the corpus, once per process. Now a question reads only its
candidates, by row, from memory-mapped files; start-up opens files and reads nothing per row.

- **Document files** (docfiles.py): per document version, its sentence vectors, chunk vectors
  and chunk records, written by ingest before the document is committed.
- **The read pack** (`<data_dir>/bm25/`): the BM25 index (bm25s, memory-mapped) and, aligned
  with its rows, the chunk ids, a sorted lookup from id to row, and one JSON record per chunk
  (text, metadata, where its sentence vectors are). Built from the document files by ingest, or
  by a reader that finds it stale; written to a new folder and swapped in with a rename.

The pack's fingerprint names the committed documents (id, hash, counts) and the model; a reader
compares it with the registry, which is one small read, and rebuilds only on a mismatch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..types import Chunk
from .docfiles import record_chunk
from .lexical import TOKENIZER_VERSION, LexicalIndex, RowIds, atomic_folder

log = logging.getLogger(__name__)

PACK_FORMAT = 2
META = "ids.json"  # the pack's fingerprint and sizes (the name predates the pack)


def fingerprint(docs: Iterable[tuple[str, str, int, int]], model_id: str, generation: str) -> str:
    """Of the committed documents (id, hash, chunks, sentences), the embedding model and the
    index's generation: a rebuild (a new generation) rewrites every document's files, though
    their hashes stay, and its pack must be read from them again."""
    h = hashlib.sha256(f"pack-{PACK_FORMAT}\n{TOKENIZER_VERSION}\n{model_id}\n{generation}\n".encode())
    for row in sorted(docs):
        h.update(("\t".join(map(str, row)) + "\n").encode())
    return h.hexdigest()[:24]


def _map_for_scattered_reads(path: Path) -> np.ndarray:
    """The file's bytes, memory-mapped, with read-ahead off. A question reads a hundred or so
    records scattered over the file; with the kernel's default read-ahead a new process's first
    question paged in all of a cold 137 MB records.bin at 1,000× the corpus (fincore: 135 MB
    resident after 120 record reads; 0.7 MB with MADV_RANDOM)."""
    if not path.stat().st_size:
        return np.zeros(0, np.uint8)  # mmap cannot map an empty file
    with path.open("rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):  # not on every platform
        mapped.madvise(mmap.MADV_RANDOM)
    return np.frombuffer(mapped, dtype=np.uint8)


class ReadPack:
    """An opened read pack: rows in (document id, position) order, as BM25's."""

    RECORDS = "records.bin"
    OFFSETS = "records.idx.npy"
    LOOKUP = "lookup.npy"
    DOCS = "docs.json"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta = json.loads((folder / META).read_text(encoding="utf-8"))
        self.lexical = LexicalIndex.open(folder)
        self.ids: RowIds = self.lexical.ids
        self._lookup = np.load(folder / self.LOOKUP, mmap_mode="r")
        self._offsets = np.load(folder / self.OFFSETS, mmap_mode="r")
        self._records = _map_for_scattered_reads(folder / self.RECORDS)
        self._record = lru_cache(maxsize=8192)(self._read_record)
        # Every dense hit, candidate and sentence read looks its chunk id up (a binary search
        # over the memory-mapped ids); the pack never changes, so answers are kept.
        self._rows = lru_cache(maxsize=65536)(self._find_row)

    @classmethod
    def open(cls, folder: Path, expected: str) -> ReadPack | None:
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
            if meta.get("format") != PACK_FORMAT or meta.get("fingerprint") != expected:
                return None
            return cls(folder)
        except (OSError, ValueError, KeyError):
            return None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def fingerprint(self) -> str:
        return str(self.meta["fingerprint"])

    def row(self, chunk_id: str) -> int | None:
        """The row of `chunk_id`, or None."""
        return self._rows(chunk_id)

    def _find_row(self, chunk_id: str) -> int | None:
        raw = self.ids.raw
        if not len(raw):
            return None
        try:
            key = np.bytes_(chunk_id.encode())
        except UnicodeEncodeError:
            return None
        i = int(np.searchsorted(raw, key, sorter=self._lookup))
        if i < len(raw):
            row = int(self._lookup[i])
            if bytes(raw[row]) == key.tobytes():
                return row
        return None

    def _read_record(self, row: int) -> tuple[Chunk, tuple[tuple[int, int], ...], int, int]:
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        rec = json.loads(bytes(self._records[start:end]).decode())
        return record_chunk(rec), tuple((int(a), int(b)) for a, b in rec["spans"]), int(rec["s0"]), int(rec["sn"])

    def chunk(self, row: int) -> Chunk:
        return self._record(row)[0]

    def sentence_slice(self, row: int) -> tuple[Chunk, tuple[tuple[int, int], ...], int, int]:
        """(chunk, sentence spans in its text, first row in its document's vectors, count)."""
        return self._record(row)

    def documents(self) -> list[dict[str, Any]]:
        return list(json.loads((self.folder / self.DOCS).read_text(encoding="utf-8")))

    @staticmethod
    def write(
        folder: Path,
        fp: str,
        docs: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
        dim: int,
    ) -> None:
        """Build the pack from (document summary, its chunk records in position order), the
        documents in id order, and swap it in at `folder`."""
        ids: list[str] = []
        tokens: list[list[str]] = []
        for _summary, records in docs:
            for rec in records:
                ids.append(str(rec["chunk_id"]))
                tokens.append(list(rec["terms"]))
        lexical = LexicalIndex.build_from_terms(ids, tokens)
        raw = lexical.ids.raw

        def fill(tmp: Path) -> None:
            lexical.write_to(tmp)
            np.save(tmp / ReadPack.LOOKUP, np.argsort(raw, kind="stable").astype(np.int64))
            offsets = [0]
            with (tmp / ReadPack.RECORDS).open("wb") as fh:
                for _summary, records in docs:
                    at = 0
                    for rec in records:
                        n = len(rec["spans"])
                        slim = {k: v for k, v in rec.items() if k != "terms"}
                        slim["s0"], slim["sn"] = at, n
                        at += n
                        data = json.dumps(slim, ensure_ascii=False).encode()
                        fh.write(data)
                        offsets.append(offsets[-1] + len(data))
            np.save(tmp / ReadPack.OFFSETS, np.asarray(offsets, dtype=np.int64))
            (tmp / ReadPack.DOCS).write_text(json.dumps([s for s, _ in docs], ensure_ascii=False), encoding="utf-8")
            meta = {"format": PACK_FORMAT, "fingerprint": fp, "rows": len(ids), "dim": dim, "built": time.time()}
            (tmp / META).write_text(json.dumps(meta), encoding="utf-8")

        atomic_folder(folder, fill)


def iter_rows(pack: ReadPack) -> Iterator[Chunk]:
    for row in range(len(pack)):
        yield pack.chunk(row)
