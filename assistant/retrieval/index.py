"""The read side of the index: chunks, BM25 and sentence vectors, loaded once per Assistant."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..settings import Settings
from ..storage.store import SentenceRows, Store
from ..types import Chunk
from .lexical import LexicalIndex, fingerprint, terms
from .sentences import split_sentences

log = logging.getLogger(__name__)


def search_text(chunk: Chunk) -> str:
    """What both retrievers index: the section path carries the question a Q&A section answers."""
    return f"{chunk.section}\n{chunk.text}"


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


def refresh_lexical(store: Store, settings: Settings, chunks: list[Chunk] | None = None) -> LexicalIndex:
    """Load the saved BM25 index, or rebuild it from the store's own chunks when stale."""
    chunks = store.all_chunks() if chunks is None else chunks
    ids = [c.chunk_id for c in chunks]
    saved = LexicalIndex.load(settings.bm25_path, fingerprint(ids))
    if saved is not None:
        return saved
    index = LexicalIndex.build(ids, [search_text(c) for c in chunks])
    index.save(settings.bm25_path)
    return index


@dataclass
class LoadedIndex:
    chunks: list[Chunk]
    by_id: dict[str, Chunk]
    lexical: LexicalIndex
    # Sentence vectors grouped by chunk: chunk id → (texts, matrix)
    sentences: dict[str, tuple[list[str], np.ndarray]]
    info: dict[str, object]
    # Document frequency of each BM25 term over chunks (with their section paths).
    df: dict[str, int]

    def idf(self, term: str) -> float:
        return math.log((len(self.chunks) + 1) / (self.df.get(term, 0) + 0.5))

    def coverage(self, question: str, passages: Sequence[Chunk]) -> float:
        """IDF-weighted share of the question's terms that occur in `passages`.

        A question whose informative words appear in none of the best passages ("annual
        leave", "Scotland") is not answered by them, however similar the prose sounds.
        """
        qterms = set(terms(question))
        if not qterms:
            return 0.0
        present: set[str] = set()
        for p in passages:
            present.update(terms(search_text(p)))
        total = sum(self.idf(t) for t in qterms)
        return sum(self.idf(t) for t in qterms if t in present) / total if total else 0.0

    @classmethod
    def load(cls, store: Store, settings: Settings) -> LoadedIndex:
        chunks, rows, info = _snapshot(store)
        lexical = refresh_lexical(store, settings, chunks)
        grouped: dict[str, list[int]] = {}
        for i, cid in enumerate(rows.chunk_ids):
            grouped.setdefault(cid, []).append(i)
        sentences: dict[str, tuple[list[str], np.ndarray]] = {}
        dim = rows.vectors.shape[1] if rows.vectors.size else 0
        for c in chunks:
            # Chroma returns rows unordered; the id's suffix is the sentence's position.
            idx = sorted(grouped.get(c.chunk_id, []), key=lambda i: int(rows.ids[i].rsplit(":", 1)[1]))
            vecs = rows.vectors[idx] if idx else np.zeros((0, dim), dtype=np.float32)
            sentences[c.chunk_id] = ([rows.texts[i] for i in idx], vecs)
        df: dict[str, int] = {}
        for c in chunks:
            for t in set(terms(search_text(c))):
                df[t] = df.get(t, 0) + 1
        return cls(
            df=df,
            chunks=chunks,
            by_id={c.chunk_id: c for c in chunks},
            lexical=lexical,
            sentences=sentences,
            info=info,
        )


def _snapshot(store: Store, attempts: int = 3) -> tuple[list[Chunk], SentenceRows, dict[str, object]]:
    """Committed chunks and sentences, checked against the registry's counts.

    An ingest in another process may commit a new version of a document and delete the old
    rows between our reading the registry and reading the rows; the counts then disagree and
    we read again. A store damaged outside any ingest is served as it is (the next ingest
    repairs it).
    """
    for attempt in range(attempts):
        view = store.view(refresh=True)
        info = store.info()  # raises IndexMissingError / EmbedderMismatchError
        chunks = store.all_chunks()
        rows = store.sentences()
        if view.legacy:
            break
        counts: dict[str, list[int]] = {d: [0, 0] for d in view.docs}
        for c in chunks:
            counts[c.doc_id][0] += 1
        by_chunk = {c.chunk_id: c.doc_id for c in chunks}
        for cid in rows.chunk_ids:
            if cid in by_chunk:
                counts[by_chunk[cid]][1] += 1
        bad = [d for d, r in view.docs.items() if counts[d] != [r.chunks, r.sentences]]
        if not bad:
            break
        if attempt == attempts - 1:
            log.warning("index incomplete for %s; run `assistant ingest` to repair it", ", ".join(sorted(bad)))
    return chunks, rows, info
