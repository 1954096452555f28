"""Incremental, safe re-ingestion, with a fast real embedder (hashing) on a small corpus."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import EmbedderMismatchError, Settings
from assistant.errors import ConfigError, IngestLockedError
from assistant.retrieval.docfiles import DocFiles
from assistant.retrieval.refresh import refresh_pack
from assistant.storage.generations import Generations
from assistant.storage.store import Store
from assistant.types import Embedder
from ingest.lock import ingest_lock
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, HashQAEmbedder, write_small_corpus


@pytest.fixture()
def small(tmp_path: Path) -> Settings:
    corpus = write_small_corpus(tmp_path / "corpus")
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="small")


def ids_by_doc(settings: Settings, emb: HashEmbedder) -> dict[str, set[str]]:
    return {d: set(v["ids"]) for d, v in Store(settings, emb).chunk_ids_by_doc().items()}


def test_first_ingest_and_unmanifested_file_warning(small: Settings) -> None:
    emb = HashEmbedder()
    (small.corpus_dir / "delta.docx").write_bytes(b"PK\x03\x04")  # a Word file, dropped in
    report = Ingestor(small, emb).run()
    assert report.ok
    assert {r.status for r in report.results} == {"added"}
    assert any("gamma.html" in w and "not in the manifest" in w and "date unknown" in w for w in report.warnings)
    assert any(w.startswith("delta.docx: not indexed: only ") for w in report.warnings), report.warnings
    gamma = next(c for c in Store(small, emb).all_chunks() if c.doc_id == "gamma")
    assert gamma.published == ""  # not the file's modification time
    docs = ids_by_doc(small, emb)
    assert set(docs) == {"alpha", "beta", "gamma"}
    assert (small.bm25_path / "ids.json").is_file()


def test_rerun_embeds_nothing_edit_replaces_only_that_doc_delete_removes(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = ids_by_doc(small, emb)

    emb2 = HashEmbedder()
    again = Ingestor(small, emb2).run()
    assert again.chunks_embedded == 0 and emb2.texts_embedded == 0
    assert {r.status for r in again.results} == {"unchanged"}

    beta = small.corpus_dir / "beta.md"
    beta.write_text(beta.read_text() + "\n## Leave\n\nBeta staff get study leave every year for courses.\n")
    edited = Ingestor(small, emb2).run()
    status = {r.doc_id: r.status for r in edited.results}
    assert status == {"alpha": "unchanged", "beta": "updated", "gamma": "unchanged"}
    after = ids_by_doc(small, emb2)
    assert after["alpha"] == before["alpha"] and after["gamma"] == before["gamma"]
    assert after["beta"] != before["beta"]
    assert any("study leave" in c.text for c in Store(small, emb2).all_chunks())

    (small.corpus_dir / "gamma.html").unlink()
    removed = Ingestor(small, emb2).run()
    assert {r.doc_id: r.status for r in removed.results}["gamma"] == "removed"
    assert "gamma" not in ids_by_doc(small, emb2)


def test_bad_file_reported_others_ingested_nothing_lost(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = ids_by_doc(small, emb)
    (small.corpus_dir / "alpha.txt").write_bytes(b"\xff\xfe\x00\x00 broken \x00 bytes")
    (small.corpus_dir / "notes.txt").write_text("Delta notes about rota planning and leave cover for juniors.\n")
    report = Ingestor(small, emb).run()
    assert not report.ok
    failed = {r.file: r.reason for r in report.results if r.status == "failed"}
    # The loader names the problem (its wording is the loader's); the old chunks are kept.
    assert set(failed) == {"alpha.txt"} and "kept the" in failed["alpha.txt"]
    after = ids_by_doc(small, emb)
    assert after["alpha"] == before["alpha"]  # the previous chunks still answer
    assert "notes" in after  # every other file is still ingested


def test_manifest_entry_for_missing_file_is_an_error_naming_it(small: Settings) -> None:
    with open(small.manifest_path, "a") as fh:
        fh.write('\n[[document]]\nid = "ghost"\nfile = "ghost.pdf"\ntitle = "Ghost"\n')
    with pytest.raises(ConfigError, match=r"ghost\.pdf"):
        Ingestor(small, HashEmbedder()).run()


def test_second_concurrent_ingest_is_refused(small: Settings) -> None:
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with ingest_lock(small.data_dir):
            entered.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    try:
        with pytest.raises(IngestLockedError, match="another ingest is running"):
            Ingestor(small, HashEmbedder()).run()
    finally:
        release.set()
        t.join()


def test_querying_with_another_embedding_model_is_an_error(small: Settings) -> None:
    Ingestor(small, HashEmbedder()).run()
    other = HashEmbedder(dim=64, model_id="another-model")
    with pytest.raises(EmbedderMismatchError, match="test-hash-64"):
        Store(small, other).info()


def test_rebuild_starts_over(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    report = Ingestor(small, emb).run(rebuild=True)
    assert {r.status for r in report.results} == {"added"} and report.total_chunks > 0


def check_complete(settings: Settings, emb: Embedder) -> dict[str, int]:
    """The store agrees with its registry: every committed document has exactly its recorded
    chunks and sentences in the active generation, and nothing else is there. doc_id → chunks."""
    store = Store(settings, emb)
    view = store.view(refresh=True)
    assert not view.legacy
    found = Generations(store).scan(view.generation)
    expected = {(d, r.doc_hash): [r.chunks, r.sentences] for d, r in view.docs.items()}
    assert found == expected
    assert Generations(store).all() == {view.generation}
    registry = store.registry()
    assert registry is not None and registry.generations() == {view.generation}
    assert registry.pointer().pending == ""
    return {d: r.chunks for d, r in view.docs.items()}


def test_rebuild_swaps_generations_and_keeps_chunk_ids(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = Store(small, emb).view(refresh=True)
    ids = ids_by_doc(small, emb)
    Ingestor(small, emb).run(rebuild=True)
    after = Store(small, emb).view(refresh=True)
    assert after.generation != before.generation
    assert ids_by_doc(small, emb) == ids  # same documents, same versions: same ids
    check_complete(small, emb)


def test_a_rebuild_reads_its_pack_from_the_rewritten_files(small: Settings) -> None:
    # A rebuild rewrites every document's files under the same hashes (chunking code changed
    # without a pipeline version, or files damaged): the pack answers from what it wrote, not
    # from the pack of the generation it replaced.
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    store = Store(small, emb)
    files = DocFiles.of(small.data_dir, emb.model_id)
    rec = next(iter(store.view(refresh=True).docs.values()))
    _npy, js = files._paths(rec.doc_hash)
    body = json.loads(js.read_text())
    original = body["chunks"][0]["text"]
    body["chunks"][0]["text"] = "stale " + original
    js.write_text(json.dumps(body))
    shutil.rmtree(small.bm25_path)
    first = body["chunks"][0]["chunk_id"]
    stale = refresh_pack(store, small)
    row = stale.row(first)
    assert row is not None and stale.chunk(row).text.startswith("stale ")
    Ingestor(small, emb).run(rebuild=True)
    pack = refresh_pack(Store(small, emb), small)
    assert pack.fingerprint != stale.fingerprint
    row = pack.row(first)
    assert row is not None and pack.chunk(row).text == original


def test_a_document_that_fails_during_a_rebuild_keeps_what_was_indexed(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = ids_by_doc(small, emb)
    old_beta = {c.text for c in Store(small, emb).all_chunks() if c.doc_id == "beta"}

    # beta is replaced by a file over the line limit; alpha fails only under a tighter limit.
    beta = small.corpus_dir / "beta.md"
    beta.write_text("# Beta handbook\n\n" + "x" * 500 + "\n", encoding="utf-8")
    tight = replace(small, max_line_chars=300)
    report = Ingestor(tight, emb).run(rebuild=True)
    result = {r.doc_id: r for r in report.results}
    assert result["beta"].status == "failed" and "kept the" in result["beta"].reason, result["beta"]
    assert result["beta"].chunks == len(before["beta"])

    # The rebuild swapped in with beta as it was indexed: same rows, still answerable.
    check_complete(small, emb)
    after = ids_by_doc(small, emb)
    assert after == before
    assert {c.text for c in Store(small, emb).all_chunks() if c.doc_id == "beta"} == old_beta
    # The next ingest that can read beta replaces the carried-over version.
    beta.write_text("# Beta handbook\n\n## Leave\n\nBeta staff get study leave every year.\n", encoding="utf-8")
    fixed = Ingestor(small, emb).run()
    assert {r.doc_id: r.status for r in fixed.results}["beta"] == "updated"
    check_complete(small, emb)


def test_a_document_new_in_a_rebuild_that_fails_is_reported_with_nothing_kept(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    (small.corpus_dir / "delta.txt").write_text("y" * 500 + "\n", encoding="utf-8")
    report = Ingestor(replace(small, max_line_chars=300), emb).run(rebuild=True)
    delta = next(r for r in report.results if r.file == "delta.txt")
    assert delta.status == "failed" and delta.chunks == 0 and "kept" not in delta.reason
    assert set(check_complete(small, emb)) == {"alpha", "beta", "gamma"}


def test_missing_sentences_collection_is_repaired_not_unchanged(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    store = Store(small, emb)
    store.client().delete_collection(store.names(store.view(refresh=True).generation)[1])
    report = Ingestor(small, emb).run()
    assert {r.status for r in report.results} == {"repaired"}
    assert all("sentences" in r.reason for r in report.results)
    assert report.chunks_embedded == report.total_chunks > 0
    check_complete(small, emb)
    again = Ingestor(small, emb).run()
    assert {r.status for r in again.results} == {"unchanged"} and again.chunks_embedded == 0


def test_missing_rows_are_repaired_and_uncommitted_rows_deleted(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    store = Store(small, emb)
    gen = store.view(refresh=True).generation
    chunks_col = store.collection(store.names(gen)[0])
    beta = [c for c in store.all_chunks() if c.doc_id == "beta"]
    chunks_col.delete(ids=[beta[0].chunk_id])  # a chunk lost
    # Rows of a version that was never committed (a kill before the registry row was written).
    ghost = replace(beta[0], chunk_id="ghost-chunk", doc_hash="f" * 32, text="ghost text never committed")
    Generations(store).write(
        gen, [ghost], emb.embed([ghost.text]), (["ghost-chunk:0"], ["ghost-chunk"], ["beta"], ["x"]), emb.embed(["x"])
    )
    assert "ghost-chunk" not in {c.chunk_id for c in Store(small, emb).all_chunks()}  # invisible
    report = Ingestor(small, emb).run()
    assert {r.doc_id: r.status for r in report.results} == {
        "alpha": "unchanged",
        "beta": "repaired",
        "gamma": "unchanged",
    }
    check_complete(small, emb)


def test_writes_in_batches_no_larger_than_the_client_allows(small: Settings) -> None:
    emb = HashEmbedder()
    store = Store(small, emb, max_batch=3)
    report = Ingestor(small, emb, store=store).run()
    assert report.ok and report.total_chunks > 3
    sentences = Store(small, emb, max_batch=2).sentences()
    assert len(sentences.ids) > 3 * report.total_chunks // 2
    check_complete(small, emb)


def test_more_sentences_than_one_chroma_batch(tmp_path: Path) -> None:
    """One document and many small ones with more sentences in all, and in the big one alone,
    than Chroma's maximum batch (5461 embedded): every row is written."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]
    big = [f"Item {i} says the {words[i % 12]} rota covers {words[(i * 7) % 12]} leave." for i in range(6000)]
    (corpus / "big.txt").write_text(
        "Big handbook\n\n" + "\n\n".join(" ".join(big[i : i + 20]) for i in range(0, 6000, 20))
    )
    for n in range(60):
        (corpus / f"small{n:02}.txt").write_text(
            f"Note {n}\n\n" + " ".join(f"Note {n} sentence {i} covers {words[i % 12]} shifts." for i in range(40))
        )
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="many")
    emb = HashEmbedder()
    store = Store(settings, emb)
    # A stand-in QA model too: its real one would spend two minutes on these 8,400 sentences.
    report = Ingestor(settings, emb, store=store, qa_embedder=HashQAEmbedder()).run()
    assert report.ok, report.table()
    assert report.qa_sentences > store.max_batch
    total_sentences = len(Store(settings, emb).sentences().ids)
    assert total_sentences > 6000 + 60 * 40 - 100 > store.max_batch
    counts = check_complete(settings, emb)
    assert len(counts) == 61


