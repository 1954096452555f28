"""Sentence segmentation with character offsets, shared by ingestion and answer composition."""

from __future__ import annotations

import re

# A sentence ends at . ! ? followed by space and a capital/quote/digit, or at a line break
# (list items and headings are their own units). Common abbreviations do not end sentences.
_ABBREV = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|eg|ie|e\.g|i\.e|etc|vs|No|St)\.)$")
_LIST_NUMBER = re.compile(r"(?:^|\n)\s*(?:•\s*)?\d{1,2}\.$")
# "1. What practices happen at each surgery? You may identify great work": a numbered item
# whose run-in heading is a question keeps its answer; split, the list loses its items' content.
_RUN_IN_QUESTION = re.compile(r"(?:^|\n)\s*\d{1,2}[.)]\s[^\n?]*\?[\"”’)]*$")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z0-9“\"‘(•£])|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.start()]
        if "\n" not in m.group(0) and (
            _ABBREV.search(candidate) or _LIST_NUMBER.search(candidate) or _RUN_IN_QUESTION.search(candidate)
        ):
            continue
        _add(text, start, m.start(), spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg.rstrip())
    if seg.strip():
        spans.append((start + lead, start + trail))
