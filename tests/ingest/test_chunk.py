"""Chunking keeps a list's items together, and a section that says only a few words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.bounded import Limits
from ingest.chunk import chunk_document, with_headings
from ingest.limits import Loaded
from ingest.loaders import load
from ingest.manifest import DocMeta

META = DocMeta("lists", "lists.txt", "Lists")


def _chunks_holding_items(path: Path, opening_sentences: int, items: int) -> tuple[list[int], bool]:
    opening = " ".join(
        f"Paragraph sentence number {i} says something about commissioning." for i in range(opening_sentences)
    )
    listed = "\n\n".join(
        f"1. Is question {i} about patient engagement at each surgery? You may find great work to copy."
        for i in range(1, items + 1)
    )
    after = " ".join(f"Later sentence {i} is about another matter entirely." for i in range(30))
    path.write_text(f"Lists\n\n{opening} Consortiums need to tackle these key questions:\n\n{listed}\n\n{after}\n")
    loaded = load(path, META.title, Limits())
    chunks = chunk_document(loaded, META, "h")
    spans_hold = all(loaded.text[c.start : c.end] == c.text for c in chunks)
    counts = [sum(f"question {i} about" in c.text for i in range(1, items + 1)) for c in chunks]
    return [n for n in counts if n], spans_hold


def test_the_last_items_of_a_list_stay_with_the_rest(tmp_path: Path) -> None:
    """ "Consortiums need to tackle five key questions:" with the fifth question opening the
    next chunk was answered as a list of four."""
    assert _chunks_holding_items(tmp_path / "lists.txt", 22, 5) == ([5], True)
    assert _chunks_holding_items(tmp_path / "lists.txt", 24, 5) == ([5], True)
    # A list too long for one chunk is still split.
    counts, spans_hold = _chunks_holding_items(tmp_path / "lists.txt", 20, 25)
    assert len(counts) > 1 and sum(counts) == 25 and spans_hold


def test_a_section_of_a_few_words_is_kept_and_a_lone_link_is_not(tmp_path: Path) -> None:
    """A timeline's entry may be all its section says ("October 2010" › "Pathfinder consortiums
    identified"); pieces under four words were dropped as stray lines, and the event with them."""
    path = tmp_path / "timeline.md"
    path.write_text(
        "# Timeline\n\n## May 2010\n\nAndrew Lansley becomes health secretary for the new government\n\n"
        "## October 2010\n\nPathfinder consortiums identified\n\n## Links\n\nexample.org/pages/nhs-reform\n"
    )
    meta = DocMeta("timeline", "timeline.md", "Timeline")
    loaded = load(path, meta.title, Limits())
    chunks = chunk_document(loaded, meta, "h")
    by_section = {c.section.split(" › ")[-1]: c.text for c in chunks}
    assert by_section.get("October 2010") == "Pathfinder consortiums identified"
    assert by_section.get("May 2010", "").startswith("Andrew Lansley")
    assert "Links" not in by_section


def test_a_declared_heading_goes_before_its_line_and_later_pages_move_with_the_text() -> None:
    text = "# Booklet\n\n## Tips\n\nConsult everyone first.\n\n### Who pays?\n\nThe PCT pays for it all."
    at = text.index("### Who pays?")
    loaded = Loaded(text, [(0, 1), (at, 2), (text.index("The PCT"), 3)])
    meta = DocMeta("b", "b.pdf", "Booklet", headings=(("Who pays?", "Q&A", 2),))
    out = with_headings(loaded, meta)
    assert "Consult everyone first.\n\n## Q&A\n\n### Who pays?" in out.text
    # The page that began at the anchor's line begins at the heading; the next one moved on.
    assert out.pages[:2] == [(0, 1), (at, 2)]
    assert out.text[out.pages[2][0] :].startswith("The PCT")
    assert [c.section for c in chunk_document(out, meta, "h")][-1] == "Q&A › Who pays?"


def test_a_passage_over_a_page_break_cites_each_sentence_with_its_own_page() -> None:
    text = "# Booklet\n\n## Referrals\n\nGPs refer to the clinic. The clinic sees them within a week."
    second = text.index("The clinic")
    meta = DocMeta("b", "b.pdf", "Booklet")
    [chunk] = chunk_document(Loaded(text, [(0, 4), (second, 5)]), meta, "h")
    assert chunk.page == 4 and chunk.page_breaks == ((second - chunk.start, 5),)
    assert chunk.page_of("GPs refer to the clinic.") == 4
    assert chunk.page_of("A quote an older index held.") == 4  # not found: where the passage starts
    assert chunk.page_of("The clinic sees them within a week. … GPs refer to the clinic.") == 5
    # As Chroma stores it, and read back.
    back = type(chunk).from_metadata(chunk.chunk_id, chunk.text, chunk.metadata())
    assert back == chunk


def test_a_run_in_title_names_the_piece_a_quote_is_from_without_cutting_the_passage() -> None:
    text = (
        "# Booklet\n\n## Views\n\nThe reforms divide opinion among doctors.\n\nRift?\n\n"
        "Hospital doctors fear a rift with GPs.\n\nReferrals\n\nGPs worry referrals will get harder."
    )
    titles = [(text.index("Rift?"), "Rift?"), (text.index("Referrals\n"), "Referrals")]
    meta = DocMeta("b", "b.pdf", "Booklet")
    [chunk] = chunk_document(Loaded(text, [(0, 1)], titles), meta, "h")
    assert chunk.section == "Views"  # what retrieval reads is unchanged
    assert chunk.section_of("The reforms divide opinion among doctors.") == "Views"
    assert chunk.section_of("Hospital doctors fear a rift with GPs.") == "Views › Rift?"
    assert chunk.section_of("GPs worry referrals will get harder. … Hospital doctors fear") == "Views › Referrals"
    back = type(chunk).from_metadata(chunk.chunk_id, chunk.text, chunk.metadata())
    assert back == chunk and back.titles == chunk.titles
    # A declared heading moves the titles after it along with the text.
    moved = with_headings(Loaded(text, [(0, 1)], titles), replace(meta, headings=(("Rift?", "Hopes", 2),)))
    assert [moved.text[o : o + len(t)] for o, t in moved.titles] == ["Rift?", "Referrals"]
