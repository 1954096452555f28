"""The source viewer's logic: which file a citation names, where its quote is, and the PDF page
rendered with the quoted sentences highlighted. No Streamlit here (views/3_Source.py draws it),
so all of it is testable as plain functions.

A citation is addressed by a URL the web chat and Slack both build (`source_url`):
`Source?doc=ID&page=N&chunk=CHUNK_ID&q=QUOTE`. Only `doc` is required. The document id must be
one the index knows, and the file it names must lie inside the corpus folder: nothing a visitor
types can make the viewer read any other file.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
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
# What the highlighter multiplies the page with: white paper becomes this colour, black text
# stays black (contrast kept, as with a real highlighter pen). Tests look for this colour.
HIGHLIGHT_RGB = (255, 214, 10)
# A quote split over a page break is found in part on each page; a part this short could match
# anywhere, so it is not trusted.
_MIN_PART_WORDS = 4
_MIN_PART_CHARS = 20
_CLOSING = set(".!?;:,)\"”’'")
# pdfium is not thread-safe, and Streamlit runs each session in its own thread.
_PDFIUM = threading.Lock()


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


# --- PDF pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A highlighted rectangle in the rendered image's pixels."""

    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class PdfPage:
    """One page rendered as PNG, with the boxes highlighted on it."""

    number: int  # 1-based
    count: int  # pages in the document
    png: bytes
    width: int
    height: int
    boxes: list[Box]
    # How many of the quote's sentences were found (whole or in part) on this page, of how many.
    found: int
    parts: int


def pdf_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(path)
        try:
            return len(pdf)
        finally:
            pdf.close()


def render_pdf_page(path: Path, number: int, quote: str = "", scale: float = 2.0) -> PdfPage:
    """Page `number` (1-based) of the PDF at `path` as PNG, with the quote's sentences
    highlighted where the page's text layer has them. Raises SourceError for a page that does
    not exist or a file pdfium cannot open."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            raise SourceError(f"{path.name} cannot be opened as a PDF ({exc}).") from exc
        try:
            count = len(pdf)
            if not 1 <= number <= count:
                raise SourceError(f"{path.name} has pages 1 to {count}; there is no page {number}.")
            page = pdf[number - 1]
            try:
                image = page.render(scale=scale).to_pil().convert("RGB")
                textpage = page.get_textpage()
                try:
                    text, boxes_pt = _chars(textpage)
                finally:
                    textpage.close()
                parts = quote_parts(quote)
                spans = find_spans(text, quote) if parts else []
                found = sum(1 for p in parts if find_spans(text, p))
                boxes = [_to_device(page, image.width, image.height, r) for r in _line_rects(spans, text, boxes_pt)]
            finally:
                page.close()
        finally:
            pdf.close()
    _highlight(image, boxes)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return PdfPage(number, count, buf.getvalue(), image.width, image.height, boxes, found, len(parts))


def quote_page(path: Path, first: int, quote: str, look_ahead: int = 2) -> int:
    """The page a citation should open at: `first` (its passage's first page) unless the quote
    starts on one of the next `look_ahead` pages instead (a passage may begin at the foot of a
    page and the quoted sentences follow overleaf). Reads only the text layer."""
    import pypdfium2 as pdfium

    if not quote_parts(quote):
        return first
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError:
            return first
        try:
            for number in range(first, min(first + look_ahead, len(pdf)) + 1):
                page = pdf[number - 1]
                textpage = page.get_textpage()
                try:
                    if find_spans(_chars(textpage)[0], quote):
                        return number
                finally:
                    textpage.close()
                    page.close()
        finally:
            pdf.close()
    return first


Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def _chars(textpage: object) -> tuple[str, list[Rect | None]]:
    """The page's characters, one per pdfium char index (so offsets in the text are char
    indices), and each one's box; None for characters pdfium generated (spaces, line breaks)."""
    import pypdfium2.raw as raw

    handle = textpage.raw  # type: ignore[attr-defined]
    n = raw.FPDFText_CountChars(handle)
    chars: list[str] = []
    boxes: list[Rect | None] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for i in range(n):
        code = raw.FPDFText_GetUnicode(handle, i)
        ch = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else " "
        chars.append(ch)
        generated = raw.FPDFText_IsGenerated(handle, i) == 1
        if generated or ch.isspace() or not raw.FPDFText_GetCharBox(handle, i, left, right, bottom, top):
            boxes.append(None)
        else:
            boxes.append((left.value, bottom.value, right.value, top.value))
    return "".join(chars), boxes


def _line_rects(spans: Sequence[tuple[int, int]], text: str, boxes: Sequence[Rect | None]) -> list[Rect]:
    """The characters of `spans` merged into one rectangle per line of text."""
    rects: list[list[float]] = []
    for s, e in spans:
        current: list[float] | None = None
        for i in range(s, e):
            b = boxes[i]
            if b is None:
                continue
            left, bottom, right, top = b
            if current is not None:
                overlap = min(top, current[3]) - max(bottom, current[1])
                height = min(top - bottom, current[3] - current[1]) or 1.0
                # Same line: the boxes overlap vertically, this one does not start back at the
                # left (a wrapped line with tight leading does) and is not far to the right
                # (text in the next column at the same height).
                near = current[0] - 2 <= left <= current[2] + 3 * height
                if overlap > 0.5 * height and near:
                    current[0], current[1] = min(current[0], left), min(current[1], bottom)
                    current[2], current[3] = max(current[2], right), max(current[3], top)
                    continue
            current = [left, bottom, right, top]
            rects.append(current)
    return [(r[0], r[1], r[2], r[3]) for r in rects]


def _to_device(page: object, width: int, height: int, rect: Rect, pad: float = 1.5) -> Box:
    """PDF points → pixels of the rendered image, through pdfium (crop box and /Rotate kept)."""
    import pypdfium2.raw as raw

    left, bottom, right, top = rect
    xs, ys = [], []
    for x, y in ((left - pad, bottom - pad), (right + pad, top + pad)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y, dx, dy)  # type: ignore[attr-defined]
        xs.append(dx.value)
        ys.append(dy.value)
    return Box(max(0, min(xs)), max(0, min(ys)), min(width, max(xs)), min(height, max(ys)))


def _highlight(image: object, boxes: Sequence[Box]) -> None:
    """Multiply the boxes' pixels by the highlight colour, once each even where lines' boxes
    overlap (a second pass would darken the overlap into a stripe)."""
    from PIL import Image, ImageChops, ImageDraw

    assert isinstance(image, Image.Image)
    if not boxes:
        return
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    for box in boxes:
        if box.right > box.left and box.bottom > box.top:
            draw.rectangle((box.left, box.top, box.right - 1, box.bottom - 1), fill=255)
    marked = ImageChops.multiply(image, Image.new("RGB", image.size, HIGHLIGHT_RGB))
    image.paste(marked, (0, 0), mask)
