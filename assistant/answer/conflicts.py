"""Where the sources give another date than the one an answer quotes.

Two BMA guides date NHS England's shadow form differently: "operating in shadow form as a
special authority since October 2011" (Get involved in commissioning) and "after existing in
shadow form since October 2012" (Quick guide to commissioning). An answer to "since when ...?"
quoting one of them read as settled; the doctor asking cannot know that the guidance disagrees
with itself unless the answer says so.

A date is compared only with a date of the same event: a sentence of another document whose
words (with its section's heading) hold the rarest of the words the quoted sentence shares with
the ask and most of the rest, weighed by rarity; and the date in each sentence nearest to those
shared words ("It took on its full statutory responsibilities on 1 April 2013, after existing in
shadow form since October 2012": October 2012, not April 2013).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..messages import render
from ..retrieval.ask_kinds import kind_of_ask, number_answer
from ..retrieval.lexical import stem, terms
from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import DATE
from ..types import Citation

_MONTH_YEAR = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) (?:19|20)\d\d\b"
)
# How much of what the quoted sentence shares with the ask, by rarity, another sentence must hold
# to be read as about the same event.
SAME_EVENT = 0.6
# Passages read for another date: the answer's own and those ranked near them.
READ = 5


def dates_differ(
    ask: str,
    citations: Sequence[Citation],
    cands: Sequence[Candidate],
    index_sentences: Mapping[str, tuple[list[str], np.ndarray]],
    idf: Callable[[str], float],
) -> str | None:
    """A notice naming another document's date for the event whose date the answer quotes, or
    None: only for an ask for a date ("since when ...?", "what year ...?")."""
    if number_answer(kind_of_ask(ask, ask)) is not DATE:
        return None
    asked = set(terms(ask))
    for citation in citations:
        for quoted in citation.sentences:
            shared = asked & set(terms(f"{citation.section} {quoted}"))
            said = _nearest_date(quoted, shared)
            weight = sum(idf(t) for t in shared)
            if said is None or len(shared) < 2:
                continue
            # The event is named by its rarest word: a sentence sharing only common ones ("the
            # Government announces ...") dates something else.
            rarest = max(shared, key=idf)
            for cand in cands[:READ]:
                if cand.chunk.doc_id == citation.doc_id:
                    continue
                for sentence in index_sentences.get(cand.chunk.chunk_id, ([], None))[0]:
                    theirs = shared & set(terms(f"{cand.chunk.section} {sentence}"))
                    if rarest not in theirs or len(theirs) < 2 or sum(idf(t) for t in theirs) < SAME_EVENT * weight:
                        continue
                    other = _nearest_date(sentence, theirs)
                    if other is not None and other != said:
                        return render("dates_differ", said=said, other=other, title=cand.chunk.title, quote=sentence)
    return None


def _nearest_date(sentence: str, near: set[str]) -> str | None:
    """The month and year in `sentence` nearest to a word whose term is in `near`."""
    dates = list(_MONTH_YEAR.finditer(sentence))
    if not dates:
        return None
    at = [m.start() for m in re.finditer(r"[A-Za-z][A-Za-z'-]*", sentence) if stem(m.group().lower()) in near]
    if not at:
        return dates[0].group()
    return min(dates, key=lambda d: min(abs(d.start() - a) for a in at)).group()
