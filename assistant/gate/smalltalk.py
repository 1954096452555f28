"""Messages that ask nothing of the guidance: a greeting, thanks, an acknowledgement ("hi",
"great, thanks!", "ok"), a request to reword the last answer ("can you explain that more simply?"),
or a message without a word ("??", "🙂"); and, as a first message, one without a word to search
with ("and?", "why?": after a question they carry on from it).

Searched as questions they get a confident answer about whatever the nearest passages say, and in
a Slack thread "thanks!" read as a follow-up answers the previous question again. They get a short
reply instead, no search, and a conversation's later follow-ups skip them: the question a
follow-up carries on from is the last real one.

Only a message made wholly of such words counts; anything with a question mark or another word
("thanks, and what about SAS doctors?", "ok so can I stand?") is a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..messages import render
from ..retrieval.lexical import terms
from ..types import Turn
from .restate import restate_request

# What the message is (each sets the reply), and the words that may come with it ("good
# morning all", "that was really useful, thanks", "ok got it").
_GREETINGS = frozenset({"hi", "hello", "hey", "hiya", "howdy", "morning", "afternoon", "evening"})
_THANKS = frozenset(
    {"thanks", "thank", "thx", "ty", "tyvm", "cheers", "ta", "thankyou", "appreciated", "appreciate"}
    | {"helpful", "useful"}
)
_ACKS = frozenset(
    {"ok", "okay", "k", "great", "cool", "nice", "perfect", "brilliant", "excellent", "awesome", "super", "lovely"}
    | {"fab", "fantastic", "got", "understood", "noted", "bye", "goodbye"}
)
_FILLER = frozenset(
    {"good", "there", "all", "everyone", "it", "that", "thats", "that's", "was", "is", "very", "really", "so"}
    | {"much", "many", "a", "lot", "again", "you", "mate", "bot"}
)
_SMALL = _GREETINGS | _THANKS | _ACKS | _FILLER
# A request to reword the last answer ("can you explain that more simply?", "tl;dr"). Answers
# are the guidance's own words, so the reply says so instead of searching for "simply".
_REWORD = re.compile(
    r"^(?:(?:please|pls|ok|so)\s+)*(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    r"(?:(?:explain|say|put|summari[sz]e|simplify|rephrase|reword|clarify|repeat|shorten)"
    r"(?:\s+(?:that|this|it|the\s+answer|your\s+answer|again))*"
    r"(?:\s+(?:more\s+simply|simply|briefly|in\s+(?:plain|simple|simpler|fewer)\s+(?:english|terms|words)|"
    r"in\s+a\s+(?:sentence|nutshell)|for\s+me|again|"
    # "summarise in two lines", "put it in 3 bullet points" (a figure is no word here)
    r"in\s+(?:(?:a\s+few|one|two|three|four|five)\s+)?(?:lines?|sentences?|words?|(?:bullet\s+)?points?|bullets?)))*"
    # A table needs words of its own ("ok now compare the two in a short table").
    r"|(?:now\s+)?(?:compare|contrast|put|show|give|set|lay|make|do)(?:\s+(?:that|this|it|them|the\s+two|those|these|both|out))*"
    r"\s+(?:in|as|into)\s+a\s+(?:short\s+|quick\s+|simple\s+|comparison\s+)?table|tabulate(?:\s+(?:that|this|it|them))?"
    r"|(?:in|as)\s+a\s+table"
    r"|(?:make|do|draw|create|build|give(?:\s+me)?)\s+(?:me\s+)?a\s+(?:short\s+|quick\s+|simple\s+|comparison\s+)?table"
    r"(?:\s+(?:of|for|from|with)\s+(?:that|this|it|them|those|these|the\s+two))?"
    r"|tl\s*;?\s*dr|eli5|(?:in\s+)?(?:plain|simple|simpler)\s+(?:english|terms|words)|too\s+long|"
    r"(?:shorter|simpler)|what\s+does\s+(?:that|this|it)\s+mean|i\s+don'?t\s+(?:understand|get\s+it)(?:\s+(?:that|this|it))?)"
    r"(?:\s+(?:please|pls|thanks))?$"
)
# A request for help with the assistant itself ("help", "what can you do?"), not a question
# about the guidance: searched, "help" was answered with a list of ways to help a CCG. ("How does
# it work?" is left a question: after an answer it asks about what the answer described.)
_HELP = re.compile(
    r"^(?:(?:hi|hello|hey|please|pls)\s+)*(?:help(?:\s+(?:me|please|pls))*"
    r"|what\s+can\s+(?:you|i)\s+(?:do|ask)(?:\s+(?:here|you))?|how\s+do\s+(?:i\s+use\s+)?you(?:\s+work)?"
    r"|what\s+(?:are|do)\s+you(?:\s+do)?|usage|commands)$"
)
# Words; an emoji or punctuation is not a word and does not make a question.
_WORD = re.compile(r"[a-z']+")
# Slack writes a mention as <@U123>; "thanks @assistant" in the web chat.
_MENTION = re.compile(r"<@[^>]+>|@\w+")
# A letter or digit of any script: "如何加入董事会?" has words, "???" and "👍" have none.
_ANY_WORD = re.compile(r"[^\W_]")
MAX_WORDS = 6


def _words(message: str) -> tuple[str, list[str]]:
    """The message lower-cased without mentions, and its words ("tl;dr" is one)."""
    text = _MENTION.sub(" ", message.lower()).replace("’", "'")
    return text, _WORD.findall(text.replace(";", ""))


def small_talk(message: str) -> str | None:
    """The reply's template name if `message` asks nothing of the guidance ("smalltalk_thanks",
    "smalltalk_greeting", "smalltalk_ack", "smalltalk_reword", "smalltalk_help" or
    "smalltalk_wordless"), else None."""
    # Searched, "???" was answered with a line of a rap the BMJ guide quotes: nothing in it
    # says what to look for. (A blank message is the caller's error, not small talk.)
    bare = _MENTION.sub(" ", message).strip()
    if bare and not _ANY_WORD.search(bare):
        return "smalltalk_wordless"
    text, words = _words(message)
    if _REWORD.match(" ".join(words)):
        return "smalltalk_reword"
    if _HELP.match(" ".join(words)):
        return "smalltalk_help"
    said = set(words)
    # Filler alone ("a", "it", "so that") greets, thanks and acknowledges nothing.
    if "?" in text or len(words) > MAX_WORDS or not said <= _SMALL or not said - _FILLER:
        return None
    if _THANKS & said:
        return "smalltalk_thanks"
    if _GREETINGS & said:
        return "smalltalk_greeting"
    return "smalltalk_ack"


def pleasantry(clause: str) -> bool:
    """Whether a clause of a message is a greeting, thanks or acknowledgement ("ok", "hi all",
    "thanks so much"), not a question's words: filler alone ("Is it, or ...?") is not one."""
    return small_talk(clause) in ("smalltalk_thanks", "smalltalk_greeting", "smalltalk_ack")


def small_talk_reply(message: str, follows: bool = False) -> str | None:
    """The reply to a message that asks nothing of the guidance, else None. `follows`: the
    message comes after a question it may carry on from ("and?", "why?" then borrow its words);
    a first message with no word to search with is answered as a wordless one."""
    name = small_talk(message)
    if name is None and not follows and message.strip() and not terms(message):
        name = "smalltalk_wordless"
    return render(name) if name else None


def without_small_talk(turns: Sequence[Turn]) -> list[Turn]:
    """The conversation without its small talk, and without requests to restate an answer: each
    such user turn and the reply to it."""
    out: list[Turn] = []
    skipping = False
    for t in turns:
        if t.role == "user":
            # "Give me that in one sentence" restated the answer before it: a follow-up after it
            # carries on from the question that answer was to.
            skipping = small_talk(t.content) is not None or restate_request(t.content) is not None
        if not skipping:
            out.append(t)
    return out
