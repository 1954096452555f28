"""The read pack built from the store: what ingest writes after each commit, and what a process
that did not ingest reads from Chroma once, into its own files, when its pack is stale.

`refresh_pack` opens the saved pack when its fingerprint matches the registry's committed
documents and otherwise rebuilds it from the per-document files (`docfiles.DocFiles`), reading
Chroma only for documents whose files this machine lacks (`materialise`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from ..settings import Settings
from ..storage.registry import View
from ..storage.store import Store
from ..types import Chunk
from .docfiles import DocFiles
from .readpack import ReadPack, fingerprint
from .sentences import split_sentences

log = logging.getLogger(__name__)

__all__ = ["materialise", "refresh_pack", "sentence_rows"]


def sentence_rows(chunks: Sequence[Chunk]) -> tuple[list[str], list[str], list[str], list[str]]:
    """(sentence ids, chunk ids, doc ids, texts) for every sentence of `chunks`."""
    ids: list[str] = []
    cids: list[str] = []
    dids: list[str] = []
    texts: list[str] = []
    for c in chunks:
        for i, (s, e) in enumerate(split_sentences(c.text)):
            ids.append(f"{c.chunk_id}:{i}")
            cids.append(c.chunk_id)
            dids.append(c.doc_id)
            texts.append(c.text[s:e])
    return ids, cids, dids, texts


def _committed(store: Store, view: View) -> list[tuple[str, str, int, int]]:
    """(doc id, doc hash, chunks, sentences) of every committed document, by id."""
    if not view.legacy:
        return sorted((r.doc_id, r.doc_hash, r.chunks, r.sentences) for r in view.docs.values())
    # An index from before the registry: its rows are all current; read their documents.
    counts: dict[tuple[str, str], int] = {}
    for c in store.all_chunks():
        counts[(c.doc_id, c.doc_hash)] = counts.get((c.doc_id, c.doc_hash), 0) + 1
    return sorted((d, h, n, -1) for (d, h), n in counts.items())


def _spans_of(chunk: Chunk, texts: Sequence[str]) -> list[tuple[int, int]]:
    """Where the stored sentence texts lie in the chunk (as the splitter gives them, normally)."""
    spans = split_sentences(chunk.text)
    if [chunk.text[s:e] for s, e in spans] == list(texts):
        return spans
    found, at = [], 0
    for t in texts:
        i = chunk.text.find(t, at)
        if i < 0:
            log.warning("chunk %s: stored sentences do not match its text; re-ingest to repair", chunk.chunk_id)
            return spans[: len(texts)] + [(0, 0)] * max(0, len(texts) - len(spans))
        found.append((i, i + len(t)))
        at = i + len(t)
    return found


def materialise(store: Store, files: DocFiles, generation: str, doc_hash: str) -> bool:
    """Write a document's files from its rows in Chroma (a process that did not ingest it)."""
    chunks, rows, chunk_vectors = store.document_rows(generation, doc_hash)
    if not chunks:
        return False
    by_chunk: dict[str, list[str]] = {}
    for cid, text in zip(rows.chunk_ids, rows.texts, strict=True):
        by_chunk.setdefault(cid, []).append(text)
    spans = [_spans_of(c, by_chunk.get(c.chunk_id, [])) for c in chunks]
    files.write(doc_hash, chunks, rows.vectors, spans, chunk_vectors)
    return True


# Seconds to wait before each further read of a document another process has just committed.
FETCH_RETRIES = (0.2, 0.5, 1.0, 2.0)


def _fetch(
    store: Store, files: DocFiles, generation: str, doc_id: str, doc_hash: str, n_chunks: int, sentences: int | None
) -> list[dict[str, Any]]:
    """A committed document's records, read from Chroma into this machine's files.

    The registry says how many passages and sentences the document has; a read that returns
    fewer (a server still settling the writer's rows, under load) is tried again rather than
    taken: a read pack saved without them would match the registry's fingerprint and hide the
    document from this process until the next ingest."""
    got = 0
    for wait in (0.0, *FETCH_RETRIES):
        if wait:
            time.sleep(wait)
        materialise(store, files, generation, doc_hash)
        records = files.read(doc_hash, sentences)
        if records is not None and len(records) == n_chunks:
            return records
        got = len(records or files.read(doc_hash) or [])
        log.warning("document %r: Chroma returned %d of its %d passages; reading again", doc_id, got, n_chunks)
    raise StoreError(
        f"document {doc_id!r} is committed with {n_chunks} passages"
        + ("" if sentences is None else f" and {sentences} sentences")
        + f", but Chroma returned {got} passages after {len(FETCH_RETRIES) + 1} reads; "
        "the answers keep using the index loaded before, and `assistant ingest` repairs the document"
    )


def refresh_pack(store: Store, settings: Settings, view: View | None = None) -> ReadPack:
    """The read pack of the store's committed documents: opened as saved when its fingerprint
    matches, else rebuilt (from the document files, reading Chroma only for documents whose
    files this machine lacks)."""
    view = view or store.view(refresh=True)
    model = store.embedder.model_id
    docs = _committed(store, view)
    fp = fingerprint(docs, model, view.generation)
    pack = ReadPack.open(settings.bm25_path, fp)
    if pack is not None:
        return pack
    files = DocFiles.of(settings.data_dir, model)
    built: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    fetched, dim = 0, 0
    for doc_id, doc_hash, n_chunks, n_sentences in docs:
        expect = None if n_sentences < 0 else n_sentences
        records = files.read(doc_hash, expect)
        if n_chunks == 0:
            continue
        if records is None or len(records) != n_chunks:
            records = _fetch(store, files, view.generation, doc_id, doc_hash, n_chunks, expect)
            fetched += 1
        if not records:
            continue
        vecs = files.vectors(doc_hash)
        if vecs is not None and vecs.ndim == 2 and vecs.shape[0]:
            dim = int(vecs.shape[1])
        first = records[0]
        summary = {
            "doc_id": doc_id,
            "doc_hash": doc_hash,
            "file": first.get("file", ""),
            "title": first.get("title", ""),
            "publisher": first.get("publisher", ""),
            "published": first.get("published", ""),
            "approximate": bool(first.get("approximate", False)),
            "notice": first.get("notice", ""),
            "shorthand": first.get("shorthand", ""),
            "chunks": len(records),
            "sentences": sum(len(r["spans"]) for r in records),
        }
        built.append((summary, sorted(records, key=lambda r: int(r.get("position", 0)))))
    if fetched:
        log.info("read pack: %d of %d documents read from Chroma (no local files)", fetched, len(docs))
    ReadPack.write(settings.bm25_path, fp, built, dim)
    pack = ReadPack.open(settings.bm25_path, fp)
    if pack is None:  # pragma: no cover - written just above
        raise RuntimeError(f"the read pack at {settings.bm25_path} could not be opened after writing it")
    return pack
