"""How well each sentence of the top passages answers the ask: the first stage of composing.

Every sentence of the passages drawn on goes into `Scored.pool`, those of the passages just
below into `Scored.extra` (they lend only a missing number or a far better sentence), each with
a score from its own similarity to the question, its passage's score and the ask's words it
holds, then lifted or put back for who says it, where and in answer to what.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..gate.persons import wants_person
from ..retrieval.ask_kinds import COMPARISON_Q, asks_for_list, asks_for_number, kind_of_ask, number_answer
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import (
    POINTS_BACK,
    defines_one_of,
    heading_date,
    is_item,
    is_label,
    is_question,
    is_statement,
)
from ..types import SPEAKER_TURN
from .authors import is_signature, named_writers
from .boards import another_board, board_kinds
from .picked import Picked
from .speakers import is_turn_reply, named_speakers, speaker_of, turns

QUESTION_PENALTY = 0.1
# "How are A, B and C different?": a sentence saying what one of them is, lifted by this much
# (dev 0.05 / 0.08 / 0.15: key facts 0.884 / 0.887 / 0.886, from 0.882).
COMPARISON_LIFT = 0.08
# How far a named speaker's sentences are preferred, and the other speakers' put back.
NAMED_SPEAKER = 0.1
# How far the sentences of a passage that does not hold a name the ask gives are put back.
# (Leaving them out cost held-out key facts: a writer's own place, "somerset gp partner - ...",
# is named in many asks about something else.)
NAMED_PLACE = 0.1
# The answer to a question the source asks scores as the question, a little less.
ANSWER_DECAY = 0.02
# How far a sentence holding an ask's own words (by rarity) is lifted when the ask borrows its
# topic: from the conversation, the ask before it or the writer's situation.
OWN_WORDS = 0.1
# A heading match this strong states the question ("Single operating model" for "what is the
# single operating model?"): the section under it is the answer.
HEADING_STATES = 0.5
# An ask for reasons alone: "why ...?", "what was his reason?"; not "who should it be, and why?",
# which asks for the reply as well.
_WHY = re.compile(r"^\W*(?:and |so |but )?(?:why|how come)\b|\breasons?\b", re.I)

Sentences = dict[str, tuple[list[str], np.ndarray]]


@dataclass(frozen=True)
class Wanted:
    """What kind of answer an ask wants, read once for every stage of composing. What the
    sentences are about comes from the question, which carries the words a thin ask borrows;
    the kind of answer wanted comes from the ask, where it has a question of its own."""

    kind: str
    number: re.Pattern[str]
    wants_number: bool
    wants_list: bool
    comparing: bool

    @classmethod
    def of(cls, ask: str, question: str) -> Wanted:
        kind = kind_of_ask(ask, question)
        return cls(
            kind=kind,
            number=number_answer(kind),
            wants_number=asks_for_number(kind),
            wants_list=asks_for_list(kind),
            comparing=bool(COMPARISON_Q.search(kind)),
        )


@dataclass
class Scored:
    """The sentences of the top passages, best first, and what was read on the way."""

    pool: list[Picked]  # sentences of the passages drawn on
    extra: list[Picked]  # sentences of the passages below them
    said: dict[int, list[str | None]]  # per passage: whose words each sentence is (`speaker_of`)
    named: set[str] = field(default_factory=set)  # interview speakers the ask names
    placed: bool = False  # one of the passages drawn on holds every name the ask gives
    bar: float = 0.0  # the score other passages are drawn within a margin of (`bar`)


def scored_sentences(
    question: str,
    ask: str,
    wanted: Wanted,
    top: Sequence[Candidate],
    index_sentences: Sentences,
    passages: int,
    margin: float | None,
    weight: Callable[[str], float],
    naming: frozenset[str] = frozenset(),
    only_named: bool = False,
    authors: Mapping[str, Sequence[str]] | None = None,
) -> Scored:
    """Every sentence of `top` scored for `question` (see `compose` for the parameters)."""
    best_passage = bar(top, index_sentences)
    qterms = set(terms(question))
    q_weight = sum(weight(t) for t in qterms) or 1.0
    # An ask that borrows its topic (a follow-up, a thin later part) asks its own words: "any
    # examples?" after how consultants can help with referral management.
    own_terms = set(terms(ask)) & qterms if ask else set()
    borrowed = bool(own_terms) and own_terms != qterms
    own_weight = sum(weight(t) for t in own_terms) or 1.0
    boards = board_kinds(question)
    pool: list[Picked] = []
    said: dict[int, list[str | None]] = {}
    extra: list[Picked] = []
    for pi, cand in enumerate(top):
        texts = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))[0]
        said[pi] = [speaker_of(t, label) for t, label in zip(texts, turns(cand.chunk.text, texts), strict=True)]
    # An ask that names one of an interview's speakers ("which wave did Somerset go for?") is
    # answered from that speaker's turns, not from the others' answers to the same question.
    named = named_speakers(question, {label for labels in said.values() for label in labels})
    # An ask naming the writer of a signed piece ("what does Abi Berger say is the one thing to
    # do?") is answered from the piece, not its signature line, which names her and says nothing.
    signed = {pi: list((authors or {}).get(cand.chunk.chunk_id, ())) for pi, cand in enumerate(top)}
    writers = named_writers(question, sorted({label for labels in signed.values() for label in labels}))
    who = bool(writers) and wants_person(ask or question)  # read only when a writer is named
    # "By how much did referrals fall in Sunderland ...?" was answered with City and Hackney's
    # "4% reduction in secondary care referrals": a passage about another place, lifted by its
    # number and by every other word of the ask.
    placed = any(c.chunk.chunk_id in naming for c in top[:passages])
    near_parts: set[tuple[str, str, int]] = set()  # (document, section, position) of passages drawn on
    for pi, cand in enumerate(top):
        # Passages well below the best add noise, not facts; but a passage continuing a section
        # already drawn on is the same unit of meaning, cut in two only by its length.
        ch = cand.chunk
        same_section = any(
            (ch.doc_id, ch.section) == (d, sec) and abs(ch.position - pos) == 1 for d, sec, pos in near_parts
        )
        near = margin is None or cand.score >= best_passage - margin or same_section
        drawn = pi == 0 or (pi < passages and near)
        if drawn:
            near_parts.add((ch.doc_id, ch.section, ch.position))
        into = pool if drawn else extra
        texts, _vecs = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))
        sims = cand.sentence_sims
        # A sentence from mid-turn is also its speaker's ("what did the Somerset CCG say ...?").
        speakers = said[pi]
        terse = {
            who
            for who in set(speakers) & named
            if all(len(SPEAKER_TURN.sub("", t).split()) < 3 for t, w in zip(texts, speakers, strict=False) if w == who)
        }
        asked = -1.0  # the raw score of a question the source has just asked, if any
        dated = heading_date(ch.section)
        for si, text in enumerate(texts):
            if si >= len(sims):
                continue
            after_question = asked > -1.0
            # The lead the ask names may answer in a word or two ("SF (...): Me. A GP!"): a turn
            # of nothing else is kept whole (a longer turn's fragments stay out, as for others).
            asked_of = speakers[si] in terse  # `terse` holds only speakers the ask names
            if len(text.split()) < 3 and not is_item(text) and not after_question and not asked_of:
                continue  # a fragment, unless it answers the source's question ("Probably.")
            if another_board(boards, text, ch.section):
                continue  # "the board" of a health and wellbeing board's section is not a CCG's
            # "GP (...): This is definitely a risk ...": a reply pointing back at the interviewer's
            # question, which is its section's heading; quoted under another ask, it reads as
            # calling that ask's subject a risk.
            if cand.heading < HEADING_STATES and (_answers_heading(text) or (is_turn_reply(text) and not asked_of)):
                continue
            spoken = f"{speakers[si]} {text}" if speakers[si] and not SPEAKER_TURN.match(text) else text
            overlap = sum(weight(t) for t in qterms & set(terms(spoken))) / q_weight
            # A sentence is judged in its passage's context: the passage score carries the
            # heading and the neighbouring sentences that the sentence alone lacks.
            score = 0.5 * float(sims[si]) + 0.4 * cand.score + 0.2 * overlap
            if borrowed:
                score += OWN_WORDS * sum(weight(t) for t in own_terms & set(terms(spoken))) / own_weight
            if si < 2 and cand.heading >= HEADING_STATES:
                score += 0.04  # the opening of a section whose heading is the question
            if wanted.wants_number and wanted.number.search(f"{dated} {text}"):
                score += 0.06
            if wanted.comparing and defines_one_of(text, qterms):
                score += COMPARISON_LIFT
            if named and speakers[si] is not None:
                score += NAMED_SPEAKER if speakers[si] in named else -NAMED_SPEAKER
            if writers:
                if not who and is_signature(text):
                    continue
                writer = signed[pi][si] if si < len(signed[pi]) else ""
                if writer:
                    score += NAMED_SPEAKER if writer in writers else -NAMED_SPEAKER
            if placed and cand.chunk.chunk_id not in naming:
                score -= NAMED_PLACE
            # A bare heading-like fragment ("Commissioning support units") names the topic
            # but answers nothing, unless the question asks for a list and this is one.
            if not (wanted.wants_list and is_item(text)):
                score -= 0.03 * max(0, 5 - len(terms(text)))
            # A question in the source ("Why should NHS commissioning be any different?") asks,
            # it does not answer; a list of questions still comes in through its lead-in.
            if is_question(text):
                # The source asks the reader's question ("So is there evidence that ...?"): the
                # sentences after it answer it, and are as relevant as the question itself.
                asked = score
                score -= QUESTION_PENALTY
            elif after_question:
                score = max(score, asked - ANSWER_DECAY)
                asked = asked - ANSWER_DECAY if is_statement(text) and len(text.split()) < 3 else -1.0
            into.append(Picked(pi, si, text, score, dated=dated))
    if placed:
        extra = [p for p in extra if top[p.passage].chunk.chunk_id in naming]
        if only_named:
            pool = [p for p in pool if top[p.passage].chunk.chunk_id in naming] or pool
    # "durham dales ccg - whats their next big issue": the other leads' answers to the same
    # question are not Durham Dales's ("SF (...): Dementia."), however many of the ask's words
    # they repeat; they were quoted first, and the named lead's one-word answer last.
    if named and any(said[p.passage][p.sentence] in named for p in pool):
        pool = [p for p in pool if said[p.passage][p.sentence] in named or said[p.passage][p.sentence] is None]
        if not _WHY.search(wanted.kind):  # a "why" ask is answered by the reasons
            _lift_reply(pool, said, named)
    pool.sort(key=lambda p: -p.score)
    extra.sort(key=lambda p: -p.score)
    return Scored(pool, extra, said, named, placed, best_passage)


def bar(top: Sequence[Candidate], index_sentences: Sentences) -> float:
    """The score other passages are measured from: the best passage's that states something. A
    passage of nothing but a caption or a timeline's entry ("April 2012 › NHS Commissioning Board
    to become full, nondepartmental public body", no full stop) can match an ask best and answers
    nothing (its line is dropped as a heading), so measured from it, "tell me about the NHS
    commissioning board" drew on no passage that says what the board is."""
    for cand in top:
        texts = index_sentences.get(cand.chunk.chunk_id, ([], np.zeros((0, 0))))[0]
        if any(not is_label(t) for t in texts):
            return cand.score
    return top[0].score


