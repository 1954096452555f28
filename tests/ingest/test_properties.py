"""Property-based tests: whatever bytes or text a file holds, loading and chunking it either
succeeds with consistent chunks or raises a named AssistantError, and does so quickly."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import bs4  # noqa: F401  (imported up front: a first lazy import must not count against the deadline)
import pypdf  # noqa: F401
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import AssistantError
from ingest.bounded import Limits, run_job
from ingest.chunk import chunk_document
from ingest.loaders import load
from ingest.manifest import DocMeta

# Small limits keep every example fast while still exercising each limit's refusal path.
LIMITS = Limits(max_file_mb=1, max_line_chars=2_000, max_document_chars=40_000, max_html_depth=64)
META = DocMeta("prop", "prop.txt", "Property document")
SUFFIXES = [".txt", ".md", ".html", ".pdf"]
# No example database: the tests leave nothing behind in the checkout (.hypothesis is not ignored).
# PROPERTY_EXAMPLES=1000 runs a longer search by hand.
FAST = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")),
    deadline=3000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)

WORDS = st.sampled_from(
    ["The", "board", "met", "monthly.", "Pensions", "are", "kept", "CCG", "GP", "review", "data", "and", "of"]
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)
ANY_CHAR = st.characters(exclude_categories=["Cs"])  # every code point a str can encode
MD_BITS = st.sampled_from(
    ["# ", "## ", "* ", "- ", "1. ", "**", "__", "_", "*", "[", "]", "(", ")", "![", "](", "javascript:alert(1)",
     "<", ">", "`", "\n", "\n\n", "    ", "> ", "[ref]: http://x", ":", "?", "•"]
)  # fmt: skip
HTML_BITS = st.sampled_from(
    ["<div>", "</div>", "<p>", "</p>", "<h1>", "</h1>", "<h3>", "<ul>", "<li>", "</li>", "</ul>", "<ol>",
     "<br>", "<script>", "</script>", "<nav>", "<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "&amp;",
     "&#0;", "&#xD800;", "<table><td>", "<a href='x'>", "</a>", "<", ">", "\x00", "<body>", "<html>", "<?x"]
)  # fmt: skip


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def check(folder: Path, suffix: str, data: bytes) -> None:
    """Load and chunk `data` as a `suffix` file: chunks consistent with the text, or a named error."""
    path = folder / ("doc" + suffix)
    path.write_bytes(data)
    try:
        loaded = load(path, META.title, LIMITS)
        chunks = chunk_document(loaded, META, "h")
    except AssistantError as exc:
        assert str(exc).startswith(path.name + ":"), exc
        return
    assert len(loaded.text) <= LIMITS.max_document_chars
    for n, c in enumerate(chunks):
        assert c.position == n and loaded.text[c.start : c.end] == c.text and c.text.strip()
    try:
        assert run_job((path, META, "h"), LIMITS) == chunks  # the bounded path agrees
    except AssistantError as exc:
        assert "no text long enough" in str(exc)


@FAST
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=3000))
def test_arbitrary_bytes(folder: Path, suffix: str, data: bytes) -> None:
    check(folder, suffix, data)


@FAST
@given(
    suffix=st.sampled_from(SUFFIXES[:3]),
    text=st.text(ANY_CHAR, max_size=1500),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1"]),
)
def test_arbitrary_unicode_in_any_encoding(folder: Path, suffix: str, text: str, encoding: str) -> None:
    check(folder, suffix, text.encode(encoding, errors="replace"))


@FAST
@given(
    suffix=st.sampled_from(SUFFIXES[:3]),
    before=SENTENCE,
    surrogate=st.integers(0xD800, 0xDFFF),
    after=SENTENCE,
    utf16=st.booleans(),
)
def test_lone_surrogates_written_as_bytes(
    folder: Path, suffix: str, before: str, surrogate: int, after: str, utf16: bool
) -> None:
    text = f"{before} {chr(surrogate)} {after}\n\n{before}. {after}."
    data = ("\ufeff" + text).encode("utf-16-le", "surrogatepass") if utf16 else text.encode("utf-8", "surrogatepass")
    (folder / "x.txt").write_bytes(data)
    with pytest.raises(AssistantError, match=r"not valid UTF-16|not UTF-8"):
        load(folder / "x.txt", "x", LIMITS)
    check(folder, suffix, data)


@FAST
@given(
    suffix=st.sampled_from(SUFFIXES[:3]),
    lines=st.lists(st.one_of(SENTENCE, st.just(""), st.builds(str.__mul__, WORDS, st.integers(1, 400))), max_size=40),
    nuls=st.booleans(),
)
def test_long_lines_blank_lines_and_nuls(folder: Path, suffix: str, lines: list[str], nuls: bool) -> None:
    text = "\n".join(lines)
    check(folder, suffix, (text.replace(" ", "\x00 ") if nuls else text).encode())


@FAST
@given(
    depth=st.integers(0, 3000),
    tag=st.sampled_from(["div", "section", "span", "ul", "li", "p", "blockquote", "b"]),
    closed=st.booleans(),
    body=SENTENCE,
)
def test_deep_nesting(folder: Path, depth: int, tag: str, closed: bool, body: str) -> None:
    html = f"<{tag}>" * depth + f"<p>{body}. {body}. {body}.</p>" + (f"</{tag}>" * depth if closed else "")
    check(folder, ".html", html.encode())
    md = "".join("> " * min(depth, 500) + "* " * min(depth, 300) + "[" * min(depth, 200)) + body + "\n"
    check(folder, ".md", md.encode())


@FAST
@given(bits=st.lists(st.one_of(MD_BITS, SENTENCE), max_size=120))
def test_random_markdown_fragments(folder: Path, bits: list[str]) -> None:
    text = "".join(bits)
    check(folder, ".md", text.encode())
    check(folder, ".txt", text.encode())


@FAST
@given(bits=st.lists(st.one_of(HTML_BITS, SENTENCE), max_size=150))
def test_random_html_fragments(folder: Path, bits: list[str]) -> None:
    check(folder, ".html", "".join(bits).encode())


@FAST
@given(label=SENTENCE, target=st.text(st.sampled_from("ab:/().?=&# \"'<>"), max_size=40))
def test_markdown_link_targets_never_become_text_when_well_formed(folder: Path, label: str, target: str) -> None:
    balanced = target.count("(") == target.count(")") and " " not in target and "<" not in target
    if not balanced or ")(" in target or target.startswith(")"):
        return
    line = f"Before [{label}](javascript:{target}) after. " + " ".join([label] * 3)
    path = folder / "link.md"
    path.write_text(line + "\n", encoding="utf-8")
    try:
        text = load(path, "Link", LIMITS).text
    except AssistantError:
        return
    assert "javascript" not in text
