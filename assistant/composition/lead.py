"""Which chosen sentence opens the answer (issue 11 §3): the one that answers the question as
asked, or, for a follow-up whose passages the previous answer already quoted, the one bearing on
the new ask. The sentences themselves are chosen in `compose`; this only picks their opening.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..gate.acronyms import ACRONYM, spells
from ..retrieval.ask_kinds import (
    COMPARISON_Q,
    asking_sentence,
    asks_for_number,
    asks_what_it_is,
    counted,
    number_answer,
    rule_asked,
)
from ..retrieval.lexical import terms
from ..retrieval.rewrite import expand, groups_mentioned
from ..retrieval.sentence_kinds import CONNECTIVE, DUMMY_IT, LEANS_ON, defines, is_item, is_question, is_statement
from .picked import Picked
from .render import ITEM_MARK
from .speakers import REPLY_WORDS


def lead(chosen: Sequence[Picked], question: str, margin: float, wants_list: bool = False) -> Picked | None:
    """The sentence to open with: the one that answers the question as asked (issue 11 §3).

    A "what are / in what ways" answer opens with its list; a "how many" answer with its best
    sentence that has a number; a "what is" answer with its best sentence that defines; any
    other with its best sentence. None where that sentence qualifies the one before it
    ("However, ..."), leans on it ("They include ...") without giving the kind of answer asked
    for, or introduces a list: the source's order stays.
    """
    if wants_list:
        # "In what ways ...?": the list is the answer; its lead-in opens, its items follow.
        have = {(p.passage, p.sentence) for p in chosen}
        intros = [p for p in chosen if p.text.rstrip().endswith(":") and (p.passage, p.sentence + 1) in have]
        if intros:
            return max(intros, key=lambda p: p.score)
    opening = _list_opening(chosen)
    if opening is not None:
        return opening
    prose = [p for p in chosen if is_statement(p.text) and not p.joins]  # not half of a list item
    if not prose:
        return None
    best = max(prose, key=lambda p: p.score)
    top = best.score - margin
    # The asking sentence's opening says what kind of answer it wants ("I sit on the board. Do I
    # have to step out when ...?" is a yes or no, though it says "when").
    asked = asking_sentence(question)
    rule = rule_asked(asked)
    fitting: list[Picked] = []  # sentences that give the kind of answer asked for
    # "hwb vs ccg governance cttee - whats the diff": the sentence stating the difference
    # ("This audit role differs from that of the health and wellbeing board, which should focus
    # on the commissioning strategy ...") answers it, and came sixth, after the boards' duties.
    contrast = [p for p in prose if _STATES_DIFFERENCE.search(p.text)] if COMPARISON_Q.search(asked) else []
    if contrast:
        fitting = contrast
        stated = max(contrast, key=lambda p: p.score)
        # Leaning on the sentence before it ("This audit role"), that one opens and it follows,
        # as the source has them.
        before = next((p for p in prose if (p.passage, p.sentence) == (stated.passage, stated.sentence - 1)), None)
        if LEANS_ON.match(stated.text) and before is not None and not LEANS_ON.match(before.text):
            return before
    elif rule is not None:
        fitting = [p for p in prose if p.score >= top and rule.search(p.text)]
    elif asks_for_number(asked):
        number = number_answer(asked)
        fitting = [p for p in prose if number.search(p.reads) and p.score >= top]
        # "How many CCGs ...?": a number of CCGs before a number of anything else.
        count = counted(asked)
        counting = [p for p in fitting if count.search(p.text)] if count is not None else fitting
        if not counting:
            # The number is a list item's ("• Seventeen clinical pathways were developed ..." for
            # "how many clinical pathways ...?"): its list opens, not a sentence that scored below
            # it with no number, or with a number of something else ("two specialty doctors").
            item = _number_item(chosen, count or number, top)
            if item is not None:
                return item
        fitting = counting or fitting
    elif asks_what_it_is(asked):
        # "What is a CSU?" is defined by "Commissioning support encompasses ...": the thing may
        # be named by another of its phrasings.
        words = set(terms(asked))
        namings = []
        for group in groups_mentioned(asked):
            said = {t for phrase in group for t in terms(phrase)}
            namings += [(words - said) | set(terms(phrase)) for phrase in group]
        fitting = [
            p
            for p in prose
            if p.score >= top and (defines(p.text, words) or any(defines(p.text, n, whole=True) for n in namings))
        ]
        # "What does LMC stand for?": the sentence that spells it out ("... representatives of
        # local medical committees (LMCs) ...") says what was asked, wherever its score puts it.
        # ("What is a CSU?" asks what one does, which "twenty-three commissioning support units
        # (CSUs)" does not say.)
        acronym = next(iter(ACRONYM.findall(asked)), None)
        spelling = [p for p in prose if spells(acronym, p.text)] if acronym and _EXPANSION.search(asked) else []
        fitting = spelling or fitting
    best = max(fitting, key=lambda p: p.score) if fitting else best
    sources_question = _asked_by_source(best, chosen)
    if sources_question is not None:
        return sources_question  # its reply follows it
    if best.text.rstrip().endswith(":") or CONNECTIVE.match(best.text):
        return _standing_alone(prose, best)
    if LEANS_ON.match(best.text) and not (fitting or DUMMY_IT.match(best.text)):
        return _standing_alone(prose, best)
    return best


# A sentence saying how one thing differs from another.
_STATES_DIFFERENCE = re.compile(
    r"\b(?:differs?|differed|different from|distinct from|unlike|whereas|in contrast|as opposed to)\b", re.I
)
# An ask for an acronym's words, not for what the thing is or does.
_EXPANSION = re.compile(r"\bstands?\s+for\b|\bshort\s+for\b|\babbreviat|\bacronym\b|\bspelt\s+out\b|\bexpan", re.I)


# How far below a best sentence that leans on the one before it another may open in its place.
LEAN_MARGIN = 0.05


def _standing_alone(prose: Sequence[Picked], best: Picked) -> Picked | None:
    """A sentence nearly as good as `best` (which leans on the sentence before it, or qualifies
    it) that reads on its own, to open in its place; None keeps the sources' order. "Who should
    I ask for help with the research side ...?" opened with "It is important such services have
    appropriate facilities ... for post-op complications", the sentence before the best one
    ("This collaborative way of working ..."). Only where the sentence leaned on was not chosen
    for the question itself was worse: dev first sentence 0.599 -> 0.589, unseen 0.518 -> 0.520,
    against 0.593 and 0.527 for every case."""
    alone = [
        p
        for p in prose
        if p is not best
        and p.score >= best.score - LEAN_MARGIN
        and not (p.text.rstrip().endswith(":") or CONNECTIVE.match(p.text) or LEANS_ON.match(p.text))
    ]
    return max(alone, key=lambda p: p.score) if alone else None


def _asked_by_source(p: Picked, chosen: Sequence[Picked]) -> Picked | None:
    """The source's own question that `p`, a short reply, answers, when chosen right before it
    ("So is there evidence that having clinicians committed to commissioning is a good idea?
    Probably."). Opened with alone, the answer began "Probably." and the question came four
    sentences later."""
    if len(p.text.split()) >= REPLY_WORDS:
        return None
    return next(
        (q for q in chosen if q.passage == p.passage and q.sentence == p.sentence - 1 and is_question(q.text)), None
    )


def _list_opening(chosen: Sequence[Picked]) -> Picked | None:
    """The lead-in of the list that holds the best sentence chosen, when that sentence is the
    second sentence on an item's line ("• GPs were not allowed to hold real budgets.
    Responsibility ... remained with PCTs"): the answer opens with that list, not with the best
    sentence that stands alone, which ranks below it."""
    best = max(chosen, key=lambda p: p.score)
    return _chosen_lead_in(chosen, best) if best.joins else None


def _chosen_lead_in(chosen: Sequence[Picked], at: Picked) -> Picked | None:
    """The chosen line introducing the list `at` is in: back from it over chosen items (and their
    lines' later sentences) to a chosen sentence ending in a colon; None at any other sentence."""
    before = sorted(
        (p for p in chosen if p.passage == at.passage and p.sentence < at.sentence), key=lambda p: -p.sentence
    )
    for p in before:
        if p.text.rstrip().endswith(":"):
            return p
        if not (is_item(p.text) or p.joins):
            return None
    return None


def _number_item(chosen: Sequence[Picked], number: re.Pattern[str], floor: float) -> Picked | None:
    """The best chosen list item that gives the number asked (within `floor`), or the chosen
    line introducing its list when there is one."""
    items = [p for p in chosen if is_item(p.text) and number.search(p.text) and p.score >= floor]
    if not items:
        return None
    best = max(items, key=lambda p: p.score)
    return _chosen_lead_in(chosen, best) or best


# An ask for the reason: "why?", "and why not?", "how come?".
_ASKS_WHY = re.compile(r"^\W*(?:and |so |but )?(?:why|how come)\b", re.I)
# What a sentence giving a reason says.
_GIVES_REASON = re.compile(
    r"\b(?:because|since|so that|in order to|to avoid|will avoid|to ensure|to prevent|due to|as a result|"
    r"the reason|reasons? (?:is|are|was|were)|this means)\b",
    re.I,
)


def bearing(chosen: Sequence[Picked], ask: str, lead: Picked | None) -> Picked | None:
    """The sentence to open a repeated answer with: the one sharing most words with the ask.

    A follow-up often finds the passage the answer before it quoted, and the same sentences
    win again, chosen for the topic the follow-up borrows ("and what about SAS doctors?" after
    "how do I get on a CCG board?"). The reader has just read them: what bears on the new ask
    comes first (dev: 5 -> 8 of 23 such answers open on a key fact; the unseen splits 8 -> 12
    of 22; none lost). Nothing changes when no sentence holds one of the ask's own words, or
    of their synonyms (templates/synonyms.txt: "remuneration" for a sentence saying "paid")."""
    own = set(terms(expand(ask)))
    prose = sorted((p for p in chosen if is_statement(p.text) and not p.joins), key=lambda p: -p.score)
    # "why not?" after "can the hospital doctor come from our own trust?": its words are none of
    # the sentences', and the reason ("... will avoid conflict of interest") came fifth of six.
    if _ASKS_WHY.match(ask) and (reasons := [p for p in prose if _GIVES_REASON.search(p.text)]):
        return reasons[0]
    if not own or not prose:
        return lead

    def shared(p: Picked) -> int:
        return len(own & set(terms(p.text)))

    best = max(prose, key=shared)  # the first of equals: the better scored
    if shared(best) == 0 or (lead is not None and shared(lead) >= shared(best)):
        return lead
    return best


def quoted_in(sentence: str, text: str) -> bool:
    """Whether `text` (an earlier answer) quotes `sentence`, as a list item too ("- GPs were
    not allowed to hold real budgets [1]": bullet, number and closing stop dropped)."""
    core = ITEM_MARK.sub("", sentence.strip()).rstrip(";,.").removesuffix(" and")
    return bool(core) and core in text
