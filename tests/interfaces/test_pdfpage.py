"""A cited PDF page rendered with its quote highlighted (assistant/interfaces/pdfpage.py): the
real corpus PDF and a real quote, a sentence split by a page break, the page a link opens at,
and pages or files that cannot be shown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from assistant.interfaces.pdfpage import HIGHLIGHT_RGB, _chars, quote_page, render_pdf_page
from assistant.interfaces.sourceview import SourceError, find_spans
from tests.helpers import make_pdf
from tests.interfaces.test_sourceview import BMJ, CORPUS, QUOTE


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
