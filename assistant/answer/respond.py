"""Turning per-ask results into one reply: answered, partial or refused parts, in the order asked.

Each ask of a message is retrieved and judged on its own (search.py); here each part is composed,
quoted or generated, capped where its answer lacks what was asked (`reply`), and the parts become
one text with one numbering of citations (merge.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..composition.authors import first_person, signers
from ..composition.compose import MIN_ANSWER_WORDS, NUMBER_PASSAGES, PASSAGE_MARGIN, compose
from ..composition.fresh import FRESH
from ..composition.render import Composition
from ..gate.answerability import ASKS_NOW, FIGURE_UNNAMED
from ..gate.caps import COUNT_UNSTATED, SUM_UNSTATED, cap
from ..gate.persons import ORGANISATION_UNNAMED, PERSON_NOW, PERSON_UNNAMED, wants_person
from ..gate.restate import Restate
from ..gate.scope import scope_of
from ..generation.generate import CheckerCache, Generator, generate_answer
from ..retrieval.ask_kinds import asked_brevity
from ..retrieval.index import LoadedIndex
from ..retrieval.retrieve import Candidate, heading_asks
from ..settings import Settings
from ..types import SECTION_SEP, Answer
from .audience import audience_notice
from .conflicts import dates_differ
from .currency import notices_for
from .merge import interleave, merge, with_cited
from .parts import (
    SOURCE_UNQUOTED,
    Part,
    nearest_sections,
    no_figure,
    now_notice,
    part_lead,
    part_text,
    refusal_text,
    unnamed,
)
from .restate import restated

# The passages whose lower-case words tell a possible name from a body's (`persons.may_name_someone`).
CONTEXT_PASSAGES = 10


def reply(
    question: str,
    parts: list[Part],
    *,
    index: LoadedIndex,
    settings: Settings,
    generator: Generator | None,
    checkers: CheckerCache,
    n_passages: int,
    k: int,
    restate: Restate | None = None,
) -> Answer:
    """The reply to `question` from its judged parts: a refusal when every part is refused, else
    each answered or partial part composed (quoted, or generated and checked when a generator is
    set and the one part is answered), with its citations and the sources' notices. `restate`:
    each part's quoted answer cut or laid out as the message asked (then never generated)."""
    hits = parts[0].hits if len(parts) == 1 else interleave([p.hits for p in parts], k)
    _compose_parts(parts, index, settings.max_answer_sentences, n_passages)
    if restate is not None:
        for part in parts:
            if part.composition is not None:
                part.composition = restated(part.composition, restate)
    # Only a reply about a nation outside the corpus names the ones it covers.
    scope = scope_of(index)
    covered = scope.covered_text() if any(p.outside for p in parts) else ""
    if all(p.outcome == "refuse" for p in parts):
        outside = next((p.outside for p in parts if p.outside), None)
        after = next((p.after for p in parts if p.after is not None), None)
        # A message about none of the guidance's subjects gets what the guidance does cover,
        # not "nearest" sections, which for it are chance.
        unrelated = outside is None and all(p.off_subject for p in parts)
        nearest = [] if unrelated else nearest_sections([c for p in parts for c in p.cands[:3]])
        covers = scope.documents_text() if unrelated else ""
        statement, text = refusal_text(
            nearest,
            outside,
            covered,
            clinical=all(p.clinical for p in parts),
            covers=covers,
            home=scope.home_instead_of(outside),
            after=after,
            unnamed=unnamed(parts[0]) if all(unnamed(p) == unnamed(parts[0]) for p in parts) else "",
            now=all(p.signals.get(PERSON_NOW) for p in parts),
            no_figure=no_figure(parts[0]) if len(parts) == 1 else "",
            today=now_notice(parts[0]) if len(parts) == 1 else "",
        )
        return Answer(question, text, [], True, hits, nearest=nearest, answerability=_judged(parts), lead=statement)
    doc_notices = {c.chunk.doc_id: c.chunk.notice for p in parts for c in p.cands if c.chunk.notice}
    if len(parts) == 1:
        part = parts[0]
        assert part.composition is not None  # composed above, since it is not refused
        extractive = part.composition
        result, mode, notes, model, reason = extractive, "extractive", list[str](), "", ""
        if generator is not None and part.outcome == "answer" and not extractive.outline and restate is None:
            result, mode, notes, model, reason = _generated(
                generator, checkers, index, settings, question, part.cands[:n_passages], extractive
            )
        part.composition = result
        text, lead = part_text(part), part_lead(part)
        citations = result.citations
    else:
        text, citations = merge(parts, scope)
        # Each part carries its own line under its ask: nothing leads the whole reply.
        mode, notes, model, reason, lead = "extractive", [], "", "", ""
    hits = with_cited(hits, parts, citations)
    outcome = "answer" if any(p.outcome == "answer" for p in parts) else "partial"
    # Another document's date for what the answer dates (conflicts.py).
    differ = [
        d
        for p in parts
        if p.composition is not None
        and (d := dates_differ(p.own or p.ask, p.composition.citations, p.cands, index.sentences, index.idf))
    ]
    notices = notes + list(dict.fromkeys(differ)) + notices_for(citations, doc_notices, settings.stale_after_years)
    audiences = {c.chunk.doc_id: c.chunk.audience for p in parts for c in p.cands if c.chunk.audience}
    if (written_for := audience_notice(question, citations, audiences)) is not None:
        notices.append(written_for)
    # A notice the answer already leads with (an ask about today) is not repeated under it.
    notices = [n for n in notices if n not in text]
    return Answer(
        question,
        text,
        citations,
        False,
        hits,
        notices,
        {},
        [],
        mode,
        outcome,
        answerability=_judged(parts),
        model=model,
        fallback_reason=reason,
        lead=lead,
    )


