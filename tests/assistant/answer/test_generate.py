"""The support check on generated answers, against a real OpenAI-compatible server on 127.0.0.1
that returns chosen completions (a stand-in for the LLM: it is outside our code)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import Assistant, Settings
from assistant.wiring import build_generator
from tests.helpers import free_port


class Completions:
    def __init__(self) -> None:
        self.reply = ""
        self.prompts: list[str] = []


@pytest.fixture()
def llm_server() -> Iterator[tuple[str, Completions]]:
    state = Completions()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.prompts.append(body["messages"][-1]["content"])
            out = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": state.reply}}
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{port}/v1", state
    server.shutdown()


def generative(corpus_settings: Settings, minilm, url: str) -> Assistant:  # type: ignore[no-untyped-def]
    s = corpus_settings.replace(generator="openai", llm_base_url=url)
    return Assistant(s, embedder=minilm, generator=build_generator(s))


Q = "how do I get on a CCG board?"


def test_supported_sentences_are_kept_with_their_citations(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    extractive = Assistant(corpus_settings, embedder=minilm).ask(Q)
    n = next(c.n for c in extractive.citations)  # any passage number valid in the prompt
    prompt_passages = [h.chunk for h in extractive.retrieved[:3]]
    board = next(i for i, p in enumerate(prompt_passages, 1) if "NHS Jobs" in p.text)
    llm.reply = (
        f"Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs "
        f"website [{board}]. You should contact your CCG to find out about opportunities [{board}]."
    )
    a = bot.ask(Q)
    assert a.mode == "generated" and not a.refused
    assert "NHS Jobs" in a.text and "[1]" in a.text
    assert len(a.citations) == 1 and "NHS Jobs" in a.citations[0].text
    assert "<<<PASSAGES" in llm.prompts[-1] and n >= 1


def test_unsupported_sentences_are_removed_and_noted(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    base = Assistant(corpus_settings, embedder=minilm).ask(Q)
    board = next(i for i, h in enumerate(base.retrieved[:3], 1) if "NHS Jobs" in h.chunk.text)
    llm.reply = (
        f"Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website [{board}]. "
        f"Board members are paid £90,000 a year and must hold an MBA [{board}]."
    )
    a = bot.ask(Q)
    assert a.mode == "generated"
    assert "£90,000" not in a.text and "MBA" not in a.text
    assert any("did not support were removed" in n for n in a.notices)


def test_citation_to_a_passage_not_retrieved_is_dropped(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    llm.reply = "Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website [9]."
    a = bot.ask(Q)
    # Nothing supported survives: the extractive answer is returned, with a note saying so.
    assert a.mode == "extractive"
    assert any("could not be checked" in n for n in a.notices)
    assert "[9]" not in a.text and all(c.n <= 5 for c in a.citations)


def test_unreachable_endpoint_falls_back_to_extractive(corpus_settings, minilm) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import free_port

    bot = generative(corpus_settings, minilm, f"http://127.0.0.1:{free_port()}/v1")
    a = bot.ask(Q)
    assert a.mode == "extractive" and a.citations
    assert any("could not be checked" in n for n in a.notices)


def test_real_local_model_through_llama_cpp(corpus_settings, minilm) -> None:  # type: ignore[no-untyped-def]
    """Runs where the optional `llm` extra and a GGUF file are present (ASSISTANT_TEST_GGUF)."""
    import os

    pytest.importorskip("llama_cpp", reason="the optional llm extra (llama-cpp-python) is not installed")
    path = os.environ.get("ASSISTANT_TEST_GGUF", "")
    if not path or not os.path.isfile(path):
        pytest.skip("set ASSISTANT_TEST_GGUF to a local GGUF file to run the real model")
    s = corpus_settings.replace(generator="llamacpp", llm_gguf_path=path)
    a = Assistant(s, embedder=minilm, generator=build_generator(s)).ask(Q)
    retrieved = {h.chunk.text for h in a.retrieved}
    assert a.citations and all(c.text in retrieved for c in a.citations)
    if a.mode == "generated":
        from assistant.answer.generate import support

        for c in a.citations:
            assert any(support(q, c.text) >= s.support_threshold for q in c.quote.split(" … "))
