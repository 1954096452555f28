"""The read side of the index: what a question needs, read on demand from the read pack.

`LoadedIndex.load` opens the read pack (`readpack.py`: BM25 and the chunk records, memory-
mapped) after checking its fingerprint against the registry, one small read; it reads nothing
per chunk or per sentence. A question then reads its candidates' chunks and sentence vectors by
id (`by_id`, `sentences`), and Chroma answers only the dense query. So memory and start-up do
not grow with the corpus, and every process (web, Slack, workers) shares the page cache.

`chunks`, `by_id`, `sentences`, `df` and `idf` keep the shapes the answer code has always used
(a sequence, mappings by chunk id and by term); they read lazily.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..settings import Settings
from ..storage.store import Store
from ..types import SECTION_SEP, Chunk
from .docfiles import DocFiles, passage_text, search_text
from .lexical import terms
from .readpack import ReadPack
from .refresh import materialise, refresh_pack
from .rewrite import writes_out
from .sentences import split_sentences
from .sources import SourceNames
from .spelling import Speller
from .views import ChunkRows, ChunksById, SentenceEntry, SentencesById, TermCounts

log = logging.getLogger(__name__)

# A sentence of an earlier answer counts as drawn from a passage when the passage holds this share
# of its words (at least this many of them): a quote holds all, a generated paraphrase about 0.7,
# a caveat or refusal line of the templates 0.2-0.3.
QUOTED_SHARE = 0.6
QUOTE_MIN_TERMS = 4
# How rare a word written only capitalised must be to count as a name (`LoadedIndex.names`), and
# in how many passages at most (each holder is read to see its case).
NAME_IDF = 2.0
NAME_MAX_PASSAGES = 50
NAME_MIN_LETTERS = 3
# Chunks whose sentences and vectors a snapshot keeps in memory (about 15 kB each). A question
# rereads its own candidates (reranking, answerability, composing), which 1,024 holds several
# times over; more bought nothing measurable now that the vectors are positioned reads the page
# cache serves. Measured on 2 cores at 1,000× the corpus, 16 clients for 60 s: 1,443 answers and
# peak RSS 918 MB with 1,024; 1,428 and 949 MB with 4,096; 1,392 and 1,017 MB with 8,192 (30-s
# runs differed by up to a fifth either way: the cache's filling, not its size). One client:
# warm p50 48 ms against 50 with 8,192. At 100×, 16 clients for 30 s: 729-775 against 703-827.
SENTENCE_CACHE = 1024
# How far back `enclosing` looks for the passages of the sections that hold a passage.
ENCLOSING_REACH = 12
_MARKER = re.compile(r"\[\d+\]")

__all__ = ["LoadedIndex", "search_text"]


class LoadedIndex:
    """One snapshot of the committed index, read on demand."""

    def __init__(
        self, store: Store, settings: Settings, pack: ReadPack, info: dict[str, object], stamp: str = ""
    ) -> None:
        self.store = store
        self.settings = settings
        self._pack = pack
        self._files = DocFiles.of(settings.data_dir, store.embedder.model_id)
        self._materialise_lock = threading.Lock()
        self._no_chunk_file: set[str] = set()  # documents whose chunk vectors only Chroma has
        self._chunk_counts: dict[str, int] | None = None
        self._cache: OrderedDict[str, SentenceEntry] = OrderedDict()
        self._cache_lock = threading.Lock()
        # Whether a term is a name (`names`) is this snapshot's property: read once per term.
        self._name_terms: dict[str, str | None] = {}
        self._sources: SourceNames | None = None
        self._dim = int(pack.meta.get("dim") or 0)
        self.info = info
        self.stamp = stamp  # the registry's stamp when this snapshot was taken
        self.lexical = pack.lexical
        self.chunks: Sequence[Chunk] = ChunkRows(pack)
        self.by_id: Mapping[str, Chunk] = ChunksById(pack)
        self.sentences: dict[str, SentenceEntry] = SentencesById(pack, self._sentences)
        # Document frequency of each BM25 term over chunks (with their section paths).
        self.df: Mapping[str, int] = TermCounts(pack.lexical)
        # Mends a question's typos against this snapshot's words, and reads the initials its
        # documents' manifest entries declare as the words they stand for.
        declared = {k: v for d in pack.documents() if d.get("shorthand") for k, v in json.loads(d["shorthand"]).items()}
        self.speller = Speller(pack.lexical.df, extra=declared)

    @classmethod
    def load(cls, store: Store, settings: Settings) -> LoadedIndex:
        # The stamp first: an ingest finishing while this loads changes it, so the next check
        # loads again rather than keeping a snapshot older than its stamp says.
        stamp = store.stamp()
        view = store.view(refresh=True)
        info = store.info()  # raises IndexMissingError / EmbedderMismatchError
        pack = refresh_pack(store, settings, view)
        return cls(store, settings, pack, info, stamp)

    def idf(self, term: str) -> float:
        return math.log((len(self._pack) + 1) / (self.df.get(term, 0) + 0.5))

    def names(self, text: str, acronyms: bool = True) -> frozenset[str]:
        """The terms of `text` that are names: words the corpus only ever writes capitalised,
        and rare (IDF at least NAME_IDF), as a place ("Somerset", "Hackney") or a body is
        written. Any rare word was too many for a follow-up: "how were they recruited?" is about
        the same thing in other words. Without `acronyms`, not those the corpus only writes in
        capitals ("CSU", "LMC"): they name a kind of body, the topic, not a particular one."""
        return frozenset(
            t
            for t in set(self.lexical.query_terms(text))
            if (kind := self._name_kind(t)) is not None and (acronyms or kind != "acronym")
        )

    def _name_kind(self, term: str) -> str | None:
        """ "name", "acronym" or None (no name), worked out once per term."""
        if term not in self.df:  # kept to the corpus's words, so the memo stays bounded
            return None
        if term not in self._name_terms:
            self._name_terms[term] = self._reads_as_name(term)
        return self._name_terms[term]

    def _reads_as_name(self, term: str) -> str | None:
        # A word in many passages is a topic, whatever its case; reading them all would cost a
        # read per passage at a thousand times the corpus.
        if self.idf(term) < NAME_IDF or self.df[term] > NAME_MAX_PASSAGES:
            return None
        if len(term) < NAME_MIN_LETTERS:  # the "E" of "A&E"
            return None
        scores = self.lexical.scores(term)
        holders = [
            chunk
            for row in np.flatnonzero(scores > 0)
            if (chunk := self.by_id.get(self.lexical.ids[int(row)])) is not None
        ]
        # The stem may not begin the word ("coventri" for "Coventry"): what starts like it and
        # stems to it.
        like = re.compile(rf"\b{re.escape(term[: max(3, len(term) - 1)])}\w*", re.I)
        said = [w for c in holders for m in like.finditer(c.text) if terms(w := m.group(0)) == [term]]
        if not said or not all(w[0].isupper() for w in said):
            return None
        return "acronym" if all(w.rstrip("s").isupper() for w in said) else "name"

    def holding(self, names: frozenset[str], chunks: Iterable[Chunk]) -> frozenset[str]:
        """The ids of `chunks` whose indexed text (title, section path and text) holds every term
        of `names`: from BM25's matrix where a chunk has a row, else from its text. A document's
        publisher is held by all its passages: "What are the BMA's concerns ...?" is answered by
        the BMA's guide, whose passages seldom write "BMA"."""
        chunks = list(chunks)
        rows = {c.chunk_id: row for c in chunks if (row := self.lexical_row(c.chunk_id)) is not None}
        # One search of each name's column of the matrix for all the rows, as `_pair_holders` does.
        at = {cid: i for i, cid in enumerate(rows)}
        column = np.array(list(rows.values()), dtype=np.int64)
        holds = {t: self.lexical.holding(t, column) for t in names}
        held: set[str] = set()
        for chunk in chunks:
            need = names - set(terms(chunk.publisher))
            i = at.get(chunk.chunk_id)
            text = search_text(chunk) if i is None else ""
            missing = need - set(terms(text)) if i is None else {t for t in need if not holds[t][i]}
            # An acronym is held where it is written out: "Primary care trusts and strategic
            # health authorities were abolished" names the PCTs and SHAs an ask writes short.
            if missing:
                text = text or search_text(chunk)
                if not all(writes_out(t, text) for t in missing):
                    continue
            held.add(chunk.chunk_id)
        return frozenset(held)

    def quoted_documents(self, answer: str) -> frozenset[str]:
        """The documents an earlier answer drew on: for each of its sentences, the document of the
        best BM25 passage if that passage holds most of the sentence's words (QUOTED_SHARE)."""
        text = _MARKER.sub("", answer)
        found: set[str] = set()
        for s, e in split_sentences(text):
            words = set(terms(text[s:e]))
            if len(words) < QUOTE_MIN_TERMS:
                continue
            scores = self.lexical.scores(text[s:e])
            best = int(scores.argmax()) if len(scores) else -1
            if best < 0 or scores[best] <= 0:
                continue
            chunk = self.by_id.get(self.lexical.ids[best])
            if chunk is not None and len(words & set(terms(passage_text(chunk)))) >= QUOTED_SHARE * len(words):
                found.add(chunk.doc_id)
        return frozenset(found)

    def dense(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest chunks this snapshot knows (Chroma's query, kept to the read pack)."""
        return self.store.dense(vector, k, where, accept=self.by_id.__contains__)

    def similarities(self, vector: np.ndarray, chunks: Sequence[Chunk]) -> dict[str, float]:
        """Cosine similarity of `vector` to each of these chunks' stored vectors, by chunk id:
        read from this machine's chunk-vector files (one positioned read each), and from Chroma
        for chunks of documents whose file this machine lacks (written once, on first need).
        At 1,000× reading them from embedded Chroma took 10 ms a question, as long as the
        nearest-neighbour query itself (bench/results/profile-1000x-embedded.txt)."""
        if not chunks:
            return {}
        vecs: dict[str, np.ndarray] = {}
        missing: list[Chunk] = []
        for c in chunks:
            v = self._files.chunk_row(c.doc_hash, c.position)
            if v is None:
                missing.append(c)
            else:
                vecs[c.chunk_id] = v
        if missing:
            vecs.update(self._chunk_vectors_from_store(missing))
        if not vecs:
            return {}
        ids = list(vecs)
        m = np.stack([vecs[i] for i in ids])
        norms = np.linalg.norm(m, axis=1) * (float(np.linalg.norm(vector)) or 1.0)
        sims = (m @ np.asarray(vector, dtype=np.float32)) / np.where(norms > 0, norms, 1.0)
        return dict(zip(ids, sims.tolist(), strict=True))

    def _chunk_vectors_from_store(self, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
        """These chunks' vectors from Chroma. Each document's file is written on the way (all its
        chunks' vectors, read by id: as quick as the read it replaces), so the next question
        reads them locally; this serves indexes written before chunk-vector files existed."""
        with self._materialise_lock:
            for c in chunks:
                if c.doc_hash not in self._no_chunk_file:
                    self._write_chunk_vectors(c)
        out: dict[str, np.ndarray] = {}
        pending: list[str] = []
        for c in chunks:
            v = self._files.chunk_row(c.doc_hash, c.position)
            if v is None:
                pending.append(c.chunk_id)
            else:
                out[c.chunk_id] = v
        if pending:
            out.update(self.store.vectors(pending))
        return out

    def _write_chunk_vectors(self, chunk: Chunk) -> None:
        """The chunk-vector file of `chunk`'s document, from Chroma by id (the read pack holds
        a document's chunks in consecutive rows, by position)."""
        if self._files.chunk_row(chunk.doc_hash, chunk.position) is not None:
            return  # written for another chunk of this question
        row = self._pack.row(chunk.chunk_id)
        n = self._doc_chunks().get(chunk.doc_hash, 0)
        first = -1 if row is None else row - chunk.position
        ok = first >= 0 and n > chunk.position and first + n <= len(self._pack)
        if ok and self._pack.chunk(first + n - 1).position == n - 1 and self._pack.chunk(first).position == 0:
            ids = [self.lexical.ids[r] for r in range(first, first + n)]
            got = self.store.vectors(ids)
            if len(got) == n:
                self._files.write_chunk_vectors(chunk.doc_hash, np.stack([got[i] for i in ids]))
                return
        self._no_chunk_file.add(chunk.doc_hash)

    def _doc_chunks(self) -> dict[str, int]:
        """Chunks per committed document, by hash (from the pack's summaries, read once)."""
        if self._chunk_counts is None:
            self._chunk_counts = {str(d["doc_hash"]): int(d["chunks"]) for d in self._pack.documents()}
        return self._chunk_counts

    def enclosing(self, chunk: Chunk, reach: int = ENCLOSING_REACH) -> list[Chunk]:
        """The passages of the sections that hold this passage's section, nearest first ("Quick
        wins", whose opening says "Through our work in City and Hackney", holds "Quick wins ›
        1. Reducing referrals ..."): what a reader of the passage has just read. Looks back at
        most `reach` passages of the same document (rows are in document and position order)."""
        row = self._pack.row(chunk.chunk_id)
        parts = chunk.section.split(SECTION_SEP)
        ancestors = {SECTION_SEP.join(parts[:i]) for i in range(1, len(parts))}
        if row is None or not ancestors:
            return []
        out: list[Chunk] = []
        for r in range(row - 1, max(-1, row - 1 - min(reach, chunk.position)), -1):
            before = self._pack.chunk(r)
            if before.doc_id != chunk.doc_id:
                break
            if before.section in ancestors:
                out.append(before)
        return out

    def around(self, chunk: Chunk, reach: int) -> list[Chunk]:
        """The passages of the chunk's document within `reach` rows of it on either side, in
        document order (the chunk among them): its neighbouring sections, read by row."""
        row = self._pack.row(chunk.chunk_id)
        if row is None:
            return [chunk]
        out: list[Chunk] = []
        for r in range(max(0, row - reach), min(len(self._pack), row + reach + 1)):
            near = chunk if r == row else self._pack.chunk(r)
            if near.doc_id == chunk.doc_id:
                out.append(near)
        return out

    def lexical_row(self, chunk_id: str) -> int | None:
        """The chunk's row in the BM25 index (the read pack's rows are BM25's)."""
        return self._pack.row(chunk_id)

    def documents(self) -> list[dict[str, Any]]:
        """One summary per committed document (id, file, title, publisher, dates, counts)."""
        return self._pack.documents()

    @property
    def sources(self) -> SourceNames:
        """The words naming each document of this snapshot (sources.py), read on first use."""
        if self._sources is None:
            self._sources = SourceNames(self.documents(), self.lexical)
        return self._sources

    def named_documents(self, text: str) -> frozenset[str]:
        """The documents `text` names by their title's or publisher's own words."""
        return self.sources.named(text)

    def documents_referred(self, text: str) -> frozenset[str]:
        """The documents `text` names as documents ("the Kent article")."""
        return self.sources.referred(text)

    def _sentences(self, chunk_id: str) -> SentenceEntry | None:
        """A chunk's sentences and vectors; the last SENTENCE_CACHE chunks read are kept (a
        question reads its ~100 candidates' several times over: reranking, answerability,
        composing; and the next question mostly the same ones)."""
        with self._cache_lock:
            entry = self._cache.get(chunk_id)
            if entry is not None:
                self._cache.move_to_end(chunk_id)
                return entry
        entry, complete = self._read_sentences(chunk_id)
        if entry is not None and complete:
            entry[1].setflags(write=False)  # shared by every question that reads it
            with self._cache_lock:
                self._cache[chunk_id] = entry
                while len(self._cache) > SENTENCE_CACHE:
                    self._cache.popitem(last=False)
        return entry

    def _read_sentences(self, chunk_id: str) -> tuple[SentenceEntry | None, bool]:
        """(entry, whether it is complete: vectors read, not stood in for by zeros)."""
        row = self._pack.row(chunk_id)
        if row is None:
            return None, False
        chunk, spans, s0, n = self._pack.sentence_slice(row)
        texts = [chunk.text[a:b] for a, b in spans]
        if not n:
            return (texts, np.zeros((0, self._dim), dtype=np.float32)), True
        vecs = self._files.rows(chunk.doc_hash, s0, n)
        if vecs is None:
            with self._materialise_lock:
                self._files.forget(chunk.doc_hash)
                vecs = self._files.rows(chunk.doc_hash, s0, n)
                if vecs is None:
                    log.warning("sentence vectors of %s missing on disk; reading them from Chroma", chunk.doc_id)
                    materialise(self.store, self._files, self.store.view().generation, chunk.doc_hash)
                    self._files.forget(chunk.doc_hash)
                    vecs = self._files.rows(chunk.doc_hash, s0, n)
            if vecs is None:
                return (texts, np.zeros((0, self._dim), dtype=np.float32)), False
        return (texts, vecs), True
