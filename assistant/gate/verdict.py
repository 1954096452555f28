"""Whether an ask is answered, answered in part or refused.

The answerability model gives the outcome from the retrieval signals; then rules, each for a
kind of question the model cannot see, may hedge an answer (an undefined acronym, a place whose
passages state no figure) or refuse it (a nation, a body or a clinical question outside the
guidance; a subject it never writes a word of; who holds a post now). Their order matters: a
later rule may refuse what an earlier one let through, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..retrieval.index import LoadedIndex
from ..retrieval.retrieve import Candidate
from ..retrieval.rewrite import is_follow_up, names_a_stranger, new_subject, stands_for_before
from ..retrieval.spelling import english_words
from .acronyms import ACRONYM_UNDEFINED, undefined_acronym
from .answerability import ASKS_NOW, DATED_HEADING, FIGURE_UNNAMED, SUBJECT_UNKNOWN, TOP, off_subject, signals
from .bodies import CCG_UNWRITTEN, unwritten_ccg
from .clinical import beyond_corpus
from .model import AnswerabilityModel
from .persons import ORGANISATION_UNNAMED, PERSON_NOW, PERSON_UNNAMED, wants_person
from .scope import Scope, Successor

OUTLINE = "outline"  # the signal recorded when an outline settles an ask's outcome


@dataclass
class Verdict:
    """An ask's outcome, the signals it was judged on and what a refusal or hedge is for."""

    outcome: str  # answer | partial | refuse
    probability: float  # the answerability model's, before any rule
    signals: dict[str, float] = field(default_factory=dict)
    outside: str | None = None  # a nation the corpus does not cover that the ask is about
    after: Successor | None = None  # what came after the documents, which the ask names
    clinical: bool = False  # asks for clinical advice the corpus does not give
    off_subject: bool = False  # no word searched with is one of the corpus's own
    keeps_outline: bool = False  # the outline found for the ask shapes its answer


@dataclass(frozen=True)
class Asked:
    """One ask as the judge reads it."""

    part: str  # as written
    judged: str  # as understood: a follow-up with its topic, without the writer's situation
    own: str  # its own words, typos mended
    query: str  # what was searched with
    vector: np.ndarray  # `judged`, embedded
    situation: str = ""  # what the writer said of themselves before asking
    now_framed: bool = False  # the writer's situation asks about today


