"""`assistant` command line: ingest, corpus (or status), ask, chat, config, eval, feedback,
editors, slack and llm. `assistant COMMAND --help` gives each command's options."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import AssistantError
from ..settings import Settings


def _offline_env() -> None:
    # Nothing may reach a model hub or send telemetry, whatever the user's environment says.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def tqdm_progress() -> Any:
    # Bars on a terminal; one line per stage when stderr is a log (CI, `make run > file`).
    from .progress import stage_progress

    return stage_progress(sys.stderr)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import Ingestor

    from ..retrieval.onnx_embedder import OnnxEmbedder
    from ..wiring import build_embedder

    if args.corpus:
        settings = settings.replace(corpus_dir=Path(args.corpus))
    if args.check:
        return _check_corpus(settings)
    embedder = build_embedder(settings)
    if isinstance(embedder, OnnxEmbedder):
        # Before the progress bars, so its one-time export message stands on its own line; and
        # even when nothing changed, so the next server's first question does not wait for it.
        embedder.warm()
    report = Ingestor(settings, embedder, tqdm_progress()).run(rebuild=args.rebuild)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.table())
    return 0 if report.ok else 1


def _check_corpus(settings: Settings) -> int:
    """`ingest --check`: the manifest and every document read as ingest would, nothing written."""
    from ingest.editor import check_corpus

    checked, warnings = check_corpus(settings)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    width = max((len(c.file) for c in checked), default=4) + 2
    ids = max((len(c.doc_id) for c in checked), default=2) + 2
    for c in checked:
        said = f"fails: {c.problem}" if c.problem else f"{c.chunks} chunk{'' if c.chunks == 1 else 's'}"
        print(f"{c.file:<{width}}{c.doc_id:<{ids}}{said}")
    failed = sum(1 for c in checked if c.problem)
    print(f"{len(checked)} documents checked · {failed} would fail · nothing was indexed")
    return 1 if failed else 0


def cmd_corpus(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.editor import pending_changes

    from ..answer.currency import age_label
    from ..core import Assistant

    a = Assistant(settings)
    docs = a.documents()
    pending = pending_changes(settings, {d["doc_id"]: d["doc_hash"] for d in a.index.documents()})
    if args.json:
        shown = {"last_ingested": a.last_ingested, "documents": [d.__dict__ for d in docs], "pending": pending}
        print(json.dumps(shown, indent=2))
        return 0
    print(f"{'id':<28} {'published':<18} {'chunks':>6}  title · publisher")
    for d in docs:
        title = f"{d.title} · {d.publisher}" if d.publisher else d.title
        print(f"{d.doc_id:<28} {age_label(d.published, d.approximate):<18} {d.chunks:>6}  {title}")
    print(
        f"\n{sum(d.chunks for d in docs)} chunks in {len(docs)} documents · last ingested {a.last_ingested}"
        f" · store {a.store.location}"
    )
    if pending:
        print("\nNot as the corpus folder has it (run `assistant ingest`; `ingest --check` says why one fails):")
        for line in pending:
            print(f"  {line}")
    return 0


def _filters(args: argparse.Namespace) -> Any:
    from ..retrieval.retrieve import Filters

    docs = tuple(getattr(args, "doc", None) or ())
    pubs = tuple(getattr(args, "publisher", None) or ())
    return Filters(docs, pubs) if docs or pubs else None


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from ..answer.format import render_answer
    from ..core import Assistant

    answer = Assistant(settings).ask(args.question, filters=_filters(args), k=args.k)
    print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False) if args.json else render_answer(answer))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from ..answer.format import render_answer
    from ..core import Assistant
    from ..types import Turn

    a = Assistant(settings)
    print("Loading the index and the model…", file=sys.stderr)
    a.warm()
    print("Ask about NHS commissioning. /new starts over, /sources shows the last sources, /quit leaves.")
    history: list[Turn] = []
    last = None
    while True:
        try:
            line = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line:
            continue
        if line in {"/quit", "/exit"}:
            return 0
        if line == "/new":
            history, last = [], None
            print("(new conversation)")
            continue
        if line == "/sources":
            print(render_answer(last, full=True) if last else "(no answer yet)")
            continue
        try:
            last = a.ask(line, history, filters=_filters(args))
        except AssistantError as exc:
            print(f"error: {exc}")
            continue
        print("\n" + render_answer(last))
        history += [Turn("user", line), Turn("assistant", last.text)]


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    for key, default in Settings.documented():
        current = os.environ.get(key)
        shown = _masked(key, current) if current is not None else default
        print(f"{key}={shown}" + ("" if current is None else "  (set)"))
    if getattr(args, "check", False):
        from ..generation.llm_server import check_generator

        ok, lines = check_generator(settings)
        print("\n" + "\n".join(lines))
        return 0 if ok else 1
    return 0


def _masked(key: str, value: str) -> str:
    """Secrets are not printed: keys whole, a database URL's password."""
    if key.endswith("_KEY") and value:
        return "***"
    if key == "ASSISTANT_DATABASE_URL" and value:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(value).render_as_string(hide_password=True)
        except ArgumentError:
            return value
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="index the corpus folder (incremental)")
    s.add_argument("--corpus", help="corpus folder (default ASSISTANT_CORPUS_DIR)")
    s.add_argument("--rebuild", action="store_true", help="start the index over")
    s.add_argument(
        "--check",
        action="store_true",
        help="check the manifest and read every document as ingest would, indexing nothing",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("corpus", aliases=["status"], help="documents in the index")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_corpus)

    s = sub.add_parser("ask", help="answer one question")
    s.add_argument("question")
    s.add_argument("--json", action="store_true")
    s.add_argument("--k", type=int, default=None, help="passages to retrieve and report (default 10)")
    s.add_argument("--doc", action="append", help="only this document id (repeatable)")
    s.add_argument("--publisher", action="append", help="only this publisher (repeatable)")
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("chat", help="a conversation in the terminal")
    s.add_argument("--doc", action="append")
    s.add_argument("--publisher", action="append")
    s.set_defaults(fn=cmd_chat)

    s = sub.add_parser("config", help="every ASSISTANT_* setting and its value")
    s.add_argument("--check", action="store_true", help="also reach the language model endpoint; say what was found")
    s.set_defaults(fn=cmd_config)

    from evals.cli import add_eval_parser

    add_eval_parser(sub)
    from ..storage.feedback import add_feedback_parser

    add_feedback_parser(sub)
    from ..storage.editors import add_editors_parser

    add_editors_parser(sub)
    from .slack.cli import add_slack_parser

    add_slack_parser(sub)
    from ..generation.llm_server import add_llm_parser

    add_llm_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    _offline_env()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env()
        code = int(args.fn(args, settings) or 0)
        sys.stdout.flush()  # a reader that has gone is met here, not in Python's flush at exit
        return code
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ingest commits document by document, so what it finished stays and the index answers.
        done = (
            "documents already committed stay indexed and answers still work; run `assistant ingest` again to finish"
            if args.command == "ingest"
            else "nothing was changed"
        )
        print(f"interrupted: {done}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`assistant ask ... | head -3`): nothing went wrong here. The
        # interpreter's own flush at exit would meet the closed pipe again, so stdout is pointed
        # at devnull (the recipe of Python's signal module documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
