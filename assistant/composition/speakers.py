"""Who says a sentence, in a source whose answers are tagged by speaker.

An interview ("Change at the coalface") tags each answer with its speaker, and ingest spells the
tag out at the start of the turn (`assistant.types.SPEAKER_TURN`). A turn runs on for several
sentences and often several paragraphs, so a sentence quoted from its middle has lost its
speaker, and an answer that quotes two speakers one after the other reads as if one of them said
both ("TB (...): We have appointed a new borough director ... My concern about a GP taking on
the role ..." where the concern is BT's). The composer names the speaker again wherever the
quoted speaker changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..types import SPEAKER_TURN, spoken

# "What did the CCG leads say ...?", "Had the panel heard ...?": an ask about what the speakers
# said as a group, which each answered in turn.
# "Which CCG lead said ...?", "which CCG is going for third wave?": an ask for the one among
# them, answered by reading each one's answer.
_PANEL_ASK = re.compile(
    r"\b(leads|panel|panellists|interviewees|each of them|all of them|they all|ccgs"
    r"|which (?:ccg |one of the |of the )?(?:lead|chair|ccg|interviewee|panellist)s?)\b",
    re.I,
)
# An ask naming the whole panel ("who did each of them say ...?", "did the six CCG leads ...?"):
# every speaker's answer is wanted, however the interviewer worded the question. ("Did any of the
# CCG leads explain why ...?" wants the one who did: answered from the other leads' turns on
# another question, it lost Bill Tamkin's reasons.)
EVERY_SPEAKER = re.compile(
    r"\b(?:each of them|each (?:ccg )?lead|all (?:six|6)|all of the (?:ccg )?leads|(?:six|6) (?:ccg )?leads)\b",
    re.I,
)
# An opening shorter than this ("Me.", "Dementia.") is read with the sentence after it.
_SHORT_OPENING = 6
# A reply this short ("Probably.", a turn's "Definitely.") says nothing without the question
# before it or the sentence after it.
REPLY_WORDS = 4


def is_turn_reply(sentence: str) -> bool:
    """ "TB (Dr Tony Brzezicki. chair Croydon CCG): Definitely.": a turn's bare opening reply,
    which says nothing without the interviewer's question or the sentence after it."""
    return bool(SPEAKER_TURN.match(sentence)) and len(spoken(sentence).split()) < REPLY_WORDS


def turns(passage: str, sentences: Sequence[str]) -> list[str | None]:
    """For each of `sentences` (the passage's own, in order): the label of the speaker whose turn
    it is in ("BT (Dr Bill Tamkin, shadow chair South Manchester CCG):"), or None where the
    passage names no speaker for it. A sentence that opens a turn carries its label already and
    gets None as well.

    A turn runs until the next tagged paragraph; a heading or a question (the interviewer's)
    ends it. A passage that starts inside a turn cannot tell whose it is: None.
    """
    labels: list[str | None] = []
    current = _opening(passage, None)
    paragraph_start = 0
    cursor = 0
    for sentence in sentences:
        at = passage.find(sentence, cursor)
        if at < 0:
            labels.append(None)
            continue
        cursor = at + len(sentence)
        # Walk over the paragraphs between the last sentence and this one.
        while True:
            nxt = passage.find("\n\n", paragraph_start)
            if nxt < 0 or nxt + 2 > at:
                break
            paragraph_start = nxt + 2
            current = _opening(passage[paragraph_start:], current)
        labels.append(None if SPEAKER_TURN.match(sentence) else current)
    return labels


def _opening(paragraph: str, current: str | None) -> str | None:
    """The speaker after a paragraph opens: its own tag, the same speaker, or nobody."""
    m = SPEAKER_TURN.match(paragraph)
    if m:
        return m.group(0).rstrip()
    first_line = paragraph.split("\n", 1)[0].strip()
    if first_line.startswith("#") or first_line.endswith("?"):
        return None
    return current


def panel_answer(
    question: str, passages: Sequence[tuple[str, Sequence[str]]], whole: bool | None = None
) -> list[tuple[int, int]] | None:
    """For an ask about what a panel said, when the best passage (the first of `passages`: each
    where it sits, its document's section, and its sentences) holds several speakers' turns:
    each speaker's opening, from the passages of that section, as (passage, sentence) in the
    source's order. None otherwise, and where the ask names one of the speakers (the usual
    composition finds that one's words). An ask naming the panel outright (`whole`; by default
    `EVERY_SPEAKER` read in `question`) is answered from the best passage holding turns at all:
    the interview's introduction, which names "six CCG leads" too, can rank above them.
    """
    if not passages or not _PANEL_ASK.search(question):
        return None
    first = 0
    if EVERY_SPEAKER.search(question) if whole is None else whole:
        first = next((i for i, (_s, texts) in enumerate(passages) if any(map(SPEAKER_TURN.match, texts))), 0)
    section = passages[first][0]
    picked: list[tuple[int, int]] = []
    speakers: list[str] = []
    for pi, (sec, sentences) in enumerate(passages):
        if sec != section:
            continue
        for si, text in enumerate(sentences):
            m = SPEAKER_TURN.match(text)
            if m is None or m.group(0) in speakers:
                continue
            speakers.append(m.group(0))
            picked.append((pi, si))
            after = si + 1
            if (
                len(text[m.end() :].split()) < _SHORT_OPENING
                and after < len(sentences)
                and not SPEAKER_TURN.match(sentences[after])
            ):
                picked.append((pi, after))
    if len(speakers) < 3 or named_speakers(question, speakers):
        return None
    return picked


# Words in a speaker's label that name no one in particular.
_NOT_NAMES = {"dr", "mr", "mrs", "ms", "professor", "the", "and", "north", "south", "east", "west", "central", "mid"}


def _names(label: str) -> set[str]:
    """The words that single a speaker out: their own names and their organisation's place
    ("BT (Dr Bill Tamkin, shadow chair South Manchester CCG):" → bill, tamkin, manchester)."""
    inside = label[label.find("(") + 1 : label.rfind(")")]
    return {w.lower() for w in re.findall(r"[A-Z][a-z]{2,}", inside)} - _NOT_NAMES


def named_speakers(question: str, labels: Iterable[str | None]) -> set[str]:
    """The speakers (by label) whom `question` names, by their name or their place: "what did
    the Somerset CCG say ...", "ophth cons in croydon - which service ...?"."""
    asked = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", question)}
    return {label for label in labels if label is not None and asked & _names(label)}


def speaker_of(sentence: str, label: str | None) -> str | None:
    """Whose words a sentence is: its own opening label, or the turn it sits in (`turns`)."""
    m = SPEAKER_TURN.match(sentence)
    return m.group(0).rstrip() if m else label
