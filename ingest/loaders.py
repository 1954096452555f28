"""Loaders: one per file type, each returning the document as canonical text.

Canonical text is markdown-like: `#` headings, paragraphs separated by blank lines, list
items as `• ` lines. Every later step (sections, chunks, character spans) works on it, so a
PDF, a web page and a plain-text export are treated alike.

Every loader works within `Limits` (limits.py) (file size, text length, line length, HTML depth), failing
with an IngestError that names the file and the limit; ingest/bounded.py adds the time limit.
"""

from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path
from typing import Any

from assistant.errors import IngestError

from .clean import clean_lines, is_boilerplate, is_link_text, normalise_unicode, tidy
from .limits import Limits, Loaded, check_file_size, check_text
from .structure import outline_plain


def load(path: Path, title: str, limits: Limits | None = None) -> Loaded:
    """Load `path` into canonical text. Raises IngestError naming the file and the reason."""
    limits = limits or Limits()
    suffix = path.suffix.lower()
    try:
        check_file_size(path.name, path.stat().st_size, limits)
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({exc.strerror})") from exc
    check_file_size(path.name, len(raw), limits)  # it may have grown since stat()
    if not raw.strip():
        raise IngestError(f"{path.name}: the file is empty")
    if suffix == ".pdf":
        from .pdf import load_pdf  # here, not at the top: pdf.py builds on this module

        loaded = load_pdf(path, raw, limits)
    else:
        text = _decode(path, raw)
        if suffix in {".html", ".htm"}:
            # Markup lines are often long (minified pages): only the extracted text is measured.
            loaded = Loaded(_html_to_canonical(text, path.name, limits))
        else:
            check_text(path.name, text, limits)
            if suffix in {".md", ".markdown"}:
                loaded = Loaded(_markdown_to_canonical(text))
            else:
                loaded = Loaded(outline_plain(clean_lines(text), title))
    # Canonical text too: NFKC can lengthen text, and what is chunked must be within bounds.
    check_text(path.name, loaded.text, limits)
    if len(re.findall(r"[A-Za-z]{2,}", loaded.text)) < 3:
        raise IngestError(f"{path.name}: no readable text found")
    return loaded


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows tools ("Unicode" in Notepad, Word's text export) write UTF-16 with a byte-order
        # mark; its NUL high bytes are not binary content. The codec reads and drops the mark.
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{path.name}: not valid UTF-16 text ({exc.reason} at byte {exc.start});"
                " save it as UTF-8 and ingest again"
            ) from exc
        return _refuse_controls(path, text)
    if b"\x00" in raw[:8192]:
        raise IngestError(f"{path.name}: binary content (NUL bytes), not a text document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at offset {exc.start});"
            " save it as UTF-8 and ingest again"
        ) from exc
    return _refuse_controls(path, text)


def _refuse_controls(path: Path, text: str) -> str:
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise IngestError(f"{path.name}: binary content (control characters), not a text document")
    return text


# --- markdown and HTML ------------------------------------------------------------------

# An inline link or image keeps only its label: `[click](javascript:alert(1))` → "click". The
# destination is either `<...>` or has no spaces and parentheses balanced to two levels (as
# CommonMark allows), with an optional title; the character classes are disjoint and the
# quantifiers possessive, so a malformed line is rejected in linear time, never backtracked.
_MD_DEST = r"(?:<[^<>\n]*>|(?:[^()\s]|\((?:[^()\s]|\([^()\s]*+\))*+\))*+)"
_MD_TITLE = r"""(?:\s+(?:"[^"]*+"|'[^']*+'|\([^()]*+\)))?"""
_MD_LINK = re.compile(r"!?\[([^\[\]]*+)\](?:\(\s*" + _MD_DEST + _MD_TITLE + r"\s*\)|\[[^\[\]]*+\])")
# `[label]: target` lines define reference links; their targets are never text.
_MD_LINK_DEF = re.compile(r"^ {0,3}\[[^\[\]]+\]:\s*\S")
# Emphasis spans are short; the bound keeps a line of unmatched `*` from going quadratic.
_MD_EMPH = re.compile(r"(\*\*|__|\*|_)(?=\S)(.{1,1000}?)(?<=\S)\1")


def _markdown_to_canonical(text: str) -> str:
    out: list[str] = []
    for line in clean_lines(text):
        if _MD_LINK_DEF.match(line):
            continue
        s = line.strip()
        s = _MD_LINK.sub(r"\1", s)
        s = _MD_EMPH.sub(r"\2", s)
        m = re.match(r"^([-*+]|\d+[.)])\s+(.*)$", s)
        if m and not s.startswith("#"):
            s = ("• " if m.group(1) in "-*+" else m.group(1) + " ") + m.group(2)
        out.append(s)
    return tidy("\n".join(out))


_DROP_TAGS = ["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "button"]
_BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "td", "th", "dd", "dt", "pre"}


def _html_depth(root: Any, stop: int) -> int:
    """Deepest element nesting under `root` (an explicit stack: no recursion); stops past `stop`."""
    from bs4 import Tag

    deepest = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > stop:
            break
        stack.extend((c, depth + 1) for c in node.contents if isinstance(c, Tag))
    return deepest


def _html_to_canonical(text: str, name: str, limits: Limits) -> str:
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag

    try:
        # The text is always a file's contents: a short page that reads like a path or a URL
        # printed bs4's "looks more like a filename" advice into the editor's ingest output.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            soup = BeautifulSoup(text, "html.parser")
    except Exception as exc:  # bs4 raises ParserRejectedMarkup and parser-internal errors
        raise IngestError(f"{name}: cannot parse HTML ({type(exc).__name__}: {exc})") from exc
    if _html_depth(soup, limits.max_html_depth) > limits.max_html_depth:
        raise IngestError(
            f"{name}: HTML elements nested more than {limits.max_html_depth} deep"
            " (ASSISTANT_MAX_HTML_DEPTH); simplify the page or save it as text"
        )
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    landmarks: dict[str, Any] = {"role": ["navigation", "banner", "contentinfo"]}
    for tag in soup.find_all(None, attrs=landmarks):
        tag.decompose()
    body = soup.body or soup
    blocks: list[str] = []

    def inline(node: Tag) -> str:
        return re.sub(r"\s+", " ", node.get_text(" ")).strip()

    # Depth-first, in document order, with an explicit stack of child iterators: nesting depth
    # costs memory, never Python stack frames.
    stack = [(body, iter(body.children))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if isinstance(child, NavigableString):
            s = re.sub(r"\s+", " ", str(child)).strip()
            if s and child.parent is node and node.name in _BLOCKS | {"body", "[document]"}:
                blocks.append(s)
            continue
        if not isinstance(child, Tag):
            continue
        kind = child.name or ""
        if re.fullmatch(r"h[1-6]", kind):
            s = inline(child)
            if s:
                blocks.append("#" * int(kind[1]) + " " + s)
        elif kind in {"ul", "ol"}:
            items = [inline(li) for li in child.find_all("li", recursive=False)]
            marks = ["• "] * len(items) if kind == "ul" else [f"{i}. " for i in range(1, len(items) + 1)]
            blocks.append("\n".join(m + it for m, it in zip(marks, items, strict=True) if it))
        elif kind == "p":
            s = inline(child)
            if s:
                blocks.append(s)
        elif kind != "br":
            stack.append((child, iter(child.children)))

    lines = [
        ln for b in blocks for ln in normalise_unicode(b).split("\n") if not (is_boilerplate(ln) or is_link_text(ln))
    ]
    return tidy("\n\n".join(lines).replace("\n\n• ", "\n• "))
