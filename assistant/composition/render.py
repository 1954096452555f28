"""An answer's text from the sentences chosen for it: ordered, marked with [n], lists as lists.

`compose.py` chooses the sentences; this writes them out. The lead sentence opens, what continues
it follows, then the other passages by the rank of their best sentence, each in source order;
list items go on their own lines; a sentence from mid-way through an interview turn names its
speaker; and each passage becomes one citation quoting every sentence the answer rests on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import is_item
from ..types import QUOTE_SEP, SECTION_SEP, SPEAKER_TURN, Chunk, Citation
from .picked import Picked
from .speakers import is_turn_reply

# A list item's bullet or number, which an answer's own "- " replaces.
ITEM_MARK = re.compile(r"^(• )?(\d{1,2}[.)]\s)?")


@dataclass
class Composition:
    text: str
    citations: list[Citation]
    # Numbers (of `citations`) whose sentences here were left out of `text` because an earlier
    # part of the same reply quotes them (`compose(shown=...)`): the reply points to them instead.
    above: tuple[int, ...] = ()
    # The headings of a list the source writes as numbered sections (outline.py): the whole
    # answer, in the source's words, which a generated answer would only restate.
    outline: bool = False
    # Every sentence was quoted by the conversation's previous answer: a follow-up that found
    # nothing closer than what the reader has just read (`compose(said_before=...)`).
    repeated: bool = False
    # A repeated answer to which sentences the previous answer did not quote were added.
    more: bool = False


def _listed(p: Picked) -> bool:
    """Whether `p` is shown as a list item: a bulleted or numbered line, or a line of a list
    written without bullets (`Picked.item`)."""
    return p.item or is_item(p.text)


def _before(p: Picked, lead: Picked | None) -> bool:
    """Whether `p` comes before the lead in the lead's passage: those follow what continues it.
    A turn's bare reply just before the lead does not ("TB (...): Definitely." before "We've
    already done one for cataract surgery ..."): it opens with the lead, as its speaker said it."""
    return (
        lead is not None
        and p.passage == lead.passage
        and p.sentence < lead.sentence
        and not (p.sentence == lead.sentence - 1 and is_turn_reply(p.text) and not SPEAKER_TURN.match(lead.text))
    )


def _replied_by(p: Picked, lead: Picked | None) -> bool:
    """Whether `p` is the bare reply ("Definitely.", "Second wave.") whose turn the lead goes on."""
    return lead is not None and p.passage == lead.passage and p.sentence == lead.sentence - 1 and not _before(p, lead)


