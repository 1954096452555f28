"""Structure recovered from the five real documents."""

from __future__ import annotations

import numpy as np

from assistant import Settings
from assistant.storage.store import Store
from assistant.types import spoken
from tests.helpers import HashEmbedder


def _chunks(corpus_settings: Settings, minilm):  # type: ignore[no-untyped-def]
    return Store(corpus_settings, minilm).all_chunks()


def test_every_chunk_has_a_section_path_and_metadata(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    chunks = _chunks(corpus_settings, minilm)
    assert len({c.doc_id for c in chunks}) == 5
    assert all(c.section.strip() for c in chunks)
    assert all(c.title and c.published for c in chunks)
    # The publisher named in the document, or none at all: never a placeholder.
    publishers = {c.doc_id: c.publisher for c in chunks}
    assert publishers["kent-clinical-commissioning"] == "NHS Eastern and Coastal Kent"
    assert publishers["coalface-ccg-leads"] == ""
    assert not any(w in p.lower() for p in publishers.values() for w in ("unnamed", "unknown"))
    assert all(c.end > c.start for c in chunks)
    pdf = [c for c in chunks if c.file.endswith(".pdf")]
    assert pdf and all(c.page is not None and 1 <= c.page <= 19 for c in pdf)
    assert all(c.page is None for c in chunks if not c.file.endswith(".pdf"))


def test_a_pdf_passage_knows_where_each_of_its_pages_begins(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    import re

    from pypdf import PdfReader

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    pdf = [c for c in _chunks(corpus_settings, minilm) if c.file.endswith(".pdf")]
    reader = PdfReader(corpus_settings.corpus_dir / pdf[0].file)
    pages = {n: " ".join(words(page.extract_text())) for n, page in enumerate(reader.pages, start=1)}
    spanning = [c for c in pdf if c.page_breaks]
    assert len(spanning) >= 5
    for c in spanning:
        assert all(0 < at < len(c.text) for at, _ in c.page_breaks)
        for at, page in c.page_breaks:
            # The words after a break are on that page of the PDF, and a quote starting there is cited with it.
            after = " ".join(words(c.text[at:])[:6])
            assert after in pages[page], (c.section, page, after)
            assert c.page_of(c.text[at:].split("\n")[0]) == page
        assert c.page_of(c.text[:60]) == c.page


def test_a_pdf_pieces_run_in_title_names_it_in_citations(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    pdf = [c for c in _chunks(corpus_settings, minilm) if c.file.endswith(".pdf")]
    titles = {t for c in pdf for _, t in c.titles}
    assert {"Will it widen the rift?", "Pre-operative assessments", "A partner’s perspective"} <= titles
    # Bold bylines, pull quotes and inline bold words are not titles.
    assert not any("," in t or t.startswith(("“", '"')) or t == "five key questions" for t in titles)
    [chunk] = [c for c in pdf if "I've already had questions about pre-op clinics" in c.text]
    assert chunk.section_of("I've already had questions about pre-op clinics.") == (
        "What is good commissioning? › Pre-operative assessments"
    )


def test_recovered_headings(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    sections = {(c.doc_id, c.section) for c in _chunks(corpus_settings, minilm)}
    assert ("bma-get-involved", "How? › 1. Positions on the CCG’s decision-making bodies") in sections
    # The manifest's heading for the booklet's Q&A, whose title is artwork: not the essay before it.
    assert ("bmj-guide", "Q&A › Will working with private companies affect my NHS pension?") in sections
    consult = "If you need to do one thing, consult › "
    assert not any(d == "bmj-guide" and s.startswith(consult) and s.endswith("?") for d, s in sections)
    assert ("coalface-ccg-leads", "Which authorisation wave will you be part of?") in sections
    # The BMJ guide's timeline: an entry of three words is kept under its date.
    assert ("bmj-guide", "TIMELINE AND LINKS › October 2010") in sections
    assert any(
        d == "bma-quick-guide" and s == "30 second guide to commissioning › What is commissioning?" for d, s in sections
    )


def test_chunk_sizes_and_boilerplate(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    chunks = _chunks(corpus_settings, minilm)
    words = [len(c.text.split()) for c in chunks]
    assert max(words) <= 300
    assert sorted(words)[len(words) // 2] >= 60  # median chunk is a real passage
    text = " ".join(c.text for c in chunks)
    assert "This site is intended for health professionals only" not in text
    assert "Last updated:" not in text
    assert "BMJ Guide to Commissioning for Doctors in England ·" not in text  # PDF running footer
    # The BMJ guide's table of contents ("• 8 COMMISSIONING EXPERIENCES"); its sections stay.
    assert "COMMISSIONING EXPERIENCES" not in text and "A HISTORY OF COMMISSIONING" not in text
    assert any(c.section.startswith("A history of commissioning") for c in chunks)


def test_interview_answers_name_their_speaker(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(c.text for c in _chunks(corpus_settings, minilm) if c.doc_id == "coalface-ccg-leads")
    assert "DS (David Slack, managing director, Somerset CCG): First wave" in text


def test_a_turns_sentence_is_embedded_by_its_words_not_its_speakers_label(corpus_settings: Settings, minilm) -> None:  # type: ignore[no-untyped-def]
    # "SF (Dr Stewart Findlay, GP chair, ... CCG): No." embedded whole is "a GP chair of a CCG",
    # and matched "who sits on a CCG?" better than any sentence that answers it.
    rows = Store(corpus_settings, minilm).sentences()
    label = "DS (David Slack, managing director, Somerset CCG): "
    at = next(i for i, t in enumerate(rows.texts) if t.startswith(label))
    words = spoken(rows.texts[at])
    assert words and not words.startswith("DS (")
    assert np.allclose(rows.vectors[at], minilm.embed([words])[0], atol=1e-4)
    assert not np.allclose(rows.vectors[at], minilm.embed([rows.texts[at]])[0], atol=1e-2)
    # A sentence that opens no turn is embedded as it is.
    plain = next(i for i, t in enumerate(rows.texts) if t.startswith("All GP practices have to be members of a CCG"))
    assert np.allclose(rows.vectors[plain], minilm.embed([rows.texts[plain]])[0], atol=1e-4)


def test_hash_embedder_is_a_real_embedder() -> None:
    v = HashEmbedder().embed(["a b c", ""])
    assert v.shape == (2, 64)
