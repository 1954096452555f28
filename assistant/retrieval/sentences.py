"""Sentence segmentation with character offsets, shared by ingestion and answer composition."""

from __future__ import annotations

import re

# A sentence ends at . ! ? followed by space and a capital/quote/digit, or at a line break
# (list items and headings are their own units). Common abbreviations do not end sentences.
_ABBREV = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|Cllr|eg|ie|e\.g|i\.e|etc|vs|cf|approx|No|St)\.)$")
# A reference to a page, figure or paragraph ("see p. 12", "pp. 4-5", "Fig. 3") before its number:
# split there, the sentence's end was quoted as "12)." on its own.
_BEFORE_NUMBER = re.compile(r"\b(?:p|pp|paras?|[Ff]igs?|[Cc]h|[Vv]ol|[Ss]ect?)\.$")
_LIST_NUMBER = re.compile(r"(?:^|\n)\s*(?:•\s*)?\d{1,2}\.$")
# "1. What practices happen at each surgery? You may identify great work": a numbered item
# whose run-in heading is a question keeps its answer; split, the list loses its items' content.
_RUN_IN_QUESTION = re.compile(r"(?:^|\n)\s*\d{1,2}[.)]\s[^\n?]*\?[\"”’)]*$")
# A poll's result ("Yes: 96 (26%)") is a unit of its own: a PDF's text layer can run it into
# whatever follows on the page ("Yes: 96 (26%) doc2doc poll: Are GPs ...?"), which then reads as
# one sentence and carries one poll's figures into another's.
_RESULT = re.compile(r"(?:Yes|No|Don[’']t know|Not sure|Unsure|Maybe|Other): [\d,]+(?:\.\d+)? \(\d{1,3}(?:\.\d+)?%\)")
# An advert a PDF's text layer ran into the sentence after it ("Visit the BMJ Careers Centre for
# news and features on GP commissioning careers.bmj.com “Consortiums will inherit several
# statutory duties ...”"): a call to follow an address, which ends it. Quoted, it opened answers
# about the duties. Ending the sentence there at ingest re-ranked the search instead (the pull
# quote, no longer diluted by the advert, outranked the passage answering "Who replaced PCTs and
# SHAs?"), so the sentence stays as stored and read, and only what an answer shows and its
# citation quotes leaves the advert out (`Picked.quoted`).
_RUN_ON_POINTER = re.compile(
    r"^(?:visit|see|go to)\b[^.!?\n]{0,200}?\s[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|gov|nhs)"
    r"\s+(?=[“\"‘]|(?-i:[A-Z]))",
    re.I,
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z0-9“\"‘(•£])|\n+")
# A short quotation is one unit with what introduces it: 'I may think commissioning needn't
# concern me: "I'm not a GP. I don't handle the budgets ..."' was cut after "GP.", and its first
# part quoted with an opening mark and no closing one (a tester: "a cut-off quote"). The GPs'
# demand an anaesthetist quotes ("Do the pre-op assessment at the surgery ... what more do you
# want?") was quoted in part as his own words. A quotation longer than this many characters (a
# letter quoted whole) is split as usual.
QUOTE_REACH = 300
_CLOSING = {'"': '"', "“": "”"}


def _inside_quote(text: str, line_start: int, end: int) -> bool:
    """Whether `end` falls inside a quotation of at most QUOTE_REACH characters, opened and
    closed on its line."""
    seg = text[line_start:end]
    opened = '"' if seg.count('"') % 2 else "“" if seg.count("“") > seg.count("”") else ""
    if not opened:
        return False
    start = line_start + seg.rindex(opened)
    line_end = text.find("\n", end)
    close = text.find(_CLOSING[opened], end, len(text) if line_end < 0 else line_end)
    return close >= 0 and close - start <= QUOTE_REACH


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.start()]
        end = m.start() + len(m.group(0).rstrip())
        if "\n" not in m.group(0) and (
            _inside_quote(text, text.rfind("\n", 0, end) + 1, end)
            or _ABBREV.search(candidate)
            or _LIST_NUMBER.search(candidate)
            or _RUN_IN_QUESTION.search(candidate)
            or (_BEFORE_NUMBER.search(candidate) and text[m.end() : m.end() + 1].isdigit())
        ):
            continue
        # A closing quote or bracket after the full stop is the sentence's own ("... (See box
        # opposite.)", "... “we will.”"): cut before it, the quote lost its closing mark.
        _add(text, start, end, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg.rstrip())
    if not seg.strip():
        return
    result = _RESULT.match(seg, lead)
    rest = seg[result.end() :] if result is not None else ""
    if result is not None and rest[:1].isspace() and rest.strip():
        spans.append((start + lead, start + result.end()))
        _add(text, start + result.end(), end, spans)
        return
    spans.append((start + lead, start + trail))


def is_poll_result(sentence: str) -> bool:
    """Whether the sentence is one answer's share of a poll ("No: 97 (62%)")."""
    return _RESULT.fullmatch(sentence.strip()) is not None


def quotable(sentence: str) -> str:
    """`sentence` without an advert run into its start (`_RUN_ON_POINTER`): what an answer quotes
    of it."""
    m = _RUN_ON_POINTER.match(sentence)
    return sentence[m.end() :] if m else sentence