def _compose_parts(parts: Sequence[Part], index: LoadedIndex, max_sentences: int, n_passages: int) -> None:
    """Compose every part not refused, in the order asked, each capped by what it quotes.

    Composed before the reply takes its shape, since a cap can refuse the only part. Each ask
    of several gets a share of the sentence budget, never fewer than two sentences, and is told
    what the parts before it print, so that it points to them rather than print them twice."""
    share = len(parts)
    budget = max_sentences if share == 1 else max(2, max_sentences - share + 1)
    shown: set[str] = set()
    for part in parts:
        if part.outcome == "refuse":
            continue
        composed = _composed(part, index, budget, n_passages, share, frozenset(shown))
        if _capped(part, composed, index, alone=share == 1):
            if part.outcome == "refuse":
                continue
            composed = _composed(part, index, budget, n_passages, share, frozenset(shown))
        # "According to the Kent article, what is a clinical senate?" was answered from the BMA's
        # quick guide, as if the Kent article said it: the ask named one source, the answer
        # quotes others, and says so.
        if part.sources and part.outcome == "answer" and not any(c.doc_id in part.sources for c in composed.citations):
            part.outcome = "partial"
            part.signals[SOURCE_UNQUOTED] = 1.0
        part.composition = composed
        shown.update(q for c in composed.citations for q in c.sentences)


def _capped(part: Part, composed: Composition, index: LoadedIndex, alone: bool = True) -> bool:
    """Whether an answered or partial ask is held back (caps.py) by what its composed answer
    quotes. Refused: an ask for a person or an organisation whose answer names none (the
    guidance does not name them, and its sentences about the post read as if it did), and a
    message's only ask (`alone`) for a sum or a count its answer states nowhere. Held at partial
    and composed again as one: an answer that only points to another guide, and a sum's part of
    a message of several asks. A count's part of several is left as it is."""
    if part.outcome == "refuse" or part.outline is not None:
        return False
    ask = part.own or part.ask
    around = (
        [t for c in part.cands[:CONTEXT_PASSAGES] for t in index.sentences.get(c.chunk.chunk_id, ([], None))[0]]
        if wants_person(ask)
        else []
    )
    held = cap(ask, [q for c in composed.citations for q in c.sentences], around)
    # "and who is their accountable officer going to be?" after Somerset's wave: the lead's
    # reply to the interview's own "Who is going to be your accountable officer?" is a role ("It
    # is planned to be a senior manager"), and the answer; the guidance names nobody because
    # nobody was named.
    if held == PERSON_UNNAMED and any(_source_asks(c.section, ask) for c in composed.citations):
        held = None
    # Beside other asks, a count's part keeps its answer: the sentences near the ask there
    # are as often the other parts' answers.
    if held is None or (held == COUNT_UNSTATED and not alone):
        return False
    if held in (PERSON_UNNAMED, ORGANISATION_UNNAMED) or (held in (SUM_UNSTATED, COUNT_UNSTATED) and alone):
        part.outcome = "refuse"
    elif part.outcome == "answer":
        part.outcome = "partial"
    else:
        return False
    part.signals[held] = 1.0
    return True


