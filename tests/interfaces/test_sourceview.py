"""The source viewer's logic (assistant/interfaces/sourceview.py), without Streamlit: where a
quote is in a document's text, text sections, the links that address them, and refusals of
anything that is not a corpus document. (The PDF page drawn: test_pdfpage.py.)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from assistant.interfaces.sourceview import (
    SourceError,
    cited_chunk,
    document_path,
    find_spans,
    quote_parts,
    shown_quote,
    source_url,
    text_section,
)
from assistant.types import Chunk, Citation

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
BMJ = CORPUS / "bmj-guide-to-commissioning-for-doctors.pdf"
# A citation's quote as `Assistant.ask` gives it for "how big are the pathfinder consortiums?":
# sentences of the index's text (pypdf's extraction), joined by " … ", on page 4 of the BMJ guide.
QUOTE = (
    "The average pathfinder consortium is expected to comprise 35 practices and serve 239,000 people, but the "
    "BMA’s General Practitioners Committee says this will be informed largely by: … • The health community "
    "within an area. … • How the consortium relates to constituent practices, and external organisations "
    "such as acute trusts and local authorities"
)


def test_only_indexed_documents_inside_the_corpus_folder_are_opened(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.txt").write_text("text")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for visitors")
    (corpus / "link.txt").symlink_to(secret)
    files = {
        "guide": "guide.txt",
        "up": "../secret.txt",
        "abs": str(secret),
        "link": "link.txt",
        "gone": "gone.txt",
        "odd": "guide.exe",
    }
    assert document_path(corpus, "guide", files) == corpus / "guide.txt"
    refusals = {
        "": "No document was named",
        "../secret": "not a document id",
        "/etc/passwd": "not a document id",
        "Guide": "not a document id",
        "nothing": "No document with the id 'nothing'",
        "up": "does not name a file inside the corpus folder",
        "abs": "does not name a file inside the corpus folder",
        "link": "does not name a file inside the corpus folder",
        "gone": "no longer in the corpus folder",
    }
    for doc_id, message in refusals.items():
        with pytest.raises(SourceError, match=message):
            document_path(corpus, doc_id, files)
    (corpus / "guide.exe").write_text("x")
    with pytest.raises(SourceError, match="not a type the viewer shows"):
        document_path(corpus, "odd", files)


def chunk(position: int, section: str, text: str, doc_id: str = "guide") -> Chunk:
    return Chunk(
        chunk_id=f"{doc_id}-{position}",
        doc_id=doc_id,
        file=f"{doc_id}.md",
        title="A guide",
        publisher="BMA",
        published="2012",
        section=section,
        page=None,
        start=0,
        end=len(text),
        text=text,
        position=position,
    )


CHUNKS = [
    chunk(0, "Intro", "Commissioning is the planning and buying of services."),
    chunk(1, "Boards › Joining", "Posts are advertised on NHS Jobs. Contact your CCG’s board secretary."),
    chunk(2, "Boards › Joining", "Ask a current member to mentor you.\nMeetings are monthly."),
    chunk(3, "Pensions", "Your pension is protected when you move."),
    chunk(0, "Boards › Joining", "Contact your CCG’s board secretary.", doc_id="other"),
]


def test_text_section_holds_the_cited_passage_with_its_quote_highlighted() -> None:
    quote = "Contact your CCG's board   secretary."  # straight quote, extra spaces: still found
    section = text_section(CHUNKS, "guide", "guide-1", quote)
    assert section.section == "Boards › Joining" and section.title == "A guide"
    assert [p.chunk_id for p in section.passages] == ["guide-1", "guide-2"]  # the section, in order
    cited = section.cited
    assert cited.chunk_id == "guide-1" and not section.passages[1].spans
    (start, end), *_ = cited.spans
    assert cited.text[start:end] == "Contact your CCG’s board secretary."

    # An older link whose passage id changed (a re-ingest) still finds the quote in the document.
    assert text_section(CHUNKS, "guide", "stale-id", quote).cited.chunk_id == "guide-1"
    assert cited_chunk(CHUNKS, "guide", None, "").chunk_id == "guide-0"
    with pytest.raises(SourceError, match="no longer in 'A guide'"):
        text_section(CHUNKS, "guide", None, "A sentence the guide never had in it at all.")


def test_spans_tolerate_hyphenation_bullets_and_ligatures() -> None:
    text = "The commis-\nsioning group’s ﬁnances are\r\nreviewed monthly. Other text."
    (s, e), *_ = find_spans(text, "The commissioning group's finances are reviewed monthly.")
    assert text[s:e] == "The commis-\nsioning group’s ﬁnances are\r\nreviewed monthly."  # with its full stop
    assert quote_parts("• First item. … • Second item") == ["First item.", "Second item"]
    assert find_spans(text, "Nothing like it is on this page at all") == []


def test_a_card_shows_an_ellipsis_only_where_the_quote_skips_text() -> None:
    passage = (
        "Our panel of three leads were :\n\n• BT: Dr Bill Tamkin, South Manchester\n• SF: Dr Stewart Findlay, "
        "Durham Dales\n\nThey were asked in March. Each answered alone. Their answers follow."
    )
    quote = (
        "Our panel of three leads were : … • BT: Dr Bill Tamkin, South Manchester … • SF: Dr Stewart Findlay, "
        "Durham Dales … They were asked in March. … Their answers follow."
    )
    assert shown_quote(passage, quote) == (
        "Our panel of three leads were :\n• BT: Dr Bill Tamkin, South Manchester\n• SF: Dr Stewart Findlay, "
        "Durham Dales\nThey were asked in March. … Their answers follow."
    )
    assert shown_quote(passage, quote, item_sep=" ").startswith("Our panel of three leads were : • BT:")
    # A sentence the passage does not hold keeps the ellipsis on both sides.
    assert shown_quote(passage, "Each answered alone. … Nothing like it. … Their answers follow.") == (
        "Each answered alone. … Nothing like it. … Their answers follow."
    )
    assert shown_quote(passage, "Each answered alone. … Their answers follow.") == (
        "Each answered alone. Their answers follow."
    )


def test_source_url_carries_the_citation() -> None:
    c = Citation(1, "bmj-guide", "bmj.pdf", "BMJ Guide", "BMJ Group", "2011", "Structure", 4, "text", QUOTE)
    url = source_url(c, "abc123", base="https://assistant.example.nhs.uk/")
    parts = urlsplit(url)
    assert parts.netloc == "assistant.example.nhs.uk" and parts.path == "/Source"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "doc": "bmj-guide",
        "page": "4",
        "chunk": "abc123",
        "q": QUOTE,
    }
    # In the web chat: relative to the app, and nothing in it that Markdown reads as syntax.
    relative = source_url(c)
    assert relative.startswith("Source?doc=bmj-guide&page=4&q=") and not set("()[] ") & set(relative)