def _answers_heading(sentence: str) -> bool:
    """An interview turn whose reply opens by pointing back at the question asked ("This is
    definitely a risk ...")."""
    m = SPEAKER_TURN.match(sentence)
    return m is not None and bool(POINTS_BACK.match(sentence[m.end() :]))


def _lift_reply(pool: Sequence[Picked], said: dict[int, list[str | None]], named: set[str]) -> None:
    """The named speaker's reply to the interviewer's question ("BT (...): It will be a
    management member.") answers it in few words of its own, and the reasons after it, which
    repeat the ask's words, outscored it: the opening of the turn holding their best-scoring
    sentence scores as that sentence does. A bare reply ("Definitely.") is left to come in with
    the sentence it opens."""
    best = max((p for p in pool if said[p.passage][p.sentence] in named), key=lambda p: p.score, default=None)
    if best is None:
        return
    opening = max(
        (p for p in pool if p.passage == best.passage and p.sentence <= best.sentence and SPEAKER_TURN.match(p.text)),
        key=lambda p: p.sentence,
        default=None,
    )
    if opening is not None and said[opening.passage][opening.sentence] in named and not is_turn_reply(opening.text):
        # Just under: the lead stays the sentence that answers best (opening with the reply
        # instead lost the first-sentence key fact on 5 unseen items and 2 dev ones).
        opening.score = max(opening.score, best.score - 0.001)
