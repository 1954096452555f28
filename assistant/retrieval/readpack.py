"""What a question reads, on local disk: per-document files and the read pack built from them.

Why: an answering process used to load every chunk and every sentence vector at start, so its
memory and start-up grew with the corpus, once per process. Now a question reads only its
candidates, by row, from memory-mapped files; start-up opens files and reads nothing per row.

- **Document files** (`<data_dir>/docs/<model>/<doc_hash>.npy` and `.json`), written by ingest
  before the document is committed: the sentence vectors of one version of one document (rows
  in chunk then sentence order) and its chunks (text, metadata, sentence spans, BM25 terms).
  Keyed by the document hash, which names content, metadata and pipeline version, and by the
  embedding model in the folder name; so a file is never stale, only unused. A process that
  lacks one (another machine against the same Chroma server, an index built before these
  files) reads that document's rows from Chroma once and writes the file.
- **The read pack** (`<data_dir>/bm25/`): the BM25 index (bm25s, memory-mapped) and, aligned
  with its rows, the chunk ids, a sorted lookup from id to row, and one JSON record per chunk
  (text, metadata, where its sentence vectors are). Built from the document files by ingest, or
  by a reader that finds it stale; written to a new folder and swapped in with a rename.

The pack's fingerprint names the committed documents (id, hash, counts) and the model; a reader
compares it with the registry, which is one small read, and rebuilds only on a mismatch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mmap
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..types import SECTION_SEP, Chunk
from .lexical import TOKENIZER_VERSION, LexicalIndex, RowIds, atomic_folder, terms
from .sentences import split_sentences

log = logging.getLogger(__name__)

PACK_FORMAT = 2
DOC_FORMAT = 1
META = "ids.json"  # the pack's fingerprint and sizes (the name predates the pack)


# A collapsible section headed only "How?" or "Why?" asks how or why of the page's subject ("Get
# involved in commissioning" › "How?"): indexed alone, the heading says nothing.
_BARE_WH = re.compile(r"^(How|Why|What|When|Where|Who)\?$", re.I)


def search_text(chunk: Chunk) -> str:
    """What both retrievers index: the document's title, then the section path (which carries
    the question a Q&A section answers; a bare "How?" in it is completed by the title), then the
    text. The title is there because a passage deep in a document rarely names what the whole
    document is about: "Select clinicians who are already networking in the community" is a Kent
    PCT's advice only by its title, and "what did the Kent team say to look for" missed it."""
    return f"{chunk.title}{SECTION_SEP}{passage_text(chunk)}"


def passage_text(chunk: Chunk) -> str:
    """The section path and the text: what a passage itself says, without its document's title."""
    parts = chunk.section.split(SECTION_SEP)
    section = SECTION_SEP.join(f"{p} {chunk.title}" if _BARE_WH.match(p.strip()) else p for p in parts)
    return f"{section}\n{chunk.text}"


def model_slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("_") or "model"


def sentence_spans(chunk: Chunk) -> list[tuple[int, int]]:
    return split_sentences(chunk.text)


def chunk_record(chunk: Chunk, spans: Sequence[tuple[int, int]] | None = None) -> dict[str, Any]:
    """A chunk as a document file holds it."""
    rec: dict[str, Any] = asdict(chunk)
    rec["spans"] = [list(s) for s in (sentence_spans(chunk) if spans is None else spans)]
    rec["terms"] = terms(search_text(chunk))
    return rec


def record_chunk(rec: dict[str, Any]) -> Chunk:
    fields = {k: rec[k] for k in Chunk.__dataclass_fields__ if k in rec}
    # JSON holds the pairs as lists: the chunk holds them as tuples, as Chroma's copy does.
    for key in ("page_breaks", "titles"):
        if key in fields:
            fields[key] = tuple(tuple(pair) for pair in fields[key])
    return Chunk(**fields)