def rendered(
    chosen: list[Picked],
    top: Sequence[Candidate],
    said: dict[int, list[str | None]],
    lead: Picked | None = None,
    shown: frozenset[str] = frozenset(),
    again: bool = False,
) -> Composition:
    """`again`: the lead is quoted though `shown` holds it (it is this part's answer too)."""
    # Order: the lead sentence first, then what follows it in its passage, then the passage's
    # earlier sentences; then the other passages by the rank of their best sentence, each in
    # source order.
    first_rank: dict[int, int] = {}
    for rank, p in enumerate(sorted(chosen, key=lambda p: -p.score)):
        first_rank.setdefault(p.passage, rank)
    if lead is not None:
        first_rank[lead.passage] = -1

    def opens(p: Picked) -> bool:
        return p is lead or _replied_by(p, lead)

    ordered = sorted(chosen, key=lambda p: (first_rank[p.passage], not opens(p), _before(p, lead), p.sentence))
    numbers: dict[int, int] = {}
    for p in ordered:
        numbers.setdefault(p.passage, len(numbers) + 1)
    voice: tuple[int, str] | None = None  # whose words the answer quoted last
    parts: list[str] = []
    quoting = ordered  # the citations quote all this part rests on, printed here or above
    ordered, above = _unshown(ordered, shown, numbers, lead if again else None)
    for i, p in enumerate(ordered):
        n = numbers[p.passage]
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        text = _quotes_closed(_opened_before(top[p.passage].chunk.text, p.text) + p.reads.strip())
        opened = SPEAKER_TURN.match(text)
        speaker = (said.get(p.passage, [])[p.sentence : p.sentence + 1] or [None])[0]  # `speaker_of` each sentence
        if speaker is not None and not opened and voice != (p.passage, speaker) and not _listed(p):
            text = f"{speaker} {text}"  # a quote from mid-turn names who said it
        voice = (p.passage, speaker) if speaker is not None else None
        closes = nxt is None or nxt.passage != p.passage or not (_listed(nxt) or nxt.joins)
        joined = nxt is not None and nxt.passage == p.passage and nxt.joins
        if p.joins and parts and parts[-1].startswith("\n- "):
            line = text if joined else text.rstrip(";,.")
            parts[-1] += f" {line}" + (f" [{n}]" if closes else "")
        elif _listed(p):
            heading = _heading_lead_in(top[p.passage].chunk, text) if not _same_list(ordered, i) else None
            if heading:
                parts.append(f"\n{heading}")
            item = ITEM_MARK.sub("", text)
            if not joined:
                item = item.rstrip(";,.").removesuffix(" and").rstrip(";,")
            parts.append(f"\n- {item}" + (f" [{n}]" if closes else ""))
        elif text.endswith(":") and nxt is not None and _listed(nxt):
            parts.append(("\n" if parts else "") + text)
        else:
            # A turn's bare reply and the sentence after it in the turn are one quote ("TB (...):
            # Definitely. We've already done one for cataract surgery ... [1]"): one marker.
            replied = (
                nxt is not None
                and is_turn_reply(text)
                and (nxt.passage, nxt.sentence) == (p.passage, p.sentence + 1)
                and not SPEAKER_TURN.match(nxt.text)  # "SF (...): Dementia." is a whole turn
            )
            mark = "" if replied else f" [{n}]"
            parts.append(("\n" if parts and parts[-1].startswith("\n- ") else " " if parts else "") + f"{text}{mark}")
    body = "".join(parts).strip()
    citations = []
    for passage, n in sorted(numbers.items(), key=lambda kv: kv[1]):
        chunk = top[passage].chunk
        quote = QUOTE_SEP.join(
            p.quoted.strip() for p in sorted((p for p in quoting if p.passage == passage), key=lambda p: p.sentence)
        )
        citations.append(citation(n, chunk, quote))
    return Composition(body, citations, above)


def _same_list(ordered: list[Picked], i: int) -> bool:
    """Whether the line before `ordered[i]` (an item) is of its passage: its lead-in or an item."""
    return i > 0 and ordered[i - 1].passage == ordered[i].passage


def _heading_lead_in(chunk: Chunk, item: str) -> str | None:
    """The heading introducing a list that opens its passage ("Drawbacks of commissioning"), as
    the line before its items when the answer has said something else first: without it the
    items read as more of that. None when the list has a sentence of its own to introduce it."""
    lines = [line.strip() for line in chunk.text.splitlines() if line.strip()]
    at = next((k for k, line in enumerate(lines) if item[:60] in line), None)
    if at is None or not all(is_item(line) for line in lines[: at + 1]):
        return None
    heading = chunk.section.split(SECTION_SEP)[-1].strip()
    if not heading:
        return None
    return heading if heading.endswith(("?", ":")) else f"{heading}:"


def _opened_before(passage: str, sentence: str) -> str:
    """The quotation mark of a quotation its paragraph opened before `sentence` and has not
    closed, or "". A sentence from the middle of a long quotation (Robert Stewart's, running over
    several sentences of the Kent article) was shown bare, as the article's narration."""
    at = passage.find(sentence)
    if at <= 0:
        return ""
    before = passage[passage.rfind("\n", 0, at) + 1 : at]
    if before.count("“") > before.count("”"):
        return "“"
    return '"' if before.count('"') % 2 else ""


