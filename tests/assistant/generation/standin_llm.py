"""A stand-in OpenAI-compatible server, run as a real process (the LLM is outside our code).

    python standin_llm.py --port N [--reply TEXT] [--delay S] [--die-after K] [--model NAME]

Streams `--reply` word by word as server-sent events when the request asks for `stream`,
`--delay` seconds apart; with `--die-after K` the process kills itself with SIGKILL after K
pieces, as a native crash in llama.cpp would. GET /v1/models answers like llama.cpp's server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--reply", default="NOT IN CORPUS")
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--die-after", type=int, default=0)
    p.add_argument("--model", default="standin-model")
    args = p.parse_args()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = json.dumps({"object": "list", "data": [{"id": args.model, "object": "model"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            pieces = re.findall(r"\S+\s*", args.reply)[: max(1, int(request.get("max_tokens", 1000)))]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for n, piece in enumerate(pieces, start=1):
                event = {"model": args.model, "choices": [{"index": 0, "delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
                if args.die_after and n >= args.die_after:
                    os.kill(os.getpid(), signal.SIGKILL)
                time.sleep(args.delay)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *a: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
