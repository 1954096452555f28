"""End to end in a real browser: `streamlit run` on 127.0.0.1 driven by Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Settings
from assistant.storage.audit import ChangeLog
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

# axe-core from the npm registry (tests/interfaces/package.json; `make test` runs `npm ci`).
AXE = ROOT / "tests" / "interfaces" / "node_modules" / "axe-core" / "axe.min.js"
# NHS services must meet WCAG 2.1 AA: every rule axe tags with these levels.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wait_for_app_run(page: Any) -> None:
    """Until the page is connected and no script run is in progress: input sent while a run is
    starting can be overtaken by it (a click on "Sign in" then submits nothing), so Streamlit's
    own browser tests wait the same way before each interaction."""
    page.locator(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
    ).wait_for(timeout=60_000)
    page.wait_for_timeout(200)


def axe_violations(page: Any) -> list[str]:
    """axe-core run in `page` (WCAG 2.1 A and AA rules): one line per violation and element."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test` (or `npm ci` in tests/interfaces)")
    # Streamlit fades elements in; wait until no script run is in progress and nothing animates.
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(1000)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def assert_accessible(page: Any, where: str) -> None:
    found = axe_violations(page)
    assert not found, f"axe found {len(found)} WCAG 2.1 AA violation(s) on {where}:\n" + "\n".join(found)


