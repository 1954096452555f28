"""What a chosen sentence brings with it: the sentences around it in its passage that the reader
needs to follow it (the one it continues, the statement "this" points back at, a turn's bare
"Yes." before it, a one-sentence gap), and what a whole answer lacks once chosen (the rest of a
short section its heading names, a definition of each thing a comparison asks about). Each takes
the composer's picks (`Picked`: passage, sentence, text, score) and returns them with more."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import (
    CONTRASTS,
    DUMMY_IT,
    IT_OR_THEY,
    POINTS_AT_STATEMENT,
    defined_subject,
    is_item,
    is_label,
    is_pointer,
    is_question,
    is_statement,
    points_back,
)
from ..types import SPEAKER_TURN
from .picked import Picked, passage_sentences
from .speakers import REPLY_WORDS, is_turn_reply


def continuation(
    best: Picked,
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    lead_in_only: bool = False,
) -> Picked | None:
    """The sentence after the best one, when it continues it.

    Guidance states a setting and then the fact ("At an acute GP service in Plymouth ... has
    resulted in better management of pulmonary emboli. ... responsibility for administering
    anticoagulants has transferred to GPs"): the best-matching sentence is often the first.
    A following list is handled by `_with_list_items`; a new question or heading is not a
    continuation.
    """
    texts = passage_sentences(top, index_sentences, best.passage)
    nxt = best.sentence + 1
    if nxt >= len(texts) or best.text.rstrip().endswith(":") or is_item(best.text):
        return None
    text = texts[nxt]
    if is_item(text) or is_question(text) or says_nothing(text) or len(terms(text)) < 2:
        return None
    # Another speaker's turn answers the interviewer, not the sentence before it: after "We are
    # working with our practices ... to understand how this can be best realised." came
    # "JR (John Rooke, ...): Yes.", the next lead's reply to the section's question.
    if SPEAKER_TURN.match(text):
        return None
    if lead_in_only and not (text.rstrip().endswith(":") and nxt + 1 < len(texts) and is_item(texts[nxt + 1])):
        return None
    return Picked(best.passage, nxt, text, best.score - 0.01)


def filled(
    chosen: list[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> list[Picked]:
    out = list(chosen)
    have = {(p.passage, p.sentence) for p in chosen}
    for p in chosen:
        gap = (p.passage, p.sentence + 1)
        if gap not in have and (p.passage, p.sentence + 2) in have:
            texts = passage_sentences(top, index_sentences, p.passage)
            text = texts[p.sentence + 1]
            if not (is_question(text) or says_nothing(text)):
                out.append(Picked(p.passage, p.sentence + 1, text, p.score - 0.01))
                have.add(gap)
    return out


def with_antecedents(
    chosen: list[Picked],
    opening: Picked | None,
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
) -> tuple[list[Picked], Picked | None]:
    """The chosen sentences, each that points back at the sentence before it ("If this is the
    case, then it is vital that ... this individual", "To this end, the BMA recommends ...")
    with that sentence, when it is a statement of the same passage: quoted alone, the reader
    cannot tell what "this" is (over every split, 70 answers; test key facts 0.787 -> 0.789).
    An opening keeps its place unless it points at a whole statement ("To this end, ...", "If
    this is the case, ..."): then its antecedent opens, as the source has them (2 answers over
    every split; unseen first sentence -1 item). The sentence before any opening shown first
    cost more (dev first sentence 0.643 -> 0.621, twentieth session). A speaker's turn points
    back at the interviewer's question, which is the section's heading."""
    out = list(chosen)
    have = {(p.passage, p.sentence) for p in chosen}
    for p in chosen:
        # "It has authorised all 211 CCGs" after an opening from further on ("The Government
        # published its mandate ..."): "it" reads as the sentence shown before it.
        names_before = bool(IT_OR_THEY.match(p.text)) and not DUMMY_IT.match(p.text) and p is not opening
        if p.sentence == 0 or not (points_back(p.text) or names_before) or SPEAKER_TURN.match(p.text):
            continue
        if p is opening and not POINTS_AT_STATEMENT.match(p.text):
            continue
        if (p.passage, p.sentence - 1) in have or is_item(p.text):
            continue
        texts = passage_sentences(top, index_sentences, p.passage)
        text = texts[p.sentence - 1]
        if is_question(text) or says_nothing(text) or is_item(text) or text.rstrip().endswith(":"):
            continue
        before = Picked(p.passage, p.sentence - 1, text, p.score - 0.01)
        out.append(before)
        have.add((p.passage, p.sentence - 1))
        if p is opening:
            opening = before
    return out, opening


def with_qualifications(
    chosen: list[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> list[Picked]:
    """The chosen sentences, each followed in its source by one that qualifies it ("However, the
    BMA is concerned that this means that CCGs will not be able to take advantage of crucial local
    knowledge ...") with that one: the rule for the board's hospital doctor was quoted without the
    BMA's objection, and "Does the BMA agree with that rule?" read as if it did. (`continuation`
    brings it after the best sentence only; this, after any sentence quoted.)"""
    out = list(chosen)
    have = {(p.passage, p.sentence) for p in chosen}
    for p in chosen:
        if not is_statement(p.text):
            continue
        texts = passage_sentences(top, index_sentences, p.passage)
        after = p.sentence + 1
        if (
            after < len(texts)
            and (p.passage, after) not in have
            and CONTRASTS.match(texts[after])
            and is_statement(texts[after])
        ):
            out.append(Picked(p.passage, after, texts[after], p.score - 0.01))
            have.add((p.passage, after))
    return out


def with_turn_replies(
    chosen: list[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> tuple[list[Picked], dict[tuple[int, int], Picked]]:
    """The chosen sentences, each one that follows a turn's bare reply ("TB (...): Definitely.",
    "JR (...): Yes.") with that reply before it. Asked "has Croydon CCG used any qualified
    provider?", the answer quoted "We've already done one for cataract surgery ..." without the
    "Definitely." that opens the turn and answers the yes or no; the reply alone (three words and
    fewer) scores too low to be chosen. Also returned: each reply, by the sentence it came for."""
    out = list(chosen)
    replies: dict[tuple[int, int], Picked] = {}
    by_place = {(p.passage, p.sentence): p for p in chosen}
    for p in chosen:
        texts = passage_sentences(top, index_sentences, p.passage)
        if not 0 < p.sentence <= len(texts) or SPEAKER_TURN.match(p.text):
            continue
        reply = texts[p.sentence - 1]
        if not is_turn_reply(reply):
            continue
        before = (p.passage, p.sentence - 1)
        if before not in by_place:
            by_place[before] = Picked(p.passage, p.sentence - 1, reply, p.score)
            out.append(by_place[before])
        replies[(p.passage, p.sentence)] = by_place[before]
    return out, replies


def with_turn_ends(
    chosen: list[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> list[Picked]:
    """The chosen sentences, each turn's bare reply with the rest of its turn when that is one
    short sentence: asked whether Durham Dales's accountable officer is a GP or a manager, the
    answer quoted "SF (...): Me." and not the "A GP!" that ends the turn and answers it (its one
    word scores too low to be chosen, and too few to continue a sentence)."""
    out = list(chosen)
    have = {(p.passage, p.sentence) for p in chosen}
    for p in chosen:
        if not is_turn_reply(p.text) or (p.passage, p.sentence + 1) in have:
            continue
        texts = passage_sentences(top, index_sentences, p.passage)
        nxt = p.sentence + 1
        if nxt >= len(texts) or SPEAKER_TURN.match(texts[nxt]) or is_question(texts[nxt]) or is_item(texts[nxt]):
            continue
        ends = nxt + 1 >= len(texts) or bool(SPEAKER_TURN.match(texts[nxt + 1])) or is_question(texts[nxt + 1])
        if ends and len(texts[nxt].split()) < REPLY_WORDS and not says_nothing(texts[nxt]):
            out.append(Picked(p.passage, nxt, texts[nxt], p.score - 0.01))
            have.add((p.passage, nxt))
    return out


def rest_of_section(
    chosen: list[Picked], pool: Sequence[Picked], budget: int, min_words: int, speakers: Sequence[str | None]
) -> list[Picked]:
    """An answer short of its words from a short section whose heading states the question takes
    more of that section, best first, under the floor if need be: "what is the single operating
    model?" got the section's first two sentences and not the third, which says what it is for
    ("This operating model aims to ensure that contractors are treated transparently ..."). A
    longer section under such a heading covers more than the question; in an interview, the
    heading is the interviewer's question and the other speakers' answers are theirs, not this
    one's (`speakers`: whose words each of the top passage's sentences are)."""
    if len(speakers) > budget + 2:
        return chosen
    quoted = {speakers[c.sentence] for c in chosen if c.passage == 0 and c.sentence < len(speakers)}
    out = list(chosen)
    have = {(c.passage, c.sentence) for c in chosen}
    words = sum(len(c.text.split()) for c in chosen)
    for p in pool:
        if words >= min_words or len(out) >= budget + 2:
            break
        if p.passage != 0 or (p.passage, p.sentence) in have or not is_statement(p.text) or says_nothing(p.text):
            continue
        if speakers[p.sentence] is not None and speakers[p.sentence] not in quoted:
            continue
        if any(similar(p.text, c.text) for c in out):
            continue
        out.append(p)
        have.add((p.passage, p.sentence))
        words += len(p.text.split())
    return out


def with_definitions(chosen: list[Picked], pool: Sequence[Picked], asked: set[str]) -> list[Picked]:
    """ "What's the difference between public involvement, patient engagement and patient
    experience?": each thing compared that a drawn passage defines gets its definition, however
    its words score against the whole question. The box defining all three had given one: the
    others scored under the floor set by a sentence naming all three (which defines none)."""
    defined = {defined_subject(p.text, asked) for p in chosen} - {frozenset()}
    have = {(p.passage, p.sentence) for p in chosen}
    out = list(chosen)
    for p in pool:
        subject = defined_subject(p.text, asked)
        if subject and subject not in defined and (p.passage, p.sentence) not in have:
            defined.add(subject)
            out.append(p)
    return out


def with_questions_answered(
    chosen: list[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> list[Picked]:
    """The chosen sentences, each bare reply to a question the source asks ("Will this situation
    continue with the new commissioning system? I expect so.") with that question before it. The
    reply scores as its question does, and quoted alone it reads as the answer to the reader's:
    "does commissioning affect my training?" was answered "I expect so." """
    out = list(chosen)
    have = {(p.passage, p.sentence) for p in chosen}
    for p in chosen:
        if p.sentence == 0 or (p.passage, p.sentence - 1) in have or len(p.text.split()) >= REPLY_WORDS:
            continue
        if SPEAKER_TURN.match(p.text) or not is_statement(p.text):
            continue
        texts = passage_sentences(top, index_sentences, p.passage)
        if p.sentence <= len(texts) and is_question(texts[p.sentence - 1]):
            out.append(Picked(p.passage, p.sentence - 1, texts[p.sentence - 1], p.score))
            have.add((p.passage, p.sentence - 1))
    return out


def says_nothing(text: str) -> bool:
    """A byline or caption, or a link's text: however close its words, it answers nothing."""
    return is_label(text) or is_pointer(text)


def similar(a: str, b: str) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8
