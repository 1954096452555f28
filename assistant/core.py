"""`Assistant`: the one API every interface uses."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .answer.parts import Part
from .answer.respond import reply
from .composition.outline import find_outline
from .errors import AssistantError, QuestionError
from .gate.answerability import QA_SENTENCE, TOP, frames_now
from .gate.asks import Asks, split_asks
from .gate.direct import before_search
from .gate.model import AnswerabilityModel
from .gate.plan import Plan, plan_asks
from .gate.restate import Restate
from .gate.scope import scope_of
from .gate.verdict import Asked, Verdict, judge
from .generation.generate import CheckerCache, Generator
from .question import MAX_QUESTION_CHARS, clean_question, turns_of
from .retrieval.index import LoadedIndex
from .retrieval.qa_embedder import QAEmbedder
from .retrieval.qa_vectors import QASentenceVectors, qa_similarity
from .retrieval.retrieve import Candidate, Filters, RerankWeights, Retriever
from .retrieval.rewrite import (
    MAX_FOLDED,
    carries_on,
    folded_questions,
    spelt_out,
    stands_for_before,
)
from .retrieval.spelling import english_words
from .settings import Settings
from .storage.store import Store
from .types import Answer, DocumentInfo, Embedder, Turn
from .wiring import build_embedder, build_generator, build_qa_embedder, load_answerability

log = logging.getLogger(__name__)

ANSWER_PASSAGES = 3
# How many passages found for a long follow-up chain's ask with its topic alone may lend the
# sentences a repeated answer lacks (`Assistant._aside`).
ASIDE = 3


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v) or 1.0)


class Assistant:
    """Answers questions from the indexed corpus. Models load once, on first use."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        answerability: AnswerabilityModel | None = None,
        qa_embedder: QAEmbedder | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or build_embedder(self.settings)
        qa = qa_embedder or build_qa_embedder(self.settings)
        self.qa_vectors = QASentenceVectors(qa, self.settings.embed_cache_path) if qa else None
        self.generator = generator if generator is not None else build_generator(self.settings)
        self.store = Store(self.settings, self.embedder)
        self.answerability = answerability or load_answerability(self.settings)
        self._checkers = CheckerCache(self.settings, self.embedder)
        self._index: LoadedIndex | None = None
        self._lock = threading.Lock()
        self._reloading = threading.Lock()
        self._checked = 0.0  # monotonic time of the last look for another process's ingest

    # --- lifecycle ------------------------------------------------------------------

    @property
    def index(self) -> LoadedIndex:
        with self._lock:
            if self._index is None:
                self._index = LoadedIndex.load(self.store, self.settings)
                self._checked = time.monotonic()
            return self._index

    def warm(self) -> None:
        """Load the index, the embedding models and the word list now rather than on the first
        question, side by side: the index's loads wait on the disk, the models' on the CPU. At
        1,000× the corpus with its files out of the page cache: 2.8 s one after another, 2.6 s
        side by side (Chroma's own reads do not overlap one another)."""
        jobs: list[Callable[[], object]] = [
            self._warm_index,
            lambda: self.embedder.embed(["warm up"]),
            english_words,
        ]
        if self.qa_vectors is not None:
            qa = self.qa_vectors.qa
            jobs.append(lambda: qa.embed_queries(["warm up"]))
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="warm") as pool:
            for done in [pool.submit(job) for job in jobs]:
                done.result()  # the first failure is raised, as it would be one after another

    def _warm_index(self) -> None:
        _ = self.index
        self.store.warm()

    def reload(self) -> None:
        """Drop the loaded index (after an ingest) so the next question sees the new one."""
        with self._lock:
            self._index = None

    def refresh(self) -> bool:
        """Reload if another process ingested since the index was loaded (at most once per
        ASSISTANT_RELOAD_CHECK_S; one registry row is read). True when it reloaded."""
        every = self.settings.reload_check_s
        loaded = self._index
        if loaded is None or every < 0 or time.monotonic() - self._checked < every:
            return False
        self._checked = time.monotonic()
        try:
            stamp = self.store.stamp()
        except AssistantError as exc:  # the store is unreachable: answer from what is loaded
            log.warning("could not look for a newer index (%s); answering from the loaded one", exc)
            return False
        if stamp == loaded.stamp:
            return False
        # One thread loads the new snapshot while the others keep answering from the old one;
        # it is swapped in only once complete, so a failed load leaves answering as it was.
        if not self._reloading.acquire(blocking=False):
            return False
        try:
            log.info("the index changed in another process; reloading")
            fresh = LoadedIndex.load(self.store, self.settings)
        except AssistantError as exc:
            log.warning("could not load the newer index (%s); answering from the loaded one", exc)
            return False
        finally:
            self._reloading.release()
        with self._lock:
            if self._index is loaded:
                self._index = fresh
        return True

    def documents(self) -> list[DocumentInfo]:
        self.refresh()
        # One summary per document from the read pack: no chunk is read.
        docs = [
            DocumentInfo(
                d["doc_id"],
                d["file"],
                d["title"],
                d["publisher"],
                d["published"],
                d["approximate"],
                d["notice"],
                d["chunks"],
            )
            for d in self.index.documents()
        ]
        return sorted(docs, key=lambda d: d.title.lower())

    @property
    def last_ingested(self) -> str:
        return str(self.index.info.get("last_ingested", "unknown"))

    # --- asking ---------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
        *,
        k: int | None = None,
        retriever: str | None = None,
        passages: int | None = None,
    ) -> Answer:
        """Answer `question` from the corpus.

        `history`: earlier turns ({"role", "content"} or `Turn`), oldest first. `filters`: only
        these documents or publishers. `k`: retrieved passages reported. `retriever`: hybrid,
        dense or bm25 (default from settings). `passages`: how many top passages the answer may
        draw on (default 3).
        """
        question = clean_question(question)
        if not question:
            raise QuestionError("the question is empty")
        if filters is not None:
            self._check_filters(filters)
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        search = before_search(question, turns_of(history))
        if isinstance(search, Answer):
            return search
        answer = self._answer(search.asked, search.turns, filters, k, retriever, passages, search.restate)
        answer.question = question
        return answer

    def _check_filters(self, filters: Filters) -> None:
        """A filter naming no indexed document or publisher is a mistake to report, not a question
        the guidance "does not answer" (a misspelt `--doc` id read as the corpus being silent)."""
        docs = self.documents()
        ids = sorted(d.doc_id for d in docs)
        publishers = sorted({d.publisher for d in docs if d.publisher}, key=str.lower)
        known = {p.lower() for p in publishers}
        for doc_id in filters.doc_ids:
            if doc_id not in ids:
                raise QuestionError(f"filter doc: no document with id {doc_id!r} (the ids are: {', '.join(ids)})")
        for publisher in filters.publishers:
            if publisher.lower() not in known:
                raise QuestionError(
                    f"filter publisher: no document published by {publisher!r} (the publishers are: "
                    f"{', '.join(publishers)})"
                )

    def _answer(
        self,
        question: str,
        turns: Sequence[Turn],
        filters: Filters | None,
        k: int | None,
        retriever: str | None,
        passages: int | None,
        restate: Restate | None,
    ) -> Answer:
        t_start = time.perf_counter()
        self.refresh()
        timings: dict[str, float] = {}
        k_hits = k or self.settings.top_k
        t = time.perf_counter()
        parts = self.retrieve(question, turns, filters, retriever, k_hits)
        # (Not one standing by a pronoun for a body after the documents or a nation outside them,
        # refused for that: "who sits on them?" after "what do integrated care boards do?".)
        pointing = any((p.after is not None or p.outside is not None) and stands_for_before(p.own) for p in parts)
        if (
            turns
            and all(p.outcome == "refuse" for p in parts)
            and any(p.judged != p.ask for p in parts)
            and not pointing
        ):
            # The words a follow-up borrowed from the conversation can sink it: "and what about
            # CSUs?" after a refused "what is the capital of France?" was refused for France. The
            # message on its own is tried before refusing it.
            alone = self.retrieve(question, (), filters, retriever, k_hits)
            if any(p.outcome != "refuse" for p in alone):
                parts = alone
        timings["retrieve"] = (time.perf_counter() - t) * 1000

        n_passages = max(1, min(passages or ANSWER_PASSAGES, 5))
        t = time.perf_counter()
        answer = reply(
            question,
            parts,
            index=self.index,
            settings=self.settings,
            generator=self.generator,
            checkers=self._checkers,
            n_passages=n_passages,
            k=k_hits,
            restate=restate,
        )
        timings["compose"] = (time.perf_counter() - t) * 1000
        timings["total"] = (time.perf_counter() - t_start) * 1000
        answer.timings = timings
        return answer

    def plan(self, question: str, turns: Sequence[Turn] = ()) -> list[Plan]:
        """(ask, judged, query, subject) per ask of `question`: the ask as written; what it is
        judged on (earlier turns folded in for a follow-up, the ask before it for "...and when
        did they start?"); what it is retrieved with (plus the writer's situation: "If I join
        the board, can I keep my pension?"); and what the answer's sentences are chosen for."""
        return self._plan(split_asks(question), turns)

    def _plan(self, asks: Asks, turns: Sequence[Turn], found: Mapping[int, str] | None = None) -> list[Plan]:
        return plan_asks(asks, turns, self._places, self.index.speller.correct, found)

    def _places(self, text: str) -> frozenset[str]:
        """The names in `text` other than acronyms: what a follow-up naming another place
        strikes from the earlier questions it folds in ("Hackney", not "CSU")."""
        return self.index.names(text, acronyms=False)

    def retrieve(
        self,
        question: str,
        turns: Sequence[Turn] = (),
        filters: Filters | None = None,
        retriever: str | None = None,
        k: int = 10,
        weights: RerankWeights | None = None,
    ) -> list[Part]:
        """Each ask of `question` retrieved, reranked and judged (the answer is not composed)."""
        index = self.index
        asks = split_asks(question)
        plans = self._plan(asks, turns)
        # The embedding model reads what an acronym stands for; BM25 and the heading match
        # expand it themselves (`expand`).
        spell = spelt_out if self.settings.expand_synonyms else str
        spelt: dict[str, str] = {}
        embedded: dict[str, np.ndarray] = {}

        def embed(plans: Sequence[tuple[str, ...]]) -> None:
            texts = [x for plan in plans for x in plan if x not in spelt]
            spelt.update((t, spell(t)) for t in texts)
            # The answerability model was fitted on the asks as written: it judges with their vectors.
            wanted = [t for t in dict.fromkeys([*texts, *(spelt[t] for t in texts)]) if t not in embedded]
            if wanted:
                embedded.update(zip(wanted, self.embedder.embed(wanted), strict=True))

        embed(plans)
        found: dict[int, str] = {}
        ranker = Retriever(self.settings, self.store, index, weights)
        said = [t.content for t in turns if t.role == "assistant" and t.content.strip()]
        last = said[-1] if said else ""
        asked = " ".join(t.content for t in turns[-2 * MAX_FOLDED :] if t.role == "user")
        quoted = index.quoted_documents(last) if last and any(carries_on(p[0], last) for p in plans) else frozenset()
        scope = scope_of(index)
        situation = asks.context
        now_framed = frames_now(situation)
        parts: list[Part] = []
        verdicts: list[Verdict] = []
        for i in range(len(plans)):
            part, judged, query, subject = plans[i]
            qvec = embedded[spelt[query]]
            svec = qvec if subject == query else _unit(qvec + embedded[spelt[subject]])
            own = index.speller.correct(part)  # the ask's own words, typos mended
            # A follow-up that names something the conversation has not ("and in tower hamlets?",
            # "what did somerset do about theirs?") is about the passages holding that name,
            # wherever they are; any other follow-up about what the previous answer quoted.
            own_names = index.names(own)
            leans = bool(last) and carries_on(part, last)
            named = own_names - index.names(asked) if leans else frozenset()
            prefer = quoted if leans and not named else frozenset()
            # "What does the BMJ guide say about that?": the document the ask names, not the one
            # the previous answer quoted, nor whichever says most about its subject. (Only the
            # ask's own words: a source the writer's framing names moved a test item's passages
            # away from the other source it also asks about.)
            prefer = index.named_documents(own) or prefer
            # Named as a document ("According to the Kent article, ...", "the BMJ guide"), not as
            # an organisation whose views another source may report: an answer quoting none of
            # it says so (respond.py).
            sources = index.documents_referred(f"{situation} {own}")
            cands = ranker.candidates(query, qvec, filters, retriever, svec, prefer, named)
            aside = (
                self._aside(part, turns, asks.context, ranker, embed, spelt, embedded, filters, retriever, named)
                if i == 0
                else []
            )
            # "By how much did referrals fall in Sunderland ...?": the passages naming what the ask
            # names are the ones that can answer it; another place's figure must not pass for it.
            naming = index.holding(own_names, (c.chunk for c in cands)) if own_names else frozenset()
            # Only when a top passage names it: otherwise the ask names what the guidance does
            # not hold near the answer, and nothing is read differently.
            placed = any(c.chunk.chunk_id in naming for c in cands[:TOP])
            # Its passage similarity too: the spelt-out query found its passages, but reads nearer
            # to them than the ask the model was fitted on.
            dense = None
            if spelt[query] != query and cands:
                seen = [c.chunk for c in cands if c.dense > 0]
                dense = max(index.similarities(embedded[query], seen).values(), default=0.0)
            # "what is the BMJ's starter for five?": the ask's own words name a section whose
            # numbered sections are the answer (an ask folded with the one before it names that one's).
            listed = find_outline(part, cands, index) if cands else None
            asked_as = Asked(part, judged, own, query, embedded[judged], situation, now_framed)
            verdict = judge(
                asked_as,
                cands,
                index,
                self.answerability,
                scope,
                lambda ask, found: self._qa_signal(ask, found, index),
                naming,
                placed,
                dense,
                None if listed is None else listed.named,
                verdicts[-1] if verdicts else None,
            )
            verdicts.append(verdict)
            hits = Retriever.to_hits(cands, k)
            # "who has to sit on a CCG board, and can the hospital doctor come from our own
            # trust?": the next ask names by "the" what this one's passages name (every board
            # has a hospital doctor), so it carries on from this one as a thin ask does.
            if i + 1 < len(plans) and cands:
                found[i + 1] = "\n".join(c.chunk.text for c in cands[:TOP])
                replanned = self._plan(asks, turns, found)
                if replanned != plans:
                    plans[i + 1 :] = replanned[i + 1 :]
                    embed(plans[i + 1 :])
            parts.append(
                Part(
                    part,
                    judged,
                    verdict.outcome,
                    verdict.probability,
                    verdict.signals,
                    cands,
                    hits,
                    subject=subject,
                    outside=verdict.outside,
                    after=verdict.after,
                    own=own,
                    naming=naming,
                    clinical=verdict.clinical,
                    off_subject=verdict.off_subject,
                    said_before="\n".join(said),
                    outline=listed if verdict.keeps_outline else None,
                    sources=sources,
                    own_vector=embedded[spelt[part]],
                    aside=aside,
                )
            )
        return parts

    def _aside(
        self,
        part: str,
        turns: Sequence[Turn],
        context: str,
        ranker: Retriever,
        embed: Callable[[Sequence[tuple[str, ...]]], None],
        spelt: Mapping[str, str],
        embedded: Mapping[str, np.ndarray],
        filters: Filters | None,
        retriever: str | None,
        named: frozenset[str],
    ) -> list[Candidate]:
        """For the third or later turn of a chain of follow-ups, the passages found for the ask
        with only the question that set the topic: "is it paid?" after "what is the governing
        body of a CCG?" and "how long does it take to become a member?" was searched with both
        and answered with the membership passages again; the salary Q&A is found without the
        middle question. Its sentences are offered only where the answer repeats (composition/fresh.py)."""
        if not turns:
            return []
        folded = folded_questions(part, turns, self._places)
        if len(folded) < 3:
            return []
        asked = self.index.speller.correct(" ".join(q for q in (context, part, folded[-1]) if q))
        embed([(asked,)])
        return ranker.candidates(asked, embedded[spelt[asked]], filters, retriever, named=named)[:ASIDE]

    def _qa_signal(self, ask: str, cands: Sequence[Candidate], index: LoadedIndex) -> dict[str, float]:
        """The QA model's view of whether the top passages answer `ask` (nothing without one).
        Not run beside retrieval: both engines use every core, and overlapping them made the ask
        slower (p50 44 -> 68 ms on the dev set)."""
        if self.qa_vectors is None:
            return {}
        vector = self.qa_vectors.qa.embed_queries([ask])[0]
        # One read of the cache for all the top passages' sentences, not one per passage.
        texts = [t for c in cands[:TOP] for t in index.sentences.get(c.chunk.chunk_id, ([], None))[0]]
        return {QA_SENTENCE: qa_similarity(vector, [self.qa_vectors.vectors(texts)])}