def test_plain_ingest_with_another_model_is_refused_rebuild_replaces(small: Settings) -> None:
    Ingestor(small, HashEmbedder()).run()
    other = HashEmbedder(dim=32, model_id="another-model")
    with pytest.raises(EmbedderMismatchError):
        Ingestor(small, other).run()
    report = Ingestor(small, other).run(rebuild=True)
    assert report.ok and Store(small, other).info()["embedding_model"] == "another-model"
    check_complete(small, other)


def test_pre_registry_index_answers_until_the_next_ingest_replaces_it(small: Settings) -> None:
    """An index written before the registry (collections `<name>`, `<name>-sentences`, no
    registry) is read as it is; the next plain ingest rebuilds beside it and drops it."""
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    chunks = Store(small, emb).all_chunks()
    legacy = small.replace(collection="legacy")
    old = Store(legacy, emb)
    texts = [c.text for c in chunks]
    Generations(old).write(
        "", chunks, emb.embed(texts), (["x:0"], [chunks[0].chunk_id], ["alpha"], ["x"]), emb.embed(["x"])
    )
    reader = Store(legacy, emb)
    assert reader.view().legacy and len(reader.all_chunks()) == len(chunks)
    assert reader.dense(emb.embed(["alpha board"])[0], 3)
    report = Ingestor(legacy, emb).run()
    assert report.ok and {r.status for r in report.results} == {"added"}
    check_complete(legacy, emb)  # the pre-registry pair is gone


