"""The one place where settings choose concrete backends."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ConfigError
from .gate.model import AnswerabilityModel, packaged_model
from .generation.generate import Generator
from .generation.llm_server import managed_llamacpp
from .generation.openai_client import openai_compatible
from .retrieval.embeddings import SentenceTransformerEmbedder
from .retrieval.onnx_embedder import OnnxEmbedder
from .retrieval.qa_embedder import E5QAEmbedder, QAEmbedder
from .settings import Settings
from .types import Embedder


def build_embedder(settings: Settings) -> Embedder:
    if settings.embedding_runtime == "onnx":
        return OnnxEmbedder(settings.embedding_model, settings.models_dir, batch_size=settings.embed_batch_size)
    return SentenceTransformerEmbedder(settings.embedding_model, batch_size=settings.embed_batch_size)


def build_qa_embedder(settings: Settings) -> QAEmbedder | None:
    return E5QAEmbedder() if settings.qa_embedder == "e5-small" else None


def build_generator(settings: Settings) -> Generator | None:
    if settings.generator == "openai":
        return openai_compatible(settings)
    if settings.generator == "llamacpp":
        # Out of process: a native fault in llama.cpp cannot take the assistant down.
        return managed_llamacpp(settings)
    return None


def load_answerability(settings: Settings) -> AnswerabilityModel:
    """The packaged model, or the file named by ASSISTANT_ANSWERABILITY_MODEL (a refit)."""
    if not settings.answerability_model:
        return packaged_model()
    path = Path(settings.answerability_model)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"ASSISTANT_ANSWERABILITY_MODEL: cannot read {path} ({exc})") from exc
    return AnswerabilityModel.from_json(data, str(path))
