"""PDF loading (pypdf): font-size headings, running headers and footers dropped, wrapped lines
rejoined into paragraphs, and the offset where each page starts in the canonical text."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

from assistant.errors import IngestError

from .clean import contents_lines, drop_emphasis_marks, is_boilerplate, normalise_unicode
from .limits import Limits, Loaded, too_long

_TERMINAL = tuple('.?!:;"”’)')
_OPEN_END = re.compile(r"([,(&/–—-]|\b(and|or|of|the|a|an|to|for|in|on|with|by|from|at))\s*$", re.I)


def load_pdf(path: Path, raw: bytes, limits: Limits) -> Loaded:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%%EOF" not in raw[-2048:]:
        raise IngestError(f"{path.name}: truncated or damaged PDF (no end-of-file marker)")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{path.name}: encrypted PDF; save an unprotected copy and ingest that")
        pages = list(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"{path.name}: cannot read PDF ({exc})") from exc

    # First pass: text lines per page and the font size of every text run.
    page_lines: list[list[str]] = []
    sizes: Counter[float] = Counter()
    run_size: dict[str, float] = {}
    run_bold: dict[str, bool] = {}  # every run of this text is set in a bold face
    extracted = 0
    try:
        for page in pages:
            runs: list[tuple[str, float, bool]] = []

            def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
                if text.strip():
                    runs.append((text, round(abs(size * (tm[0] if tm and tm[0] else 1.0)), 1), _bold(font)))

            text = page.extract_text(visitor_text=visit) or ""
            for run_text, run_pt, bold in runs:
                sizes[run_pt] += len(run_text.strip())
                key = normalise_unicode(run_text).strip()
                if key:
                    run_size[key] = max(run_pt, run_size.get(key, 0.0))
                    run_bold[key] = bold and run_bold.get(key, True)
            page_lines.append([drop_emphasis_marks(ln).rstrip() for ln in normalise_unicode(text).split("\n")])
            # Stop extracting once over the limit instead of reading every page first.
            extracted += sum(len(ln) + 1 for ln in page_lines[-1])
            if extracted > limits.max_document_chars:
                raise too_long(path.name, extracted, limits)
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged content streams
        raise IngestError(f"{path.name}: cannot extract text from PDF ({type(exc).__name__}: {exc})") from exc
    if sum(len(re.findall(r"[A-Za-z]{2,}", " ".join(ls))) for ls in page_lines) < 3:
        raise IngestError(f"{path.name}: PDF has no extractable text (scanned images need OCR first)")

    body = sizes.most_common(1)[0][0] if sizes else 0.0
    # Heading sizes: larger than body text, largest first → levels 1, 2, 3...
    heading_sizes = sorted({s for s in sizes if s > body + 0.5}, reverse=True)[:4]
    level_of = {s: i + 1 for i, s in enumerate(heading_sizes)}
    footer = _running_lines(page_lines)
    lengths = [len(ln) for ls in page_lines for ln in ls if ln.strip()]
    full = statistics.quantiles(lengths, n=10)[7] if len(lengths) >= 10 else 80

    out = _CanonicalWriter()
    for number, lines in enumerate(page_lines, start=1):
        out.mark_page(number)
        contents = contents_lines(lines)
        for i, line in enumerate(lines):
            s = line.strip()
            if not s or i in contents or _footer_key(s) in footer or is_boilerplate(s):
                continue
            size = run_size.get(s)
            if size in level_of:
                out.heading(level_of[size], s)
            elif s.startswith(("•", "◦", "▪")):
                out.item("• " + s.lstrip("•◦▪ ").strip())
            else:
                out.line(s, full)
                if run_bold.get(s) and _TITLE.match(s) and len(s.split()) <= _TITLE_WORDS:
                    out.title_if_alone(s)
    text, marks = out.finish()
    return Loaded(text, marks, out.titles)


# A line of body-size text set wholly in bold, short, capitalised, with no comma and not ending
# as a sentence or a quote ends, standing as a paragraph of its own, is a piece's run-in title
# ("Will it widen the rift?", "A partner’s perspective"). Bylines have commas ("Fiona Godlee,
# editor, BMJ"); pull quotes are quoted or end with a stop.
_TITLE = re.compile(r"""^(?=[A-Z0-9])[^,]{2,}(?<![.,;:”"’'])$""")
_TITLE_WORDS = 8


def _bold(font: object) -> bool:
    name = font.get("/BaseFont") if isinstance(font, dict) else None
    return isinstance(name, str) and "bold" in name.lower()


def _footer_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip()).lower()


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Lines repeated (digits aside) on most pages: running headers and footers."""
    if len(page_lines) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        content = [ln for ln in lines if ln.strip()]
        # Only the first and last line of a page can be a running header or footer.
        counts.update({_footer_key(ln) for ln in content[:1] + content[-1:]})
    return {k for k, n in counts.items() if n >= max(3, len(page_lines) // 2)}


class _CanonicalWriter:
    """Reassembles PDF lines into paragraphs and headings, tracking page start offsets."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.kind = ""  # kind of the open block: "", "p", "item", "h"
        self.level = 0
        self.pending_pages: list[int] = []
        self.marks: list[tuple[int, int]] = []
        self.length = 0  # length of "\n\n".join(blocks)
        self.last_len = 0  # length of the last source line taken
        self.titles: list[tuple[int, str]] = []

    def _flush_pages(self, offset: int) -> None:
        for p in self.pending_pages:
            self.marks.append((offset, p))
        self.pending_pages.clear()

    def _open(self, text: str, kind: str, sep: str = "\n\n") -> None:
        if not self.blocks:
            self._flush_pages(0)
            self.blocks.append(text)
            self.length = len(text)
        elif sep == "\n":  # next item of the same list: same block
            self._flush_pages(self.length + 1)
            self.blocks[-1] += "\n" + text
            self.length += 1 + len(text)
        else:
            self._flush_pages(self.length + 2)
            self.blocks.append(text)
            self.length += 2 + len(text)
        self.kind = kind

    def _extend(self, text: str, joiner: str) -> None:
        offset = self.length + len(joiner)
        self._flush_pages(offset)
        self.blocks[-1] += joiner + text
        self.length += len(joiner) + len(text)

    def mark_page(self, number: int) -> None:
        self.pending_pages.append(number)

    def heading(self, level: int, text: str) -> None:
        if self.kind == "h" and self.level == level:
            self._extend(text, " ")  # a heading wrapped over two lines
            return
        self._open("#" * level + " " + text, "h")
        self.level = level

    def title_if_alone(self, text: str) -> None:
        """Record the line just taken as a run-in title, if it opened a paragraph of its own."""
        if self.kind == "p" and self.blocks and self.blocks[-1] == text:
            self.titles.append((self.length - len(text), text))

    def item(self, text: str) -> None:
        self._open(text, "item", "\n" if self.kind == "item" else "\n\n")
        self.last_len = len(text)

    def line(self, text: str, full: float) -> None:
        if self.kind in {"p", "item"} and self.blocks:
            prev = self.blocks[-1].rsplit("\n", 1)[-1]
            # Short, or (a line with no closing stop: a byline, a caption) short enough that the
            # next line's first word would have fitted on it: a wrapped line breaks only where the
            # next word does not fit.
            fits = self.last_len + 1 + len(text.split()[0]) <= full
            short = self.last_len < 0.8 * full or (fits and not prev.endswith(_TERMINAL))
            # A wrapped line fills the width. A short line that is not left open (by a comma, a
            # dash, "and") and is followed by a capital ends its unit even without a full stop:
            # a byline ("Douglas Smallwood, GP commissioning support team"), a list item, a
            # timeline date. A line starting in lower case always continues (bullets wrap
            # narrower than text).
            closed = prev.endswith(_TERMINAL) or self.kind == "item" or not _OPEN_END.search(prev)
            ended = short and closed and not text[:1].islower()
            if not ended:
                if re.search(r"[A-Za-z]-$", prev) and text[:1].islower():
                    self.blocks[-1] = self.blocks[-1][:-1]
                    self.length -= 1
                    self._extend(text, "")
                else:
                    self._extend(text, " ")
                self.last_len = len(text)
                return
        self._open(text, "p")
        self.last_len = len(text)

    def finish(self) -> tuple[str, list[tuple[int, int]]]:
        text = "\n\n".join(self.blocks)
        if self.length != len(text):  # pragma: no cover - guards the offset bookkeeping
            raise AssertionError("PDF page offsets out of step with the text")
        return text, self.marks
