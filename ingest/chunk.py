"""Sections → chunks of roughly 80–300 words, split on sentence boundaries, never across sections."""

from __future__ import annotations

import hashlib
import json
import re

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.errors import IngestError
from assistant.retrieval.sentence_kinds import is_item
from assistant.types import Chunk

from .limits import Loaded
from .manifest import DocMeta
from .structure import sections

TARGET_WORDS = 220
MIN_WORDS = 80


def _words(text: str) -> int:
    return len(text.split())


def _splitter() -> RecursiveCharacterTextSplitter:
    # Paragraphs first, then list items/lines, then sentence ends; word-counted so that chunk
    # size means the same in a PDF and a web page.
    return RecursiveCharacterTextSplitter(
        separators=[r"\n\n", r"\n", r"(?<=[.!?])\s+(?=[A-Z“\"‘(•0-9])", r"(?<=[;:])\s+", r"\s+"],
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=TARGET_WORDS,
        chunk_overlap=0,
        length_function=_words,
        strip_whitespace=True,
    )


def chunk_id(doc_id: str, position: int, text: str) -> str:
    return hashlib.sha256(f"{doc_id}\x00{position}\x00{text}".encode()).hexdigest()[:24]


def with_headings(loaded: Loaded, meta: DocMeta) -> Loaded:
    """The text with the manifest's `headings` inserted, each before the first line that starts
    with its `before` (after any heading marks); a page that began at that line begins at the
    heading. An anchor the text lacks is an error naming the file and the field."""
    text, pages, titles = loaded.text, list(loaded.pages), list(loaded.titles)
    for before, title, level in meta.headings:
        words = [re.escape(w) for w in before.split()]
        found = re.search(r"(?m)^(?:#{1,6}[ \t]+)?" + r"\s+".join(words), text)
        if found is None:
            raise IngestError(
                f"{meta.file}: manifest field 'headings': {before!r} begins no line of the document "
                "(copy the first words of the line the heading goes before)"
            )
        at, line = found.start(), "#" * level + " " + title + "\n\n"
        text = text[:at] + line + text[at:]
        pages = [(o + len(line) if o > at else o, n) for o, n in pages]
        titles = [(o + len(line) if o >= at else o, t) for o, t in titles]
    return Loaded(text, pages, titles) if meta.headings else loaded


def chunk_document(loaded: Loaded, meta: DocMeta, doc_hash: str) -> list[Chunk]:
    splitter = _splitter()
    chunks: list[Chunk] = []
    loaded = with_headings(loaded, meta)
    text = loaded.text
    excluded = {x: " ".join(x.split()).lower() for x in meta.exclude}
    used: set[str] = set()
    for section in sections(text, meta.title):
        body = text[section.start : section.end]
        pieces = [p for p in splitter.split_text(body) if len(p.split()) >= 4 or _whole_statement(p, body)]
        pieces = _keep_list_tails(_keep_lead_ins_with_lists(_merge_short(pieces)))
        cursor = 0
        for piece in pieces:
            # Locate the piece in the section body to keep an exact character span.
            first = piece.split()[0]
            at = body.find(first, cursor)
            start = at if at >= 0 else cursor
            end = _span_end(body, start, piece)
            cursor = end
            span = body[start:end]
            if excluded:
                flat = " ".join(span.split()).lower()
                hit = [x for x, low in excluded.items() if low in flat]
                if hit:
                    used.update(hit)
                    continue
            position = len(chunks)
            at = section.start + start
            breaks = tuple((o - at, n) for o, n in loaded.pages if at < o < section.start + end)
            # The piece a passage opens in keeps its title (at 0), as long as it is this section's.
            before = [t for o, t in loaded.titles if section.start <= o <= at][-1:]
            inside = [(o - at, t) for o, t in loaded.titles if at < o < section.start + end]
            titles = tuple([(0, t) for t in before] + inside)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id(meta.doc_id, position, span),
                    doc_id=meta.doc_id,
                    file=meta.file,
                    title=meta.title,
                    publisher=meta.publisher,
                    published=meta.published,
                    section=section.path,
                    page=loaded.page_at(at),
                    start=section.start + start,
                    end=section.start + end,
                    text=span,
                    position=position,
                    doc_hash=doc_hash,
                    notice=meta.notice,
                    approximate=meta.published_approximate,
                    audience=meta.audience,
                    shorthand=json.dumps(dict(meta.shorthand), ensure_ascii=False) if meta.shorthand else "",
                    page_breaks=breaks,
                    titles=titles,
                )
            )
    unused = [x for x in meta.exclude if x not in used]
    if unused:
        raise IngestError(
            f"{meta.file}: manifest field 'exclude': {unused[0]!r} is in no passage of the document "
            "(check its spelling against the text, or remove it)"
        )
    return chunks