def test_passages_the_manifest_excludes_are_not_indexed_and_a_stale_exclusion_is_named(small: Settings) -> None:
    emb = HashEmbedder()
    Ingestor(small, emb).run()
    before = ids_by_doc(small, emb)
    text = small.manifest_path.read_text(encoding="utf-8")
    # The beta handbook's salaries section is an advertisement, say: kept out of the index.
    small.manifest_path.write_text(
        text.replace(
            'published = "2024-03-01"\n', 'published = "2024-03-01"\nexclude = ["salaries are SET  nationally"]\n'
        ),
        encoding="utf-8",
    )
    report = Ingestor(small, emb).run()
    assert report.ok
    store = Store(small, emb)
    beta = [c.text for c in store.all_chunks() if c.doc_id == "beta"]
    assert beta and not any("salaries are set nationally" in t for t in beta)
    assert any("keep their pension" in t for t in beta)
    assert len(ids_by_doc(small, emb)["beta"]) == len(before["beta"]) - 1
    # The manifest editor writes the field back as it read it.
    from ingest.manifest import dump_manifest, load_manifest

    docs = load_manifest(small.corpus_dir).documents
    assert docs["beta.md"].exclude == ("salaries are SET  nationally",)
    dump_manifest(list(docs.values()), small.manifest_path)
    assert load_manifest(small.corpus_dir).documents["beta.md"].exclude == ("salaries are SET  nationally",)
    # An exclusion that matches nothing (a typo, or a replaced document) fails that document by
    # name and field; what was indexed stays.
    small.manifest_path.write_text(
        small.manifest_path.read_text(encoding="utf-8").replace("salaries are SET  nationally", "salaries are fixed"),
        encoding="utf-8",
    )
    report = Ingestor(small, emb).run()
    failed = {r.file: r.reason for r in report.results if r.status == "failed"}
    assert set(failed) == {"beta.md"} and "manifest field 'exclude'" in failed["beta.md"]
    assert "'salaries are fixed'" in failed["beta.md"]
    assert len(ids_by_doc(small, emb)["beta"]) == len(before["beta"]) - 1


