"""Is a message written in a language other than English?

The guidance is in English and is searched with English words. Searched all the same, a question
in Spanish or French about joining a CCG board was refused as one the guidance does not answer,
with "nearest sections" found by its one English-looking word ("CCG"); the same question in
Chinese was answered outright with six sentences that merely mention CCGs; and one in Chinese
alone was told that it "has none" of the words searched with. Each tells the writer something
untrue. Such a message gets one plain line instead: ask in English.

Two tests, both cheap and decided on the message alone:
- a script other than the Latin alphabet (Cyrillic, Arabic, Han, Devanagari, ...) holding more of
  the message's letters than Latin does ("什么是CCG董事会?");
- the commonest small words of a language written in the Latin alphabet
  (`templates/languages.txt`): at least `MIN_WORDS` of the message's words are that language's and
  they outnumber its English ones two to one. A word both languages use counts for both, so an
  English question, however terse or misspelt, is never outvoted by the words it shares; and a
  message with no such words at all ("ccg board pension?") is left to be searched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ..retrieval.rewrite import word_list

ENGLISH = "English"
# Fewer small words than this decide nothing: "de novo", "per diem" and "la" in a name are English.
MIN_WORDS = 3
# Letters outside the Latin alphabet needed before the script alone decides ("β-blocker" has one).
MIN_OTHER_LETTERS = 2

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Language:
    name: str
    words: frozenset[str]


@cache
def languages() -> tuple[Language, ...]:
    out: list[Language] = []
    for line in word_list("languages"):
        name, _, rest = line.partition(":")
        words = frozenset(w.strip().lower() for w in rest.split("|") if w.strip())
        if name.strip() and words:
            out.append(Language(name.strip(), words))
    return tuple(out)


def _script(ch: str) -> str:
    """The first word of a letter's Unicode name: LATIN, CYRILLIC, CJK, ARABIC, ..."""
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""


def other_language(message: str) -> str | None:
    """The language `message` is written in when it is not English: the name from
    `templates/languages.txt`, "another script" for a message mostly outside the Latin alphabet;
    None for English or for a message too short to tell."""
    letters = [ch for ch in message if ch.isalpha()]
    other = sum(_script(ch) != "LATIN" for ch in letters)
    if other >= MIN_OTHER_LETTERS and other > len(letters) - other:
        return "another script"
    words = _WORD.findall(message.lower())
    counts = {lang.name: sum(w in lang.words for w in words) for lang in languages()}
    english = counts.pop(ENGLISH, 0)
    if not counts:
        return None
    name, best = max(counts.items(), key=lambda kv: kv[1])
    if best >= MIN_WORDS and best >= 2 * english:
        return name
    return None
