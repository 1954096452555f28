"""Per-document files: what ingest writes of each document version for the read path.

`<data_dir>/docs/<model>/<doc_hash>.npy` and `.json`, written by ingest before the document is
committed: the sentence vectors of one version of one document (rows in chunk then sentence
order) and its chunks (text, metadata, sentence spans, BM25 terms), with a third file of its
chunk vectors. Keyed by the document hash, which names content, metadata and pipeline version,
and by the embedding model in the folder name; so a file is never stale, only unused. A process
that lacks one (another machine against the same Chroma server, an index built before these
files) reads that document's rows from Chroma once and writes the file (refresh.py). The read
pack (readpack.py) is built from these files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..types import SECTION_SEP, Chunk
from .lexical import TOKENIZER_VERSION, terms
from .sentences import split_sentences

DOC_FORMAT = 1


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
