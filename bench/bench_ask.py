"""Ask latency and memory (extractive mode). Prints figures; asserts nothing.

Targets (issue 3): warm p50 <= 150 ms, p95 <= 400 ms; first answer from a new process <= 8 s.
Needs an ingested index (ASSISTANT_DATA_DIR, default var/). Run: python bench/bench_ask.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

FIRST = """
import time, os
t0 = time.perf_counter()
from assistant import Assistant
a = Assistant()
answer = a.ask("how do I get on a CCG board?")
print(f"{time.perf_counter() - t0:.2f}")
"""


def main() -> None:
    runs = 3
    cold = []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FIRST], capture_output=True, text=True, check=True)
        cold.append((time.perf_counter() - started, float(out.stdout.strip().splitlines()[-1])))

    from assistant import Assistant
    from evals.dataset import DEV_SET, load_dataset

    a = Assistant()
    a.warm()
    items = load_dataset(DEV_SET)
    for item in items[:5]:
        a.ask(item.question, item.history)
    latencies = []
    for _ in range(3):
        for item in items:
            t = time.perf_counter()
            a.ask(item.question, item.history)
            latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cores: {os.cpu_count()}  questions: {len(latencies)} (dev set x3, warm process, extractive)")
    print(f"ask latency: p50 {statistics.median(latencies):.1f} ms · p95 {p95:.1f} ms · max {latencies[-1]:.1f} ms")
    print(
        "first answer from a new process (process start → answer, incl. interpreter and imports): "
        + ", ".join(f"{w:.2f} s" for w, _ in cold)
        + f"  (in-process part: {', '.join(f'{x:.2f} s' for _, x in cold)})"
    )
    print(f"peak RSS of the warm process: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
