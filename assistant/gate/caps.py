"""Does the composed answer give what was asked? Caps read from it, as the reader sees it. What
each does to the outcome (refuse, or hold at partial) is `answer/respond.py`'s to decide.

**A sum asked for and none stated.** "how much is the secondary care doctor on a CCG board paid
per session?" matched the passages on the secondary care seat word for word, and was answered
outright with the rule that the seat exists and where it is advertised: no sum anywhere, because
the guidance gives none. What the writer asked for is the one thing the reply lacks: a message's
only ask is refused ("gives no figure for the sum you ask about"), since held at partial its
"The closest passages say:" read as if the sum were among them; beside other asks it is answered
at most in part, its passages often the other asks'. Read from the composed answer, not from the
passages' best sentences: those can hold a sum the answer does not quote ("£65bn of the £95bn
NHS commissioning budget", for a pay rate), and one the answer does not quote does not answer.
Only asks for an amount of money count: "how much ... paid / cost / funding", "what's the fee",
"per session". "Who can pay into the NHS pension scheme?" and "is it paid?" ask no sum, and a
yes or no about pay is answered by the rule (`ask_kinds.asks_yes_or_no`).

**A count asked for and no numeral stated.** "How many GP practices were members of CCGs when
they went live?", "what percentage of a CCG's budget goes on mental health?": the same, for a
count or a share ("how many", "what percentage"), refused as a message's only ask and left to the
model beside others.

**An answer that only points elsewhere.** The BMA quick guide's "What is co-commissioning?"
holds one sentence, "Read about the changes ... in our guide to co-commissioning.": a link to a
guide the corpus does not hold. Quoted alone as the answer to "what is co-commissioning?", it was
labelled an answer; it says where an answer might be, so it is answered at most in part.

**A person asked for and nobody named.** "whos the borough director croydon ccg appointed? need a
name", "who was the PCT chief exec who signed that off?": the passages about the post match every
word of the ask but the name, and the guidance names nobody in it. Held at partial, such an
answer still read "The closest passages say: ..." over sentences about the post, as if a name
were among them; it is refused instead, answered or partial, when no sentence it quotes names
anyone (`persons.py`). Read from the answer rather than from its passages: the Kent passages name
their medical director, who is not the lead commissioner for diabetes asked about. Two
capitalised words the passages never write in lower case may be a name the guidance gives in
passing ("Andrew Lansley becomes health secretary") or a place ("Coastal Kent", "Greater
Manchester"): an answer quoting such a pair and no clearer name is held at partial instead. The
guidance answers "who sits on ...?" and "who chairs ...?" with roles, and those are not read as
asks for a person; "who chairs" a body the ask names is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..retrieval.ask_kinds import asking_sentence, asks_yes_or_no
from ..retrieval.lexical import terms
from ..retrieval.sentence_kinds import NUMBER, is_pointer
from ..types import spoken
from .persons import (
    ORGANISATION_UNNAMED,
    PERSON_UNNAMED,
    may_name_someone,
    names_beyond,
    names_someone,
    wants_organisation,
    wants_person,
)

# The signals recorded when a cap holds an ask at partial.
SUM_UNSTATED = "sum_unstated"
COUNT_UNSTATED = "count_unstated"
POINTS_ELSEWHERE = "points_elsewhere"
PERSON_UNCONFIRMED = "person_unconfirmed"

# "how much time" asks for time; every other "how much" followed by a word of money asks for a sum.
_ASKS_SUM = re.compile(
    r"\bhow much\b(?:(?!\btime\b)[^?.!]){0,60}?\b(paid|pay|pays|get|gets|earn|earns|cost|costs|charge|charged|"
    r"money|funding|funded|fund|worth|save|saved|saving|savings|spend|spent|budget|allowance|tariff|fee|fees|"
    r"salary|price|levy)\b"
    r"|\b(going|hourly|daily|sessional|pay) rates?\b|\brates? of pay\b"
    r"|\b(paid|pay|pays|rate|rates|fee|fees|cost|costs|salary|tariff|price|levy)\b[^?.!]{0,20}"
    r"\bper (session|hour|day|week|month|year|annum|patient|head|pa)\b"
    # "what's the fee", "what is the LMC levy": the thing is the sum. Not "what will happen to my
    # salary?", which asks what happens, nor "what is the referral rate?".
    r"|\bwhat(?:\s+(?:is|are|was|were)|['’]s|s)\s+(?:[\w'’-]+\s+){0,5}?(salary|salaries|fee|fees|tariff|price|prices|levy)\b"
    r"|£",
    re.I,
)
# A sum as the sources write one: "£2 per patient", "£65bn", "£300m", "4.5 per cent". The unit
# ends its word: "over 12 months" is no sum.
HAS_MONEY = re.compile(r"£|\$|€|\b\d[\d,.]*\s?(bn|billion|m|million|k|pounds|per cent)\b|\d\s?%", re.I)


def asks_for_sum(ask: str) -> bool:
    """Whether `ask` (its own words) wants an amount of money, not a yes or no about one."""
    return bool(_ASKS_SUM.search(ask)) and not asks_yes_or_no(ask)


# "How many GP practices were members of CCGs when they went live?", "what percentage of a CCG's
# budget goes on mental health?": a count or a share, which the answer states as a numeral. (A
# length of time or a date is left to the answerability model: a timeline's date is its heading's.)
_ASKS_COUNT = re.compile(r"\bhow many\b|\bwhat (?:percentage|proportion|share|fraction)\b", re.I)


def asks_for_count(ask: str) -> bool:
    """Whether `ask` (its own words) wants a count or a share, not a yes or no about one."""
    return bool(_ASKS_COUNT.search(asking_sentence(ask))) and not asks_yes_or_no(ask)


def states_sum(sentences: Iterable[str]) -> bool:
    return any(HAS_MONEY.search(s) for s in sentences)


def cap(ask: str, quoted: Sequence[str], context: Sequence[str] = ()) -> str | None:
    """The signal of the cap that holds back an ask (its own words), given the sentences its
    answer quotes (`context`: the sentences of the passages they come from and those around them);
    None when none does. `PERSON_UNNAMED` and `ORGANISATION_UNNAMED` refuse, the others hold an
    answer at partial."""
    if asks_for_sum(ask) and not states_sum(quoted):
        return SUM_UNSTATED
    if asks_for_count(ask) and not any(NUMBER.search(q) for q in quoted):
        return COUNT_UNSTATED
    if quoted and all(is_pointer(q) for q in quoted):
        return POINTS_ELSEWHERE
    if wants_person(ask) and not any(names_someone(spoken(q)) for q in quoted):
        if may_name_someone([spoken(q) for q in quoted], context, ask):
            return PERSON_UNCONFIRMED
        return PERSON_UNNAMED
    if wants_organisation(ask):
        asked = set(terms(ask))
        if not any(names_beyond(spoken(q), asked) for q in quoted):
            return ORGANISATION_UNNAMED
    return None
