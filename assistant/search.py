"""Each ask of a message searched and judged: what `Assistant.ask` composes its answer from.

Per ask that `split_asks` finds: its plan (gate/plan.py: what it is judged, searched and answered
with), its candidates retrieved and reranked (retrieval/retrieve.py) and its verdict (answer,
partial or refuse: gate/verdict.py), gathered as a `Part` for answer/respond.py. One `Search` per
question, over the index loaded when it began.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .answer.parts import Part
from .composition.outline import find_outline
from .gate.answerability import QA_SENTENCE, TOP, frames_now
from .gate.asks import Asks, split_asks
from .gate.model import AnswerabilityModel
from .gate.plan import Plan, plan_asks
from .gate.scope import scope_of
from .gate.verdict import Asked, Verdict, judge
from .retrieval.index import LoadedIndex
from .retrieval.qa_vectors import QASentenceVectors, qa_similarity
from .retrieval.retrieve import Candidate, Filters, RerankWeights, Retriever
from .retrieval.rewrite import MAX_FOLDED, carries_on, folded_questions, spelt_out
from .settings import Settings
from .storage.store import Store
from .types import Embedder, Turn

# How many passages found for a long follow-up chain's ask with its topic alone may lend the
# sentences a repeated answer lacks (`Search._aside`).
ASIDE = 3


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v) or 1.0)


class Search:
    """The asks of one question, searched and judged over `index`."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        embedder: Embedder,
        index: LoadedIndex,
        answerability: AnswerabilityModel,
        qa_vectors: QASentenceVectors | None,
        weights: RerankWeights | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.index = index
        self.answerability = answerability
        self.qa_vectors = qa_vectors
        self.weights = weights
        # Each text searched or judged with, as the embedding model reads it (acronyms spelt
        # out: BM25 and the heading match expand them themselves), and its vector.
        self._spell = spelt_out if settings.expand_synonyms else str
        self._spelt: dict[str, str] = {}
        self._embedded: dict[str, np.ndarray] = {}

    def plan(self, asks: Asks, turns: Sequence[Turn], found: Mapping[int, str] | None = None) -> list[Plan]:
        """(ask, judged, query, subject) per ask (gate/plan.py)."""
        return plan_asks(asks, turns, self._places, self.index.speller.correct, found)

    def _places(self, text: str) -> frozenset[str]:
        """The names in `text` other than acronyms: what a follow-up naming another place
        strikes from the earlier questions it folds in ("Hackney", not "CSU")."""
        return self.index.names(text, acronyms=False)

    def _embed(self, plans: Sequence[tuple[str, ...]]) -> None:
        """Every text of `plans` not embedded yet, as written and spelt out, in one call."""
        texts = [x for plan in plans for x in plan if x not in self._spelt]
        self._spelt.update((t, self._spell(t)) for t in texts)
        # The answerability model was fitted on the asks as written: it judges with their vectors.
        wanted = [t for t in dict.fromkeys([*texts, *(self._spelt[t] for t in texts)]) if t not in self._embedded]
        if wanted:
            self._embedded.update(zip(wanted, self.embedder.embed(wanted), strict=True))

    def parts(
        self,
        question: str,
        turns: Sequence[Turn] = (),
        filters: Filters | None = None,
        retriever: str | None = None,
        k: int = 10,
    ) -> list[Part]:
        """Each ask of `question` retrieved, reranked and judged (the answer is not composed)."""
        index = self.index
        asks = split_asks(question)
        plans = self.plan(asks, turns)
        spelt, embedded, embed = self._spelt, self._embedded, self._embed
        embed(plans)
        found: dict[int, str] = {}
        ranker = Retriever(self.settings, self.store, index, self.weights)
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
            aside = self._aside(part, turns, asks.context, ranker, filters, retriever, named) if i == 0 else []
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
                replanned = self.plan(asks, turns, found)
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
        self._embed([(asked,)])
        return ranker.candidates(asked, self._embedded[self._spelt[asked]], filters, retriever, named=named)[:ASIDE]

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
