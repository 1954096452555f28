"""Interview turns: a sentence quoted from mid-turn keeps its speaker."""

from __future__ import annotations

import numpy as np

from assistant.answer.compose import compose
from assistant.answer.speakers import turns
from assistant.retrieval.retrieve import Candidate
from assistant.retrieval.sentences import split_sentences
from assistant.types import Chunk

BT = "BT (Dr Bill Tamkin, shadow chair South Manchester CCG):"
PASSAGE = (
    f"{BT} It will be a management member. My concern about a GP taking on the role is the time it takes. "
    "If I had the role that would be difficult.\n\n"
    "It's a fairly complicated picture in Manchester.\n\n"
    "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): Me. A GP!\n\n"
    "TB (Dr Tony Brzezicki. chair Croydon CCG): We have appointed a new borough director.\n\n"
    "How is it going with your health and wellbeing board?\n\n"
    "Nobody said."
)


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_each_sentence_knows_the_turn_it_is_in() -> None:
    sentences = _sentences(PASSAGE)
    said = dict(zip(sentences, turns(PASSAGE, sentences), strict=True))
    assert said[f"{BT} It will be a management member."] is None  # it names its speaker itself
    assert said["If I had the role that would be difficult."] == BT
    assert said["It's a fairly complicated picture in Manchester."] == BT  # a turn runs over paragraphs
    assert said["A GP!"] == "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG):"
    assert said["Nobody said."] is None  # the interviewer's question ended the turn
    plain = "The board meets monthly. It has twelve members."
    assert turns(plain, _sentences(plain)) == [None, None]


def test_a_quote_from_mid_turn_is_not_left_to_the_speaker_before_it() -> None:
    sentences = _sentences(PASSAGE)
    chunk = Chunk(
        "c0",
        "coalface",
        "c.txt",
        "Change at the coalface",
        "",
        "2012",
        "Accountable officer",
        None,
        0,
        len(PASSAGE),
        PASSAGE,
    )
    wanted = {
        "We have appointed a new borough director.",
        "My concern about a GP taking on the role is the time it takes.",
    }
    sims = np.array([0.9 if any(w in s for w in wanted) else 0.1 for s in sentences])
    cand = Candidate(chunk, score=0.8, sentence=0.9, sentence_sims=sims)
    text = compose(
        "Why did the chair not want a GP accountable officer?",
        [cand],
        {"c0": (sentences, np.zeros((len(sentences), 4), dtype=np.float32))},
    ).text
    assert f"{BT} My concern about a GP" in text
    assert "TB (Dr Tony Brzezicki. chair Croydon CCG): We have appointed" in text
    assert text.count(BT) == 1  # named once, where the turn is first quoted


def test_a_question_naming_a_speaker_finds_the_sentences_of_their_turn() -> None:
    text = (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): Authorisation is our focus. "
        "Our next big issue is the acute contracts.\n\n"
        "DS (David Slack, managing director, Somerset CCG): We are on track. "
        "Our next big issue is community services."
    )
    sentences = _sentences(text)
    chunk = Chunk(
        "c0", "coalface", "c.txt", "Change at the coalface", "", "2012", "Next issue", None, 0, len(text), text
    )
    # The two "next big issue" sentences read alike; only Somerset's turn names Somerset.
    sims = np.array([0.3, 0.7, 0.3, 0.7])
    cand = Candidate(chunk, score=0.8, sentence=0.7, sentence_sims=sims)
    index = {"c0": (sentences, np.zeros((len(sentences), 4), dtype=np.float32))}
    text_out = compose("What did Somerset CCG see as its next big issue?", [cand], index, max_sentences=1).text
    assert text_out.startswith("DS (David Slack, managing director, Somerset CCG): Our next big issue is community")