def _whole_statement(piece: str, body: str) -> bool:
    """Whether a piece of under four words is all its section says, in words: a timeline's entry
    ("October 2010" › "Pathfinder consortiums identified") is the only place its event is told,
    and dropping it as a stray line lost it. A lone link, or a page number, is not one."""
    words = piece.split()
    return piece.strip() == body.strip() and sum(w.strip(".,;:").isalpha() for w in words) >= 2


def _merge_short(pieces: list[str]) -> list[str]:
    """Fold a short tail piece into its neighbour when the result stays near the target."""
    out: list[str] = []
    for p in pieces:
        if (
            out
            and (_words(p) < MIN_WORDS // 2 or _words(out[-1]) < MIN_WORDS // 2)
            and (_words(out[-1]) + _words(p) <= TARGET_WORDS * 1.35)
        ):
            out[-1] = out[-1] + "\n" + p
        else:
            out.append(p)
    return out


def _keep_lead_ins_with_lists(pieces: list[str]) -> list[str]:
    """A chunk never ends on a list's lead-in ("The main threats are:"): the lead-in moves to
    the next chunk, with the list it introduces."""
    out = list(pieces)
    for i in range(len(out) - 1):
        head, sep, last = out[i].rstrip().rpartition("\n")
        if not last.rstrip().endswith(":"):
            # The lead-in may be the last sentence of a paragraph line.
            head, sep, last = out[i].rstrip().rpartition(". ")
            head, last = (head + ".", last) if sep else (head, last)
            if not last.rstrip().endswith(":"):
                continue
        if head.strip():
            out[i] = head.rstrip()
            out[i + 1] = last.strip() + "\n" + out[i + 1]
    return [p for p in out if p.strip()]


def _keep_list_tails(pieces: list[str]) -> list[str]:
    """A list's last few items stay with the rest of it: "Consortiums need to tackle five key
    questions:" answered with four, the fifth opening the next chunk, read as a list of four. A
    tail of up to MIN_WORDS words moves back; a longer one is a list too long for one chunk."""
    out = list(pieces)
    for i in range(len(out) - 1):
        lines = [x for x in out[i].rstrip().split("\n") if x.strip()]
        if not lines or not is_item(lines[-1].strip()):
            continue
        rest = [x for x in out[i + 1].strip().split("\n") if x.strip()]
        n = 0
        while n < len(rest) and is_item(rest[n].strip()):
            n += 1
        tail = rest[:n]
        if not tail or _words(" ".join(tail)) > MIN_WORDS:
            continue
        out[i] = out[i].rstrip() + "\n\n" + "\n\n".join(tail)
        out[i + 1] = "\n\n".join(rest[n:])
    return [p for p in out if p.strip()]


def _span_end(body: str, start: int, piece: str) -> int:
    """End offset in `body` after the words of `piece`, matched word by word from `start`."""
    pos = start
    for word in piece.split():
        found = body.find(word, pos)
        if found < 0:
            break
        pos = found + len(word)
    return pos
