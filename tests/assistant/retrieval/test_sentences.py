"""Sentence segmentation: what the composer can quote as one unit."""

from __future__ import annotations

from assistant.retrieval.sentences import split_sentences


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_list_numbers_and_lines() -> None:
    assert _split("Ask Dr. Smith, eg. the chair. Then vote.\n• An item\n2. Another one") == [
        "Ask Dr. Smith, eg. the chair.",
        "Then vote.",
        "• An item",
        "2. Another one",
    ]


def test_a_numbered_run_in_question_keeps_its_answer() -> None:
    text = "Five key questions:\n1. What happens at each surgery? You may find great work. Replicate it.\nWhy? Because."
    assert _split(text) == [
        "Five key questions:",
        "1. What happens at each surgery? You may find great work.",
        "Replicate it.",
        "Why?",
        "Because.",
    ]
