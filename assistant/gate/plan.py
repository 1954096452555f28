"""How each ask of a message is searched, judged and answered: the plan made before retrieval.

Per ask, four texts: the ask as written; what it is judged on (earlier turns folded in for a
follow-up, the ask before it for "... and when did they start?"); what it is retrieved with
(plus the writer's situation: "If I join the board, can I keep my pension?"); and what the
answer's sentences are chosen for (its subject).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from ..retrieval.rewrite import is_follow_up, referent, standalone_query
from ..types import Turn
from .asks import Asks, without_request

# (ask, judged, query, subject)
Plan = tuple[str, str, str, str]

# An ask about the writer, their organisation or area: "our CCG", "are we ...", "can I ...".
# (Not authors.FIRST_PERSON, which reads a capital "I" only: Slack writes "can i".)
_WRITERS_OWN = re.compile(r"\b(our|ours|we|us|i|me|my)\b", re.I)


def plan_asks(
    asks: Asks,
    turns: Sequence[Turn],
    places: Callable[[str], frozenset[str]],
    correct: Callable[[str], str],
    found: Mapping[int, str] | None = None,
) -> list[Plan]:
    """The plan of every ask of `asks`. `places`: the names in a text other than acronyms, which
    a follow-up naming another place strikes from the questions it folds in. `correct`: mends
    typos against the index's words. `found`: per later ask, the passages found for the ask
    before it, which it may name by "the" (`is_follow_up`)."""
    plans: list[Plan] = []
    within = ""  # the ask before, with what it carried on from
    for i, part in enumerate(asks.parts):
        thin = is_follow_up(part, f"{within}\n{(found or {}).get(i, '')}" if i > 0 else "")
        # A thin ask carries on from the ask before it, and so from what that one carried on
        # from: "is it paid? and how much time does it take?" after "who sits on a ccg
        # board?" is still about the board, as a chain of follow-ups in a conversation is
        # folded back to the question that set its topic.
        within = f"{part} {referent(part, within)}" if i > 0 and thin else part
        judged = standalone_query(within, turns, places) if i == 0 else within
        query = f"{asks.context} {judged}" if asks.context else judged
        # "In the Kent model, what did each pair work on?": the phrase scoping the asks is
        # judged and answered with each of them, unlike the writer's situation.
        judged = f"{asks.scope}, {judged}" if asks.scope else judged
        # "kent commissioners - what support did they get": an ask too thin to stand alone
        # is about the subject the message gave before it; sentences are chosen for both.
        # (Answerability keeps judging the ask alone: held out, the situation's chatty words
        # cost it more than the subject gained.)
        # So is an ask about the writer's own organisation ("salaried gp in south manchester -
        # whats our ccg doing about commissioning support?"): the situation says whose.
        subject = query if (thin or _WRITERS_OWN.search(part)) and asks.context else judged
        # An instruction's verb ("List the new structures", "tell me ...") is judged as a
        # question word is, not as a word of the subject; retrieval and sentences keep it.
        plans.append((part, without_request(judged), query, subject))
    # Typos are mended for retrieval and judging; the ask keeps its writer's spelling.
    return [(part, correct(judged), correct(query), correct(subject)) for part, judged, query, subject in plans]
