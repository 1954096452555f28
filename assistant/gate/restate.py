"""A request to shorten the previous answer or lay it out as bullet points ("give me that in one
sentence", "tl;dr", "put that in bullet points pls", "summarise in two lines").

Answers are the guidance's own sentences, so they cannot be reworded; but they can be cut to their
first sentences, or set one sentence to a line, without a word changed. Testers asked for both
after an answer and got "I cannot reword or summarise an earlier answer" for some and, for "give me
that in one sentence", a search for "sentence" for others. Such a message is the previous
question asked again, with its answer restated (`answer/restate.py`).

Only a message made wholly of such words counts: "summarise the BMA's concerns" is a question.
A request to simplify, explain or tabulate is not one of these: it would need new words
(`smalltalk.py` answers it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentences a request for a summary keeps when it names no number ("summarise that", "shorter").
SUMMARY_SENTENCES = 2
_NUMBERS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "couple": 2, "three": 3, "few": 3, "four": 4, "five": 5}

_POLITE = r"(?:(?:please|pls|plz|ok|okay|so|now|and|just|great|thanks|cool)\s+)*"
_ASKING = (
    r"(?:(?:can|could|would|will)\s+(?:you|u)\s+|i\s+(?:want|need)\s+|(?:give|tell)\s+me\s+)?(?:please\s+|pls\s+)?"
)
_THAT = r"(?:that|this|it|the\s+answer|your\s+answer|the\s+last\s+answer|them|those)"
_IT = rf"(?:\s+{_THAT})?"
_COUNT = r"(?:(?:a|an|one|single|two|three|four|five|few|couple\s+of|[1-9])\s+)?"
_UNIT = r"(?:lines?|sentences?|sentance|para(?:graph)?|points?|bullets?|bullet\s+points?|bulletpoints?|dot\s+points?)"
# Any of those, or a list or a nutshell: what a layout is asked "in" or "as".
_FORM = rf"{_UNIT}|(?:a\s+)?(?:bulleted\s+)?list|list\s+form|(?:a\s+)?nutshell"
_VERB = r"(?:put|give|list|show|set|lay|write|make|format|do|send|break|split|turn|rewrite|shorten|summari[sz]e|sum)"
_TAIL = r"(?:\s+(?:please|pls|plz|thanks|thx|ty|for\s+me|instead|again|quickly))*[.!?]*"

# "put that in bullet points", "in 3 bullets pls", "give me that in one sentence", "summarise it
# in two lines", "as a list", "bullet it", "sum it up in a sentence".
_IN_FORM = re.compile(
    rf"^{_POLITE}{_ASKING}(?:(?P<verb>{_VERB}{_IT}|{_THAT})(?:\s+(?:up|out|down|back))?\s+)?(?P<prep>(?:in|into|as|to)\s+)?"
    rf"(?P<count>{_COUNT})(?P<unit>{_FORM})"
    rf"(?:\s+(?:form|format|max|at\s+most|or\s+less))?{_TAIL}$"
)
# "shorter", "tl;dr", "summarise that", "too long", "bullet it", "the short version", "briefly".
_BARE = re.compile(
    rf"^{_POLITE}{_ASKING}(?:"
    rf"(?P<short>(?:make\s+(?:it|that)\s+)?shorter|shorten{_IT}|summari[sz]e{_IT}|sum\s+(?:it|that)\s+up|"
    rf"(?:that'?s|it'?s|thats|its)?\s*too\s+long|tl\s*;?\s*dr|tldr|(?:say\s+(?:it|that)\s+)?briefly|"
    rf"(?:the\s+)?short(?:er)?\s+version|(?:what(?:'?s|\s+is|\s+are)\s+)?(?:the\s+)?"
    rf"(?:gist|summary|bottom\s+line|key\s+points?|main\s+points?|key\s+message|take\s*home(?:\s+message)?))"
    rf"|(?P<bullets>bullet{_IT}|bullet\s+point{_IT}|(?:as\s+)?bullets|bullet\s+points|bulletpoints))"
    rf"{_TAIL}$"
)


# "just the top 3 pls", "give me the first two", "top three points": the answer's first
# sentences, which the guidance does not rank.
_TOP = re.compile(
    rf"^{_POLITE}{_ASKING}(?:{_THAT}\s+)?(?:just\s+)?(?:the\s+)?(?:top|first|main)\s+"
    rf"(?P<count>one|two|three|four|five|[1-9])(?:\s+(?:points?|things?|ones?|items?|bullets?|reasons?))?{_TAIL}$"
)


# A question that says how its answer should be laid out at its end ("what does a CSU do, in
# bullet points?", "who sits on a CCG board - one sentence pls").
_SUFFIX = re.compile(
    rf"(?:\s*[,;:]|\s+-)?\s+(?:(?:please|pls|but|and|just)\s+)*(?:(?:answer|reply|explain)\s+)?(?:in|as)\s+"
    rf"(?P<count>{_COUNT})(?P<unit>{_FORM}){_TAIL}$"
)


def _plain(message: str) -> str:
    text = " ".join(message.lower().replace("’", "'").replace(",", " ").replace(" - ", " ").split())
    return re.sub(r"<@[^>]+>|@\w+", "", text).strip()


@dataclass(frozen=True)
class Restate:
    """How to restate the previous answer: at most `sentences` of its sentences (None: all of
    them), and each sentence on a line of its own (`bullets`)."""

    sentences: int | None
    bullets: bool
    # "The top 3": the first sentences are given, and the reader told that the guidance does not
    # rank them.
    first: bool = False


def restate_request(message: str) -> Restate | None:
    """What `message` asks the previous answer to become, or None when it asks something else."""
    text = _plain(message)
    if m := _IN_FORM.match(text):
        if not (m["verb"] or m["prep"] or m["count"].strip() or "bullet" in m["unit"]):
            return None  # "points", "list": a word searched, not a request
        return _form(m["count"], m["unit"])
    if m := _BARE.match(text):
        if m["bullets"]:
            return Restate(None, True)
        short = m["short"]
        one = "tl" in short or re.search(r"gist|bottom|point$|message$|home$", short) is not None
        return Restate(1 if one else SUMMARY_SENTENCES, False)
    if m := _TOP.match(text):
        count = m["count"]
        return Restate(int(count) if count.isdigit() else _NUMBERS[count], False, first=True)
    return None


def _form(count_words: str, unit: str) -> Restate:
    count = count_words.split()[0] if count_words.strip() else ""
    if "nutshell" in unit:
        return Restate(1, False)
    bullets = "bullet" in unit or "point" in unit or "list" in unit
    # "as a list": the article counts nothing.
    n = int(count) if count.isdigit() else None if bullets and count in ("a", "an") else _NUMBERS.get(count)
    if n is None and not bullets:
        n = 1 if unit.startswith(("sentence", "sentance", "line", "para")) else SUMMARY_SENTENCES
    return Restate(n, bullets)


def question_and_form(message: str) -> tuple[str, Restate] | None:
    """A question that ends by saying how to lay out its answer, as the question without that
    ending and the layout: "what does a CSU do, in bullet points?" -> ("what does a CSU do?",
    bullets). None when the message has no such ending or is nothing but it."""
    m = _SUFFIX.search(message.lower().replace("’", "'"))
    if m is None:
        return None
    question = message[: m.start()].rstrip(" ,;:-")
    if len(question.split()) < 2 or restate_request(message) is not None:
        return None
    return question + ("?" if message.rstrip().endswith("?") and not question.endswith("?") else ""), _form(
        m["count"], m["unit"]
    )
