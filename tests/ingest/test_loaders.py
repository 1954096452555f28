from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import IngestError
from ingest.loaders import load
from ingest.structure import sections
from tests.helpers import BODY, make_pdf, write_small_corpus


def test_txt_recovers_bullet_and_numbered_headings(tmp_path: Path) -> None:
    p = tmp_path / "page.txt"
    p.write_text(
        "Site tags\n\nLast updated:\n\nMy page title\n\nIntro text for everyone. " + BODY + "\n\n"
        "  • How?\n\n    Start here with the first step. " + BODY + "\n\n"
        "    1. Positions on the board\n\n    Contact the board to apply. " + BODY + "\n",
        encoding="utf-8",
    )
    loaded = load(p, "My page title")
    assert "Last updated" not in loaded.text
    paths = [s.path for s in sections(loaded.text, "My page title")]
    assert paths == ["My page title", "How?", "How? › 1. Positions on the board"]


def test_a_table_of_contents_is_dropped_and_numbered_lists_kept(tmp_path: Path) -> None:
    """A contents list quoted as an answer says nothing ("8 COMMISSIONING EXPERIENCES" for "how
    can i get some commissioning experience"); a numbered list of steps or of waves is content."""
    page = tmp_path / "guide.txt"
    page.write_text(
        "Guide\n\nContents\n\nIntroduction ........ 3\nWho commissions ........ 5\n"
        "Getting involved ........ 9\nPensions ........ 12\n\n"
        "• 1 INTRODUCTION\n• 2 A HISTORY OF COMMISSIONING\n• 5 WHAT IS GOOD COMMISSIONING?\n• 8 TOP TIPS\n\n"
        "Introduction\n\n    The commissioning cycle has four steps. " + BODY + "\n\n"
        "1 Assess need\n2 Plan services\n3 Procure services\n4 Monitor outcomes\n\n"
        "CCGs joined in waves:\nWave 1\nWave 2\nWave 3\nWave 4\n",
        encoding="utf-8",
    )
    text = load(page, "Guide").text
    for gone in ("Contents", "........", "Pensions", "A HISTORY OF COMMISSIONING", "TOP TIPS"):
        assert gone not in text, gone
    for kept in ("The commissioning cycle has four steps.", "1 Assess need", "4 Monitor outcomes", "Wave 4"):
        assert kept in text, kept


def test_a_web_pages_link_texts_are_dropped_and_its_pointers_kept(tmp_path: Path) -> None:
    """A link saved as text without its address says nothing when quoted ("what is the NHS?" was
    answered with "Read more about the NHS mandate ..."); a sentence that says where to read, or
    a pointer with its address, is content."""
    page = tmp_path / "page.txt"
    page.write_text(
        "Mandate\n\n    The mandate sets out the priorities for two years. " + BODY + "\n\n"
        "    Read more about the NHS mandate and how we responded to the consultation\n\n"
        "    Find out more about what a CCG constitution should include\n\n"
        "    See the new health and wellbeing board directory (King's Fund)\n\n"
        "    Read about the changes in our guide to co-commissioning.\n\n"
        "    Visit the careers centre for news careers.bmj.com\n\n"
        "Visit requirements\n\n    Visitors sign in at reception. " + BODY + "\n",
        encoding="utf-8",
    )
    text = load(page, "Mandate").text
    for gone in ("Read more about", "Find out more", "See the new"):
        assert gone not in text, gone
    assert "Read about the changes in our guide to co-commissioning." in text
    assert "careers.bmj.com" in text
    # A short line that opens with one of those verbs is a heading, not a link.
    assert "Visit requirements" in text
    html = tmp_path / "page.html"
    html.write_text(
        "<html><body><h1>Mandate</h1><p>The mandate sets out the priorities. " + BODY + "</p>"
        '<p><a href="/mandate">Read more about the NHS mandate</a></p></body></html>',
        encoding="utf-8",
    )
    assert "Read more" not in load(html, "Mandate").text


def test_markdown_and_html(tmp_path: Path) -> None:
    write_small_corpus(tmp_path)
    md = load(tmp_path / "beta.md", "Beta handbook")
    assert [s.path for s in sections(md.text, "Beta handbook")] == ["Pensions", "Salaries"]
    html = load(tmp_path / "gamma.html", "Gamma")
    assert "do not index me" not in html.text and "Menu" not in html.text and "Copyright" not in html.text
    assert "• first item of gamma" in html.text
    assert [s.path for s in sections(html.text, "Gamma")] == ["Training"]


