"""Load for bench/scale.py: 16 clients for a while against the Python API (in a child process)
and against the Slack endpoint (`assistant slack` on 127.0.0.1, Slack's Web API stood in for
on loopback by the same fake as the Slack tests)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from scale_report import pct

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.helpers import free_port, wait_http  # noqa: E402
from tests.slack_fake import SECRET, fake_slack_api, send  # noqa: E402

PY = sys.executable

LOAD_API = r"""
import json, threading, time, resource
from assistant import Assistant
from evals.dataset import DEV_SET, load_dataset
a = Assistant(); a.warm()
items = load_dataset(DEV_SET)
for item in items[:10]:
    a.ask(item.question, item.history)
stop = time.time() + {seconds}
lat, errors, lock = [], [], threading.Lock()
def client(n):
    i = n
    while time.time() < stop:
        item = items[i % len(items)]; i += 16
        t = time.perf_counter()
        try:
            a.ask(item.question, item.history)
            with lock: lat.append((time.perf_counter() - t) * 1000)
        except Exception as exc:
            with lock: errors.append(repr(exc)[:200])
started = time.time()
threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({{"latencies": lat, "errors": errors, "seconds": time.time() - started,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def load_slack(env: dict[str, str], seconds: int, work: Path) -> dict[str, Any]:
    from evals.dataset import DEV_SET, load_dataset

    questions = [i.question for i in load_dataset(DEV_SET)]
    with fake_slack_api() as (api_url, api):
        port = free_port()
        senv = {
            **env,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": api_url,
            "ASSISTANT_SLACK_RATE_PER_MINUTE": "1000000",
        }
        senv.pop("SLACK_APP_TOKEN", None)
        log = (work / "slack.log").open("w")
        proc = subprocess.Popen(
            [str(Path(PY).with_name("assistant")), "slack", "--host", "127.0.0.1", "--port", str(port)],
            env=senv,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/health", proc, timeout=180)
            sent: dict[str, float] = {}
            acks: list[float] = []
            bad: list[int] = []
            lock = threading.Lock()
            stop = time.time() + seconds
            # Unique across runs: the app keeps event ids in its database to answer each once.
            counter = iter(range(int(time.time() * 1000) % 10**9 * 1000, 10**13))

            def client(n: int) -> None:
                while time.time() < stop:
                    k = next(counter)
                    ts = f"{k}.{n:06d}"
                    ev = {
                        "type": "app_mention",
                        "user": f"U{n:03d}",
                        "text": f"<@UBOT> {questions[k % len(questions)]}",
                        "ts": ts,
                        "channel": f"C{n:03d}",
                        "event_ts": ts,
                    }
                    body = json.dumps(
                        {
                            "type": "event_callback",
                            "team_id": "T1",
                            "api_app_id": "A1",
                            "event": ev,
                            "event_id": f"Ev{k}x{n}",
                            "event_time": int(time.time()),
                            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
                        }
                    )
                    t = time.perf_counter()
                    status = send(url + "/slack/events", body, timeout=30)
                    with lock:
                        if status == 200:
                            sent[ts] = t
                            acks.append((time.perf_counter() - t) * 1000)
                        else:
                            bad.append(status)
                    # Wait for this thread's answer before the next question, as a user would.
                    deadline = time.perf_counter() + 60
                    while ts not in api.answered and time.perf_counter() < deadline:
                        time.sleep(0.005)

            started = time.time()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.time() - started
            with api.cond:
                answered = {ts: api.answered[ts] - t0 for ts, t0 in sent.items() if ts in api.answered}
            lat = sorted(v * 1000 for v in answered.values())
            return {
                "requests": len(sent) + len(bad),
                "answered": len(answered),
                "errors": len(bad) + (len(sent) - len(answered)),
                "error_statuses": sorted(set(bad)),
                "throughput": len(answered) / elapsed,
                "p50_ms": pct(lat, 0.5),
                "p95_ms": pct(lat, 0.95),
                "ack_p95_ms": pct(sorted(acks), 0.95),
            }
        finally:
            stop_process(proc, 20)
            log.close()


def stop_process(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Ask `proc` to end; kill it if it has not within `grace` seconds."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
