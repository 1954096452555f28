"""Optional generative answers through LangChain chat models, made safe by a support check.

The model only drafts. Every drafted sentence must cite a passage that was retrieved and be
supported by it (most of its content words occur in that passage); anything else is removed.
If too little survives, the caller falls back to the extractive answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import GeneratorError
from ..retrieval.lexical import normalise_quotes, terms
from ..retrieval.sentences import split_sentences
from ..settings import Settings
from ..types import Chunk
from .messages import render

_MARK = re.compile(r"\[(\d{1,2})(?:\s*,\s*(\d{1,2}))*\]")
_ALL_NUMS = re.compile(r"\d{1,2}")


class Generator(Protocol):
    """Drafts an answer to `question` from numbered `passages` (1-based in the prompt)."""

    name: str

    def generate(self, question: str, passages: Sequence[Chunk]) -> str: ...


def build_prompt(question: str, passages: Sequence[Chunk]) -> str:
    blocks = [f"[{i}] {p.title} ({p.published}) — {p.section}\n{p.text}" for i, p in enumerate(passages, start=1)]
    return render("answer_prompt", passages="\n\n".join(blocks), question=question)


class ChatModelGenerator:
    """Any LangChain chat model (`BaseChatModel`)."""

    def __init__(self, model: Any, name: str) -> None:
        self._model = model
        self.name = name

    def generate(self, question: str, passages: Sequence[Chunk]) -> str:
        try:
            reply = self._model.invoke(build_prompt(question, passages))
        except Exception as exc:
            raise GeneratorError(f"the {self.name} model failed: {exc}") from exc
        content = getattr(reply, "content", reply)
        return content if isinstance(content, str) else str(content)


def openai_compatible(settings: Settings) -> ChatModelGenerator:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,  # type: ignore[arg-type]
        temperature=0,
        timeout=settings.llm_timeout_s,
        max_retries=0,
    )
    return ChatModelGenerator(model, f"OpenAI-compatible endpoint {settings.llm_base_url}")


class LlamaCppGenerator:
    """A local GGUF file through llama-cpp-python (the optional `llm` extra)."""

    def __init__(self, path: str) -> None:
        self.name = f"llama.cpp {path}"
        self._path = path
        self._llm: Any = None

    def generate(self, question: str, passages: Sequence[Chunk]) -> str:
        try:
            if self._llm is None:
                from llama_cpp import Llama

                self._llm = Llama(model_path=self._path, n_ctx=4096, verbose=False)
            out = self._llm.create_chat_completion(
                messages=[{"role": "user", "content": build_prompt(question, passages)}],
                temperature=0.0,
                repeat_penalty=1.0,
                max_tokens=300,
            )
        except ImportError as exc:
            raise GeneratorError("llama-cpp-python is not installed: pip install '.[llm]'") from exc
        except Exception as exc:
            raise GeneratorError(f"{self.name} failed: {exc}") from exc
        return str(out["choices"][0]["message"]["content"])


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content terms (as a multiset) found in the passage."""
    s_terms = terms(sentence)
    if not s_terms:
        return 0.0
    p_terms = set(terms(passage))
    return sum(t in p_terms for t in s_terms) / len(s_terms)


@dataclass
class CheckedSentence:
    text: str  # without citation markers
    cites: list[int]  # 1-based passage numbers that support it


@dataclass
class CheckResult:
    kept: list[CheckedSentence]
    removed: int
    refused: bool


def check(draft: str, passages: Sequence[Chunk], threshold: float) -> CheckResult:
    draft = normalise_quotes(draft).strip()
    if "NOT IN CORPUS" in draft.upper():
        return CheckResult([], 0, True)
    kept: list[CheckedSentence] = []
    removed = 0
    for s, e in split_sentences(draft):
        raw = draft[s:e]
        nums = [int(n) for m in _MARK.finditer(raw) for n in _ALL_NUMS.findall(m.group(0))]
        text = _MARK.sub("", raw).replace(" .", ".").strip()
        if len(terms(text)) == 0:
            continue
        valid = [n for n in dict.fromkeys(nums) if 1 <= n <= len(passages)]
        supported = [n for n in valid if support(text, passages[n - 1].text) >= threshold]
        if supported:
            kept.append(CheckedSentence(text, supported))
        else:
            removed += 1
    return CheckResult(kept, removed, False)