def test_a_page_that_reads_like_a_path_loads_without_bs4s_advice(tmp_path: Path) -> None:
    """A short page holding only a link printed bs4's "looks more like a filename than HTML"
    advice into the editor's ingest output (seen from the property test's random pages)."""
    import warnings

    page = tmp_path / "link.html"
    page.write_text("https://example.org/guidance/commissioning.html", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load(page, "Link")
    assert "example.org" in loaded.text


def test_pdf_pages_headings_footer_and_hyphenation(tmp_path: Path) -> None:
    footer = (8, "Guide footer text · {n}")
    pages = []
    for n, name in enumerate(["Origins", "Pensions", "Training"], start=1):
        pages.append(
            [
                (18, f"{name} of the scheme"),
                (10, f"Body of chapter {n} starts here and talks about commis-"),
                (10, "sioning in some depth for doctors."),
                (8, footer[1].format(n=n)),
            ]
        )
    path = make_pdf(tmp_path / "guide.pdf", pages)
    loaded = load(path, "Guide")
    assert "commissioning in some depth" in loaded.text  # hyphenation across lines rejoined
    assert "Guide footer text" not in loaded.text  # running footer dropped
    secs = sections(loaded.text, "Guide")
    assert [s.path for s in secs] == ["Origins of the scheme", "Pensions of the scheme", "Training of the scheme"]
    assert [loaded.page_at(s.start) for s in secs] == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        ("latin1.txt", "Caf\xe9 na\xefve r\xe9sum\xe9 text here".encode("latin-1"), "not UTF-8"),
        ("truncated.pdf", None, "truncated"),
        ("encrypted.pdf", None, "encrypted"),
        ("blank.pdf", None, "no extractable text"),
    ],
)
def test_bad_files_are_named_with_reason(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name == "truncated.pdf":
        good = make_pdf(tmp_path / "good.pdf", [[(12, "Some text on a page that is long enough.")]])
        path.write_bytes(good.read_bytes()[:300])
    elif name == "encrypted.pdf":
        good = make_pdf(tmp_path / "good.pdf", [[(12, "Secret text on a page.")]])
        w = PdfWriter()
        w.append(PdfReader(good))
        w.encrypt("a-password")
        with open(path, "wb") as fh:
            w.write(fh)
    else:
        w = PdfWriter()
        w.add_blank_page(612, 842)
        with open(path, "wb") as fh:
            w.write(fh)
    with pytest.raises(IngestError) as err:
        load(path, "Title")
    assert name in str(err.value) and reason in str(err.value)


def test_pdf_bylines_end_their_unit_and_stray_bold_marks_go(tmp_path: Path) -> None:
    body = "Consortiums should not view patient engagement in isolation from their other work and plans;"
    lines = [(10, body)] * 10 + [
        (10, "it should be integral to their business plans."),
        (10, "1. What patient engagement practices happen at each surgery?** You may identify"),
        (10, "great work that can be replicated."),
        (10, "Douglas Smallwood, GP commissioning support team"),
        (10, "Public involvement is the collective involvement of the community, eg through panels."),
        (10, "Patients want more involvement in decisions about the NHS, and"),
        (10, "Care should be shared."),  # a short line left open by "and" still continues
    ]
    loaded = load(make_pdf(tmp_path / "guide.pdf", [lines]), "Guide")
    assert "**" not in loaded.text
    assert "surgery? You may identify great work" in loaded.text
    assert "Douglas Smallwood, GP commissioning support team\n\nPublic involvement is" in loaded.text
    assert "decisions about the NHS, and Care should be shared." in loaded.text


def test_a_pdf_line_ends_its_unit_when_the_next_word_would_have_fitted(tmp_path: Path) -> None:
    body = "Consortiums should not view patient engagement in isolation from their other work and plans;"
    byline = "Douglas Smallwood, GP commissioning support team, East of England SHA, in 2011"
    assert 0.8 * len(body) < len(byline) < len(body) - len(" Public")  # not short, yet not wrapped
    lines = [(10, body)] * 10 + [
        (10, byline),
        (10, "Public involvement is the collective involvement of the community, eg through panels."),
        (10, "Consortiums should not view patient engagement in isolation from their other work"),
        (10, "Responsibilities as well. The boards should meet in public and publish their papers."),
        (10, "Next the consortium writes its plan."),  # after a full stop: the paragraph goes on
    ]
    text = load(make_pdf(tmp_path / "guide.pdf", [lines]), "Guide").text
    assert byline + "\n\nPublic involvement is" in text
    # The next word would not have fitted: a wrap.
    assert "from their other work Responsibilities as well." in text
    # A line closed by a stop that is nearly full width ends no paragraph: taken alone, such
    # breaks re-cut the passages for no gain in what they say.
    assert "publish their papers. Next the consortium" in text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_utf8_bom_text_decodes(tmp_path: Path, encoding: str) -> None:
    text = "Café guidance\n\nThe board’s pension rules — " + BODY + "\n"
    raw = text.encode(encoding)
    if encoding in {"utf-16-le", "utf-16-be"}:  # explicit-endian codecs write no mark: add it
        raw = ("\ufeff" + text).encode(encoding)
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    loaded = load(path, "Café guidance")
    assert "The board’s pension rules" in loaded.text and "\ufeff" not in loaded.text


def test_an_accent_typed_for_an_apostrophe_reads_as_one(tmp_path: Path) -> None:
    """The CCG leads' interview writes "we´ll" with an acute accent: NFKC turned it into a space
    and a combining mark, and answers quoted "we ́ll". A real accent on a letter is kept."""
    path = tmp_path / "doc.txt"
    path.write_text("Leads\n\nIn some areas we´ll want to integrate provision. It´s café work. " + BODY + "\n")
    loaded = load(path, "Leads")
    assert "we’ll want" in loaded.text and "It’s café" in loaded.text
    assert "\u0301" not in loaded.text


def test_broken_utf16_and_real_binary_are_named(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_bytes(("\ufeff" + BODY).encode("utf-16-le") + b"\x00")  # a byte short of a character
    with pytest.raises(IngestError, match=r"odd.txt: not valid UTF-16 text"):
        load(odd, "Odd")
    surrogate = tmp_path / "surrogate.txt"
    surrogate.write_bytes(b"\xff\xfe" + "Lone ".encode("utf-16-le") + b"\x00\xd8" + BODY.encode("utf-16-le"))
    with pytest.raises(IngestError, match=r"surrogate.txt: not valid UTF-16 text"):
        load(surrogate, "Surrogate")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(IngestError, match=r"image.txt: binary content \(NUL bytes\)"):
        load(binary, "Image")


def test_markdown_link_targets_never_enter_the_text(tmp_path: Path) -> None:
    path = tmp_path / "links.md"
    path.write_text(
        "# Links\n\n"
        'Please [click](javascript:alert(1)) now. See [the guide](https://example.org/a_(b)_c "Title") too.\n'
        "An ![chart of uptake](img/chart(1).png) and [a reference][ref] and [plain](<has space.html>).\n\n"
        "[ref]: https://example.org/reference-target\n\n" + BODY + "\n"
    )
    text = load(path, "Links").text
    assert "Please click now. See the guide too." in text
    assert "An chart of uptake and a reference and plain." in text
    for target in ("javascript", "alert", "example.org", "chart(1)", "reference-target", "has space", ")"):
        assert target not in text


def test_a_sentence_broken_across_a_blank_line_is_one_paragraph(tmp_path: Path) -> None:
    p = tmp_path / "page.txt"
    p.write_text(
        "My page title\n\nWe commissioned a minor surgery service and a nursing home\n\n"
        "service as well. I suspect we will be\n\nlooking at diagnostics later.\n\n"
        "A new paragraph starts here. " + BODY + "\n\nlower-case openings after a full stop stay apart.\n",
        encoding="utf-8",
    )
    text = load(p, "My page title").text
    assert "a nursing home service as well. I suspect we will be looking at diagnostics later." in text
    assert "starts here." in text and "\n\nlower-case openings" in text


def test_a_pull_quote_is_not_a_heading_and_a_standfirst_goes_under_the_title(tmp_path: Path) -> None:
    p = tmp_path / "article.txt"
    p.write_text(
        "In Ashford, doctors and managers now plan services together in pairs\n\n"
        "Making joint planning work\n\nMaking joint planning work\n\n"
        "The trust has taken a new approach to planning.\n\n"
        "Pairs share the work across the whole area\n\n"
        "Each pair covers one clinical area. " + BODY + "\n\n"
        "Planning together\n\n"
        "“Pairs share the work across the whole area,” she says, and every pair reports monthly.\n",
        encoding="utf-8",
    )
    text = load(p, "Making joint planning work").text
    assert text.startswith("# Making joint planning work\n\nIn Ashford, doctors and managers")
    assert text.count("Making joint planning work") == 1
    # The pull quote is gone as a line of its own, and it does not open a section.
    assert "\nPairs share the work" not in text and "## Pairs share" not in text
    assert "## Planning together" in text
    paths = [s.path for s in sections(text, "fallback")]
    assert paths == ["Making joint planning work", "Planning together"]
