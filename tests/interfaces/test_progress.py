"""Command-line progress: one line per stage in a log, bars on a terminal."""

from __future__ import annotations

import io

from assistant.interfaces.progress import stage_progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def drive(progress) -> None:  # type: ignore[no-untyped-def]
    # As Ingestor reports: stages announced at 0, updated per batch, finished at total.
    progress("read", 0, 5)
    for n in range(1, 6):
        progress("read", n, 5)
    progress("embed passages", 0, 0)  # nothing to embed: no line, no bar
    for n in range(0, 1001, 10):
        progress("embed sentences", n, 1000)
    progress("embed sentences", 1000, 1000)  # reported twice at the end: still one line


def test_a_log_gets_one_line_per_stage_and_no_carriage_returns() -> None:
    log = io.StringIO()
    drive(stage_progress(log))
    text = log.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert [line.split()[0:2] for line in lines] == [["read", "5"], ["embed", "sentences"]]
    assert lines[1].split()[2:4] == ["1000", "in"] and lines[1].endswith(" s")


def test_a_terminal_gets_bars() -> None:
    tty = Terminal()
    drive(stage_progress(tty))
    text = tty.getvalue()
    assert "\r" in text and "100%" in text and "1000/1000" in text
    assert "embed passages" not in text


def test_evaluation_lines_name_the_unit() -> None:
    log = io.StringIO()
    progress = stage_progress(log, unit="questions")
    for n in range(110):
        progress("dev hybrid", n, 109)
    assert log.getvalue().startswith("dev hybrid") and " 109 questions in " in log.getvalue()
    assert len(log.getvalue().splitlines()) == 1