def test_headings_the_manifest_declares_file_passages_under_them_and_a_stale_one_is_named(small: Settings) -> None:
    emb = HashEmbedder()
    text = small.manifest_path.read_text(encoding="utf-8")
    # A title the text lacks (printed as artwork in a booklet, say), before a paragraph's first words.
    small.manifest_path.write_text(
        text.replace(
            'published = "2024-03-01"\n',
            'published = "2024-03-01"\n'
            'headings = [{ before = "Beta salaries are  set", title = "National pay", level = 3 }]\n',
        ),
        encoding="utf-8",
    )
    assert Ingestor(small, emb).run().ok
    sections = {c.section for c in Store(small, emb).all_chunks() if c.doc_id == "beta"}
    assert sections == {"Pensions", "Salaries › National pay"}, sections
    # The manifest editor writes the field back as it read it.
    from ingest.manifest import dump_manifest, load_manifest

    docs = load_manifest(small.corpus_dir).documents
    assert docs["beta.md"].headings == (("Beta salaries are set", "National pay", 3),)
    dump_manifest(list(docs.values()), small.manifest_path)
    assert load_manifest(small.corpus_dir).documents["beta.md"].headings == docs["beta.md"].headings
    # An anchor no line starts with fails that document by name and field; what was indexed stays.
    small.manifest_path.write_text(
        small.manifest_path.read_text(encoding="utf-8").replace("Beta salaries are set", "Beta wages are set"),
        encoding="utf-8",
    )
    before = ids_by_doc(small, emb)
    report = Ingestor(small, emb).run()
    failed = {r.file: r.reason for r in report.results if r.status == "failed"}
    assert set(failed) == {"beta.md"} and "manifest field 'headings': 'Beta wages are set'" in failed["beta.md"]
    assert ids_by_doc(small, emb) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"Q&A"', "field 'headings' must be a list"),
        ('[{ before = "Beta", title = "Q&A" }]', "field 'headings' entry 1 must be a table"),
        (
            '[{ before = "Beta", title = "", level = 2 }]',
            "field 'headings' entry 1: 'before' and 'title' must be non-empty",
        ),
        (
            '[{ before = "Beta", title = "Q&A", level = 7 }]',
            "field 'headings' entry 1: 'level' must be a whole number from 1 to 6",
        ),
    ],
)
def test_a_malformed_heading_is_a_manifest_error_naming_the_field(small: Settings, value: str, message: str) -> None:
    with open(small.manifest_path, "a") as fh:
        fh.write(f'\n[[document]]\nid = "gamma"\nfile = "gamma.html"\ntitle = "Gamma"\nheadings = {value}\n')
    with pytest.raises(ConfigError, match="document 'gamma': " + message.replace("(", r"\(")):
        Ingestor(small, HashEmbedder()).run()