def _source_asks(section: str, ask: str) -> bool:
    """Whether the section's heading opens with the question `ask` asks (an interviewer's
    "Who is going to be your accountable officer? Are they a GP or a manager?")."""
    leaf = section.rsplit(SECTION_SEP, 1)[-1]
    first = leaf.split("?", 1)[0]
    return first != leaf and heading_asks(f"{first}?", ask)


def _judged(parts: Sequence[Part]) -> list[dict[str, Any]]:
    """Each ask's outcome and the signals behind it, as `--json` and the evaluation report give
    them: read after composing, since a cap reads the composed answer."""
    return [
        {
            "ask": p.ask,
            "outcome": p.outcome,
            "probability": round(p.probability, 4),
            "signals": p.signals,
            "outside": p.outside,
            "superseded": p.after.acronym if p.after is not None else None,
            "clinical": p.clinical,
            "off_subject": p.off_subject,
        }
        for p in parts
    ]


def _composed(
    part: Part,
    index: LoadedIndex,
    budget: int,
    n_passages: int,
    share: int = 1,
    shown: frozenset[str] = frozenset(),
) -> Composition:
    """`share`: how many asks the answer has; each gets that part of the word floor. `shown`:
    sentences an earlier part of the reply prints."""
    if part.outline is not None:
        return part.outline.composition()
    # "can u explain in 2 lines": as many sentences as asked for, and no floor of words to fill.
    # (The phrase may open the message as its scope, "in one sentence, what does Monitor do?".)
    brief = asked_brevity(f"{part.ask} {part.judged}")
    return compose(
        part.subject or part.judged,
        part.cands,
        index.sentences,
        budget if brief is None else min(budget, brief),
        n_passages,
        index.idf,
        MIN_ANSWER_WORDS // share if brief is None else 0,
        # A partial answer offers the closest passages, not the best one's neighbours: when the
        # ask may not be answered, the best passage is also less often the right one (dev, 181 items:
        # the right passage first for 52% of partial answers, 86% of answers), so each of
        # the top passages competes on its sentences (dev partial answers' key facts
        # 0.79 -> 0.86, 146 -> 155 words).
        None if part.outcome == "partial" else PASSAGE_MARGIN,
        shown,
        part.said_before,
        part.own or part.ask,
        part.naming,
        # Another place's figure quoted beside a caveat would still be read as the answer.
        bool(part.signals.get(FIGURE_UNNAMED)),
        _writers(
            part.cands[: max(n_passages, NUMBER_PASSAGES)],
            index,
            bool(index.names(part.own or part.ask, acronyms=False)),
        ),
        # "is that still true?" asks of what was just quoted, not for more of the guidance.
        0 if part.signals.get(ASKS_NOW) else FRESH,
        part.own_vector,
        part.aside,
    )


def _writers(cands: Sequence[Candidate], index: LoadedIndex, naming: bool = False) -> dict[str, list[str]]:
    """Who signed each sentence of the passages that speak in the first person (authors.py), or
    of every passage when the ask names someone (`naming`: "what does Abi Berger say ...?" is
    answered from the piece she signed). Only those are looked up, since finding a signature may
    read the twenty passages after one; a passage with no first-person sentence has nothing to
    label."""
    out: dict[str, list[str]] = {}
    for c in cands:
        sentences = index.sentences.get(c.chunk.chunk_id, ([], None))[0]
        if naming or any(first_person(s) for s in sentences):
            out[c.chunk.chunk_id] = signers(c.chunk, sentences, index)
    return out


def _generated(
    generator: Generator,
    checkers: CheckerCache,
    index: LoadedIndex,
    settings: Settings,
    question: str,
    cands: list[Candidate],
    fallback: Composition,
) -> tuple[Composition, str, list[str], str, str]:
    """(composition, mode, notes, model, fallback reason): the checked generated answer, or
    the quoted one with the reason (assistant/generation/generate.py)."""

    def sentences_of(chunk: Any) -> list[str]:
        return list(index.sentences.get(chunk.chunk_id, ([], None))[0])

    g = generate_answer(
        generator,
        checkers.get(index),
        question,
        [c.chunk for c in cands],
        sentences_of,
        settings.max_answer_sentences,
    )
    return g.composition or fallback, g.mode, g.notes, g.model, g.fallback_reason
