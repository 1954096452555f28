"""End to end in a real browser: `streamlit run` on 127.0.0.1 driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Settings
from assistant.storage.audit import ChangeLog
from assistant.storage.editors import editors_db
from tests.helpers import free_port, wait_http

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)"
)

EDITOR, PASSWORD = "editor-ana", "correct horse battery staple"

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture()
def server(corpus_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    # A private copy: this test uploads a document, which must not touch the shared index.
    corpus, data = tmp_path / "corpus", tmp_path / "var"
    shutil.copytree(corpus_settings.corpus_dir, corpus)
    shutil.copytree(corpus_settings.data_dir, data, ignore=shutil.ignore_patterns("ingest.lock", "editors.sqlite*"))
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_DATA_DIR": str(data),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "HF_HUB_OFFLINE": "1",
    }
    # The editor account, made the way an administrator would: the command line, password on stdin.
    made = subprocess.run(
        [sys.executable, "-m", "assistant", "editors", "add", EDITOR, "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    log = open(  # noqa: SIM115 - closed in the fixture teardown
        tmp_path / "streamlit.log", "w"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/_stcore/health", proc, tmp_path / "streamlit.log")
        yield url, Settings(corpus_dir=corpus, data_dir=data)
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


def test_ask_in_the_browser_and_upload_a_document(server: tuple[str, Settings], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, settings = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = ctx.new_page()
        page.goto(url)
        box = page.get_by_placeholder("Ask about commissioning")
        expect(box).to_be_visible(timeout=120_000)
        started = time.perf_counter()
        box.fill("how do I get on a CCG board?")
        box.press("Enter")
        # Scoped to the answer (the sidebar lists the same titles).
        answer = page.get_by_test_id("stChatMessage").filter(has_text="Sources")
        card = answer.get_by_text("Get involved in commissioning (SAS doctors, consultants; England, Wales)")
        expect(card).to_be_visible(timeout=120_000)
        first_answer_s = time.perf_counter() - started
        expect(answer.get_by_text("c. 2012 · ", exact=False).first).to_be_visible()
        expect(answer.get_by_text("Positions on the CCG", exact=False).first).to_be_visible()
        page.screenshot(path=str(shots / "answer.png"), full_page=True)

        # Signed out: the chat is the only page, so there is no navigation at all, and typed
        # URLs of the editor pages are refused.
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_text("Corpus", exact=True)).to_have_count(0)
        for path in ("/Evaluation", "/Corpus"):
            page.goto(url + path)
            expect(page.get_by_text("This page is for content editors", exact=False)).to_be_visible(timeout=60_000)
            expect(page.get_by_role("button", name="Run the evaluation")).to_have_count(0)
            expect(page.get_by_text("Add or replace a document")).to_have_count(0)
            expect(page.locator("input[type=file]")).to_have_count(0)
        page.screenshot(path=str(shots / "corpus-signed-out.png"), full_page=True)

        sidebar = page.get_by_test_id("stSidebar")

        def sign_in(password: str) -> None:
            name = sidebar.get_by_label("Editor name", exact=True)
            if not name.is_visible():
                sidebar.get_by_text("Editor sign-in").click()
            name.fill(EDITOR)
            sidebar.get_by_label("Password", exact=True).fill(password)
            sidebar.get_by_role("button", name="Sign in").click()

        sign_in("not the password")
        expect(sidebar.get_by_text("Name or password is wrong.")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("This page is for content editors", exact=False)).to_be_visible()
        expect(page.locator("input[type=file]")).to_have_count(0)
        expect(nav.get_by_text("Corpus", exact=True)).to_have_count(0)
        page.screenshot(path=str(shots / "corpus-wrong-password.png"), full_page=True)

        sign_in(PASSWORD)
        expect(sidebar.get_by_text("Signed in as editor", exact=False)).to_be_visible(timeout=60_000)
        expect(sidebar.get_by_text(EDITOR).first).to_be_visible()
        expect(nav.get_by_text("Evaluation", exact=True)).to_be_visible()
        expect(page.get_by_text("Add or replace a document")).to_be_visible(timeout=60_000)
        doc = tmp_path / "rota-guidance.md"
        doc.write_text(
            "# Rota guidance\n\n## Night shifts\n\nTrainees on night shifts must have a rest day "
            "after three consecutive nights, and rota coordinators publish rotas six weeks ahead.\n"
        )
        page.locator("input[type=file]").set_input_files(str(doc))
        page.get_by_label("Title").fill("Rota guidance for trainees")
        page.get_by_label("Published (YYYY, YYYY-MM or YYYY-MM-DD)").fill("2025")
        page.get_by_role("button", name="Upload and ingest").click()
        expect(page.get_by_text("Index updated", exact=False)).to_be_visible(timeout=180_000)
        changes = page.get_by_test_id("stTable")
        expect(changes.get_by_text(EDITOR).first).to_be_visible()
        expect(changes.get_by_text("upload", exact=True)).to_be_visible()
        page.screenshot(path=str(shots / "corpus-after-upload.png"), full_page=True)
        page.goto(url)
        expect(page.get_by_text("Rota guidance for trainees").first).to_be_visible(timeout=120_000)
        page.screenshot(path=str(shots / "chat-sidebar-after-upload.png"), full_page=True)
        ctx.close()
    assert (settings.corpus_dir / "rota-guidance.md").is_file()
    assert "Rota guidance for trainees" in settings.manifest_path.read_text()
    recorded = [(c.editor, c.action, c.document) for c in ChangeLog(editors_db(settings)).recent()]
    assert recorded == [(EDITOR, "ingest", "rota-guidance.md"), (EDITOR, "upload", "rota-guidance.md")]
    print(f"\nfirst answer in the browser: {first_answer_s:.1f} s; screenshots: {shots}")
    keep = os.environ.get("ASSISTANT_SCREENSHOTS")
    if keep:  # for a person to look at (make test does not set it)
        shutil.copytree(shots, keep, dirs_exist_ok=True)
