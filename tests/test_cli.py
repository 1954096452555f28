from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Settings
from assistant.interfaces.cli import main
from tests.helpers import write_small_corpus


def test_ask_json_schema_through_the_console_script(corpus_settings: Settings, env_for) -> None:  # type: ignore[no-untyped-def]
    env = env_for(corpus_settings)
    exe = Path(sys.executable).with_name("assistant")
    out = subprocess.run(
        [str(exe), "ask", "--json", "what happens to my pension?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    data = json.loads(out.stdout)
    assert set(data) == {
        "answer",
        "refused",
        "outcome",
        "mode",
        "model",
        "fallback_reason",
        "answerability",
        "notices",
        "citations",
        "retrieved",
        "timings_ms",
        "lead",
        "nearest",
    }
    assert data["outcome"] in {"answer", "partial"} and data["mode"] == "extractive"
    assert set(data["answerability"][0]) == {
        "ask",
        "outcome",
        "probability",
        "signals",
        "outside",
        "superseded",
        "clinical",
        "off_subject",
    }
    assert set(data["citations"][0]) == {
        "n",
        "doc_id",
        "file",
        "title",
        "publisher",
        "published",
        "section",
        "page",
        "text",
        "quote",
    }
    assert set(data["retrieved"][0]) == {"rank", "doc_id", "file", "section", "page", "text", "score"}
    assert data["retrieved"][0]["rank"] == 1 and not data["refused"]


def test_ask_human_readable_with_doc_filter_and_k(corpus_settings: Settings, env_for, capsys) -> None:  # type: ignore[no-untyped-def]
    env_for(corpus_settings)
    assert main(["ask", "--doc", "bma-quick-guide", "--k", "3", "How many CCGs are there?"]) == 0
    out = capsys.readouterr().out
    assert "Sources:" in out and "Quick guide to commissioning" in out and "years old" in out
    assert main(["ask", "--json", "--k", "3", "How many CCGs are there?"]) == 0
    assert len(json.loads(capsys.readouterr().out)["retrieved"]) == 3


def test_corpus_status_and_ingest_summary(corpus_settings: Settings, env_for, capsys) -> None:  # type: ignore[no-untyped-def]
    env_for(corpus_settings)
    assert main(["corpus"]) == 0
    out = capsys.readouterr().out
    assert "bmj-guide" in out and "last ingested" in out and "chunks in 5 documents" in out
    assert main(["status"]) == 0 and capsys.readouterr().out == out  # the same command by its other name
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert "unchanged 5" in out and "0 embedded" in out


def test_errors_are_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "empty"))
    assert main(["ask", "anything"]) == 2
    assert "run `assistant ingest`" in capsys.readouterr().err
    monkeypatch.setenv("ASSISTANT_TOP_K", "lots")
    assert main(["ask", "anything"]) == 2
    assert "ASSISTANT_TOP_K" in capsys.readouterr().err
    monkeypatch.setenv("ASSISTANT_TOP_K", "5")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_RUNTIME", "gpu")
    assert main(["ask", "anything"]) == 2
    assert "ASSISTANT_EMBEDDING_RUNTIME must be onnx or torch" in capsys.readouterr().err


def test_chat_keeps_history_and_commands(corpus_settings: Settings, env_for) -> None:  # type: ignore[no-untyped-def]
    env = env_for(corpus_settings)
    exe = Path(sys.executable).with_name("assistant")
    script = "how do I get on a CCG board?\n/sources\nthanks\nand what about SAS doctors?\n/new\n/quit\n"
    out = subprocess.run([str(exe), "chat"], input=script, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Sources:") >= 3 and "(new conversation)" in out.stdout
    # Small talk gets its one line, not a caption claiming it was quoted from the sources.
    welcome = out.stdout.index("You're welcome.")
    assert out.stdout[welcome:].split("you>")[0].strip() == "You're welcome. Ask another question whenever you like."


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    # `assistant config | head -1`: the pipe is closed before the command writes.
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "var")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "config"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_ingest_check_reads_every_document_and_indexes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_small_corpus(tmp_path / "corpus")
    manifest = corpus / "manifest.toml"
    manifest.write_text(manifest.read_text() + 'exclude = ["A sponsor line the text never holds"]\n')
    (corpus / "delta.docx").write_bytes(b"PK\x03\x04")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "var"))
    assert main(["ingest", "--check"]) == 1
    out, err = capsys.readouterr()
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "fails:" in lines["beta.md"] and "exclude" in lines["beta.md"]
    assert "chunks" in lines["alpha.txt"] and "fails" not in lines["alpha.txt"]
    assert "3 documents checked · 1 would fail · nothing was indexed" in out
    assert "delta.docx: not indexed" in err and "gamma.html: not in the manifest" in err
    assert not (tmp_path / "var").exists()
    # A manifest mistake is named as ingest names it, every one at once.
    manifest.write_text(manifest.read_text().replace('published = "2012"', 'published = "2041"') + 'notise = "x"\n')
    assert main(["ingest", "--check"]) == 2
    err = capsys.readouterr().err
    assert "field 'published' '2041' is after today" in err and "unknown field 'notise' (did you mean 'notice'?)" in err


def test_a_filter_naming_no_document_is_an_error_not_a_refusal(corpus_settings: Settings, env_for, capsys) -> None:  # type: ignore[no-untyped-def]
    env_for(corpus_settings)
    assert main(["ask", "--doc", "bma-quick-giude", "How many CCGs are there?"]) == 2
    err = capsys.readouterr().err
    assert "no document with id 'bma-quick-giude'" in err and "bma-quick-guide" in err
    assert main(["ask", "--publisher", "BMAA", "How many CCGs are there?"]) == 2
    assert "no document published by 'BMAA'" in capsys.readouterr().err
    assert main(["ask", "--publisher", "bma", "--k", "2", "How many CCGs are there?"]) == 0  # any case


def test_an_interrupted_ingest_says_what_stays(corpus_settings: Settings, tmp_path: Path, env_for) -> None:  # type: ignore[no-untyped-def]
    env = {**env_for(corpus_settings), "ASSISTANT_DATA_DIR": str(tmp_path / "var")}
    exe = Path(sys.executable).with_name("assistant")
    # A fresh data folder: the model's export and every embedding take many seconds.
    # A shell's background job ignores Ctrl-C, and a child inherits that (Python then installs no
    # KeyboardInterrupt at all): the child starts as a terminal's would, with the default.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [str(exe), "ingest"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted: documents already committed stay indexed" in err and "Traceback" not in err
