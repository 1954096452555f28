"""What a follow-up's answer adds when its passages would only repeat the answer before it.

"and who pays for the time if we get involved?" after locums' role came back as the locum
passage word for word: what the reader has not read yet follows the repeat, so a follow-up
asking something new gets more than the repeat (dev: 4 of the 12 repeated answers holding no
key fact gain one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.rewrite import expand
from ..retrieval.sentence_kinds import heading_date, is_item, is_statement
from ..retrieval.spelling import english_words
from ..types import SPEAKER_TURN
from .lead import quoted_in
from .picked import Picked
from .scoring import Sentences
from .speakers import speaker_of, turns

# Sentences the previous answer did not quote, added to a repeated answer, and their least length.
FRESH = 2
FRESH_MIN_WORDS = 6
# How rare a word of a follow-up must be, in the corpus (IDF) and in everyday English (share of
# its words), for a passage found with its topic alone to lend the sentences holding it (`aside`):
# "remuneration" (IDF 4.6, 2e-7), not "trust" (2.2) or "day" (3.5, 6e-4: "what does it do day to
# day?" drew "... those working with patients every day").
ASIDE_IDF = 3.0
ASIDE_ENGLISH = 1e-5


def fresh_sentences(
    chosen: Sequence[Picked],
    pool: Sequence[Picked],
    extra: Sequence[Picked],
    top: list[Candidate],
    index_sentences: Sentences,
    said: dict[int, list[str | None]],
    ask: str,
    said_before: str,
    weight: Callable[[str], float],
    fresh: int = FRESH,
    own_vector: np.ndarray | None = None,
    aside: Sequence[Candidate] = (),
) -> list[Picked]:
    """Up to `fresh` sentences the previous answer (`said_before`) did not quote, for an answer
    whose every `chosen` sentence it did: those nearer to `own_vector` (the ask's own words,
    embedded) than any sentence repeated; when these passages hold fewer, from `aside` (passages
    found for the ask with its topic alone; appended to `top` and `said` so the answer can cite
    them), nearest first. Each scores no higher than the lowest `chosen`, so it follows them."""
    have = {(p.passage, p.sentence) for p in chosen}

    def unread(picked: Sequence[Picked]) -> list[Picked]:
        return [
            p
            for p in picked
            if (p.passage, p.sentence) not in have
            and is_statement(p.text)
            and not is_item(p.text)
            and len(p.text.split()) >= FRESH_MIN_WORDS
            # A turn's opening without the interviewer's question says little ("SF (...):
            # End-to-end North East Commissioning Support Service.").
            and not SPEAKER_TURN.match(p.text)
            and not quoted_in(p.quoted, said_before)
        ]

    def nearness(p: Picked) -> float:
        vecs = index_sentences.get(top[p.passage].chunk.chunk_id, ([], np.zeros((0, 0))))[1]
        return float(vecs[p.sentence] @ own_vector) if own_vector is not None and p.sentence < len(vecs) else 0.0

    # Only what bears on the new ask more than the repeat does: "Clinical networks will be
    # condition or service area specific" said nothing of how to get on a senate.
    bar = max((nearness(p) for p in chosen), default=0.0)
    own_passages = len(top)
    candidates = unread(sorted([*pool, *extra], key=lambda p: -p.score))
    if own_vector is not None:
        candidates = [p for p in candidates if nearness(p) > bar]
        if len(candidates) < fresh and aside:
            # Those holding a word of the ask (or a synonym's) that the repeat lacks, and that
            # few passages use. Nearness alone brought noise from passages found with the
            # topic ("England's 211 clinical commissioning groups ..." for whether the
            # hospital doctor may come from the CCG's own patch), and "Is it paid?" reads
            # nearer to "... £65bn of the £95bn NHS commissioning budget" than to "... their
            # remuneration determined following decisions of the governing body".
            said_words = {t for p in chosen for t in terms(p.text)}
            wanted = {t for t in _telling_terms(expand(ask)) if weight(t) >= ASIDE_IDF} - said_words
            candidates += sorted(
                (p for p in unread(_aside_sentences(aside, top, index_sentences, said)) if wanted & set(terms(p.text))),
                key=lambda p: -nearness(p),
            )
    added = candidates[:fresh]
    last = min(p.score for p in chosen)
    for p in added:  # an aside passage's score is another query's: it follows what it adds to
        if p.passage >= own_passages:
            p.score = min(p.score, last)
    return added


def _telling_terms(text: str) -> set[str]:
    """The terms of `text`'s words that everyday English seldom uses (ASIDE_ENGLISH)."""
    english = english_words().word_frequency
    total = english.total_words or 1
    return {t for w in set(re.findall(r"[a-z]+", text.lower())) if english[w] / total < ASIDE_ENGLISH for t in terms(w)}


def _aside_sentences(
    aside: Sequence[Candidate],
    top: list[Candidate],
    index_sentences: Sentences,
    said: dict[int, list[str | None]],
) -> list[Picked]:
    """The sentences of `aside`'s passages that `top` lacks, each passage put after `top`'s (so the
    answer can cite it) with whose words each sentence is."""
    have = {c.chunk.chunk_id for c in top}
    picked: list[Picked] = []
    for cand in aside:
        if cand.chunk.chunk_id in have:
            continue
        texts = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))[0]
        pi = len(top)
        top.append(cand)
        have.add(cand.chunk.chunk_id)
        said[pi] = [speaker_of(t, label) for t, label in zip(texts, turns(cand.chunk.text, texts), strict=True)]
        picked.extend(
            Picked(pi, si, text, cand.score, dated=heading_date(cand.chunk.section)) for si, text in enumerate(texts)
        )
    return picked
