"""What a caller may pass as a question and its history, made safe to read: every interface's
text reaches the answer path through `clean_question` and `turns_of`, so a bad argument is a
`QuestionError` naming what was wrong, never a TypeError from deep inside a tokenizer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import QuestionError
from .types import Turn

# Longer is a pasted document, not a question; the web chat's input box stops here too.
MAX_QUESTION_CHARS = 2000
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_question(question: object) -> str:
    """Any `str` is a question: characters that cannot be encoded (a lone surrogate from a
    mis-decoded terminal argument) become U+FFFD, control characters and runs of space one
    space. Anything else is an AssistantError, never a TypeError from a tokenizer."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, not {type(question).__name__}")
    text = _SURROGATE.sub("\ufffd", question)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def turns_of(history: Iterable[Any]) -> list[Turn]:
    """The earlier turns of a conversation, as `Turn`s, from `Turn`s or {"role", "content"}
    mappings (the web chat's session state, Slack's stored thread, a JSON file)."""
    if isinstance(history, str | bytes) or not isinstance(history, Iterable):
        raise QuestionError("history must be a list of {'role', 'content'} turns")
    out = []
    for t in history:
        if isinstance(t, Turn):
            out.append(Turn(t.role, clean_question(t.content) if isinstance(t.content, str) else ""))
        elif isinstance(t, Mapping) and "role" in t and "content" in t:
            content = t["content"]
            out.append(Turn(str(t["role"]), clean_question(content) if isinstance(content, str) else str(content)))
        else:
            raise QuestionError(f"history items must be {{'role', 'content'}} mappings, not {t!r}")
    return out
