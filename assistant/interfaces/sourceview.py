"""The source viewer's logic: which file a citation names, where its quote is, and the PDF page
rendered with the quoted sentences highlighted. No Streamlit here (views/3_Source.py draws it),
so all of it is testable as plain functions.

A citation is addressed by a URL the web chat and Slack both build (`source_url`):
`Source?doc=ID&page=N&chunk=CHUNK_ID&q=QUOTE`. Only `doc` is required. The document id must be
one the index knows, and the file it names must lie inside the corpus folder: nothing a visitor
types can make the viewer read any other file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from ..errors import AssistantError
from ..types import QUOTE_SEP, Chunk, Citation

# The page's url_path in app.py; a link relative to the app's root, so it also works under a
# server.baseUrlPath.
SOURCE_PAGE = "Source"
PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
# Same rule as manifest ids (ingest/manifest.py) and the slugs of files without an entry.
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,199}")
# A quote is at most a few sentences; a longer `q` is cut rather than searched for.
MAX_QUOTE_CHARS = 4000
# A quote split over a page break is found in part on each page; a part this short could match
# anywhere, so it is not trusted.
_MIN_PART_WORDS = 4
_MIN_PART_CHARS = 20
_CLOSING = set(".!?;:,)\"”’'")


class SourceError(AssistantError):
    """A source link that cannot be shown; the message is meant for the visitor."""


# --- addressing -----------------------------------------------------------------------------


def source_params(c: Citation, chunk_id: str | None = None) -> dict[str, str]:
    """The query parameters that open `c` in the viewer (its page, passage and quote)."""
    params = {"doc": c.doc_id}
    if c.page is not None:
        params["page"] = str(c.page)
    if chunk_id:
        params["chunk"] = chunk_id
    if c.quote:
        params["q"] = c.quote[:MAX_QUOTE_CHARS]
    return params


def source_url(c: Citation, chunk_id: str | None = None, base: str = "", max_chars: int = 0) -> str:
    """`Source?...` relative to the app (the web chat), or absolute under `base` (Slack).

    `max_chars` (when over 0) bounds the URL (a Slack text element holds 2,000 characters):
    the quote's last sentences are left out until it fits, then the whole quote.
    """
    prefix = base.rstrip("/") + "/" if base else ""
    params = source_params(c, chunk_id)
    parts = quote_parts(c.quote)
    while True:
        url = f"{prefix}{SOURCE_PAGE}?{urlencode(params)}"
        if not max_chars or len(url) <= max_chars or "q" not in params:
            return url
        parts = parts[:-1]
        if parts:
            params["q"] = QUOTE_SEP.join(parts)
        else:
            del params["q"]


def chunk_for(chunks: Iterable[Chunk], doc_id: str, text: str) -> Chunk | None:
    """The indexed passage a citation quotes from (a citation carries its text, not its id)."""
    return next((c for c in chunks if c.doc_id == doc_id and c.text == text), None)


def document_files(chunks: Iterable[Chunk]) -> dict[str, str]:
    """doc id → file name, for every document in the index."""
    return {c.doc_id: c.file for c in chunks}


def document_path(corpus_dir: Path, doc_id: str, files: Mapping[str, str]) -> Path:
    """The file of `doc_id`, which must be in the index and lie inside `corpus_dir`.

    Raises SourceError with a message for the visitor for anything else: an id that is not
    a document id, one the index does not know, or a file name that could leave the folder
    (even a link whose target is elsewhere).
    """
    if not doc_id:
        raise SourceError("No document was named. Open a source from an answer's source card.")
    if not _DOC_ID.fullmatch(doc_id):
        raise SourceError("That is not a document id. Open a source from an answer's source card.")
    name = files.get(doc_id)
    if name is None:
        raise SourceError(f"No document with the id '{doc_id}' is in the guidance corpus (it may have been removed).")
    plain = Path(name).name == name and "\\" not in name and "\x00" not in name and name not in {"", ".", ".."}
    root = corpus_dir.resolve()
    path = corpus_dir / name
    if not plain or not path.resolve().is_relative_to(root):
        raise SourceError(f"The document '{doc_id}' does not name a file inside the corpus folder.")
    if not path.is_file():
        raise SourceError(f"The file of '{doc_id}' is no longer in the corpus folder.")
    if path.suffix.lower() not in PDF_SUFFIXES | TEXT_SUFFIXES:
        raise SourceError(f"The document '{doc_id}' is not a type the viewer shows.")
    return path


def parse_page(raw: str | None) -> int | None:
    """A 1-based page number from a query parameter; None when absent or not a number."""
    if raw is None or not raw.strip().isdigit():
        return None
    return max(1, int(raw.strip()[:9]))


# --- finding a quote ------------------------------------------------------------------------


def quote_parts(quote: str) -> list[str]:
    """The sentences of a citation's quote (joined by " … " in `Citation.quote`)."""
    parts = [p.strip().removeprefix("•").strip() for p in quote[:MAX_QUOTE_CHARS].split(QUOTE_SEP)]
    return [p for p in parts if p]


