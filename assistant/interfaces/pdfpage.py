"""A cited PDF page rendered for the source viewer, with the quoted sentences highlighted where
the page's text layer holds them (pdfium). Where the quote is in the text is `sourceview.py`'s
to say; this module draws it. No Streamlit here (views/3_Source.py shows the image)."""

from __future__ import annotations

import ctypes
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .sourceview import SourceError, find_spans, quote_parts

# What the highlighter multiplies the page with: white paper becomes this colour, black text
# stays black (contrast kept, as with a real highlighter pen). Tests look for this colour.
HIGHLIGHT_RGB = (255, 214, 10)
# pdfium is not thread-safe, and Streamlit runs each session in its own thread.
_PDFIUM = threading.Lock()


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
