"""The generative backend for any OpenAI-compatible chat-completions endpoint (llama.cpp's
server, vLLM, Ollama, a hosted API), streamed and bounded.

The request carries `max_tokens`; the stream is read until the draft holds its sentence budget
(`budget_reached`), then closed, which stops the server generating. Every failure is a
`GeneratorError` whose `reason` (generate.py's REASONS) the answer's fallback line names.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import GeneratorError
from ..settings import Settings
from ..types import Chunk
from .generate import budget_reached, build_prompt

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0


class OpenAICompatibleGenerator:
    """Any OpenAI-compatible chat completions endpoint (llama.cpp server, vLLM, Ollama, a
    trust's gateway), streamed over httpx so that a timeout or a full sentence budget closes
    the connection: the server stops generating instead of finishing an answer nobody reads."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout_s: float = 120.0,
        max_tokens: int = 256,
        max_sentences: int = 4,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        name: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.requested_model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.max_sentences = max_sentences
        self.connect_timeout_s = connect_timeout_s
        self.name = name or f"the endpoint {self.base_url}"

    def generate(self, question: str, passages: Sequence[Chunk]) -> str:
        return self.complete(build_prompt(question, passages, self.max_sentences))

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def complete(self, prompt: str, *, max_tokens: int | None = None, stop_at_budget: bool = True) -> str:
        import httpx

        payload = {
            "model": self.requested_model,
            "messages": [{"role": "user", "content": prompt}],
            "temperature": 0,
            "max_tokens": max_tokens or self.max_tokens,
            "stream": True,
        }
        started = time.monotonic()
        deadline = started + self.timeout_s
        expired = threading.Event()
        text: list[str] = []
        timeout = httpx.Timeout(self.timeout_s, connect=min(self.connect_timeout_s, self.timeout_s))
        try:
            with (
                httpx.Client(timeout=timeout) as client,
                client.stream(
                    "POST", f"{self.base_url}/chat/completions", json=payload, headers=self._headers()
                ) as response,
            ):
                # The read timeout bounds each wait, not the whole answer; this closes the
                # response (and so the connection) at the deadline, from another thread.
                def expire() -> None:
                    expired.set()
                    response.close()

                timer = threading.Timer(max(0.0, deadline - time.monotonic()), expire)
                timer.daemon = True
                timer.start()
                try:
                    if response.status_code >= 400:
                        body = response.read()[:300].decode("utf-8", "replace")
                        raise GeneratorError(
                            f"{self.name} answered HTTP {response.status_code}: {body}", reason="failed"
                        )
                    if "text/event-stream" in response.headers.get("content-type", ""):
                        stream = _Stream()
                        for piece in self._events(response.iter_lines(), stream):
                            text.append(piece)
                            if expired.is_set() or time.monotonic() > deadline:
                                raise TimeoutError
                            if stop_at_budget and budget_reached("".join(text), self.max_sentences):
                                stream.done = True
                                break
                        if expired.is_set():
                            raise TimeoutError
                        if not stream.done:
                            # Every OpenAI-compatible server ends a stream with [DONE]; without
                            # it the connection dropped mid-answer.
                            raise GeneratorError(
                                f"{self.name} closed the stream mid-answer (no [DONE])", reason="crashed"
                            )
                        if stream.finish_reason == "length" and stop_at_budget:
                            # Cut by max_tokens: the last sentence is a fragment.
                            return _complete_sentences("".join(text))
                    else:
                        text.append(self._whole(response.read()))
                finally:
                    timer.cancel()
        except GeneratorError:
            raise
        except httpx.ConnectTimeout as exc:
            raise GeneratorError(f"{self.name} could not be reached: connect timed out", reason="unreachable") from exc
        except httpx.ConnectError as exc:
            raise GeneratorError(f"{self.name} could not be reached: {exc}", reason="unreachable") from exc
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise GeneratorError(
                f"{self.name} gave no complete answer within {self.timeout_s:g} s; the request was closed",
                reason="timeout",
            ) from exc
        except (httpx.HTTPError, httpx.StreamError, OSError, RuntimeError) as exc:
            if expired.is_set():
                raise GeneratorError(
                    f"{self.name} gave no complete answer within {self.timeout_s:g} s; the request was closed",
                    reason="timeout",
                ) from exc
            raise GeneratorError(
                f"{self.name} dropped the connection mid-answer ({type(exc).__name__}: {exc})", reason="crashed"
            ) from exc
        log.info("%s answered in %.1f s", self.name, time.monotonic() - started)
        return "".join(text)

    def _events(self, lines: Iterator[str], stream: _Stream) -> Iterator[str]:
        for line in lines:
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                stream.done = True
                return
            try:
                event = json.loads(data)
                choice = event["choices"][0] if event.get("choices") else {}
            except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
                raise GeneratorError(f"{self.name} sent a stream event that is not JSON: {data[:120]}") from exc
            if isinstance(event.get("model"), str) and event["model"]:
                self.model = event["model"]
            if choice.get("finish_reason"):
                stream.finish_reason = str(choice["finish_reason"])
            content = (choice.get("delta") or {}).get("content") or ""
            if content:
                yield str(content)

    def _whole(self, body: bytes) -> str:
        """A server that ignored `stream` and sent the whole completion as one JSON body."""
        try:
            data = json.loads(body)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise GeneratorError(f"{self.name} did not return a chat completion: {body[:200]!r}") from exc
        if isinstance(data.get("model"), str) and data["model"]:
            self.model = data["model"]
        return str(content or "")


@dataclass
class _Stream:
    done: bool = False
    finish_reason: str = ""


_SENTENCE_END = re.compile(r"(?:[.!?][\"')\]]*|\])(?=\s|$)")


def _complete_sentences(text: str) -> str:
    """`text` up to its last sentence end (a full stop, or a citation marker ending one)."""
    ends = list(_SENTENCE_END.finditer(text))
    return text[: ends[-1].end()] if ends else ""


def openai_compatible(settings: Settings) -> OpenAICompatibleGenerator:
    return OpenAICompatibleGenerator(
        settings.llm_base_url,
        settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.llm_max_tokens,
        max_sentences=settings.max_answer_sentences,
    )


def probe_endpoint(generator: OpenAICompatibleGenerator) -> tuple[bool, list[str]]:
    """Reach the endpoint: list its models, then time a one-token completion."""
    import httpx

    lines = []
    t = time.monotonic()
    try:
        r = httpx.get(
            f"{generator.base_url}/models",
            headers=generator._headers(),
            timeout=httpx.Timeout(10.0, connect=CONNECT_TIMEOUT_S),
        )
    except httpx.HTTPError as exc:
        return False, [f"{generator.base_url}: not reachable ({type(exc).__name__}: {exc})"]
    ms = (time.monotonic() - t) * 1000
    if r.status_code >= 400:
        lines.append(f"{generator.base_url}/models: HTTP {r.status_code} in {ms:.0f} ms (listing models not supported)")
    else:
        try:
            ids = [str(m.get("id")) for m in r.json().get("data", [])]
        except (ValueError, AttributeError):
            ids = []
        lines.append(f"{generator.base_url}: reachable, HTTP {r.status_code} in {ms:.0f} ms")
        lines.append("models served: " + (", ".join(ids) if ids else "(none listed)"))
        if ids and generator.requested_model not in ids:
            lines.append(
                f"ASSISTANT_LLM_MODEL={generator.requested_model!r} is not among them "
                "(llama.cpp's server answers with its one model whatever the name; others may refuse)"
            )
    t = time.monotonic()
    try:
        generator.complete("Reply with the single word: ready", max_tokens=1, stop_at_budget=False)
    except GeneratorError as exc:
        lines.append(f"a one-token completion failed ({exc.reason}): {exc}")
        return False, lines
    lines.append(f"a one-token completion from {generator.model!r} took {time.monotonic() - t:.2f} s")
    return True, lines
