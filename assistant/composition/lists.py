"""Lists in the sources, as the extractive composer gives them: whole, each item on its line.

A list item's line may hold more than one sentence ("• GPs were not allowed to hold real
budgets. Responsibility ... remained with PCTs"); the sentence splitter cuts it, and the
passage's line breaks put it back together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import is_item, is_label
from ..types import SECTION_SEP
from .picked import Picked, passage_sentences

# Items of one list chosen on their own merits, from which the whole list is given.
WHOLE_LIST_AT = 3
# A list this short is given whole whenever one of its items is quoted: "Other pensions concerns
# include:" with one of its two items read as if it had one. (Three is not: one of "At worst:"'s
# three drawbacks answers "could GPs lack the skills?" alone, and a count's item opens its answer.)
SHORT_LIST = 2
# A lead-in that counts its list ("Consortiums need to tackle five key questions:"): quoted with
# two of its five items, it promised what the answer did not give.
COUNTED_LEAD_IN = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|[2-9]|10)\b[^:]*:\s*$", re.I)
# The most lines a lead-in introducing a list without bullets brings (`with_named_lines`).
MAX_NAMED_LINES = 10


def list_of(top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]) -> Picked | None:
    """The best passage's list, when that passage is mostly a list (the answer is the list)."""
    texts = passage_sentences(top, index_sentences, 0)
    items = _mostly_list(texts)
    return Picked(0, items[0], texts[items[0]], top[0].score) if items else None


# How much more of the ask a list's heading must state than the best passage's heading.
HEADED_MARGIN = 0.2
# How much of the ask it must state at least ("Drawbacks of commissioning" for "what are the
# main downsides ... of handing commissioning over to GPs?": 0.31).
HEADED_LIST = 0.25


def headed_list(top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]) -> Picked | None:
    """For an ask for several things: the list of a top passage (other than the best) that is
    mostly a list under a heading matching the ask (`Candidate.heading` at least HEADED_LIST),
    clearly better than the best passage's heading does (by HEADED_MARGIN). "What are the main
    downsides people have pointed out about handing commissioning over to GPs?" was answered from
    the best passage's list of what a consortium's size depends on, and "IN SUMMARY › Drawbacks
    of commissioning" was third."""
    best: tuple[int, list[int]] | None = None  # the passage and its items' positions
    for pi, cand in enumerate(top[1:], start=1):
        if cand.heading < HEADED_LIST or cand.heading < top[0].heading + HEADED_MARGIN:
            continue
        if best is not None and cand.heading <= top[best[0]].heading:
            continue
        items = _mostly_list(passage_sentences(top, index_sentences, pi))
        if items:
            best = (pi, items)
    if best is None:
        return None
    pi, items = best
    return Picked(pi, items[0], passage_sentences(top, index_sentences, pi)[items[0]], top[pi].score)