def shown_quote(text: str, quote: str, item_sep: str = "\n") -> str:
    """A citation's quote as a reader sees it on a source card: sentences that follow one another
    in the passage `text` joined as the passage joins them (a new line, a list item's too, as
    `item_sep`), and the ellipsis of `Citation.quote` kept only where the quote skips something.
    "Our panel of six CCG leads were : … • BT: Dr Bill Tamkin ... … • SF: ..." read as if text
    had been left out between each line of a list quoted whole."""
    out = ""
    after: int | None = None  # where the previous sentence ends in `text`, when found
    for part in (p.strip() for p in quote.split(QUOTE_SEP)):
        if not part:
            continue
        spans = find_spans(text, part)
        if out:
            gap = text[after : spans[0][0]] if after is not None and spans and spans[0][0] >= after else None
            if gap is None or _GAP_TEXT.search(gap):
                out += QUOTE_SEP
            else:
                out += item_sep if "\n" in gap else " "
        out += part
        after = spans[-1][1] if spans else None
    return out


# Between two quoted sentences, a letter or digit is text the quote skips; space, bullets and a
# sentence's own closing marks ("were :") are not.
_GAP_TEXT = re.compile(r"[^\W_]")


def _folded(text: str) -> tuple[str, list[int]]:
    """Letters and digits only, lower-cased and NFKC-folded, with each one's offset in `text`.

    Matching on these ignores what differs between the index's text and a PDF's text layer:
    line breaks, hyphenation at a line end, ligatures, curly quotes, bullets, spacing.
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch).lower():
            if f.isalnum():
                out.append(f)
                where.append(i)
    return "".join(out), where


def _words(text: str) -> list[str]:
    return [w for w in (_folded(w)[0] for w in text.split()) if w]


def find_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Character spans of `text` holding the quote's sentences, sorted and not overlapping.

    A sentence not found whole may be split by a page break: its longest leading part found
    (at least a few words) and its longest trailing part are returned instead.
    """
    hay, where = _folded(text)
    spans: list[tuple[int, int]] = []

    def add(needle: str) -> bool:
        at = hay.find(needle) if needle else -1
        if at < 0:
            return False
        end = where[at + len(needle) - 1] + 1
        # The sentence's closing punctuation belongs to it ("… redesign." highlighted whole).
        while end < len(text) and text[end] in _CLOSING:
            end += 1
        spans.append((where[at], end))
        return True

    for part in quote_parts(quote):
        words = _words(part)
        if not words or add("".join(words)):
            continue
        for k in range(len(words) - 1, _MIN_PART_WORDS - 1, -1):
            head = "".join(words[:k])
            if len(head) >= _MIN_PART_CHARS and add(head):
                break
        for k in range(len(words) - 1, _MIN_PART_WORDS - 1, -1):
            tail = "".join(words[-k:])
            if len(tail) >= _MIN_PART_CHARS and add(tail):
                break
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


# --- text documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One indexed passage of the section shown; `spans` are the quote's place in `text`."""

    chunk_id: str
    text: str
    cited: bool
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class TextSection:
    """The section of a text document that holds the cited passage."""

    doc_id: str
    title: str
    section: str
    passages: list[Passage]

    @property
    def cited(self) -> Passage:
        return next(p for p in self.passages if p.cited)


def cited_chunk(chunks: Sequence[Chunk], doc_id: str, chunk_id: str | None, quote: str) -> Chunk:
    """The passage a link points at: by its id, else (an older link, a re-ingested document)
    the first passage of the document that holds the quote."""
    doc = sorted((c for c in chunks if c.doc_id == doc_id), key=lambda c: c.position)
    if not doc:
        raise SourceError(f"No document with the id '{doc_id}' is in the guidance corpus.")
    if chunk_id:
        for c in doc:
            if c.chunk_id == chunk_id:
                return c
    if quote_parts(quote):
        found = [(len(find_spans(c.text, quote)), -c.position, c) for c in doc]
        best = max(found, key=lambda f: f[:2])
        if best[0]:
            return best[2]
        raise SourceError(
            f"The quoted passage is no longer in '{doc[0].title}'; the document may have changed since this answer."
        )
    if chunk_id:
        raise SourceError(f"That passage is no longer in '{doc[0].title}'; the document may have changed.")
    return doc[0]


def text_section(chunks: Sequence[Chunk], doc_id: str, chunk_id: str | None, quote: str) -> TextSection:
    """The cited passage with the passages around it in the same section, in document order."""
    target = cited_chunk(chunks, doc_id, chunk_id, quote)
    doc = sorted((c for c in chunks if c.doc_id == doc_id), key=lambda c: c.position)
    at = next(i for i, c in enumerate(doc) if c.chunk_id == target.chunk_id)
    # The contiguous run of passages with the cited one's section path (a heading path may recur
    # further on, as a new section).
    lo = at
    while lo > 0 and doc[lo - 1].section == target.section:
        lo -= 1
    hi = at
    while hi + 1 < len(doc) and doc[hi + 1].section == target.section:
        hi += 1
    passages = [
        Passage(c.chunk_id, c.text, c is target, find_spans(c.text, quote) if c is target else [])
        for c in doc[lo : hi + 1]
    ]
    return TextSection(doc_id, target.title, target.section, passages)