def test_a_malformed_exclusion_is_a_manifest_error_naming_the_field(small: Settings) -> None:
    with open(small.manifest_path, "a") as fh:
        fh.write('\n[[document]]\nid = "gamma"\nfile = "gamma.html"\ntitle = "Gamma"\nexclude = "one string"\n')
    with pytest.raises(ConfigError, match=r"document 'gamma': field 'exclude' must be a list"):
        Ingestor(small, HashEmbedder()).run()


def test_initials_a_manifest_entry_declares_are_read_as_its_words(small: Settings) -> None:
    """ "OOH" for a guide that writes "out-of-hours": the initials no passage writes read as a name
    the guidance does not know. Declared in the document's entry, a question's initials are read
    as the words, and a changed declaration reaches the index as a changed document does."""
    from assistant.retrieval.index import LoadedIndex

    emb = HashEmbedder()
    manifest = small.corpus_dir / "manifest.toml"
    manifest.write_text(manifest.read_text() + 'shorthand = { BSAL = "beta salaries" }\n')
    Ingestor(small, emb).run()
    index = LoadedIndex.load(Store(small, emb), small)
    assert index.speller.correct("when are BSAL set?") == "when are beta salaries set?"
    # The web app's manifest editor writes the field back as it read it.
    from ingest.manifest import dump_manifest, load_manifest

    dump_manifest(list(load_manifest(small.corpus_dir).documents.values()), small.manifest_path)
    assert load_manifest(small.corpus_dir).documents["beta.md"].shorthand == (("BSAL", "beta salaries"),)
    manifest.write_text(manifest.read_text().replace('shorthand = { BSAL = "beta salaries" }\n', ""))
    assert "BSAL" not in manifest.read_text()
    assert {r.doc_id: r.status for r in Ingestor(small, emb).run().results}["beta"] == "updated"
    index = LoadedIndex.load(Store(small, emb), small)
    assert index.speller.correct("when are BSAL set?") == "when are BSAL set?"


def test_what_the_index_lacks_of_the_corpus_folder_is_listed(small: Settings) -> None:
    """`assistant corpus` said nothing of a document changed, added or removed since the last
    ingest, nor of one whose ingest failed: the listing looked healthy."""
    from assistant.retrieval.index import LoadedIndex
    from ingest.editor import pending_changes

    emb = HashEmbedder()
    Ingestor(small, emb).run()

    def pending() -> list[str]:
        index = LoadedIndex.load(Store(small, emb), small)
        return pending_changes(small, {d["doc_id"]: d["doc_hash"] for d in index.documents()})

    assert pending() == []
    beta = small.corpus_dir / "beta.md"
    beta.write_text(beta.read_text() + "\nBeta rotas are agreed each spring by the whole team of doctors.\n")
    (small.corpus_dir / "delta.md").write_text("# Delta\n\nDelta clinics open at weekends for urgent care needs.\n")
    (small.corpus_dir / "gamma.html").unlink()
    assert pending() == [
        "beta.md (beta): changed since it was indexed (answers quote the indexed one)",
        "delta.md (delta): not indexed",
        "gamma: its file is gone; still answered from until the next ingest",
    ]
    Ingestor(small, emb).run()
    assert pending() == []