def section_list(
    chosen: Sequence[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> Picked | None:
    """The first item of the list that continues the best passage's section in the passage after
    it, when that passage is mostly a list and the answer quotes none of it; else None."""
    first = top[0].chunk
    for pi, cand in enumerate(top[1:], start=1):
        ch = cand.chunk
        if (ch.doc_id, ch.section, ch.position) != (first.doc_id, first.section, first.position + 1):
            continue
        if any(p.passage == pi for p in chosen):
            return None
        texts = passage_sentences(top, index_sentences, pi)
        items = _mostly_list(texts)
        return Picked(pi, items[0], texts[items[0]], cand.score) if items else None
    return None


def _mostly_list(texts: Sequence[str]) -> list[int]:
    """The list items' positions of a passage that is mostly a list (else none)."""
    items = [i for i, t in enumerate(texts) if is_item(t)]
    return items if len(items) >= 3 and len(items) >= len(texts) / 2 else []


def paired_list(
    chosen: list[Picked],
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    asked: set[str],
) -> list[Picked]:
    """ "List the benefits and drawbacks of commissioning": the answer gave the drawbacks, the
    best passage, and not the benefits listed beside them under a sibling heading (the BMJ
    guide's "IN SUMMARY › Benefits of commissioning" and "... › Drawbacks of commissioning").
    A list in a section of the same parent whose heading names a thing asked for that the chosen
    list's heading does not (while that one names another) comes too, whole."""
    listed = {p.passage for p in chosen if is_item(p.text)}
    if len(listed) != 1:
        return chosen
    (at,) = listed
    first = top[at].chunk
    parent, _, heading = first.section.rpartition(SECTION_SEP)
    named = set(terms(heading)) & asked
    if not parent or not named:
        return chosen
    for pi, cand in enumerate(top):
        ch = cand.chunk
        other_parent, _, other = ch.section.rpartition(SECTION_SEP)
        if pi == at or ch.doc_id != first.doc_id or other_parent != parent:
            continue
        names = set(terms(other)) & asked
        if not names - named or not named - names:
            continue
        texts = index_sentences.get(ch.chunk_id, ([], None))[0]
        items = _mostly_list(texts)
        if items:
            return [*chosen, Picked(pi, items[0], texts[items[0]], cand.score)]
    return chosen


def _line_starts(passage: str, texts: Sequence[str]) -> list[bool]:
    """Per sentence of a passage: whether it begins a line of the source."""
    out: list[bool] = []
    pos = 0
    for text in texts:
        at = passage.find(text, pos)
        out.append(at < 0 or at == 0 or "\n" in passage[pos:at])
        pos = at + len(text) if at >= 0 else pos
    return out


def _in_items(passage: str, texts: Sequence[str]) -> list[bool]:
    """Per sentence: whether it belongs to a list item, the item's own line or a later sentence
    on that line."""
    starts = _line_starts(passage, texts)
    member: list[bool] = []
    for i, text in enumerate(texts):
        member.append(is_item(text) or (i > 0 and not starts[i] and member[i - 1] and not is_label(text)))
    # After a list's last item, a PDF's text may run the next paragraph onto the item's line
    # ("... cheaper services. By 1994 practices ... However, ..."): one more sentence there is
    # the item's, several are a paragraph.
    i = 0
    while i < len(texts):
        if not member[i] or is_item(texts[i]):
            i += 1
            continue
        end = i  # texts[i..end]: sentences on an item's line after its first
        while end + 1 < len(texts) and member[end + 1] and not is_item(texts[end + 1]):
            end += 1
        if end > i and not (end + 1 < len(texts) and is_item(texts[end + 1])):
            member[i : end + 1] = [False] * (end + 1 - i)
        i = end + 1
    return member


def _item_run(texts: list[str], at: int, member: Sequence[bool]) -> tuple[int, int]:
    """The contiguous run of list items around (or right after) sentence `at`."""
    lo = at + 1 if not member[at] else at
    while lo > 0 and member[lo - 1] and member[at]:
        lo -= 1
    hi = lo
    while hi < len(texts) and member[hi]:
        hi += 1
    return lo, hi


def introduces(
    lead_in: Picked,
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    chosen: set[tuple[int, int]],
) -> bool:
    """Whether a chosen sentence ending in a colon has any of its list's items chosen too."""
    texts = passage_sentences(top, index_sentences, lead_in.passage)
    if lead_in.sentence + 1 >= len(texts):
        return False
    member = _in_items(top[lead_in.passage].chunk.text, texts)
    lo, hi = _item_run(texts, lead_in.sentence, member)
    return any((lead_in.passage, si) in chosen for si in range(lo, max(hi, lo + 1)))


def _item_heads(
    out: list[Picked],
    where: dict[tuple[int, int], int],
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
) -> list[Picked]:
    """The item lines that chosen sentences continue, added to `out` (which they join there).

    A list item's second sentence ("Responsibility ... remained with PCTs, but they handed
    practices indicative budgets") chosen without its first was quoted as prose, cut off from
    the item it completes and from the lead-in that says what the list is. Returns the added
    first sentences, so that they bring their lists as a chosen item would."""
    heads: list[Picked] = []
    for i, p in enumerate(list(out)):
        if p.joins or is_item(p.text):
            continue
        texts = passage_sentences(top, index_sentences, p.passage)
        if p.sentence >= len(texts):
            continue
        member = _in_items(top[p.passage].chunk.text, texts)
        if not member[p.sentence]:
            continue
        head = p.sentence
        while head > 0 and member[head - 1] and not is_item(texts[head]):
            head -= 1
        if not is_item(texts[head]):
            continue
        out[i] = replace(p, joins=True)
        for si in range(head, p.sentence):
            if (p.passage, si) in where:
                continue
            where[(p.passage, si)] = len(out)
            out.append(Picked(p.passage, si, texts[si], p.score, joins=si > head))
            if si == head:
                heads.append(out[-1])
    return heads


def with_list_items(
    chosen: list[Picked],
    top: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    wants_list: bool,
) -> list[Picked]:
    """When the answer is a list in the source, give the list, not one item of it.

    A chosen sentence that introduces a list ("These are:") brings its items; so does a chosen
    list item when the question asks for several things ("what are ..."). A chosen item for a
    question that wants one thing brings only its list's introducing line.
    """
    out = list(chosen)
    where = {(p.passage, p.sentence): i for i, p in enumerate(out)}
    for p in [*chosen, *_item_heads(out, where, top, index_sentences)]:
        texts = passage_sentences(top, index_sentences, p.passage)
        intro = p.text.rstrip().endswith(":")
        several = False
        if is_item(p.text) and not wants_list and not intro:
            member = _in_items(top[p.passage].chunk.text, texts)
            lo, hi = _item_run(texts, p.sentence, member)
            # Several of its items chosen: the list is the answer, and six of ten tips under
            # "Ingredients for achieving this system of working:" read as the whole list.
            items = [si for si in range(lo, hi) if is_item(texts[si])]
            several = (
                sum((p.passage, si) in where for si in items) >= WHOLE_LIST_AT
                or 2 <= len(items) <= SHORT_LIST
                or (lo > 0 and bool(COUNTED_LEAD_IN.search(texts[lo - 1])))
            )
            if not several:
                # One item quoted for a question that wants one thing keeps the line that
                # introduces its list ("At worst:"), which says what the item is an item of.
                if lo > 0 and texts[lo - 1].rstrip().endswith(":") and (p.passage, lo - 1) not in where:
                    where[(p.passage, lo - 1)] = len(out)
                    out.append(Picked(p.passage, lo - 1, texts[lo - 1], p.score))
                continue
        if not (intro or (is_item(p.text) and (wants_list or several))):
            continue
        member = _in_items(top[p.passage].chunk.text, texts)
        lo, hi = _item_run(texts, p.sentence, member)
        if sum(is_item(t) for t in texts[lo:hi]) < 2:
            continue
        if intro is False and lo > 0 and texts[lo - 1].rstrip().endswith(":") and (p.passage, lo - 1) not in where:
            where[(p.passage, lo - 1)] = len(out)
            out.append(Picked(p.passage, lo - 1, texts[lo - 1], p.score))
        for si in range(lo, min(hi, lo + 10)):
            joins = not is_item(texts[si])
            at = where.get((p.passage, si))
            if at is None:
                where[(p.passage, si)] = len(out)
                out.append(Picked(p.passage, si, texts[si], p.score, joins))
            elif joins:
                out[at] = replace(out[at], joins=True)  # chosen alone before the list came
    return out


def with_named_lines(
    chosen: list[Picked], top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> list[Picked]:
    """An answer that is only lead-ins introducing nothing ("Our panel of six CCG leads were :"),
    with the lines each introduces when they are a list without bullets: two or more lines after
    it that name rather than state ("BT: Dr Bill Tamkin, shadow chair South Manchester CCG"),
    given as its items. Such lines are never chosen alone (`is_label`), and are brought only here:
    a lead-in chosen beside other sentences is dropped as before, so the list comes only when it
    is what was asked for."""
    out = list(chosen)
    for p in chosen:
        if not p.text.rstrip().endswith(":"):
            continue
        texts = passage_sentences(top, index_sentences, p.passage)
        named = []
        for si in range(p.sentence + 1, min(len(texts), p.sentence + 1 + MAX_NAMED_LINES)):
            if not is_label(texts[si]) or is_item(texts[si]):
                break
            named.append(Picked(p.passage, si, texts[si], p.score - 0.01, item=True))
        if len(named) >= 2:
            out.extend(named)
    return out
