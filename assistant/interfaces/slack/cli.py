"""`assistant slack`: run the Slack app (HTTP mode under uvicorn, or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ...errors import ConfigError
from ...settings import Settings


def add_slack_parser(sub: Any) -> None:
    s = sub.add_parser("slack", help="run the Slack bot")
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    s.add_argument("--host", default="127.0.0.1", help="interface to listen on (0.0.0.0 for all)")
    s.set_defaults(fn=cmd_slack)


def cmd_slack(args: argparse.Namespace, settings: Settings) -> int:
    from ...core import Assistant
    from .app import SlackApp, SlackConfig

    config = SlackConfig.from_env(os.environ)
    assistant = Assistant(settings)
    assistant.warm()
    app = SlackApp(assistant, settings, config)
    if config.app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        SocketModeHandler(app.bolt, config.app_token).start()
        return 0
    if not config.signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is required in HTTP mode")
    from .server import EVENTS_PATH, serve

    print(f"Slack app listening on http://{args.host}:{args.port}{EVENTS_PATH}", flush=True)
    serve(app, config.signing_secret, settings, args.host, args.port)  # returns on SIGINT/SIGTERM
    return 0
