"""Hybrid retrieval: dense (Chroma) and BM25 candidates, each scored on both, reranked.

The reranker uses only what is local: how well the best single sentence of a passage matches
the question (the embedding model at sentence level), how well the passage as a whole matches,
its BM25 score, and overlap of the question with the section heading — a Q&A heading often *is*
the question. Reciprocal-rank fusion is still computed as a signal the tuner can weigh
(bench/tune_rerank.py); its weight is 0 now that every candidate has both scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..settings import Settings
from ..storage.store import Store
from ..types import SECTION_SEP, Chunk, Hit
from .ask_kinds import asking_sentence, asks_what_it_is, question_word
from .index import LoadedIndex, search_text
from .lexical import proximity, term_pairs, terms
from .rewrite import expand, heading_matcher
from .sentence_kinds import defines

RRF_K = 60


# A section headed by the ask's own question ("Why GPs?" for "Why were GPs chosen to lead
# commissioning rather than hospital doctors?"): the same question word, and every word of the
# heading's in the ask. Heading match weighs the ask's words the heading holds, and "GPs" alone,
# in nearly every passage, weighed almost nothing; the section came 31st.
QUESTION_HEADING = 0.2


@dataclass(frozen=True)
class Filters:
    doc_ids: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()

    def admits(self, chunk: Chunk) -> bool:
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        return not (self.publishers and chunk.publisher.lower() not in {p.lower() for p in self.publishers})

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.publishers:
            clauses.append({"publisher": {"$in": list(self.publishers)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    @property
    def empty(self) -> bool:
        return not (self.doc_ids or self.publishers)


@dataclass(frozen=True)
class RerankWeights:
    """How the reranker mixes its signals; chosen by 4-fold cross-validation on the dev set
    (bench/tune_rerank.py), not per question."""

    # Every candidate that can reach the top k has both a dense and a BM25 score (whichever
    # retriever did not return it is read by id), so reciprocal-rank fusion adds nothing the two
    # scores lack: weight 0.
    # Chosen by 4-fold cross-validation on dev at 1× and at 100× the corpus together
    # (bench/tune_rerank.py var <100× data>), the best setting over all items. With proximity
    # (nineteenth session): held-out MRR / hit@5 of the first ask 0.868 / 0.957 at 1× and
    # 0.803 / 0.911 at 100×, where the grid without it was held out at 0.864 / 0.966 and
    # 0.798 / 0.897 (and the weights before that, 0.2 / 0.35 / 0.3 / 0.1 / 0.2, at 0.864 / 0.956
    # and 0.753 / 0.866: they let near-copies that both retrievers returned outrank the original
    # that only one did).
    sentence: float = 0.3
    dense: float = 0.7
    fusion: float = 0.0
    heading: float = 0.3
    # BM25 score relative to the best candidate's.
    lexical: float = 0.15
    # A follow-up's passages from the documents the previous answer quoted ("how were they
    # recruited?" after an answer about Kent's commissioners). Chosen on dev at 1× and 100×:
    # 0.1 / 0.2 / 0.3 gave 100× follow-up hit@5 0.73 / 0.82 / 0.82 against 0.64 without.
    conversation: float = 0.2
    # A "what is / what does ... do" question: passages with a sentence defining what is asked
    # ("A health and wellbeing board is ..."). 0.05 and 0.1 on dev: MRR 0.858 -> 0.866 / 0.863,
    # key facts 0.861 / 0.853; at 100×, MRR 0.767 -> 0.776.
    definition: float = 0.05
    # Share of the question's neighbouring term pairs ("ccg board") that a passage holds near
    # each other (`lexical.proximity`): what separates the original passage from near-copies
    # that share its words but not their order.
    proximity: float = 0.2


@dataclass
class Candidate:
    chunk: Chunk
    dense: float = 0.0
    lexical: float = 0.0
    rrf: float = 0.0
    sentence: float = 0.0
    defining: bool = False  # for a "what is" question: a sentence of it defines what is asked
    heading: float = 0.0  # share of the query's terms (IDF-weighted) that the section heading states
    # The same with the document's title read as part of every section's heading: the reranker's
    # heading signal. (Answerability and composing keep the section's own heading.)
    titled: float = 0.0
    proximity: float = 0.0  # share of the query's term pairs the passage holds near each other
    score: float = 0.0
    sentence_sims: np.ndarray = field(default_factory=lambda: np.zeros(0))


class Retriever:
    def __init__(
        self, settings: Settings, store: Store, index: LoadedIndex, weights: RerankWeights | None = None
    ) -> None:
        self.weights = weights or RerankWeights()
        self.settings = settings
        self.store = store
        self.index = index

    def candidates(
        self,
        query: str,
        qvec: np.ndarray,
        filters: Filters | None = None,
        mode: str | None = None,
        svec: np.ndarray | None = None,
        quoted: frozenset[str] = frozenset(),
        named: frozenset[str] = frozenset(),
    ) -> list[Candidate]:
        """Reranked candidates, best first (all of them; callers cut to k).

        `qvec` embeds the retrieval query; `svec` (default `qvec`) is what sentences are scored
        against — for a follow-up, a blend of the standalone query and the follow-up itself.
        `quoted`: for a follow-up, the documents the previous answer quoted; `named`: for one
        that names something, the name's terms, and the passages holding them are preferred
        instead.
        """
        svec = qvec if svec is None else svec
        mode = mode or self.settings.retriever
        filters = filters or Filters()
        n = self.settings.candidates
        pool: dict[str, Candidate] = {}
        scores = np.zeros(0, dtype=np.float32)

        if mode in {"hybrid", "dense"}:
            for rank, (cid, sim) in enumerate(self.index.dense(qvec, n, filters.where())):
                chunk = self.index.by_id.get(cid)
                if chunk is None:
                    continue
                c = pool.setdefault(cid, Candidate(chunk))
                c.dense = sim
                c.rrf += 1.0 / (RRF_K + rank + 1)
        if mode in {"hybrid", "bm25"}:
            lexical_query = expand(query) if self.settings.expand_synonyms else query
            scores = self.index.lexical.scores(lexical_query)
            rank = 0
            for row in self.index.lexical.ranked(scores, first=4 * n):
                if scores[row] <= 0 or rank >= n:
                    break
                chunk = self.index.by_id.get(self.index.lexical.ids[row])
                if chunk is None or not filters.admits(chunk):
                    continue
                c = pool.setdefault(chunk.chunk_id, Candidate(chunk))
                c.lexical = float(scores[row])
                c.rrf += 1.0 / (RRF_K + rank + 1)
                rank += 1

        cands = list(pool.values())
        if not cands:
            return []
        if mode == "hybrid":
            self._fill_lexical(cands, scores)
        ordered = self.index.lexical.query_terms(query)
        qterms = set(ordered)
        # Heading match credits the documents' own words for the question's ("board" →
        # "decision-making bodies") and weighs rare words above common ones.
        q_weight = sum(self.index.idf(t) for t in qterms) or 1.0
        heading_match = heading_matcher(query, self.settings.expand_synonyms, qterms)
        asked = asking_sentence(query)
        asked_word = question_word(asked)
        defined = set(terms(asked)) if asks_what_it_is(asked) else set()
        title_match: dict[str, set[str]] = {}  # a document's title is matched once, not per passage
        pairs = term_pairs(ordered)
        pair_weights = [self.index.idf(a) + self.index.idf(b) for a, b in pairs]
        near = self._pair_holders(cands, pairs)
        naming = self.index.holding(named, (c.chunk for c in cands)) if named else frozenset()
        for c in cands:
            texts, vecs = self.index.sentences.get(c.chunk.chunk_id, ([], np.zeros((0, qvec.shape[0]))))
            c.sentence_sims = vecs @ svec if len(vecs) else np.zeros(0)
            c.sentence = float((vecs @ qvec).max()) if len(vecs) else 0.0
            c.defining = bool(defined) and any(defines(t, defined) for t in texts)
            # A document's title heads each of its sections, not only the one that repeats it: a
            # question naming Kent matched the Kent case study's opening section, whose heading
            # is the title, above the Kent sections that answer it (dev MRR 0.879 -> 0.889 on 181 items).
            matched = heading_match(c.chunk.section)
            # "What are our concerns?" heads the BMA's own concerns: in a heading, the first
            # person is the document's publisher, which "the BMA's concerns" names.
            if c.chunk.publisher and _FIRST_PERSON.search(c.chunk.section):
                matched = matched | (set(terms(c.chunk.publisher)) & qterms)
            if c.chunk.title not in title_match:
                title_match[c.chunk.title] = heading_match(c.chunk.title)
            titled = matched | title_match[c.chunk.title]
            c.heading = sum(self.index.idf(t) for t in matched) / q_weight if qterms else 0.0
            c.titled = sum(self.index.idf(t) for t in titled) / q_weight if qterms else 0.0
            if asked_word and _asks_heading(c.chunk.section, asked_word, qterms):
                c.titled += QUESTION_HEADING
            if near.get(c.chunk.chunk_id, True):
                c.proximity = proximity(pairs, pair_weights, terms(search_text(c.chunk)))
        if mode == "hybrid":
            top_rrf = max(c.rrf for c in cands)
            top_lex = max(c.lexical for c in cands) or 1.0
            w = self.weights

            def score(c: Candidate) -> float:
                return (
                    w.sentence * c.sentence
                    + w.dense * c.dense
                    + w.fusion * (c.rrf / top_rrf)
                    + w.heading * c.titled
                    + w.lexical * (c.lexical / top_lex)
                    + w.proximity * c.proximity
                    + (w.conversation if c.chunk.doc_id in quoted or c.chunk.chunk_id in naming else 0.0)
                    + (w.definition if c.defining else 0.0)
                )

            for c in cands:
                c.score = score(c)
            for c in self._fill_dense(cands, qvec):
                c.score = score(c)
        elif mode == "dense":
            for c in cands:
                c.score = c.dense
        else:
            top = max(c.lexical for c in cands) or 1.0
            for c in cands:
                c.score = c.lexical / top
        cands.sort(key=lambda c: (-c.score, c.chunk.doc_id, c.chunk.position))
        return cands

    def _pair_holders(self, cands: list[Candidate], pairs: Sequence[tuple[str, str]]) -> dict[str, bool]:
        """Whether each candidate holds both terms of some pair, from BM25's matrix (which indexes
        `terms(search_text(chunk))`, what `proximity` reads): one that does not scores 0 there,
        and at 1,000× the corpus reading and stemming the texts of the ~40% that do not cost
        about 5 ms a question. A candidate without a BM25 row is read as before."""
        if not pairs:
            return {c.chunk.chunk_id: False for c in cands}
        index = self.index
        known = [(c.chunk.chunk_id, row) for c in cands if (row := index.lexical_row(c.chunk.chunk_id)) is not None]
        rows = np.array([row for _, row in known], dtype=np.int64)
        holds = {t: index.lexical.holding(t, rows) for t in {t for pair in pairs for t in pair}}
        both = np.zeros(len(rows), dtype=bool)
        for a, b in pairs:
            both |= holds[a] & holds[b]
        return {cid: bool(ok) for (cid, _), ok in zip(known, both, strict=True)}

    def _fill_lexical(self, cands: list[Candidate], scores: np.ndarray) -> None:
        """A candidate the BM25 list did not return gets its BM25 score all the same (the
        scores of every row are at hand): without it a passage past the list's cut scores zero
        there, and at a large corpus, where near-copies crowd both lists, the original that only
        one retriever returned sinks below copies that both returned."""
        for c in cands:
            if c.lexical == 0.0:
                row = self.index.lexical_row(c.chunk.chunk_id)
                if row is not None and row < len(scores):
                    c.lexical = float(scores[row])

    def _fill_dense(self, cands: list[Candidate], qvec: np.ndarray) -> list[Candidate]:
        """The same for the dense side: candidates only BM25 returned get their stored vector's
        similarity, read by id (from local files, or Chroma; so only where it can matter). None of
        them is nearer than the dense list's last passage, so with that similarity as a bound
        a candidate that could not reach the best `top_k` anyway keeps 0: the top `top_k` are
        exactly those of reading them all. Returns the candidates filled (to be scored again)."""
        listed = [c for c in cands if c.dense != 0.0]
        unlisted = [c for c in cands if c.dense == 0.0]
        if not unlisted:
            return []
        k = self.settings.top_k
        if len(listed) >= k:
            floor = min(c.dense for c in listed)
            kth = sorted((c.score for c in listed), reverse=True)[k - 1]
            unlisted = [c for c in unlisted if c.score + self.weights.dense * floor >= kth]
        sims = self.index.similarities(qvec, [c.chunk for c in unlisted])
        filled = []
        for c in unlisted:
            if c.chunk.chunk_id in sims:
                c.dense = sims[c.chunk.chunk_id]
                filled.append(c)
        return filled

    @staticmethod
    def to_hits(cands: Sequence[Candidate], k: int) -> list[Hit]:
        return [
            Hit(rank=i + 1, chunk=c.chunk, score=c.score, dense=c.dense, lexical=c.lexical)
            for i, c in enumerate(cands[:k])
        ]


_FIRST_PERSON = re.compile(r"\b(?:our|we|us)\b", re.I)


def heading_asks(section: str, question: str) -> bool:
    """Whether the section's own heading is the question asked: a question with the same
    question word whose words the question all has ("What are our concerns?" for "What are the
    BMA's main concerns about the reforms?")."""
    asked = asking_sentence(question)
    word = question_word(asked)
    return bool(word) and _asks_heading(section, word, set(terms(question)))


def _asks_heading(section: str, asked_word: str, qterms: set[str]) -> bool:
    leaf = section.rsplit(SECTION_SEP, 1)[-1].strip()
    if not leaf.endswith("?") or question_word(leaf) != asked_word:
        return False
    own = set(terms(leaf))
    return bool(own) and own <= qterms
