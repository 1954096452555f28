from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.gate.language import other_language

DATASETS = Path(__file__).resolve().parents[3] / "evals" / "datasets"


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("¿Cómo puedo formar parte de la junta de un CCG?", "Spanish"),
        ("¿Qué es un CCG?", "Spanish"),
        ("Comment puis-je rejoindre le conseil d'un CCG ?", "French"),
        ("Was ist ein CCG?", "German"),
        ("Sut ydw i'n ymuno â bwrdd y CCG?", "Welsh"),
        ("Posso fare parte del consiglio di un CCG?", "Italian"),
        ("Como posso entrar no conselho de um CCG?", "Portuguese"),
        ("Hoe word ik lid van het bestuur van een CCG?", "Dutch"),
        ("Czy mogę być członkiem zarządu CCG?", "Polish"),
        ("Cum pot deveni membru în consiliul unui CCG?", "Romanian"),
        # Mostly outside the Latin alphabet, an English acronym or not.
        ("如何加入CCG董事会?", "another script"),
        ("Как стать членом правления CCG?", "another script"),
    ],
)
def test_a_message_in_another_language_is_recognised(message: str, language: str) -> None:
    assert other_language(message) == language


@pytest.mark.parametrize(
    "message",
    [
        "how do I get on a CCG board?",
        "ccg board pension?",  # no small words at all: searched
        "hola",
        "de novo commissioning per se?",  # Latin phrases and "la" in a name are English
        "is the la salle report in the corpus?",
        "what's the β-blocker policy",  # one Greek letter
        "Was there a vote on it? I'm a GP in Leeds, can I stand?",  # "was", "i", "a" shared
        "",
    ],
)
def test_english_is_left_alone(message: str) -> None:
    assert other_language(message) is None


def test_no_question_in_any_dataset_is_taken_for_another_language() -> None:
    """Every message the datasets hold (2,477 today: terse, misspelt, Slack-style, threads) is
    English; a word list that outvoted one of them would refuse a real user."""
    flagged: list[tuple[str, str, str]] = []
    seen = 0
    for path in sorted(DATASETS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            turns = [t.get("content", "") for t in item.get("history", []) if isinstance(t, dict)]
            for message in [item.get("question", ""), *turns]:
                if message:
                    seen += 1
                    if (language := other_language(message)) is not None:
                        flagged.append((path.name, language, message))
    assert seen > 2000
    assert flagged == []
