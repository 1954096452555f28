"""Content editors: the documents, their index state, upload, replace and remove.

Every change made here is recorded with the signed-in editor's name (`assistant/audit.py`).
"""

from __future__ import annotations

import streamlit as st

from assistant import AssistantError, Settings
from assistant.answer.currency import age_label
from assistant.interfaces.webauth import change_log, require_editor
from assistant.interfaces.webui import assistant, md_escape
from ingest.editor import add_document, remove_document, safe_name
from ingest.manifest import derived_meta, discover, load_manifest
from ingest.pipeline import Ingestor

st.set_page_config(page_title="Corpus", page_icon=":material/folder_open:", layout="wide")
st.title("Corpus")
editor = require_editor()
settings = Settings.from_env()
for kind, text in st.session_state.pop("corpus_flash", []):
    (st.success if kind == "ok" else st.error)(text)


def run_ingest(label: str, document: str) -> None:
    bot = assistant()
    bar = st.progress(0.0, text=label)

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"{label}: {stage} {done}/{total}")

    qa = bot.qa_vectors.qa if bot.qa_vectors is not None else None
    report = Ingestor(settings, bot.embedder, progress, qa_embedder=qa).run()
    bot.reload()
    bar.empty()
    flash = [("error", f"{md_escape(r.file)}: {md_escape(r.reason)}") for r in report.results if r.status == "failed"]
    changed = [r for r in report.results if r.status in {"added", "updated", "removed", "repaired"}]
    change_log().record(
        editor,
        "ingest",
        document,
        f"{len(changed)} changed, {sum(r.status == 'failed' for r in report.results)} failed, "
        f"{report.total_chunks} passages",
    )
    flash.append(
        (
            "ok",
            f"Index updated: {len(changed)} document(s) changed, {report.total_chunks} passages, "
            f"{report.seconds:.1f} s.",
        )
    )
    # Shown after the rerun that refreshes the table.
    st.session_state["corpus_flash"] = flash


try:
    manifest = load_manifest(settings.corpus_dir)
    files = discover(settings.corpus_dir)
    indexed = {d.doc_id: d for d in assistant().documents()}
except AssistantError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

rows = []
for path in files:
    meta = manifest.documents.get(path.name)
    doc_id = (meta or derived_meta(path)).doc_id
    info = indexed.get(doc_id)
    rows.append(
        {
            "id": doc_id,
            "file": path.name,
            "title": meta.title if meta else "(not in manifest)",
            "publisher": meta.publisher if meta else "",
            "published": age_label(meta.published, meta.published_approximate) if meta else "",
            "passages": info.chunks if info else 0,
            "indexed": bool(info),
        }
    )
st.dataframe(rows, hide_index=True, use_container_width=True)
st.caption(f"Last ingested {md_escape(assistant().last_ingested)} · folder {md_escape(str(settings.corpus_dir))}")

st.subheader("Add or replace a document")
with st.form("upload", clear_on_submit=False):
    upload = st.file_uploader("Document (txt, md, html or pdf)", type=["txt", "md", "html", "htm", "pdf"])
    c1, c2 = st.columns(2)
    title = c1.text_input("Title")
    publisher = c2.text_input("Publisher", value="BMA")
    c3, c4 = st.columns(2)
    published = c3.text_input("Published (YYYY, YYYY-MM or YYYY-MM-DD)")
    approximate = c4.checkbox("Date is approximate")
    notice = st.text_area("Editor notice shown with answers that cite it (optional)")
    replace = st.checkbox("Replace the document of the same file name")
    submitted = st.form_submit_button("Upload and ingest", type="primary")
if submitted:
    if upload is None:
        st.error("Choose a file to upload.")
    else:
        try:
            # Known before the upload overwrites it: is this a replacement? (The name the
            # file is saved under, which add_document derives the same way.)
            replacing = (settings.corpus_dir / safe_name(upload.name)).exists()
            # The check runs in a bounded worker process (ASSISTANT_DOCUMENT_TIMEOUT_S).
            with st.spinner(f"Checking {upload.name[:80]}…"):
                meta = add_document(
                    settings,
                    upload.name,
                    upload.getvalue(),
                    title=title,
                    publisher=publisher,
                    published=published,
                    approximate=approximate,
                    notice=notice,
                    replace_existing=replace,
                )
        except AssistantError as exc:
            st.error(f"Nothing was changed. {md_escape(str(exc))}")
        else:
            change_log().record(editor, "replace" if replacing else "upload", meta.file, meta.title)
            run_ingest(f"Ingesting {meta.file}", meta.file)
            st.rerun()

st.subheader("Remove a document")
with st.form("remove"):
    target = st.selectbox("Document", options=[r["id"] for r in rows])
    confirm = st.checkbox("I understand answers will no longer cite it")
    if st.form_submit_button("Remove") and target:
        if not confirm:
            st.error("Tick the confirmation first.")
        else:
            try:
                removed = remove_document(settings, str(target))
            except AssistantError as exc:
                st.error(md_escape(str(exc)))
            else:
                change_log().record(editor, "remove", removed.file, removed.title)
                run_ingest(f"Removing {target}", removed.file)
                st.rerun()

st.subheader("Recent changes")
changes = change_log().recent(20)
if changes:
    # st.table renders Markdown in cells: escaped like everything else that came from a person.
    st.table(
        [
            {
                "when (UTC)": md_escape(c.at.replace("T", " ").removesuffix("+00:00")),
                "editor": md_escape(c.editor),
                "action": c.action,
                "document": md_escape(c.document),
                "detail": md_escape(c.detail),
            }
            for c in changes
        ]
    )
else:
    st.caption("No changes recorded yet.")
