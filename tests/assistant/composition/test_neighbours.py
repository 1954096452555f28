"""What a chosen sentence brings with it from its passage."""

from __future__ import annotations

import numpy as np

from assistant.composition.neighbours import with_antecedents, with_questions_answered
from assistant.composition.picked import Picked
from assistant.retrieval.retrieve import Candidate
from assistant.types import Chunk

ESSAY = [
    "Now, if a patient requires non-urgent input from another specialty, I recommend the GP refers.",
    "Will this situation continue with the new commissioning system?",
    "I expect so.",
    "Closure of hospitals unable to provide value for money may leave juniors without training posts.",
]


def _top(sentences: list[str]) -> tuple[list[Candidate], dict[str, tuple[list[str], np.ndarray]]]:
    text = " ".join(sentences)
    chunk = Chunk("c0", "doc", "doc.txt", "Doc", "BMJ", "2011", "Will it widen the rift?", None, 0, len(text), text)
    return [Candidate(chunk, score=0.9, sentence_sims=np.zeros(len(sentences)))], {"c0": (sentences, np.zeros((0, 0)))}


def test_a_bare_reply_brings_the_question_it_answers() -> None:
    top, sentences = _top(ESSAY)
    chosen = [Picked(0, 3, ESSAY[3], 0.6), Picked(0, 2, ESSAY[2], 0.5)]
    out = with_questions_answered(chosen, top, sentences)
    assert sorted((p.sentence, p.text) for p in out) == [(1, ESSAY[1]), (2, ESSAY[2]), (3, ESSAY[3])]


def test_a_sentence_that_says_something_itself_or_whose_question_is_chosen_brings_nothing() -> None:
    top, sentences = _top(ESSAY)
    # A full sentence after a question stands on its own.
    assert with_questions_answered([Picked(0, 3, ESSAY[3], 0.6)], top, sentences) == [Picked(0, 3, ESSAY[3], 0.6)]
    chosen = [Picked(0, 1, ESSAY[1], 0.4), Picked(0, 2, ESSAY[2], 0.5)]
    assert with_questions_answered(chosen, top, sentences) == chosen
    # A short sentence after a statement is not a reply.
    top, sentences = _top([ESSAY[0], "I expect so.", ESSAY[3]])
    alone = [Picked(0, 1, "I expect so.", 0.5)]
    assert with_questions_answered(alone, top, sentences) == alone


BOARD = [
    "NHS England will provide overall leadership on commissioning.",
    "It will be responsible for:",
    "• commissioning a range of services including national and regional specialised services.",
    "It is important for CCGs to take part.",
]


def test_a_lead_in_naming_its_subject_by_it_brings_the_sentence_that_names_it() -> None:
    """ "It will be responsible for:" quoted for one of its items said "It" of nobody: NHS
    England is named only in the sentence before. A dummy "it" ("It is important for CCGs to
    ...") leans on nothing."""
    top, sentences = _top(BOARD)
    chosen = [Picked(0, 2, BOARD[2], 0.6), Picked(0, 1, BOARD[1], 0.6)]
    out, _opening = with_antecedents(chosen, chosen[0], top, sentences)
    assert sorted(p.sentence for p in out) == [0, 1, 2]
    dummy = [Picked(0, 3, BOARD[3], 0.6)]
    assert with_antecedents(dummy, None, top, sentences)[0] == dummy