def _quotes_closed(text: str) -> str:
    """A sentence quoted from inside a longer quotation ("“To help with ongoing development,
    support is being given ...") with its quotation marks balanced, so that the answer does not
    read as if the quotation ran on past the sentence. The words are the source's. Straight
    marks (a plain-text source's "Do the pre-op assessment at the surgery, ...) pair up by where
    they stand: one after a space, a colon or the start opens a quotation, any other closes one.
    So "... needn't concern me: "I'm not a GP." is closed at its end, not opened at its start."""
    if text.count('"') % 2:
        unclosed = unopened = 0
        for i, char in enumerate(text):
            if char != '"':
                continue
            if i == 0 or text[i - 1].isspace() or text[i - 1] in "(:[—–-":
                unclosed += 1
            elif unclosed:
                unclosed -= 1
            else:
                unopened += 1
        text = '"' * unopened + text + '"' * unclosed
    opening, closing = text.count("“"), text.count("”")
    if opening > closing:
        return text + "”" * (opening - closing)
    if closing > opening:
        return "“" * (closing - opening) + text
    return text


def _unshown(
    ordered: list[Picked], shown: frozenset[str], numbers: dict[int, int], lead: Picked | None = None
) -> tuple[list[Picked], tuple[int, ...]]:
    """`ordered` without the sentences an earlier part printed, and the numbers of their passages.

    A list's lead-in stays while any of its items is new (the items need it), and an item's
    continuation goes with its item. `lead`, when given, is this part's answer and quoted again: left
    out, the part's own answer sat under an earlier ask and this one opened "Besides the passages
    quoted above ([1]), the guidance says:" and what came next ("How much of the budget do they
    control?" after "How many CCGs are there?", both answered by one sentence). With it, the part
    needs no pointer."""
    if not shown:
        return ordered, ()
    # (`compose` gives the lead only when `shown` holds it and it answers this part.)
    again = lead is not None and not _listed(lead) and not lead.text.rstrip().endswith(":")
    keep: list[Picked] = []
    above: set[int] = set()
    dropped_item = False
    for i, p in enumerate(ordered):
        text = p.quoted.strip()  # as `shown` holds it: what the earlier part printed
        if p.joins:
            gone = dropped_item
        else:
            gone = text in shown
            if gone and text.endswith(":") and _new_item_follows(ordered, i, shown):
                gone = False
            dropped_item = gone and _listed(p)
        if gone and again and p is lead:
            gone = False
        if gone:
            above.add(numbers[p.passage])
        else:
            keep.append(p)
    # A new lead-in whose items were all printed above would end on a colon with nothing after it.
    keep = [
        p
        for i, p in enumerate(keep)
        if not (
            p.text.rstrip().endswith(":")
            and not (i + 1 < len(keep) and keep[i + 1].passage == p.passage and _listed(keep[i + 1]))
            and any(o.passage == p.passage and _listed(o) for o in ordered)
        )
    ]
    return keep, () if again else tuple(sorted(above))


def _new_item_follows(ordered: list[Picked], i: int, shown: frozenset[str]) -> bool:
    """Whether any item of the list `ordered[i]` introduces is not printed above: the lead-in
    stays for it, though the items before it were printed."""
    for p in ordered[i + 1 :]:
        if p.passage != ordered[i].passage or not (_listed(p) or p.joins):
            return False
        if not p.joins and p.quoted.strip() not in shown:
            return True
    return False


def citation(n: int, chunk: Chunk, quote: str) -> Citation:
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        file=chunk.file,
        title=chunk.title,
        publisher=chunk.publisher,
        published=chunk.published,
        section=chunk.section_of(quote),
        page=chunk.page_of(quote),
        text=chunk.text,
        quote=quote,
        approximate=chunk.approximate,
    )
