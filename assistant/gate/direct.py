"""Messages answered without searching the guidance, and what the others search for.

A message in another language is told what the assistant reads (searched, its few
English-looking words, "CCG", found passages by chance). "Shorter please" restates the previous
question's answer, or says there is none. Small talk ("thanks!", "hello") gets its reply. Every
other message is a search, for the question it asks (the earlier one, for a restatement) in the
form it asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..messages import render
from ..types import Answer, Turn
from .language import other_language
from .restate import Restate, question_and_form, restate_request
from .smalltalk import small_talk_reply, without_small_talk


@dataclass(frozen=True)
class Search:
    """What a message asks the guidance: the question, the turns before it, and the form wanted."""

    asked: str
    turns: list[Turn]
    restate: Restate | None


def before_search(question: str, history: Sequence[Turn]) -> Answer | Search:
    """The reply to a message that needs no search, or what to search for."""
    language = other_language(question)
    if language is not None:
        statement = render("refusal_language")
        judged = [{"ask": question, "outcome": "refuse", "language": language}]
        return Answer(question, statement, [], True, [], answerability=judged, lead=statement, timings={"total": 0.0})
    turns = without_small_talk(list(history))
    # "Give me that in one sentence": the previous question, its answer cut to one.
    asked, restate = question, restate_request(question)
    if restate is not None:
        if not turns or not (earlier := [i for i, t in enumerate(turns) if t.role == "user"]):
            nothing = render("restate_nothing")
            return Answer(question, nothing, [], False, [], outcome="no_question", timings={"total": 0.0})
        asked, turns = turns[earlier[-1]].content, turns[: earlier[-1]]
        # "What does a CSU do, in bullet points?" then "shorter": the question, not its layout.
        asked = (question_and_form(asked) or (asked, restate))[0]
    elif (split := question_and_form(question)) is not None:
        asked, restate = split
    else:
        small_talk = small_talk_reply(question, follows=bool(turns))
        if small_talk is not None:
            return Answer(question, small_talk, [], False, [], outcome="no_question", timings={"total": 0.0})
    return Search(asked, turns, restate)
