"""llama.cpp out of process: its OpenAI-compatible server as a managed subprocess.

llama-cpp-python runs native code; on a CPU that advertises an instruction it then faults on,
the first completion kills the process that loaded it (exit 139). So the assistant never loads
it: `ASSISTANT_GENERATOR=llamacpp` starts `python -m llama_cpp.server` as a child process on a
free loopback port, checks it answers (`GET /v1/models`) before use, talks to it like any
OpenAI-compatible endpoint, restarts it once if it dies, and reports a death as the fallback
reason "crashed" (the question still gets its quoted answer). `assistant llm serve` runs the
same server in the foreground, for several assistants (web chat, Slack) to share.
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import GeneratorError
from ..settings import Settings
from ..types import Chunk
from .openai_client import OpenAICompatibleGenerator

log = logging.getLogger(__name__)
HEALTH_PATH = "/v1/models"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def model_alias(gguf_path: str) -> str:
    """The name answers are shown with: the GGUF file's name without `.gguf`."""
    return Path(gguf_path).name.removesuffix(".gguf") or "llama.cpp"


def llama_server_command(gguf_path: str, host: str, port: int, settings: Settings) -> list[str]:
    threads = settings.llm_threads or os.cpu_count() or 1
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        gguf_path,
        "--model_alias",
        model_alias(gguf_path),
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(settings.llm_ctx),
        "--n_threads",
        str(threads),
    ]


def describe_exit(code: int | None) -> str:
    if code is None:
        return "is running"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}" + (" (a native crash)" if code in {132, 134, 136, 139} else "")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class ManagedServer:
    """A child process serving an OpenAI-compatible API on `host:port`.

    `start` waits until `GET /v1/models` answers (or the child exits, or the startup timeout
    passes). `ensure_running` starts it on first use and restarts it after a death, at most
    `max_restarts` times in the server's life; after that it stays down and every call fails
    fast with reason "crashed". The child is stopped when this object is collected or the
    interpreter exits."""

    def __init__(
        self,
        command: Sequence[str],
        host: str,
        port: int,
        *,
        startup_timeout_s: float = 180.0,
        max_restarts: int = 1,
        log_path: Path | None = None,
        label: str = "llama.cpp server",
    ) -> None:
        self.command = list(command)
        self.host = host
        self.port = port
        self.startup_timeout_s = startup_timeout_s
        self.restarts_left = max_restarts
        self.log_path = log_path
        self.label = label
        self.proc: subprocess.Popen[bytes] | None = None
        self.last_exit: int | None = None
        self._lock = threading.Lock()
        self._finalizer: weakref.finalize | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self) -> str:
        code = self.proc.poll() if self.proc is not None else self.last_exit
        return describe_exit(code)

    def _log_tail(self, chars: int = 600) -> str:
        if self.log_path is None or not self.log_path.is_file():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:].strip()

    def healthy(self, timeout: float = 2.0) -> bool:
        import httpx

        try:
            return httpx.get(f"http://{self.host}:{self.port}{HEALTH_PATH}", timeout=timeout).status_code < 500
        except httpx.HTTPError:
            return False

    def start(self) -> None:
        """Start the child and wait until it answers; GeneratorError if it cannot."""
        out: Any = subprocess.DEVNULL
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            self.proc = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise GeneratorError(f"cannot start the {self.label}: {exc}", reason="unavailable") from exc
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        self._finalizer = weakref.finalize(self, _stop, self.proc)
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.last_exit = self.proc.returncode
                tail = self._log_tail()
                raise GeneratorError(
                    f"the {self.label} {self.exit_description()} while starting" + (f": {tail}" if tail else ""),
                    reason="crashed",
                )
            if self.healthy():
                log.info("%s up on %s (pid %d)", self.label, self.base_url, self.proc.pid)
                return
            time.sleep(0.2)
        self.stop()
        raise GeneratorError(
            f"the {self.label} did not answer within {self.startup_timeout_s:g} s of starting", reason="unreachable"
        )

    def ensure_running(self) -> None:
        with self._lock:
            if self.running():
                return
            if self.proc is None:
                self.start()
                return
            self.last_exit = self.proc.returncode
            if self.restarts_left <= 0:
                raise GeneratorError(
                    f"the {self.label} {self.exit_description()} and has already been restarted once; "
                    "not restarting it again",
                    reason="crashed",
                )
            self.restarts_left -= 1
            log.warning("the %s %s; restarting it (once)", self.label, self.exit_description())
            self.start()

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)
            self.last_exit = self.proc.returncode
        if self._finalizer is not None:
            self._finalizer.detach()


class ManagedServerGenerator:
    """A `Generator` over a managed server: a death of the server, before or during an answer,
    is the fallback reason "crashed", never an exception in the assistant's process."""

    def __init__(self, server: ManagedServer, client: OpenAICompatibleGenerator) -> None:
        self.server = server
        self.client = client
        self.name = f"the {server.label}"

    @property
    def model(self) -> str:
        return self.client.model

    def generate(self, question: str, passages: Sequence[Chunk]) -> str:
        self.server.ensure_running()
        try:
            return self.client.generate(question, passages)
        except GeneratorError as exc:
            # A dropped connection or a refused one: was it the server dying?
            time.sleep(0.05)
            if not self.server.running():
                raise GeneratorError(
                    f"the {self.server.label} {self.server.exit_description()} while answering", reason="crashed"
                ) from exc
            raise