@pytest.fixture()
def server(corpus_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    # A private copy: this test uploads a document, which must not touch the shared index.
    corpus, data = tmp_path / "corpus", tmp_path / "var"
    shutil.copytree(corpus_settings.corpus_dir, corpus)
    skip = shutil.ignore_patterns("ingest.lock", "assistant.sqlite*", "editors.sqlite*")
    shutil.copytree(corpus_settings.data_dir, data, ignore=skip)
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
        # pytest shows a test's output only when it fails: then the server's side is there too.
        tail = (tmp_path / "streamlit.log").read_text(errors="replace").splitlines()[-80:]
        print("streamlit.log (last lines):", *tail, sep="\n")


def _rgb(image: Any, x: int, y: int) -> tuple[int, int, int]:
    """One pixel of an RGB image (Pillow types `getpixel` for every mode)."""
    r, g, b = image.getpixel((x, y))
    return int(r), int(g), int(b)


def open_chat(pw: Any, url: str, tmp_path: Path) -> tuple[Any, Any, Any]:
    """Headless Chromium on the chat page: (context, page, question box), the box ready."""
    from playwright.sync_api import expect

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
    wait_for_app_run(page)
    return ctx, page, box


def test_ask_in_the_browser_and_upload_a_document(server: tuple[str, Settings], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, settings = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        ctx, page, box = open_chat(pw, url, tmp_path)
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
        assert_accessible(page, "the chat page after an answer")

        # Signed out: the chat is the only page, so there is no navigation at all, and typed
        # URLs of the editor pages are refused.
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_text("Corpus", exact=True)).to_have_count(0)
        for path in ("/Evaluation", "/Corpus"):
            page.goto(url + path)
            expect(page.get_by_text("This page is for content editors", exact=False)).to_be_visible(timeout=60_000)
            wait_for_app_run(page)
            expect(page.get_by_role("button", name="Run the evaluation")).to_have_count(0)
            expect(page.get_by_text("Add or replace a document")).to_have_count(0)
            expect(page.locator("input[type=file]")).to_have_count(0)
        page.screenshot(path=str(shots / "corpus-signed-out.png"), full_page=True)

        sidebar = page.get_by_test_id("stSidebar")

        def sign_in(password: str) -> None:
            wait_for_app_run(page)
            name = sidebar.get_by_label("Editor name", exact=True)
            if not name.is_visible():
                sidebar.get_by_text("Editor sign-in").click()
            expect(name).to_be_editable()
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
        assert_accessible(page, "the Corpus page, signed in")
        # Through the navigation, not a new URL: a reload signs out.
        nav.get_by_text("Evaluation", exact=True).click()
        expect(page.get_by_role("button", name="Run the evaluation")).to_be_visible(timeout=60_000)
        assert_accessible(page, "the Evaluation page, signed in")
        # The editors' desk: the answer given above is a row; its charts count it.
        nav.get_by_text("Feedback", exact=True).click()
        expect(page.get_by_role("heading", name="The feedback split")).to_be_visible(timeout=60_000)
        assert_accessible(page, "the Feedback page, signed in")
        nav.get_by_text("Insights", exact=True).click()
        expect(page.get_by_role("heading", name="Documents cited")).to_be_visible(timeout=60_000)
        assert_accessible(page, "the Insights page, signed in")
        nav.get_by_text("Corpus", exact=True).click()
        expect(page.get_by_text("Add or replace a document")).to_be_visible(timeout=60_000)
        doc = tmp_path / "rota-guidance.md"
        doc.write_text(
            "# Rota guidance\n\n## Night shifts\n\nTrainees on night shifts must have a rest day "
            "after three consecutive nights, and rota coordinators publish rotas six weeks ahead.\n"
        )
        page.locator("input[type=file]").set_input_files(str(doc))
        # The uploader sends the file in the background: submitting before it lists the file
        # submits no file ("Choose a file to upload."), so wait for it.
        expect(page.get_by_text("rota-guidance.md")).to_be_visible(timeout=60_000)
        page.get_by_label("Title").fill("Rota guidance for trainees")
        page.get_by_label("Published (YYYY, YYYY-MM or YYYY-MM-DD)").fill("2025")
        wait_for_app_run(page)
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
    recorded = [(c.editor, c.action, c.document) for c in ChangeLog.for_settings(settings).recent()]
    assert recorded == [(EDITOR, "ingest", "rota-guidance.md"), (EDITOR, "upload", "rota-guidance.md")]
    print(f"\nfirst answer in the browser: {first_answer_s:.1f} s; screenshots: {shots}")
    keep = os.environ.get("ASSISTANT_SCREENSHOTS")
    if keep:  # for a person to look at (make test does not set it)
        shutil.copytree(shots, keep, dirs_exist_ok=True)


def test_a_pdf_citation_opens_at_its_page_with_the_quote_highlighted(
    server: tuple[str, Settings], tmp_path: Path
) -> None:
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    from assistant.interfaces.pdfpage import HIGHLIGHT_RGB

    url, _ = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        ctx, page, box = open_chat(pw, url, tmp_path)
        box.fill("how big are the pathfinder consortiums?")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").filter(has_text="Sources")
        expect(answer.get_by_text("BMJ Guide to Commissioning for Doctors in England")).to_be_visible(timeout=120_000)
        link = answer.get_by_role("link", name="Open the source at page 4")
        expect(link).to_be_visible(timeout=120_000)

        # The source opens in a new tab, so the conversation stays where it was.
        with ctx.expect_page() as opened:
            link.click()
        source = opened.value
        expect(source.get_by_text("Page 4 of 19", exact=False)).to_be_visible(timeout=120_000)
        assert "/Source?" in source.url and "page=4" in source.url
        image = source.get_by_role("img", name="Page 4 of BMJ Guide to Commissioning for Doctors in England")
        expect(image).to_be_visible()
        expect(image).to_have_attribute("alt", re.compile(r"with the quoted sentences highlighted in yellow$"))
        image.scroll_into_view_if_needed()
        source.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        source.screenshot(path=str(shots / "source-page-4.png"), full_page=True)
        image.screenshot(path=str(shots / "source-page-4-image.png"))

        # The highlight is on screen: a band of the highlighter's colour where the quote is,
        # in the top half of the page (the "Structure" section), none of it above the quote.
        shot = Image.open(shots / "source-page-4-image.png").convert("RGB")
        width, height = shot.size
        marked = [
            (x, y)
            for y in range(0, height, 2)
            for x in range(0, width, 2)
            if all(abs(a - b) <= 24 for a, b in zip(_rgb(shot, x, y), HIGHLIGHT_RGB, strict=True))
        ]
        assert len(marked) > 2000, f"only {len(marked)} highlighted pixels sampled"
        top = min(y for _, y in marked) / height
        assert 0.3 < top < 0.55, top

        assert_accessible(source, "the source viewer")
        source.get_by_role("button", name="Next page").click()
        expect(source.get_by_text("Page 5 of 19", exact=False)).to_be_visible(timeout=60_000)
        expect(source.get_by_role("img", name="Page 5 of BMJ Guide", exact=False)).to_be_visible()
        assert "page=5" in source.url
        source.screenshot(path=str(shots / "source-page-5.png"), full_page=True)
        ctx.close()
    print(f"\nsource viewer screenshots: {shots}")
    keep = os.environ.get("ASSISTANT_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)
