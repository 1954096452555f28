"""One ask's part of a reply: what was found and judged for it (`Part`), and the lines that
lead or stand in for its answer: the plain line a partial or repeated answer opens with, what
an acronym stands for, the sources' notice for an ask about today, and a refusal with its reason
and the nearest sections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..composition.outline import Outline
from ..composition.render import Composition
from ..gate.acronyms import asked_acronym, spells, written_in_full
from ..gate.answerability import ASKS_NOW
from ..gate.caps import COUNT_UNSTATED, SUM_UNSTATED
from ..gate.persons import ORGANISATION_UNNAMED, PERSON_UNNAMED
from ..gate.scope import Successor, notice_about
from ..messages import render
from ..retrieval.retrieve import Candidate
from ..types import Hit


@dataclass
class Part:
    """One ask of a message, with what was found for it."""

    ask: str
    judged: str  # the ask as understood: a follow-up with its topic, without the writer's situation
    outcome: str  # answer | partial | refuse
    probability: float
    signals: dict[str, float]
    cands: list[Candidate]
    hits: list[Hit]
    composition: Composition | None = None
    subject: str = ""  # what the answer's sentences are chosen for (default: judged)
    outside: str | None = None  # a nation the corpus does not cover that the ask is about (scope.py)
    after: Successor | None = None  # what came after the documents, which the ask names (scope.py)
    clinical: bool = False  # asks for clinical advice the corpus does not give (clinical.py)
    off_subject: bool = False  # no word searched with is one of the corpus's own (answerability.py)
    said_before: str = ""  # the conversation's earlier answers, as it shows them
    own: str = ""  # the ask's own words with typos mended (default: the ask as written)
    outline: Outline | None = None  # a list the ask names, written as numbered sections (outline.py)
    naming: frozenset[str] = frozenset()  # the candidates holding every name the ask gives ("Sunderland")
    sources: frozenset[str] = frozenset()  # the documents the ask names ("the Kent article"; sources.py)
    own_vector: np.ndarray | None = None  # the ask's own words, embedded (a follow-up's, without its topic)
    # A chain of follow-ups' passages found with the ask and the topic alone (`Assistant._aside`).
    aside: list[Candidate] = field(default_factory=list)


# The signal of an answer that quotes none of the documents its ask names.
SOURCE_UNQUOTED = "source_unquoted"


def nearest_sections(cands: Sequence[Candidate], limit: int = 3) -> list[str]:
    out: list[str] = []
    for c in cands:
        label = f"{c.chunk.title} — {c.chunk.section}"
        if label not in out:
            out.append(label)
        if len(out) == limit:
            break
    return out


def refusal_text(
    nearest: Sequence[str],
    outside: str | None = None,
    covered: str = "",
    clinical: bool = False,
    covers: str = "",
    home: str = "",
    after: Successor | None = None,
    unnamed: str = "",
    now: bool = False,
    no_figure: str = "",
    today: str = "",
) -> tuple[str, str]:
    """The refusal's statement, with its reason when the question is about a nation the corpus
    does not cover (`outside`; `covered`: the nations it does name, "England and Wales") or one
    it names but whose passages found here describe another (`home`: the nation the corpus is
    written for), asks for clinical advice it does not give (`clinical`) or is about none of its
    subjects (`covers`: what it does cover, `Scope.documents_text`) or asks for a person it
    does not name (`unnamed`: "person" or "organisation"), a sum or a count it states nowhere (`no_figure`),
    or who holds a post today (`now`); and the whole text, the statement followed by the
    nearest sections. `today`: the sources' notice of what became of the thing an ask about
    today names ("PCTs were abolished in 2013 ..."), said before the plain refusal."""
    if after is not None:
        statement = render("refusal_superseded", thing=after.label, notice=after.notice)
    elif outside and home:
        statement = render("refusal_unspoken", nation=outside, home=home)
    elif outside:
        statement = render("refusal_outside", nation=outside, covered=covered or "none")
    elif covers:
        statement = render("refusal_off_subject", covers=covers)
    elif now:
        statement = render("refusal_person_now")
    elif no_figure:
        statement = render("refusal_figure", what=no_figure)
    elif unnamed:
        statement = render("refusal_unnamed", whom=unnamed)
    elif today:
        statement = render("refusal_now_notice", notice=today)
    else:
        statement = render("refusal_clinical") if clinical else render("refusal")
    if not nearest:
        return statement, statement
    return statement, statement + " " + render("refusal_nearest", nearest="; ".join(nearest))


def part_text(part: Part, lead_sep: str = "\n\n", above: str = "", body: str | None = None) -> str:
    """The body of one part: its composed sentences (or `body`, the same renumbered), led by a
    plain line when partial, and by a pointer when some of what it rests on is quoted by an
    earlier part (`above`: their numbers, "[1], [3]")."""
    if body is None:
        body = part.composition.text if part.composition else ""
    # A body that opens with a list (an item, or the line that introduces its items) goes on the
    # next line: run on after the pointer's colon, "- All profits ..." would read as a dash, not
    # as an item, and "Drawbacks of commissioning:" as part of the pointer's sentence.
    first, _, rest = body.partition("\n")
    item_first = body.startswith("- ") or (first.rstrip().endswith((":", "?")) and rest.startswith("- "))
    if above:
        if part.outcome == "partial" and part.signals.get(ASKS_NOW):
            # "... What's the situation now?" opened on 2011's "At present it is possible to pay
            # into the NHS pension scheme ..." with no word that the guidance predates today: the
            # pointer to what the first ask quoted took the place of that line.
            notice = now_notice(part)
            lead = render("partial_lead_now_besides_above", refs=above, notice=f"{notice} " if notice else "")
        else:
            name = "partial_lead_besides_above" if part.outcome == "partial" else "part_besides_above"
            lead = render(name, refs=above)
        return lead + ("\n" if item_first else " ") + body
    lead = part_lead(part)
    text = lead + ("\n" if item_first and lead_sep == " " else lead_sep) + body if lead else body
    spelt = acronym_spelt(part)
    return f"{spelt}{lead_sep}{text}" if spelt else text


def acronym_spelt(part: Part) -> str:
    """For "whats AQP" answered by passages that write its words in full but never beside it,
    the line saying what the letters stand for; else ""."""
    if part.composition is None or part.outcome == "refuse":
        return ""
    ask = part.own or part.ask
    acronym = asked_acronym(ask, part.cands)
    if acronym is None or spells(acronym, part.composition.text):
        return ""
    cited = {(c.doc_id, c.text) for c in part.composition.citations}
    texts = [f"{c.chunk.section}\n{c.chunk.text}" for c in part.cands if (c.chunk.doc_id, c.chunk.text) in cited]
    phrase = written_in_full(acronym, texts)
    if not phrase or phrase.lower() in part.composition.text.lower():
        return ""
    return render("acronym_spelt", acronym=acronym, phrase=phrase)


def part_lead(part: Part) -> str:
    """The plain line a partial part opens with, and one a follow-up whose every sentence the
    previous answer quoted opens with: the reader sees that the repeat is not a slip (a tester's
    threads: 12 of 22 follow-ups came back word for word, with nothing to say why). Empty for a
    part that answers with something new."""
    repeated = part.composition is not None and part.composition.repeated
    more = part.composition is not None and part.composition.more
    if part.outcome == "partial" and part.signals.get(SOURCE_UNQUOTED):
        return render("partial_lead_other_source")
    if part.outcome == "partial" and part.signals.get(ASKS_NOW):
        # "Is my CCG still responsible for ...?": the one thing known of today (the sources'
        # notice that CCGs were abolished in 2022) sat under the answer, which led with 2013's
        # present tense. It leads instead: a cited source's notice first, else another passage's
        # ("do PCTs still exist?" quoted the BMJ guide, whose notice is about CCGs, while the
        # Kent article's says PCTs were abolished in 2013).
        notice = now_notice(part)
        if repeated:
            # "is that still the case?" after 2013's count of authorised CCGs: the figures came
            # again under "may not answer it directly", as if they might be today's.
            return render("partial_lead_now_repeated", notice=f"{notice} " if notice else "")
        return render("partial_lead_now_notice", notice=notice) if notice else render("partial_lead_now")
    if part.outcome == "partial":
        if repeated:
            return render("partial_lead_repeated_more" if more else "partial_lead_repeated")
        return render("partial_lead")
    if repeated:
        return render("repeat_lead_more" if more else "repeat_lead")
    return ""


def now_notice(part: Part) -> str:
    """For an ask about today, the sources' notice of what became of the thing it names ("PCTs
    were abolished in 2013 ..."): a cited source's first, else another passage's; "" when no
    notice is about the ask or the ask is not about today."""
    if not part.signals.get(ASKS_NOW):
        return ""
    cited = {c.doc_id for c in part.composition.citations} if part.composition else set()
    ranked = sorted(part.cands, key=lambda c: c.chunk.doc_id not in cited)
    # A follow-up's own words may name nothing ("is that still the case?"): then what it stands
    # for, the question it was folded with, says what the notice must be about.
    for ask in dict.fromkeys([part.own or part.ask, part.judged]):
        found = next((c.chunk.notice for c in ranked if c.chunk.notice and notice_about(c.chunk.notice, ask)), "")
        if found:
            return found
    return ""


def no_figure(part: Part) -> str:
    """The figure the guidance does not give, when that refused the part: "sum", "number"."""
    if part.signals.get(SUM_UNSTATED):
        return "sum"
    return "number" if part.signals.get(COUNT_UNSTATED) else ""


def unnamed(part: Part) -> str:
    """Whom the guidance does not name, when that refused the part: "person", "organisation"."""
    if part.signals.get(PERSON_UNNAMED):
        return "person"
    return "organisation" if part.signals.get(ORGANISATION_UNNAMED) else ""