def managed_llamacpp(settings: Settings, port: int | None = None) -> ManagedServerGenerator:
    """The llama.cpp generator: a managed `llama_cpp.server` on a free loopback port."""
    gguf = settings.llm_gguf_path
    host = "127.0.0.1"
    port = port or free_port(host)
    server = ManagedServer(
        llama_server_command(gguf, host, port, settings),
        host,
        port,
        startup_timeout_s=settings.llm_startup_timeout_s,
        log_path=settings.data_dir / "llm-server.log",
    )
    client = OpenAICompatibleGenerator(
        server.base_url,
        model_alias(gguf),
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.llm_max_tokens,
        max_sentences=settings.max_answer_sentences,
        name=f"the llama.cpp server for {model_alias(gguf)}",
    )
    return UncheckedLlamaCpp(server, client, gguf)


class UncheckedLlamaCpp(ManagedServerGenerator):
    """Checks, before the first start, what would make the child fail at once: the library and
    the model file (reason "unavailable" rather than a crash)."""

    def __init__(self, server: ManagedServer, client: OpenAICompatibleGenerator, gguf: str) -> None:
        super().__init__(server, client)
        self.gguf = gguf

    def generate(self, question: str, passages: Sequence[Chunk]) -> str:
        if self.server.proc is None:
            if importlib.util.find_spec("llama_cpp") is None:
                raise GeneratorError(
                    "llama-cpp-python is not installed: pip install '.[llm]' (see README)", reason="unavailable"
                )
            if not Path(self.gguf).is_file():
                raise GeneratorError(f"ASSISTANT_LLM_GGUF_PATH: no file at {self.gguf}", reason="unavailable")
        return super().generate(question, passages)


# --- `assistant llm serve` -----------------------------------------------------------------


def add_llm_parser(sub: Any) -> None:
    s = sub.add_parser("llm", help="run llama.cpp's OpenAI-compatible server for the assistant to use")
    llm_sub = s.add_subparsers(dest="llm_command", required=True)
    serve = llm_sub.add_parser("serve", help="start llama_cpp.server as a supervised child (restarted once)")
    serve.add_argument("--gguf", help="model file (default ASSISTANT_LLM_GGUF_PATH)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default ASSISTANT_LLM_PORT (8080)")
    serve.set_defaults(fn=cmd_llm_serve)


def cmd_llm_serve(args: argparse.Namespace, settings: Settings) -> int:
    gguf = args.gguf or settings.llm_gguf_path
    if not gguf:
        raise GeneratorError("give --gguf FILE or set ASSISTANT_LLM_GGUF_PATH", reason="unavailable")
    if importlib.util.find_spec("llama_cpp") is None:
        raise GeneratorError("llama-cpp-python is not installed: pip install '.[llm]' (see README)", "unavailable")
    if not Path(gguf).is_file():
        raise GeneratorError(f"no model file at {gguf}", reason="unavailable")
    port = args.port or settings.llm_port
    server = ManagedServer(
        llama_server_command(gguf, args.host, port, settings),
        args.host,
        port,
        startup_timeout_s=settings.llm_startup_timeout_s,
    )
    return supervise(server, model_alias(gguf))


def supervise(server: ManagedServer, alias: str, poll_s: float = 1.0) -> int:
    """Run `server` in the foreground: report where it is, restart it once if it dies, stop it
    on Ctrl-C or SIGTERM. Exit status 1 when it died twice."""
    stopping = threading.Event()

    def on_term(signum: int, frame: Any) -> None:
        stopping.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    atexit.register(server.stop)
    try:
        print(f"starting the llama.cpp server for {alias} on {server.base_url} …", file=sys.stderr)
        server.start()
        print(
            f"serving {alias} on {server.base_url} (pid {server.proc.pid if server.proc else '?'})\n"
            f"use it with: ASSISTANT_GENERATOR=openai ASSISTANT_LLM_BASE_URL={server.base_url} "
            f"ASSISTANT_LLM_MODEL={alias}",
            flush=True,
        )
        while not stopping.wait(poll_s):
            if server.running():
                continue
            print(f"the server {server.exit_description()}", file=sys.stderr)
            try:
                server.ensure_running()
            except GeneratorError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(f"restarted on {server.base_url} (it will not be restarted again)", file=sys.stderr)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


# --- `assistant config --check` ------------------------------------------------------------


def check_generator(settings: Settings) -> tuple[bool, list[str]]:
    """Reach the configured generator and say what was found: (usable?, lines to print)."""
    from .openai_client import openai_compatible, probe_endpoint

    if settings.generator == "extractive":
        return True, ["ASSISTANT_GENERATOR=extractive: answers are quoted from the sources; no language model to check"]
    if settings.generator == "openai":
        ok, lines = probe_endpoint(openai_compatible(settings))
        return ok, [f"ASSISTANT_GENERATOR=openai, ASSISTANT_LLM_BASE_URL={settings.llm_base_url}", *lines]
    lines = [f"ASSISTANT_GENERATOR=llamacpp, ASSISTANT_LLM_GGUF_PATH={settings.llm_gguf_path}"]
    if importlib.util.find_spec("llama_cpp") is None:
        return False, [*lines, "llama-cpp-python is not installed: pip install '.[llm]' (see README)"]
    if not Path(settings.llm_gguf_path).is_file():
        return False, [*lines, f"no model file at {settings.llm_gguf_path}"]
    gen = managed_llamacpp(settings)
    t = time.monotonic()
    try:
        gen.server.ensure_running()
        lines.append(f"the managed llama.cpp server started in {time.monotonic() - t:.1f} s on {gen.server.base_url}")
        ok, more = probe_endpoint(gen.client)
        return ok, lines + more
    except GeneratorError as exc:
        return False, [*lines, f"the managed llama.cpp server could not be used ({exc.reason}): {exc}"]
    finally:
        gen.server.stop()
