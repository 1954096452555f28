"""Progress for the command line: bars on a terminal, one line per stage in a log.

A tqdm bar redraws itself with carriage returns; in a file or a CI log (not a terminal) every
redraw is kept, thousands of them for one ingest. There each stage prints one line when it
ends instead, with its count and how long it took.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

StageProgress = Callable[[str, int, int], None]


def interactive(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def stage_progress(stream: TextIO | None = None, unit: str = "", width: int = 16) -> StageProgress:
    """`progress(stage, done, total)` for `Ingestor` and the evaluation: a bar per stage on a
    terminal; otherwise one line per stage, printed when it completes."""
    out = stream or sys.stderr
    if interactive(out):
        return _bars(out, unit, width)
    started: dict[str, float] = {}
    finished: set[str] = set()

    def progress(stage: str, done: int, total: int) -> None:
        if total <= 0 or stage in finished:
            return
        started.setdefault(stage, time.perf_counter())
        if done >= total:
            finished.add(stage)
            seconds = time.perf_counter() - started[stage]
            count = f"{total} {unit}".rstrip()
            print(f"{stage:<{width}} {count} in {seconds:.1f} s", file=out, flush=True)

    return progress


def _bars(out: TextIO, unit: str, width: int) -> StageProgress:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            if total == 0:
                return
            # " questions/s" rather than "questions/s" in the rate.
            bar = bars[stage] = tqdm(
                total=total, desc=f"{stage:<{width}}", unit=f" {unit}" if unit else "", file=out, leave=True
            )
        if bar.disable:  # closed already
            return
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return progress
