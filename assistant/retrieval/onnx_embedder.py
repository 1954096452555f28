"""The same packaged model, run by onnxruntime instead of torch.

Why: importing torch + sentence-transformers takes 8–10 s on 2 cores, which made the first
answer of a new process (a Streamlit session, `assistant ask`, the Slack bot) wait that long.
onnxruntime and tokenizers import in about half a second and embed a question in ~6 ms.

The ONNX file is exported once from the packaged weights (needs torch, ~10 s) into
`<data_dir>/models/`, and is only kept if it reproduces sentence-transformers' vectors on a
fixed set of texts (long, short, empty, non-ASCII) to within `TOLERANCE`. A sidecar records
the model id and the weights' digest; a file that does not match the configured weights is
exported again, never used. So there is one model, checked to give the same vectors on both
runtimes, not two that can drift apart.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import inspect
import json
import logging
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError, StoreError
from .embeddings import SentenceTransformerEmbedder, packaged_model_path

log = logging.getLogger(__name__)

TOLERANCE = 1e-4
SIDECAR = "export.json"
FORMAT = 1

# Texts the export must reproduce: padding within a batch, truncation past max_seq_length,
# an empty string, non-ASCII punctuation and currency as the corpus has them.
CHECK_TEXTS = (
    "how do I get on a CCG board?",
    "What happens to my pension if I move to a private provider?",
    "",
    "England’s 211 clinical commissioning groups (CCGs) will take over from primary care trusts – £65bn.",
    " ".join(["Commissioning support units provide business intelligence and contracting to CCGs."] * 40),
    "SAS",
)


@contextlib.contextmanager
def _export_lock(folder: Path) -> Iterator[None]:
    with (folder / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_json(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


class OnnxEmbedder:
    """Embeds with an ONNX export of `model_id`, made on first use under `folder`."""

    def __init__(self, model_id: str, folder: Path, batch_size: int = 32) -> None:
        self.model_id = model_id
        self.batch_size = batch_size
        self.folder = folder
        self._source = packaged_model_path(model_id)
        self._check_pooling()
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def onnx_path(self) -> Path:
        return self.folder / "model.onnx"

    def _check_pooling(self) -> None:
        pooling = self._source / "1_Pooling" / "config.json"
        # Older sentence-transformers write pooling_mode_mean_tokens, current ones pooling_mode.
        config = _read_json(pooling) if pooling.is_file() else {}
        supported = (
            (bool(config.get("pooling_mode_mean_tokens")) or config.get("pooling_mode") == "mean")
            and (self._source / "model.safetensors").is_file()
            and (self._source / "tokenizer.json").is_file()
        )
        if not supported:
            raise ConfigError(
                "ASSISTANT_EMBEDDING_RUNTIME=onnx supports mean-pooling sentence-transformers models with "
                f"model.safetensors and tokenizer.json; {self.model_id!r} is not one: "
                "set ASSISTANT_EMBEDDING_RUNTIME=torch"
            )

    def _max_length(self) -> int:
        """Tokens per text, where sentence-transformers keeps it: sentence_bert_config.json up to
        version 5, the tokenizer's model_max_length from version 6 on."""
        config = self._source / "sentence_bert_config.json"
        if config.is_file() and "max_seq_length" in (st := _read_json(config)):
            return int(st["max_seq_length"])
        tokenizer = self._source / "tokenizer_config.json"
        # Tokenizers with no limit of their own say so with a huge sentinel (int(1e30)).
        limit = int(_read_json(tokenizer).get("model_max_length", 0) or 0) if tokenizer.is_file() else 0
        return limit if 0 < limit <= 100_000 else 256

    def _current(self) -> bool:
        sidecar = self.folder / SIDECAR
        if not (self.onnx_path.is_file() and sidecar.is_file()):
            return False
        try:
            meta = _read_json(sidecar)
        except (OSError, ValueError):
            return False
        weights = self._source / "model.safetensors"
        return (
            meta.get("format") == FORMAT
            and meta.get("model_id") == self.model_id
            and meta.get("weights_size") == weights.stat().st_size
            and meta.get("weights_sha256") == _digest(weights)
        )

    def warm(self) -> None:
        self._load()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                try:
                    self.folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create {self.folder} for the ONNX model: {exc.strerror}") from exc
                with _export_lock(self.folder):
                    if not self._current():
                        self._export()
                    try:
                        self._session, self._tokenizer = self._open(self.onnx_path)
                    except StoreError as exc:
                        # A truncated or damaged file (a full disk, a killed copy): make it again.
                        log.warning("%s; exporting it again", exc)
                        self._export()
                        self._session, self._tokenizer = self._open(self.onnx_path)
            return self._session, self._tokenizer

    def _open(self, path: Path) -> tuple[Any, Any]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = min(4, os.cpu_count() or 1)
        options.log_severity_level = 3
        # Idle intra-op threads sleep instead of spinning: on a small shared machine (2 cores,
        # other processes, concurrent questions) spinning burned the cores the work needed;
        # measured, the same embedding took half the wall time without it.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise StoreError(f"{path}: cannot be loaded by onnxruntime ({exc})") from exc
        tokenizer = Tokenizer.from_file(str(self._source / "tokenizer.json"))
        # tokenizer.json pads and truncates to 128; sentence-transformers uses max_seq_length.
        tokenizer.enable_truncation(self._max_length())
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        return session, tokenizer

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        session, tokenizer = self._load()
        return _run(session, tokenizer, list(texts), self.batch_size)

    def _export(self) -> None:
        log.warning("Preparing the ONNX copy of %s in %s (once, about 10 s)…", self.model_id, self.folder)
        try:
            import torch
            from transformers import AutoModel
        except ImportError as exc:
            raise ConfigError(
                "exporting the embedding model to ONNX needs torch and transformers; "
                "install them or set ASSISTANT_EMBEDDING_RUNTIME=torch"
            ) from exc

        class LastHidden(torch.nn.Module):
            def __init__(self, model: Any, names: list[str]) -> None:
                super().__init__()
                self.model = model
                self.names = names

            def forward(self, *inputs: Any) -> Any:
                return self.model(**dict(zip(self.names, inputs, strict=True))).last_hidden_state

        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar would interleave with ours
        tmp = self.folder / "model.onnx.tmp"
        model = AutoModel.from_pretrained(str(self._source), attn_implementation="eager").eval()
        sample = torch.ones((2, 8), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        names = ["input_ids", "attention_mask"]
        # BERT-like models take segment ids; MPNet and DistilBERT have none and refuse them.
        if "token_type_ids" in inspect.signature(model.forward).parameters:
            names.append("token_type_ids")
        try:
            # The tracer warns about shapes and index ops in generic terms; `_verify` is what
            # tells whether this export is right, so its warnings would only alarm.
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    LastHidden(model, names),
                    (sample, sample, torch.zeros_like(sample))[: len(names)],
                    str(tmp),
                    input_names=names,
                    output_names=["last_hidden_state"],
                    dynamic_axes={**{n: axes for n in names}, "last_hidden_state": axes},
                    opset_version=17,
                    dynamo=False,
                )
        except Exception as exc:  # torch.onnx raises a variety of exporter errors
            tmp.unlink(missing_ok=True)
            raise StoreError(f"exporting {self.model_id} to ONNX failed: {exc}") from exc
        deviation = self._verify(tmp)
        weights = self._source / "model.safetensors"
        meta = {
            "format": FORMAT,
            "model_id": self.model_id,
            "weights_size": weights.stat().st_size,
            "weights_sha256": _digest(weights),
            "max_abs_deviation": deviation,
            "torch": torch.__version__,
        }
        os.replace(tmp, self.onnx_path)
        (self.folder / SIDECAR).write_text(json.dumps(meta, indent=2), encoding="utf-8")

    def _verify(self, candidate: Path) -> float:
        """Largest difference from sentence-transformers' vectors; refuses the file past TOLERANCE."""
        reference = SentenceTransformerEmbedder(self.model_id).embed(CHECK_TEXTS)
        session, tokenizer = self._open(candidate)
        ours = _run(session, tokenizer, list(CHECK_TEXTS), self.batch_size)
        deviation = float(np.abs(ours - reference).max())
        if deviation > TOLERANCE:
            candidate.unlink(missing_ok=True)
            raise StoreError(
                f"the ONNX export of {self.model_id} differs from sentence-transformers by {deviation:.2g} "
                f"(> {TOLERANCE}); set ASSISTANT_EMBEDDING_RUNTIME=torch"
            )
        return deviation


def _run(session: Any, tokenizer: Any, texts: list[str], batch_size: int) -> np.ndarray:
    dim = int(session.get_outputs()[0].shape[-1])
    # Models without segment embeddings (MPNet) export no token_type_ids input.
    accepted = {i.name for i in session.get_inputs()}
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    # Longest first, as sentence-transformers does, so each batch pads to similar lengths.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        encoded = tokenizer.encode_batch([texts[i] for i in rows])
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        hidden = session.run(None, {k: v for k, v in feed.items() if k in accepted})[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        out[rows] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return out