def _atomic_write(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@lru_cache(maxsize=65536)
def _doc_paths(root: Path, doc_hash: str) -> tuple[Path, Path]:
    # Built for every sentence read; pathlib's joins showed in the ask profile.
    return root / f"{doc_hash}.npy", root / f"{doc_hash}.json"


def _chunk_vectors_path(root: Path, doc_hash: str) -> Path:
    return root / f"{doc_hash}.chunks.npy"


class DocFiles:
    """Per-document files of one embedding model under `root`."""

    def __init__(self, root: Path, layouts: int = 65536) -> None:
        self.root = root
        self._maps: OrderedDict[str, tuple[int, int, int]] = OrderedDict()
        self._open_files = layouts
        self._lock = threading.Lock()

    @classmethod
    def of(cls, data_dir: Path, model_id: str) -> DocFiles:
        return cls(data_dir / "docs" / model_slug(model_id))

    def _paths(self, doc_hash: str) -> tuple[Path, Path]:
        return _doc_paths(self.root, doc_hash)

    def write(
        self,
        doc_hash: str,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        spans: Sequence[Sequence[tuple[int, int]]] | None = None,
        chunk_vectors: np.ndarray | None = None,
    ) -> None:
        """Vectors first, then the chunks: the JSON file's presence marks a complete pair.
        `chunk_vectors` (one row per chunk, in position order) go in a third file, read by
        `chunk_row`; without them a reader asks Chroma."""
        self.root.mkdir(parents=True, exist_ok=True)
        npy, js = self._paths(doc_hash)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        _atomic_write(npy, lambda fh: np.save(fh, vectors))
        # A row is found by the chunk's position, so the file is written only when positions
        # are exactly its rows (0..n-1, each with a vector).
        if (
            chunk_vectors is not None
            and chunk_vectors.ndim == 2
            and chunk_vectors.shape[0] == len(chunks)
            and [c.position for c in chunks] == list(range(len(chunks)))
        ):
            self.write_chunk_vectors(doc_hash, chunk_vectors)
        records = [chunk_record(c, None if spans is None else spans[i]) for i, c in enumerate(chunks)]
        body = {
            "format": DOC_FORMAT,
            "tokenizer": TOKENIZER_VERSION,
            "sentences": int(vectors.shape[0]),
            "chunks": records,
        }
        _atomic_write(js, lambda fh: fh.write(json.dumps(body, ensure_ascii=False).encode()))

    def write_chunk_vectors(self, doc_hash: str, vectors: np.ndarray) -> None:
        """The document's chunk vectors, row i for the chunk at position i."""
        self.root.mkdir(parents=True, exist_ok=True)
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        path = _chunk_vectors_path(self.root, doc_hash)
        _atomic_write(path, lambda fh: np.save(fh, rows))
        with self._lock:
            self._maps.pop(doc_hash + ".chunks", None)

    def read(self, doc_hash: str, sentences: int | None = None) -> list[dict[str, Any]] | None:
        """The document's chunk records, or None if its files are missing, partial, of another
        format or tokenizer, or (given `sentences`) hold another number of sentence rows."""
        npy, js = self._paths(doc_hash)
        try:
            body = json.loads(js.read_text(encoding="utf-8"))
            if body.get("format") != DOC_FORMAT or body.get("tokenizer") != TOKENIZER_VERSION:
                return None
            rows = np.load(npy, mmap_mode="r").shape[0]
        except (OSError, ValueError):
            return None
        if rows != body.get("sentences") or (sentences is not None and rows != sentences):
            return None
        return list(body["chunks"])

    def vectors(self, doc_hash: str) -> np.ndarray | None:
        """The document's sentence vectors, memory-mapped."""
        try:
            return np.load(self._paths(doc_hash)[0], mmap_mode="r")
        except (OSError, ValueError):
            return None

    def rows(self, doc_hash: str, start: int, count: int) -> np.ndarray | None:
        """Rows `start`..`start+count` of the document's sentence vectors, read with one
        positioned read (no mapping to keep open; the page cache serves repeats). None when the
        file is missing or shorter."""
        return self._read(self._paths(doc_hash)[0], doc_hash, start, count)

    def chunk_row(self, doc_hash: str, position: int) -> np.ndarray | None:
        """The vector of the document's chunk at `position`, or None when this machine has no
        chunk-vector file for the document (an index written before there were any)."""
        got = self._read(_chunk_vectors_path(self.root, doc_hash), doc_hash + ".chunks", position, 1)
        return None if got is None else got[0]

    def _read(self, path: Path, key: str, start: int, count: int) -> np.ndarray | None:
        layout = self._layout(path, key)
        if layout is None or start < 0 or start + count > layout[1]:
            return None
        offset, _rows, dim = layout
        try:
            # One positioned read on a bare descriptor: a buffered file object per read (a
            # question makes ~150) cost ~2 ms a question at 1,000× the corpus.
            fd = os.open(path, os.O_RDONLY)
            try:
                data = os.pread(fd, 4 * dim * count, offset + 4 * dim * start)
            finally:
                os.close(fd)
        except OSError:
            return None
        if len(data) != 4 * dim * count:
            return None
        return np.frombuffer(data, dtype="<f4").reshape(count, dim).astype(np.float32)

    def _layout(self, path: Path, key: str) -> tuple[int, int, int] | None:
        """(data offset, rows, dim) of a .npy file, read once per process."""
        with self._lock:
            got = self._maps.get(key)
            if got is not None:
                self._maps.move_to_end(key)
                return got
        try:
            with path.open("rb") as fh:
                fmt = np.lib.format
                version = fmt.read_magic(fh)
                header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
                shape, fortran, dtype = header(fh)
                offset = fh.tell()
        except (OSError, ValueError):
            return None
        if fortran or dtype != np.dtype("<f4") or len(shape) != 2:
            return None
        layout = (offset, int(shape[0]), int(shape[1]))
        with self._lock:
            self._maps[key] = layout
            while len(self._maps) > self._open_files:
                self._maps.popitem(last=False)
        return layout

    def forget(self, doc_hash: str) -> None:
        """Forget what was read of a file (it is about to be replaced)."""
        with self._lock:
            self._maps.pop(doc_hash, None)
            self._maps.pop(doc_hash + ".chunks", None)

    def hashes(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {p.stem for p in self.root.glob("*.json")}

    def collect(self, keep: set[str], grace_s: float = 3600.0) -> int:
        """Delete the files of document versions not in `keep` and untouched for `grace_s`
        (a process answering from an older snapshot may still read them). Returns how many."""
        if not self.root.is_dir():
            return 0
        now, removed = time.time(), 0
        for path in self.root.iterdir():
            stem = path.name.split(".", 1)[0]
            if stem in keep or not stem:
                continue
            try:
                if now - path.stat().st_mtime >= grace_s:
                    path.unlink()
                    removed += path.suffix == ".json"
            except OSError:
                continue
        return removed


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
