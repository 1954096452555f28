"""Typos in a question, mended against the corpus's own words.

Slack messages are typed fast: "commision", "recieve", "commisioners". BM25 matches none
of them, and a word the index does not know also counts against a question's coverage, so a
misspelt answerable question reads as one the guidance does not cover.

A word is left alone when the corpus uses it or when it is an English word (pyspellchecker's
packaged frequency list): a clinical question must keep its clinical words to be refused.
Otherwise it becomes the most frequent corpus word one keyboard slip away (`slips`), if there is
one. Chat shorthand ("ptnr", "mtg", "mgmt"; `templates/shorthand.txt`) becomes the word it
stands for unless the corpus uses the shorthand itself. (Lower-case acronym plurals, "ccgs", are
BM25's business: `LexicalIndex.query_terms`.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from .lexical import STOPWORDS, terms
from .rewrite import word_list

_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+[0-9]?(?![A-Za-z0-9])")
_PROS_AND = re.compile(r"\bpros\s+(and|&|n)\s+$", re.I)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Shorter words have too many neighbours one edit away ("rota", "fee") to guess between.
MIN_TYPO_LETTERS = 5

_lock = threading.Lock()
_english: Any = None


def english_words() -> Any:
    """pyspellchecker's English list, loaded once on first use (about 0.1 s), never at import."""
    global _english
    with _lock:
        if _english is None:
            from spellchecker import SpellChecker

            _english = SpellChecker(distance=1)
        return _english


@lru_cache(maxsize=1)
def shorthand() -> dict[str, str]:
    """Chat shorthand and the word it stands for (`templates/shorthand.txt`)."""
    pairs = (line.split() for line in word_list("shorthand"))
    return {words[0].lower(): " ".join(words[1:]) for words in pairs if len(words) >= 2}


def slips(word: str) -> Iterable[str]:
    """Words one keyboard slip away: two neighbouring letters swapped ("recieve"), a doubled
    letter typed once ("commision") or a single one typed twice. Replacing, dropping or adding an
    arbitrary letter is not tried: those turn real words into other real words ("statins" into
    "stating") too often, and the English list does not know every clinical word."""
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            yield word[:i] + word[i + 1 :]
    for i, c in enumerate(word):
        yield word[:i] + c + word[i:]


# "isn't", "I'd", "won't": read as one word ("isnt", "id", "wont") that the corpus never uses, a
# contraction weighed as the ask's rarest word. Spelt out, its words are stop words. A
# possessive ("the hwb's chair") and "it's", which the tokenizer already drops, are left alone.
_CONTRACTION = re.compile(r"\b([A-Za-z]+)['’](t|d|ll|ve|re)\b", re.I)
_SPELT = {"d": "would", "ll": "will", "ve": "have", "re": "are"}
_NEGATIVE = {"won": "will", "can": "can", "shan": "shall", "ain": "is"}


def _expanded(m: re.Match[str]) -> str:
    word, tail = m.group(1), m.group(2).lower()
    if tail == "t":
        if not word.lower().endswith("n"):
            return m.group(0)
        base = word[:-1]
        return f"{_NEGATIVE.get(word.lower(), base)} not"
    return f"{word} {_SPELT[tail]}"


class Speller:
    """Mends a question's words against a vocabulary of BM25 terms (`df(term)` > 0: known)."""

    def __init__(
        self,
        df: Callable[[str], int],
        is_english: Callable[[str], bool] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        """`extra`: shorthand beside `templates/shorthand.txt`'s (the manifest's, per document)."""
        self._df = df
        self._is_english = is_english or (lambda w: w in english_words())
        self._shorthand = {**shorthand(), **{k.lower(): v for k, v in (extra or {}).items()}}

    def _term(self, word: str) -> str | None:
        found = terms(word)
        return found[0] if len(found) == 1 else None

    def mend(self, word: str) -> str | None:
        """The corpus word `word` was meant to be, or None to leave it as written."""
        low = word.lower()
        if low in STOPWORDS:
            return None
        term = self._term(word)  # as written: "GPs" is already "gp"
        if term is None or self._df(term) > 0:
            return None
        if low in self._shorthand:
            return self._shorthand[low]
        if self._is_english(low):
            return None
        if len(low) < MIN_TYPO_LETTERS:
            return None
        best, best_df = None, 0
        for cand in set(slips(low)):
            t = self._term(cand)
            n = self._df(t) if t is not None else 0
            if n > best_df or (n == best_df and n and best is not None and cand < best):
                best, best_df = cand, n
        return best

    def correct(self, text: str) -> str:
        """`text` with its contractions spelt out and every mended word replaced (the rest
        exactly as written)."""

        def mended(m: re.Match[str]) -> str:
            # "pros and cons": the one place chat's "cons" is not a consultant.
            if m.group(0).lower() == "cons" and _PROS_AND.search(text, 0, m.start()):
                return m.group(0)
            return self.mend(m.group(0)) or m.group(0)

        return _WORD.sub(mended, _CONTRACTION.sub(_expanded, text))
