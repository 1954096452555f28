"""Messages that ask nothing."""

from __future__ import annotations

import pytest

from assistant.gate.smalltalk import small_talk, without_small_talk
from assistant.types import Turn


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", "smalltalk_greeting"),
        ("Good morning!", "smalltalk_greeting"),
        ("<@U123> hello there", "smalltalk_greeting"),
        ("thanks!", "smalltalk_thanks"),
        ("Thank you so much 🙏", "smalltalk_thanks"),
        ("that was really useful", "smalltalk_thanks"),
        ("ok", "smalltalk_ack"),
        ("perfect", "smalltalk_ack"),
        ("can you explain that more simply?", "smalltalk_reword"),
        ("Could you summarise that please", "smalltalk_reword"),
        ("tl;dr", "smalltalk_reword"),
        ("Summarise in two lines", "smalltalk_reword"),
        ("can you put that in 3 bullet points please", "smalltalk_reword"),
        ("what does that mean?", "smalltalk_reword"),
        ("can you make a table of that", "smalltalk_reword"),
        ("ok now compare the two in a short table", "smalltalk_reword"),
        ("help", "smalltalk_help"),
        ("Help me please!", "smalltalk_help"),
        ("what can you do?", "smalltalk_help"),
        ("???", "smalltalk_wordless"),
        ("🙂🙂", "smalltalk_wordless"),
        ("<@U123> 👍", "smalltalk_wordless"),
        ("...", "smalltalk_wordless"),
    ],
)
def test_greetings_thanks_and_acknowledgements_ask_nothing(message: str, kind: str) -> None:
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    "message",
    [
        "thanks, and what about SAS doctors?",
        "ok so can I stand for the board",
        "is it?",
        "hi, how do I get on a CCG board",
        "pension",
        "what does that mean for my pension?",
        "can you explain what a CSU is?",
        "summarise the BMA's concerns",
        "summarise the BMA's concerns in two lines",
        "thanks thanks thanks thanks thanks thanks thanks",  # longer than any thanks
        "",
        # Filler alone acknowledges nothing (hypothesis found "A" given the "ok" reply).
        "A",
        "so that",
        # Words of another script are words: what to do with them is the question's business.
        "如何加入董事会?",
        # Help with the guidance's subject, or a follow-up about what an answer described.
        "can you help me understand CSUs?",
        "help with commissioning",
        "how does it work?",
        "2012?",
    ],
)
def test_anything_else_is_a_question(message: str) -> None:
    assert small_talk(message) is None


@pytest.mark.parametrize(
    ("said", "reply"),
    [
        ("thanks!", "You're welcome."),
        # A wordless message is small talk too.
        ("??", "I search the guidance with the words of a question, and this message has none."),
    ],
)
def test_a_conversation_loses_its_small_talk_turns_and_their_replies(said: str, reply: str) -> None:
    turns = [
        Turn("user", "how do I get on a CCG board?"),
        Turn("assistant", "Contact your CCG. [1]"),
        Turn("user", said),
        Turn("assistant", reply),
    ]
    assert without_small_talk(turns) == turns[:2]
