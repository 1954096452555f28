"""A running process answers from another process's ingest without a restart.

The ingest runs in a child process (as `assistant ingest` or the Corpus page of another web
process would); this process keeps its `Assistant` loaded across it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from assistant import Assistant, Settings
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from assistant import Settings
    from ingest.pipeline import Ingestor
    from tests.helpers import HashEmbedder

    settings = Settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2]), collection="reload")
    report = Ingestor(settings, HashEmbedder()).run()
    print(report.table(), flush=True)
    """
)

DELTA = (
    "Delta guidance\n\nParking\n\nDelta staff park in the multistorey behind the orthodontics "
    "wing and pay nothing after six in the evening. Permits are issued by the delta estates office.\n"
)


def ingest_in_child(settings: Settings) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(settings.corpus_dir), str(settings.data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_another_process_ingest_is_seen_without_restart(tmp_path: Path) -> None:
    corpus = write_small_corpus(tmp_path / "corpus")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="reload", reload_check_s=0)
    ingest_in_child(settings)
    bot = Assistant(settings, embedder=HashEmbedder())
    before = {d.doc_id for d in bot.documents()}
    assert "delta" not in before
    loaded = bot.index
    stamp = loaded.stamp
    assert stamp  # an ingest that wrote documents leaves a stamp

    (corpus / "delta.txt").write_text(DELTA, encoding="utf-8")
    out = ingest_in_child(settings)
    assert "added 1" in out, out

    answer = bot.ask("where do delta staff park in the evening?")
    assert bot.index is not loaded and bot.index.stamp != stamp
    assert {d.doc_id for d in bot.documents()} == before | {"delta"}
    assert any(h.chunk.doc_id == "delta" for h in answer.retrieved[:3]), [h.chunk.doc_id for h in answer.retrieved]

    # An ingest that changes nothing leaves the stamp, so nothing reloads.
    now = bot.index
    assert "added 0" in ingest_in_child(settings)
    bot.ask("where do delta staff park?")
    assert bot.index is now


def test_reload_checks_are_spaced_and_can_be_turned_off(tmp_path: Path) -> None:
    corpus = write_small_corpus(tmp_path / "corpus")
    base = Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="reload")
    Ingestor(base, HashEmbedder()).run()
    never = Assistant(Settings(**{**base.__dict__, "reload_check_s": -1}), embedder=HashEmbedder())
    spaced = Assistant(Settings(**{**base.__dict__, "reload_check_s": 3600}), embedder=HashEmbedder())
    for bot in (never, spaced):
        bot.ask("how do I apply to the alpha board?")
    held = never.index, spaced.index

    (corpus / "delta.txt").write_text(DELTA, encoding="utf-8")
    ingest_in_child(base)
    for bot in (never, spaced):
        bot.ask("where do delta staff park?")
    assert (never.index, spaced.index) == held
    # An explicit reload (the Corpus page after its own ingest) still works either way.
    never.reload()
    assert "delta" in {d.doc_id for d in never.documents()}