def judge(
    asked: Asked,
    cands: Sequence[Candidate],
    index: LoadedIndex,
    model: AnswerabilityModel,
    scope: Scope,
    qa: Callable[[str, Sequence[Candidate]], dict[str, float]],
    naming: frozenset[str] = frozenset(),
    placed: bool = False,
    dense: float | None = None,
    outline_named: bool | None = None,
    before: Verdict | None = None,
) -> Verdict:
    """The outcome for `asked` given its reranked candidates (best first). `qa`: the QA model's
    signals for the ask and its candidates, read only when the model would not refuse. `naming`:
    the candidates holding every name the ask gives, `placed` when a top passage is one of them.
    `dense`: the spelt-out query's best passage similarity, when spelling out changed it.
    `outline_named`: whether the outline found for the ask (None: none found) is one it names.
    `before`: the verdict on the ask before this one in the same message."""
    part, judged, own = asked.part, asked.judged, asked.own
    values = signals(judged, cands, index, asked.vector, own, naming if placed else frozenset(), dense)
    p = model.probability(values)
    if asked.now_framed:
        values[ASKS_NOW] = 1.0
    about_now = values[ASKS_NOW] > 0
    pa = None
    if cands and p >= model.refuse_below:
        values.update(qa(judged, cands))
        pa = model.answer_probability(values)
    outcome = model.outcome(p, about_now, pa) if cands else "refuse"
    # "what is QIPP?" matched the one sentence naming QIPP perfectly, and that sentence
    # says nothing of what it is (acronyms.py).
    if outcome == "answer" and undefined_acronym(part, cands, index):
        values[ACRONYM_UNDEFINED] = 1.0
        outcome = "partial"
    # "Who is the current chief executive of NHS England?": dated guidance cannot say who
    # holds a post now, and a name it gives, from its own time or another post ("Chris
    # Ham, chief executive of the King's Fund"), would be read as the answer.
    if outcome != "refuse" and about_now and wants_person(part):
        values[PERSON_NOW] = 1.0
        outcome = "refuse"
    # The passages naming the place asked about state no figure; another place's is
    # not its answer (`signals` read only theirs).
    missing = (values["number_missing"] and not values[DATED_HEADING]) or values["money_missing"]
    if outcome == "answer" and placed and missing:
        values[FIGURE_UNNAMED] = 1.0
        outcome = "partial"
    # "what is the BMJ's starter for five?": the ask names a section of the guidance whose
    # numbered sections are what it asks for; its headings are the answer (outline.py).
    # One found through its document's title only shapes an answer the ask already gets.
    keeps_outline = outline_named is not None
    if outline_named is not None and outcome != "answer":
        if not outline_named:
            keeps_outline = False
        elif not about_now:
            values[OUTLINE] = 1.0
            outcome = "answer"
    # The writer's situation counts too: "gp in belfast - do we have to join a ccg?"
    # asks about Northern Ireland without naming it in the ask.
    outside = scope.named([judged, part], asked.situation)
    if outside is None and cands:
        # "... in Wales and what do they commission?": a later part is about what the
        # part it borrows from names (`judged` carries it).
        outside = scope.unspoken(
            [judged, part], (f"{c.chunk.section}\n{c.chunk.text}" for c in cands[:TOP]), asked.situation
        )
    # "Which anticoagulant and dose should I use ...?": the passages about the service
    # that moved that care to GPs match, and quoted beside a dosing question would read
    # as its answer.
    clinical = outside is None and beyond_corpus([judged, part], cands)
    # "bitcoin", "what time is it?": when no word searched with (the writer's situation
    # and a follow-up's earlier question included) is one of the guidance's own, the
    # passages were found by chance, by the embedding or by an everyday word ("time").
    # The model, fitted on questions about the guidance's subjects, answered such short
    # messages outright: a one-word ask is wholly "covered" by any passage with its word.
    # "what are ICBs and how do I get on one?": what the documents' notices say replaced
    # the bodies they describe; the passages about those bodies match, and quoted they
    # would answer for their successors.
    # A thin ask standing by a pronoun for what the conversation asked about ("who sits
    # on them?" after "what do integrated care boards do?") asks about that.
    leaning = is_follow_up(own) and stands_for_before(own)
    after = scope.superseded([part, judged] if leaning else [part]) if outside is None and not clinical else None
    unrelated = outside is None and not clinical and after is None and off_subject(asked.query, index)
    # "What about the McCloud remedy?" after Lord Hutton's recommendations, "and in
    # Leeds?" after City and Hackney's referrals: the earlier question asked of something
    # the guidance never writes a word of. Searched with the earlier question, it was
    # answered with that question's passages.
    # (A name, as written or as no English word: "what about physio?" after how to get on
    # a CCG board asks the board question of a profession, answered as before.)
    fresh = index.lexical.query_terms(new_subject(own)) if judged != own else []
    if (
        fresh
        and outside is None
        and after is None
        and not any(index.df.get(t, 0) for t in fresh)
        and names_a_stranger(new_subject(part), english_words())
    ):
        values[SUBJECT_UNKNOWN] = 1.0
        outcome = "refuse"
    if outside is not None or clinical or unrelated or after is not None:
        outcome = "refuse"
    # "What did the chair of Kent CCG say about authorisation?": no passage found for it
    # writes a Kent CCG (the guidance's Kent is a primary care trust), and quoted, another
    # CCG's chair on authorisation read as Kent's.
    if outcome != "refuse" and unwritten_ccg(own, (f"{c.chunk.section}\n{c.chunk.text}" for c in cands)):
        values[CCG_UNWRITTEN] = 1.0
        outcome = "refuse"
    # "What is the McCloud remedy and how does it affect my NHS pension?", "what do ICBs
    # do and who sits on them?": a thin ask standing by a pronoun for what the ask before
    # it asked about, which the guidance was found not to cover, is not covered either;
    # the pension passages quoted under it read as the remedy's effect.
    if (
        before is not None
        and before.outcome == "refuse"
        # What it was refused for is its subject: a body after the documents, a nation
        # outside them, a name they never write. (One refused as merely unlikely: six of
        # the eight answerable items whose first ask was so refused answered the second.)
        and (
            before.after is not None
            or before.outside is not None
            or before.off_subject
            or before.signals.get(SUBJECT_UNKNOWN)
            or before.signals.get(CCG_UNWRITTEN)
            or any(before.signals.get(s) for s in (PERSON_UNNAMED, ORGANISATION_UNNAMED))
        )
        and judged != own
        and leaning
    ):
        outcome, outside, after = "refuse", outside or before.outside, after or before.after
    return Verdict(outcome, p, values, outside, after, clinical, unrelated, keeps_outline)
