"""Which documents a question names: "what does the BMJ guide say about ...?", "did the Kent
article ...", "what's the BMA line on ...?".

Doctors often ask what one source says. Matched on its subject alone, such a question was answered
from whichever document said most about it: "What does the BMJ guide say about clinician-led
commissioning?" quoted only the BMA's quick guide. Answerable questions that name a source fared
worst of any kind (unseen key facts 0.60 against 0.77 for the rest), so the passages of a named
document are preferred, as a follow-up's are for the documents the previous answer quoted.

A document's names are read from its own title and publisher, so a new document needs no list:
- a word of its title (the part before any bracket, which gives the audience or the nations) or
  of its publisher that the index holds in that document's passages alone ("coalface", "Kent",
  "BMJ"): a word other documents use too ("guide", "commissioning") names none of them;
- a publisher's acronym as written in the manifest ("BMA") names all of that publisher's
  documents, unless half the other documents use it too ("NHS", which questions use as often):
  one publisher's guidance may quote another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .lexical import LexicalIndex, terms

_BRACKETED = re.compile(r"\([^)]*\)")
# What a writer calls a document ("the Kent article", "the BMJ's poll", "the coalface panel").
_DOCUMENT_NOUN = re.compile(
    r"(guides?|guidance|articles?|books?|booklets?|leaflets?|interviews?|panel|pieces?|pages?|papers?|"
    r"reports?|documents?|polls?|surveys?)"
)
_WORD = re.compile(r"[\w'’-]+")
_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")


class SourceNames:
    """The words that name each document of one index snapshot."""

    def __init__(self, documents: Sequence[Mapping[str, Any]], lexical: LexicalIndex) -> None:
        # The read pack's rows are its documents' chunks, documents in id order (readpack.py).
        spans: dict[str, tuple[int, int]] = {}
        start = 0
        for doc in sorted(documents, key=lambda d: str(d["doc_id"])):
            n = int(doc.get("chunks") or 0)
            spans[str(doc["doc_id"])] = (start, start + n)
            start += n
        self._names: dict[str, set[str]] = {}
        for doc in documents:
            doc_id = str(doc["doc_id"])
            title, publisher = str(doc.get("title") or ""), str(doc.get("publisher") or "")
            lo, hi = spans[doc_id]
            for term in set(terms(_BRACKETED.sub(" ", title))) | set(terms(publisher)):
                held = lexical.rows_holding(term)
                if len(held) and lo <= held[0] and held[-1] < hi:
                    self._names.setdefault(term, set()).add(doc_id)
        by_publisher: dict[str, set[str]] = {}
        for doc in documents:
            for acronym in _ACRONYM.findall(str(doc.get("publisher") or "")):
                by_publisher.setdefault(acronym.lower(), set()).add(str(doc["doc_id"]))
        for acronym, docs in by_publisher.items():
            held = lexical.rows_holding(acronym)
            others = [span for doc_id, span in spans.items() if doc_id not in docs]
            using = sum(bool(((held >= lo) & (held < hi)).any()) for lo, hi in others)
            if len(held) and using < len(others) / 2:
                self._names.setdefault(acronym, set()).update(docs)

    def named(self, text: str) -> frozenset[str]:
        """The documents `text` names by any of their names."""
        found: set[str] = set()
        for term in terms(text):
            found |= self._names.get(term, set())
        return frozenset(found)

    def referred(self, text: str) -> frozenset[str]:
        """The documents `text` names as documents: a name with a document's noun within the
        three words after it ("the Kent article", "the BMA's quick guide") or after "according
        to". "What does the BMA think?" and "GP in Kent" name an organisation and a place, whose
        views and doings other documents may report; "the BMA ... from the Hutton report" too."""
        words = [w.lower().removesuffix("'s").removesuffix("’s") for w in _WORD.findall(text)]
        found: set[str] = set()
        for i, word in enumerate(words):
            stem = terms(word)
            if not stem or stem[0] not in self._names:
                continue
            if any(_DOCUMENT_NOUN.fullmatch(w) for w in words[i + 1 : i + 4]) or "according to" in " ".join(
                words[max(0, i - 3) : i]
            ):
                found |= self._names[stem[0]]
        return frozenset(found)

    def names(self) -> dict[str, frozenset[str]]:
        """Each naming word and the documents it names (for tests and reports)."""
        return {t: frozenset(d) for t, d in self._names.items()}
