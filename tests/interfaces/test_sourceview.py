"""The source viewer's logic (assistant/interfaces/sourceview.py), without Streamlit: the real
corpus PDF rendered with a real quote highlighted, text sections, and refusals of anything that
is not a corpus document."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from assistant.interfaces.sourceview import (
    HIGHLIGHT_RGB,
    SourceError,
    _chars,
    cited_chunk,
    document_path,
    find_spans,
    quote_page,
    quote_parts,
    render_pdf_page,
    shown_quote,
    source_url,
    text_section,
)
from assistant.types import Chunk, Citation
from tests.helpers import make_pdf

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


def pixels_near(image: Image.Image, box: tuple[int, int, int, int], rgb: tuple[int, int, int], tol: int = 8) -> float:
    """Share of the pixels in `box` within `tol` of `rgb` on every channel."""
    region = image.crop(box).convert("RGB")
    data = list(region.getdata())
    near = sum(1 for p in data if all(abs(a - b) <= tol for a, b in zip(p, rgb, strict=True)))
    return near / max(1, len(data))


def test_pdf_page_is_rendered_with_the_quoted_sentences_highlighted() -> None:
    page = render_pdf_page(BMJ, 4, QUOTE)
    assert (page.number, page.count) == (4, 19)
    assert (page.found, page.parts) == (3, 3)
    image = Image.open(io.BytesIO(page.png))
    assert image.size == (page.width, page.height) and page.width > 1000  # rendered at 2x

    # One box per line of text: the lead sentence wraps over three lines, each item over one or two.
    assert 5 <= len(page.boxes) <= 7
    # Independently of our own matching: pdfium's search finds the first words of the quote, and
    # its rectangle lies inside the first highlighted box.
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(BMJ)
    try:
        textpage = pdf[3].get_textpage()
        match = textpage.search("The average pathfinder consortium").get_next()
        assert match is not None
        assert textpage.count_rects(*match) == 1  # the words are on one line
        left, _, right, top = textpage.get_rect(0)
        _, height = pdf[3].get_size()
    finally:
        pdf.close()
    first = page.boxes[0]
    scale = page.height / height
    assert first.left <= left * scale < right * scale <= first.right
    assert first.top <= (height - top) * scale <= first.bottom

    # The boxes are painted: the paper inside them has the highlight colour, and none is left
    # elsewhere on the page (the page's own colours are dark red headings on white).
    for b in page.boxes:
        assert pixels_near(image, (b.left, b.top, b.right, b.bottom), HIGHLIGHT_RGB) > 0.5
    above = (0, 0, page.width, page.boxes[0].top - 5)
    assert pixels_near(image, above, HIGHLIGHT_RGB) == 0.0


def test_every_sentence_the_index_holds_is_found_on_its_pdf_page() -> None:
    """The index's text comes from pypdf, the highlight from pdfium's text layer: they differ in
    line breaks, hyphens and ligatures, and still every sentence of every passage is found."""
    import pypdfium2 as pdfium

    from assistant.retrieval.sentences import split_sentences
    from ingest.chunk import chunk_document
    from ingest.loaders import load
    from ingest.manifest import load_manifest

    meta = load_manifest(CORPUS).documents[BMJ.name]
    chunks = chunk_document(load(BMJ, meta.title), meta, "hash")
    pdf = pdfium.PdfDocument(BMJ)
    try:
        pages = [_chars(pdf[i].get_textpage())[0] for i in range(len(pdf))]
    finally:
        pdf.close()
    missed = []
    sentences = 0
    for c in chunks:
        assert c.page is not None
        for s, e in split_sentences(c.text):
            sentence = c.text[s:e]
            if not any(ch.isalnum() for ch in sentence):  # an ellipsis on its own line
                continue
            sentences += 1
            # A passage starting near a page's end runs on to the next page.
            if not any(find_spans(pages[p - 1], sentence) for p in (c.page, c.page + 1) if p <= len(pages)):
                missed.append((c.page, sentence))
    assert sentences > 400 and not missed


def test_a_sentence_split_by_a_page_break_is_highlighted_on_both_pages(tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "split.pdf",
        [
            [(11, "Practices in the consortium will share a budget"), (11, "for community services and")],
            [(11, "elective referrals from April next year onwards."), (11, "Another sentence follows here.")],
        ],
    )
    quote = (
        "Practices in the consortium will share a budget for community services and elective referrals "
        "from April next year onwards."
    )
    first, second = render_pdf_page(pdf, 1, quote), render_pdf_page(pdf, 2, quote)
    assert len(first.boxes) == 2 and len(second.boxes) == 1
    assert first.found == second.found == 1  # in part on each page
    assert second.boxes[0].top < 200  # the continuation, at the top of page 2


def test_a_link_opens_at_the_page_where_the_quote_starts(tmp_path: Path) -> None:
    # The passage starts at the foot of page 1; the quoted sentence is overleaf.
    pdf = make_pdf(
        tmp_path / "overleaf.pdf",
        [
            [(11, "Commissioning support services were set up in 2012.")],
            [(11, "Each consortium appoints an accountable officer."), (11, "Another line.")],
            [(11, "A third page.")],
        ],
    )
    quote = "Each consortium appoints an accountable officer."
    assert quote_page(pdf, 1, quote) == 2
    assert quote_page(pdf, 2, quote) == 2
    assert quote_page(pdf, 1, "A sentence that is on none of these pages at all.") == 1
    assert quote_page(pdf, 3, quote) == 3  # never backwards
    assert quote_page(BMJ, 4, QUOTE) == 4


def test_page_out_of_range_and_damaged_pdf_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="pages 1 to 19; there is no page 20"):
        render_pdf_page(BMJ, 20)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a PDF")
    with pytest.raises(SourceError, match="cannot be opened"):
        render_pdf_page(bad, 1)


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
