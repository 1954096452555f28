from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.errors import DatasetError
from assistant.interfaces.cli import main
from evals.dataset import DEV_SET, Item, check_dataset, load_dataset, validate
from evals.metrics import refusal_reason
from evals.runner import PREVIOUS_ANSWER, check_thresholds, metrics_for, run_items, write_run

GOOD = {
    "id": "a",
    "question": "how do I get on a CCG board?",
    "answerable": True,
    "category": "fact",
    "doc": "bma-get-involved-in-commissioning.txt",
    "evidence": ["Positions for secondary care clinicians on CCGs are regularly advertised on the NHS Jobs website."],
    "key_facts": [["NHS Jobs"]],
    "extra_field": "ignored",
}


def write(path: Path, items: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    return path


def test_dev_set_meets_the_brief() -> None:
    items = load_dataset(DEV_SET)
    answerable = [i for i in items if i.answerable]
    assert len(items) >= 80
    assert sum(not i.answerable for i in items) >= 10
    assert sum(bool(i.history) for i in items) >= 6
    for cat in ("numeric", "list", "multi_doc", "follow_up", "paraphrase"):
        assert any(i.category == cat for i in items), cat
    per_doc: dict[str, int] = {}
    for i in answerable:
        for d in [i.doc] if isinstance(i.doc, str) else i.doc:
            per_doc[d] = per_doc.get(d, 0) + 1
    assert len(per_doc) == 5 and min(per_doc.values()) >= 8
    questions = {i.question.lower() for i in items}
    assert "how do i get on a ccg board?" in questions and "what happens to my pension?" in questions


def test_validate_passes_the_dev_set_and_names_failures(tmp_path: Path, corpus_settings: Settings) -> None:
    assert validate(DEV_SET, corpus_settings.corpus_dir) == []
    bad = write(
        tmp_path / "bad.jsonl",
        [
            GOOD,
            {**GOOD, "id": "b", "evidence": ["These words are certainly not anywhere in the corpus at all, no."]},
            {**GOOD, "id": "c", "category": "gossip"},
            {**GOOD, "id": "a"},
        ],
    )
    problems = validate(bad, corpus_settings.corpus_dir)
    assert any(":2 (id 'b')" in p and "not found in the corpus" in p for p in problems)
    assert any(":3 (id 'c')" in p and "'category'" in p for p in problems)
    assert any(":4" in p and "duplicate id" in p for p in problems)
    assert len(problems) == 3


def test_validate_names_what_an_editor_gets_wrong(tmp_path: Path, corpus_settings: Settings) -> None:
    """A content editor's slips, each named by line, id and field, and checked against the corpus."""
    moved = "The BMA recommends that positions for secondary care clinicians are advertised on NHS Jobs."
    bad = write(
        tmp_path / "bad.jsonl",
        [
            {**GOOD, "answerable": "yes"},
            {**GOOD, "id": "b", "key_facts": [["90 minutes"]]},
            {**GOOD, "id": "c", "doc": "bma-no-such-guide.md"},
            {**GOOD, "id": "d", "evidence": [moved]},
            {**GOOD, "id": "e", "key_facts": []},
            {"id": "f", "answerable": True, "category": "fact"},
            {**GOOD, "id": "g", "key_fcts": [["NHS Jobs"]]},
            {**GOOD, "id": "h", "doc": "bma-quick-guide-to-commissioning.txt"},
        ],
    )
    check = check_dataset(bad, corpus_settings.corpus_dir)
    problems = dict(p.split(": ", 1) for p in check.errors)
    assert problems[f"{bad}:1 (id 'a')"] == "field 'answerable' must be true or false, not 'yes'"
    assert problems[f"{bad}:2 (id 'b')"] == "field 'key_facts': '90 minutes' is stated nowhere in the corpus"
    assert problems[f"{bad}:3 (id 'c')"].startswith("field 'doc' names 'bma-no-such-guide.md', which is not in")
    # The corpus's own wording, for a quote written from memory or from an older version.
    quote = problems[f"{bad}:4 (id 'd')"]
    assert quote.startswith("field 'evidence' quote not found in the corpus: 'The BMA recommends that positions")
    assert "the closest sentence is 'positions for secondary care clinicians on ccgs are regularly" in quote
    assert problems[f"{bad}:5 (id 'e')"] == "an answerable item needs at least one key fact (field 'key_facts')"
    assert problems[f"{bad}:6 (id 'f')"] == "field 'question' is required (text)"
    assert len(check.errors) == 6 and [i.id for i in check.items] == ["g", "h"]
    # A quote from another document than the one the item names: run, with a warning.
    elsewhere = (
        "(id 'h'): field 'evidence' quote 'Positions for secondary care clinicians on CCGs are …' is in "
        "bma-get-involved-in-commissioning.txt, not in the item's doc bma-quick-guide-to-commissioning.txt"
    )
    assert any(w.endswith(elsewhere) for w in check.warnings), check.warnings
    misspelt = "(id 'g'): unknown field 'key_fcts' is not read (did you mean 'key_facts'?)"
    assert any(misspelt in w for w in check.warnings)
    assert not any("extra_field" in w for w in check.warnings)  # an editor's own note, not a misspelling


def test_load_dataset_rejects_bad_json_with_line(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text(json.dumps(GOOD) + "\n{not json\n")
    with pytest.raises(DatasetError, match=r"x.jsonl:2"):
        load_dataset(p)


def test_runner_writes_results_metrics_and_report(tmp_path: Path, bot: Assistant) -> None:
    items = load_dataset(
        write(
            tmp_path / "d.jsonl",
            [
                GOOD,
                {
                    "id": "u",
                    "question": "What antibiotics treat sepsis?",
                    "answerable": False,
                    "category": "unanswerable",
                    "doc": None,
                    "evidence": [],
                    "key_facts": [],
                },
            ],
        )
    )
    seen = []
    rows = run_items(bot, items, "hybrid", lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)
    metrics = metrics_for(rows)
    out = write_run(tmp_path / "run", rows, metrics, {"dataset": "d"})
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert {"id", "question", "answer", "refused", "notices", "citations", "retrieved", "latency_ms", "scores"} <= set(
        first
    )
    assert first["retrieved"] and {"rank", "doc_id", "file", "section", "page", "text", "score"} <= set(
        first["retrieved"][0]
    )
    written = json.loads((out / "metrics.json").read_text())["overall"]
    # The unanswerable item counts towards refusal recall only when it was refused outright; a
    # partial answer to it is counted in a column of its own.
    assert rows[1]["outcome"] in {"refuse", "partial"}
    assert written["refusal_recall"] == (1.0 if rows[1]["outcome"] == "refuse" else 0.0)
    assert written["partial_unanswerable_rate"] == (1.0 if rows[1]["outcome"] == "partial" else 0.0)
    html = (out / "report.html").read_text()
    assert "<svg" in html and "Evaluation report" in html
    assert check_thresholds(metrics, ["mrr=0.0"]) == []
    assert check_thresholds(metrics, ["false_refusal_rate=-1"])  # a maximum can be missed too
    # a baseline comparison
    out2 = write_run(tmp_path / "run2", rows, metrics, {"dataset": "d"}, baseline=out)
    assert "Compared with the baseline" in (out2 / "report.html").read_text()


def test_an_item_that_passed_and_is_no_longer_run_fails_the_comparison(  # type: ignore[no-untyped-def]
    tmp_path: Path, corpus_settings: Settings, env_for, capsys
) -> None:
    """A replaced document whose new wording no longer holds an item's quote: the item is skipped,
    and against the baseline the run read "0 regressed" with exit status 0."""
    env_for(corpus_settings)
    jobs = {**GOOD, "id": "jobs"}
    # A fact the corpus states elsewhere, which this answer does not (a dataset's slip, or a miss).
    wrong = {**GOOD, "id": "wrong", "key_facts": [["NHS Jobs"], ["contact your CCG"], ["clinical senates"]]}
    first = write(tmp_path / "d.jsonl", [GOOD, jobs, wrong])
    assert main(["eval", "--dataset", str(first), "--out", str(tmp_path / "before")]) == 0  # no threshold
    report = (tmp_path / "before" / "d" / "report.html").read_text()
    # Each key fact marked: which one the answer missed is plain (here the dataset's slip).
    assert "✓ NHS Jobs; ✓ contact your CCG; ✗ clinical senates" in report
    assert "key facts found 67% (missing: &#x27;clinical senates&#x27;)" in report
    moved = {**jobs, "evidence": ["Positions for secondary care clinicians are advertised on the Hospital Jobs site."]}
    second = write(tmp_path / "d.jsonl", [GOOD, moved, wrong])
    capsys.readouterr()
    args = ["eval", "--dataset", str(second), "--out", str(tmp_path / "after")]
    code = main([*args, "--baseline", str(tmp_path / "before")])
    err = capsys.readouterr().err
    assert code == 1
    assert "d: against the baseline 0 improved, 1 regressed (1 that passed are no longer run)" in err
    assert "FAIL d: 1 item(s) that passed in the baseline no longer run (jobs)" in err
    report = (tmp_path / "after" / "d" / "report.html").read_text()
    assert "0 improved, 1 regressed, 1 of them passing items no longer run" in report
    assert "Skipped items (1)" in report and "quote not found in the corpus" in report


def test_a_refused_items_reason_is_the_rule_or_the_models_view() -> None:
    refused = {"answerability": [{"outcome": "refuse", "probability": 0.009, "signals": {"acronym_unknown": 1.0}}]}
    assert refusal_reason(refused) == " (probability 0.009; acronym_unknown)"
    ruled = {"answerability": [{"outcome": "refuse", "probability": 0.4, "signals": {"subject_unknown": 1.0}}]}
    assert refusal_reason(ruled) == " (subject_unknown)"
    outside = {"answerability": [{"outcome": "refuse", "outside": "Scotland", "signals": {}}]}
    assert refusal_reason(outside) == " (outside the guidance's nations: Scotland)"
    assert refusal_reason({"answerability": [{"outcome": "answer"}]}) == ""


def test_a_previous_answer_placeholder_is_the_assistants_own_answer(bot: Assistant) -> None:
    """A follow-up is asked after the answer the user would have seen."""
    first = "how do I get on a CCG board?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": PREVIOUS_ANSWER}]
    items = [
        Item(f"f{n}", q, True, "follow_up", None, [], [], history)
        for n, q in enumerate(["and what about SAS doctors?", "is it paid?"])
    ]
    rows = run_items(bot, items, "hybrid")
    said = bot.ask(first).text
    assert "NHS Jobs" in said  # a real answer, not the placeholder
    for row in rows:
        assert row["history"] == [history[0], {"role": "assistant", "content": said}]
    # Written out in full, a history is used as it stands.
    written = [history[0], {"role": "assistant", "content": "CCG posts are advertised."}]
    item = Item("w", "and what about SAS doctors?", True, "follow_up", None, [], [], written)
    [row] = run_items(bot, [item], "hybrid")
    assert row["history"] == written


def test_ci_gate_on_dev_and_test(tmp_path: Path, corpus_settings: Settings, env_for) -> None:  # type: ignore[no-untyped-def]
    """The regression gate: both splits, thresholds just under the figures in the README."""
    env_for(corpus_settings)
    out = tmp_path / "gate"
    floors = {
        # 453 items since a thirteenth author's 64 p-… items (2026-12-02, ninth session: long chatty
        # paraphrases and near-misses, hit@5 0.83 and MRR 0.71 on them alone): 55 of 130 near-misses refused;
        # 62 since asks about a nation the corpus never names are refused (scope.py, eleventh session).
        # 517 since a fourteenth author's 64 q-… items (twelfth session: 16 list questions in a user's
        # words, key facts 0.47 on them at first sight; key facts 0.856 -> 0.828 over all).
        # Refusal recall 0.463 -> 0.449 once an ask about today is answered at most in part, never
        # refused for that alone, and the answerability model is refitted on all 517 items; 0.490
        # once a yes or no about pay or a budget no longer counts as wanting a sum.
        # hit@5 0.949 -> 0.968, MRR 0.850 -> 0.858 once every passage is indexed under its
        # document's title (thirteenth session).
        # 0.551 (81 of 147) with the unknown-acronym signal and the refit at false refusals 0.015
        # (twenty-third session); 0.544 (80) once interview turns are embedded by their words.
        # Key facts 0.832 -> 0.810 when 40 items whose answers are spread over two documents or
        # several sections joined dev (thirty-third session; alone they reach 0.44).
        # Refusal recall 0.556 -> 0.609 in the thirty-eighth session (a nation named only in passing,
        # and what the notices say replaced the documents' bodies, refused): floor 0.54 -> 0.60.
        "dev": {"hit@5": 0.95, "mrr": 0.85, "key_fact_recall": 0.8, "citation_support": 0.9, "refusal_recall": 0.6},
        # Refusal recall 0.438 -> 0.375 (14 -> 12 of 32 near-misses refused; the two now partial)
        # with the proximity signal and its reweighting (nineteenth session, chosen on dev); over
        # the eleven unseen splits near-misses refused 71 -> 72. 0.344 (11) once a passage's place names
        # include its enclosing sections' (twenty-second session, chosen on dev: false refusals 7 -> 4 of
        # 370 there; over the thirteen unseen splits near-misses refused 84 -> 84, answerable items 13 -> 13).
        # 0.469 (15) with the unknown-acronym signal and the refit at false refusals 0.015
        # (twenty-third session): over the unseen splits near-misses refused 86 -> 103, answerable
        # items 13 -> 18 (the signal fires on 24 near-misses and on none of 709 answerable items;
        # the extra false refusals come with the refit's threshold). 0.500 (16) once interview
        # turns are embedded by their words (twenty-fourth session).
        # Refusal recall 0.500 -> 0.531 (16 -> 17 of 32) in the thirty-eighth session: floor 0.46 -> 0.5.
        "test": {"hit@5": 0.91, "mrr": 0.78, "key_fact_recall": 0.71, "citation_support": 0.83, "refusal_recall": 0.5},
        "holdout-c": {
            # 63 of 68 answerable items' evidence in the top five; 61 since passages are indexed
            # under their document's title (thirteenth session; other splits +1, +1, +0).
            "hit@5": 0.89,
            "mrr": 0.76,
            "key_fact_recall": 0.74,
            "citation_support": 0.86,
            # 6 of 22 near-misses refused: a bare "How?" heading completed by its title (2026-12-02)
            # answers one more; 8 since the scope check (scope.py); 6 since the 517-item refit
            # (twelfth session); 5 since the refit for title-indexed passages (thirteenth).
            "refusal_recall": 0.22,
        },
        "holdout-d": {
            "hit@5": 0.86,
            "mrr": 0.75,
            "key_fact_recall": 0.66,
            "citation_support": 0.8,
            # 5 of 14 near-misses refused; chat shorthand read as words (2026-12-02) answers one more;
            # 8 since the scope check (scope.py); 7 since the twenty-third session's refit.
            "refusal_recall": 0.5,
        },
        "holdout-e": {
            "hit@5": 0.88,
            "mrr": 0.76,
            "key_fact_recall": 0.6,
            "citation_support": 0.78,
            # 8 of 20, 7 since the 517-item refit, 6 since the yes-or-no money signal (twelfth session).
            "refusal_recall": 0.29,
        },
        "holdout-f": {
            "hit@5": 0.91,
            "mrr": 0.75,
            "key_fact_recall": 0.68,
            "citation_support": 0.86,
            "refusal_recall": 0.24,
        },
        # A ninth author's set, first run at the seventh session's last commit.
        "holdout-g": {
            "hit@5": 0.89,
            "mrr": 0.74,
            "key_fact_recall": 0.64,
            "citation_support": 0.83,
            # 3 of 20 near-misses refused since the reranker scores every candidate on both
            # retrievers' terms with weights cross-validated at 1× and 100× (2026-12-02, tenth
            # session): two Wales and bariatric near-misses became partial answers (5 before); 5
            # since the scope check (scope.py); 4 since the 517-item refit (twelfth session).
            "refusal_recall": 0.19,
        },
        # An eleventh author's set (2026-12-02, eighth session), first run after the multi-part
        # dedupe: its near-misses sit closer still (1 of 18 refused).
        "holdout-h": {
            "hit@5": 0.82,
            "mrr": 0.71,
            "key_fact_recall": 0.59,
            "citation_support": 0.78,
            # 4 since the scope check (scope.py).
            "refusal_recall": 0.2,
        },
        # A twelfth author's set (2026-12-02, ninth session), first run before that session's
        # changes: 5 of 15 near-misses refused; 4 once a follow-up's or a thin ask's borrowed "now"
        # no longer counts as asking about today (answerable refused 3 -> 2 of 49).
        "holdout-i": {
            "hit@5": 0.89,
            "mrr": 0.77,
            "key_fact_recall": 0.66,
            "citation_support": 0.84,
            # 3 since the 517-item refit (twelfth session).
            "refusal_recall": 0.19,
        },
        # A fifteenth author's set (thirteenth session), written from the documents alone after
        # passages were indexed under their titles (90bb455) and first run there: 8 of 16
        # near-misses refused, 2 of 48 answerable items refused (3 at the session's start).
        "holdout-j": {
            "hit@5": 0.89,
            "mrr": 0.78,
            "key_fact_recall": 0.72,
            "citation_support": 0.84,
            "refusal_recall": 0.43,
        },
        # A sixteenth author's set (fourteenth session), written from the documents alone and first
        # run at 7788502: 3 of 16 near-misses refused, 2 of 48 answerable items refused.
        "holdout-k": {
            "hit@5": 0.81,
            "mrr": 0.7,
            "key_fact_recall": 0.69,
            "citation_support": 0.78,
            "refusal_recall": 0.18,
        },
        # A seventeenth author's set (fifteenth session), written from the documents alone and first
        # run at 22338a6: 9 of 16 near-misses refused, none of 48 answerable items refused.
        "holdout-l": {
            "hit@5": 0.89,
            "mrr": 0.78,
            "key_fact_recall": 0.77,
            "citation_support": 0.81,
            "refusal_recall": 0.5,
        },
        # An eighteenth author's set (nineteenth session), committed before it was run; first run
        # at its commit: hit@5 0.833, MRR 0.682, key facts 0.688, citation support 0.848, refusal
        # recall 0.438, 2 of 48 answerable items refused; with the proximity signal 0.854 / 0.701 /
        # 0.674 / 0.848 / 0.375. hit@5 0.833 (one item) once a word inside another thing's name
        # ("Health and wellbeing boards") no longer matches a heading (twenty-eighth session;
        # over the fifteen unseen splits MRR 0.788 -> 0.789, key facts 0.749 -> 0.751).
        "holdout-m": {
            "hit@5": 0.83,
            "mrr": 0.69,
            "key_fact_recall": 0.66,
            "citation_support": 0.83,
            "refusal_recall": 0.36,
        },
        # A nineteenth author's set (twentieth session), committed before it was run; first run at
        # its commit: hit@5 0.778, MRR 0.613, key facts 0.509, citation support 0.743, refusal
        # recall 0.500 (6 of 12), 1 of 36 answerable items refused. Its 20 paraphrases, which
        # avoid the documents' words on purpose, are the weakest category anywhere (hit@5 0.60).
        "holdout-n": {
            "hit@5": 0.77,
            "mrr": 0.6,
            # 0.495 when a second answerable item is refused (twenty-third session's refit).
            # Forty-first session: 0.532 -> 0.472 and citation support 0.735 -> 0.706 when the
            # sentences holding an ask's own words are lifted where the ask borrows its topic
            # (three of its paraphrases lose; pooled unseen key facts equal, first sentence
            # 0.528 -> 0.538): floors 0.49 -> 0.46 and 0.73 -> 0.70.
            "key_fact_recall": 0.46,
            "citation_support": 0.70,
            "refusal_recall": 0.41,
        },
        # Short messages (twenty-sixth session). First run, at the session's start: near-misses
        # refused 7 of 20; 13 once a message in words the corpus never uses is refused, 16 once
        # one whose only words of the corpus's are everyday ones is too (no answer changed).
        "holdout-o": {
            "hit@5": 0.97,
            "mrr": 0.9,
            "key_fact_recall": 0.85,
            "citation_support": 0.93,
            "refusal_recall": 0.75,
        },
        # Conversation threads (twenty-seventh session): the last message of two to four turns,
        # often a follow-up to a follow-up. Committed before it was run; at the session's start
        # (a follow-up borrowed only the question before it) hit@5 0.824, MRR 0.649, key facts
        # 0.662, citation support 0.742, refusal recall 0.429 (6 of 14), 3 of 34 answerable items
        # refused; folding a chain back to the question that set its topic: 0.882 / 0.690 /
        # 0.735 / 0.812 / 0.429, 2 refused.
        # One follow-up whose short alternative ("or ...?") became part of its ask (thirty-sixth
        # session) lost its key facts: 0.735 -> 0.706, citation support 0.818 -> 0.788; over
        # the unseen splits key facts 0.739 -> 0.742. Acronyms read spelt out by the embedding
        # model (forty-fifth session, 02df5b8) cost one answer's citation support: 0.788 -> 0.758;
        # over the unseen splits 0.8635 -> 0.8669.
        "holdout-p": {
            "hit@5": 0.88,
            "mrr": 0.68,
            "key_fact_recall": 0.7,
            "citation_support": 0.75,
            "refusal_recall": 0.42,
        },
        # A new author (twenty-ninth session), committed before its first run at fb05101: hit@5
        # 0.806, MRR 0.711, key facts 0.648, citation support 0.743, refusal recall 0.583 (7 of 12).
        "holdout-q": {
            "hit@5": 0.8,
            "mrr": 0.7,
            "key_fact_recall": 0.64,
            "citation_support": 0.74,
            "refusal_recall": 0.58,
        },
        # A twenty-fifth author (thirty-third session), committed before its first run at ba3e944:
        # hit@5 0.972, MRR 0.857, key facts 0.727, citation support 0.938, refusal recall 0.750
        # (9 of 12), 4 of 36 answerable items refused. Its 12 items needing two documents or
        # several places are its weakest (key facts 0.49). Refusal recall 0.750 -> 0.667 in the
        # forty-first session (one near-miss now partial since the number-missing signals read only
        # the passages naming what an ask names, where one does), while pooled unseen near-misses
        # refused rose 185 -> 187: floor 0.75 -> 0.66.
        "holdout-r": {
            "hit@5": 0.97,
            "mrr": 0.85,
            "key_fact_recall": 0.72,
            "citation_support": 0.93,
            "refusal_recall": 0.66,
        },
        # A twenty-seventh author (thirty-fourth session), committed before its first run at
        # 7304dc3: hit@5 0.806, MRR 0.728, key facts 0.657, citation support 0.818, refusal
        # recall 0.333 (4 of 12), 3 of 36 answerable items refused. Its 8 paraphrases reach
        # hit@5 0.375; its 14 Slack-style messages 0.93. Citation support 0.818 -> 0.788 (one
        # follow-up of 33 answered) once the BMJ guide's three-word timeline entry is indexed and
        # entries are read with their dates (a2a4563, 7869dfb): floor 0.81 -> 0.78.
        "holdout-s": {
            "hit@5": 0.8,
            "mrr": 0.72,
            "key_fact_recall": 0.65,
            "citation_support": 0.78,
            "refusal_recall": 0.33,
        },
        # A twenty-eighth author (thirty-sixth session), committed before its first run at
        # d1551f0: hit@5 0.861, MRR 0.804, key facts 0.690, citation support 0.853, refusal
        # recall 0.583 (7 of 12), 2 of 36 answerable items refused. Its 6 paraphrases reach
        # hit@5 0.50. A short alternative kept with its ask: MRR 0.818, key facts 0.718.
        "holdout-t": {
            "hit@5": 0.86,
            "mrr": 0.8,
            "key_fact_recall": 0.68,
            "citation_support": 0.85,
            "refusal_recall": 0.58,
        },
        # A twenty-ninth author (thirty-seventh session), committed before its first run at
        # 3094d61: hit@5 0.895, MRR 0.784, key facts 0.693, citation support 0.865, refusal
        # recall 0.25 (3 of 12; 7 near-misses answered outright), 1 of 38 answerable items
        # refused. Its 4 lists reach hit@5 0.50; its 12 Slack-style messages 1.00.
        "holdout-u": {
            "hit@5": 0.89,
            "mrr": 0.78,
            "key_fact_recall": 0.69,
            "citation_support": 0.86,
            "refusal_recall": 0.25,
        },
        # A thirtieth author (thirty-eighth session), committed before its first run at
        # 304e764: hit@5 0.895, MRR 0.742, key facts 0.662, citation support 0.829, refusal
        # recall 0.25 (3 of 12; 6 near-misses answered outright), 3 of 38 answerable items
        # refused. Its 6 paraphrases reach hit@5 0.50; its 12 Slack-style messages 1.00.
        "holdout-v": {
            "hit@5": 0.89,
            "mrr": 0.74,
            "key_fact_recall": 0.66,
            "citation_support": 0.82,
            "refusal_recall": 0.25,
        },
        # A thirty-first author (thirty-ninth session), committed before its first run at
        # fd3f04b: hit@5 0.947, MRR 0.809, key facts 0.803, citation support 0.842, refusal
        # recall 0.50 (6 of 12; 3 near-misses answered outright), none of 38 answerable items
        # refused. Its 3 lists reach key facts 0.33; its 12 Slack-style messages hit@5 1.00.
        # The BMJ booklet's Q&A under a heading of its own (forty-seventh session, run qa1; every
        # unseen figure pooled rose): one item's citation and a key fact lost, key facts 0.803 ->
        # 0.776, citation support 0.842 -> 0.816.
        "holdout-w": {
            "hit@5": 0.94,
            "mrr": 0.8,
            "key_fact_recall": 0.77,
            "citation_support": 0.81,
            "refusal_recall": 0.5,
        },
        # A thirty-second author (fortieth session), committed before its first run at
        # 9a118a9: hit@5 0.947, MRR 0.851, key facts 0.697, citation support 0.838, refusal
        # recall 0.167 (2 of 12; 6 near-misses answered outright), 1 of 38 answerable items
        # refused. Its 6 paraphrases reach hit@5 0.67; its 4 follow-ups key facts 0.33.
        "holdout-x": {
            "hit@5": 0.94,
            "mrr": 0.85,
            "key_fact_recall": 0.69,
            "citation_support": 0.83,
            "refusal_recall": 0.16,
        },
        # A thirty-third author's, committed before its first run (9d5735e; run y0 at 5e1dc93):
        # hit@5 0.947, MRR 0.862, key facts 0.730, citation support 0.921, refusal recall 0.50
        # (6 of 12), none of 38 answerable items refused.
        "holdout-y": {
            "hit@5": 0.94,
            "mrr": 0.86,
            "key_fact_recall": 0.72,
            "citation_support": 0.92,
            "refusal_recall": 0.5,
        },
        # A thirty-fourth author's, committed before its first run (67fc2ac; run z0): hit@5 0.895,
        # MRR 0.815, key facts 0.746, citation support 0.868, refusal recall 0.25 (3 of 12), none
        # of 38 answerable items refused.
        "holdout-z": {
            "hit@5": 0.89,
            "mrr": 0.81,
            "key_fact_recall": 0.74,
            "citation_support": 0.86,
            "refusal_recall": 0.25,
        },
        # A thirty-fifth author's, committed before its first run (d743be6; run aa0): hit@5 0.947,
        # MRR 0.812, key facts 0.741, citation support 0.895, refusal recall 0.5 (6 of 12), none
        # of 38 answerable items refused. Key facts 0.750 -> 0.724 in the forty-eighth session
        # (run ph0.3: the panel's answers only where the interviewer's question matches the ask),
        # one item's only key fact lost.
        "holdout-aa": {
            "hit@5": 0.94,
            "mrr": 0.81,
            "key_fact_recall": 0.72,
            "citation_support": 0.89,
            "refusal_recall": 0.5,
        },
        # A thirty-sixth author's, committed before its first run (134e35b; run ab0): hit@5 0.868,
        # MRR 0.748, key facts 0.658, citation support 0.806, refusal recall 0.583 (7 of 12), 2 of
        # 38 answerable items refused.
        "holdout-ab": {
            "hit@5": 0.86,
            "mrr": 0.74,
            "key_fact_recall": 0.65,
            "citation_support": 0.80,
            "refusal_recall": 0.58,
        },
        # A thirty-seventh author's, committed before its first run (fd54a8a; run s0): hit@5 0.949,
        # MRR 0.902, key facts 0.739, citation support 0.971, refusal recall 0.636 (7 of 11), 4 of
        # 39 answerable items refused (3 of them among its 7 paraphrases). Acronyms read spelt out
        # (02df5b8) put one item's evidence second: MRR 0.902 -> 0.889.
        "holdout-ac": {
            "hit@5": 0.94,
            "mrr": 0.88,
            "key_fact_recall": 0.73,
            "citation_support": 0.96,
            "refusal_recall": 0.63,
        },
        # A thirty-eighth author's (forty-sixth session), committed before its first run (d8d6374):
        # hit@5 0.949, MRR 0.901, key facts 0.718, citation support 0.872, refusal recall 0.545
        # (6 of 11), none of 39 answerable items refused.
        "holdout-ad": {
            "hit@5": 0.94,
            "mrr": 0.89,
            "key_fact_recall": 0.71,
            "citation_support": 0.87,
            "refusal_recall": 0.54,
        },
        # A thirty-ninth author's (forty-seventh session), committed before its first run (5648b0d):
        # hit@5 0.923, MRR 0.853, key facts 0.684, citation support 0.895, refusal recall 0.455
        # (5 of 11), 1 of 39 answerable items refused. The Q&A's own heading (run qa1): one
        # item's citation lost, citation support 0.895 -> 0.868.
        "holdout-ae": {
            "hit@5": 0.92,
            "mrr": 0.85,
            "key_fact_recall": 0.68,
            "citation_support": 0.86,
            "refusal_recall": 0.45,
        },
        # A fortieth author's (forty-eighth session), committed before its first run at the
        # session's start code (n48b, 98e91dd's answers): hit@5 0.949, MRR 0.854, key facts 0.722,
        # citation support 0.872, refusal recall 0.636 (7 of 11), none of 39 answerable items
        # refused. (A run begun while it was being written read it once, with an uncommitted change.)
        "holdout-af": {
            "hit@5": 0.94,
            "mrr": 0.85,
            "key_fact_recall": 0.72,
            "citation_support": 0.87,
            "refusal_recall": 0.63,
        },
        # A forty-first author's (forty-ninth session), committed before its first run at the
        # session's start code (n49, 3d57fe8's answers): hit@5 0.923, MRR 0.791, key facts 0.722,
        # citation support 0.795, refusal recall 0.364 (4 of 11), none of 39 answerable items refused.
        "holdout-ag": {
            "hit@5": 0.92,
            "mrr": 0.79,
            "key_fact_recall": 0.72,
            "citation_support": 0.79,
            "refusal_recall": 0.36,
        },
        # A forty-second author's (fiftieth session), committed before its first run at the
        # session's start code (n50, 1fe51b2's answers): hit@5 0.846, MRR 0.823, key facts 0.795,
        # citation support 0.846, refusal recall 0.545 (6 of 11), none of 39 answerable items refused.
        "holdout-ah": {
            "hit@5": 0.84,
            "mrr": 0.82,
            "key_fact_recall": 0.79,
            "citation_support": 0.84,
            "refusal_recall": 0.54,
        },
        # A forty-third author's (fifty-first session), committed before its first run at the
        # session's start code (n51, 5992449's answers): hit@5 0.923, MRR 0.761, key facts 0.795,
        # citation support 0.889, refusal recall 0.545 (6 of 11), 3 of 39 answerable items refused.
        "holdout-ai": {
            "hit@5": 0.92,
            "mrr": 0.76,
            "key_fact_recall": 0.79,
            "citation_support": 0.88,
            "refusal_recall": 0.54,
        },
        # A forty-fourth author's (fifty-second session), committed before its first run at the
        # session's start code (b52, 2d280a2's answers): hit@5 0.923, MRR 0.795, key facts 0.838,
        # citation support 0.921, refusal recall 0.545 (6 of 11), 1 of 39 answerable items refused.
        "holdout-aj": {
            "hit@5": 0.92,
            "mrr": 0.79,
            "key_fact_recall": 0.83,
            "citation_support": 0.92,
            "refusal_recall": 0.54,
        },
        # A forty-fifth author's (fifty-third session), committed before its first run at the
        # session's start code (38620cd's answers): hit@5 0.974, MRR 0.874, key facts 0.773,
        # citation support 0.921, refusal recall 0.545 (6 of 11), 1 of 39 answerable items refused.
        "holdout-ak": {
            "hit@5": 0.97,
            "mrr": 0.87,
            "key_fact_recall": 0.77,
            "citation_support": 0.92,
            "refusal_recall": 0.54,
        },
        # A forty-sixth author's (fifty-fourth session), committed before its first run at the
        # session's start code (0897786's answers): hit@5 0.974, MRR 0.864, key facts 0.812,
        # citation support 0.947, refusal recall 0.364 (4 of 11), 1 of 39 answerable items refused.
        "holdout-al": {
            "hit@5": 0.97,
            "mrr": 0.86,
            "key_fact_recall": 0.81,
            "citation_support": 0.94,
            "refusal_recall": 0.36,
        },
        # A forty-seventh author's (fifty-fifth session), committed before its first run at the
        # session's start code (255bfc0's answers): hit@5 0.872, MRR 0.792, key facts 0.697,
        # citation support 0.795, refusal recall 0.364 (4 of 11), none of 39 answerable items refused.
        "holdout-am": {
            "hit@5": 0.87,
            "mrr": 0.79,
            "key_fact_recall": 0.69,
            "citation_support": 0.79,
            "refusal_recall": 0.36,
        },
        # holdout-an: 50 items by a forty-eighth author, committed (5e0c60e) before its first run at
        # the fifty-sixth session's start code (2e5c392's answers): hit@5 0.949, MRR 0.862, key
        # facts 0.812, citation support 0.923, refusal recall 0.273 (3 of 11), none of 39 refused.
        "holdout-an": {
            "hit@5": 0.94,
            "mrr": 0.86,
            "key_fact_recall": 0.81,
            "citation_support": 0.92,
            "refusal_recall": 0.27,
        },
        # holdout-ao: 50 items by a forty-ninth author, committed (d3758d7) before its first run at
        # the fifty-seventh session's start code (f3c75eb's answers): hit@5 0.974, MRR 0.863, key
        # facts 0.765, citation support 0.947, refusal recall 0.545 (6 of 11), 1 of 39 refused.
        "holdout-ao": {
            "hit@5": 0.97,
            "mrr": 0.86,
            "key_fact_recall": 0.76,
            "citation_support": 0.94,
            "refusal_recall": 0.54,
        },
        # holdout-ap: 50 items by a fiftieth author, committed (23ecc87) before its first run at
        # the fifty-eighth session's start code (ca8ad7e's answers): hit@5 0.923, MRR 0.832, key
        # facts 0.786, citation support 0.919, refusal recall 0.545 (6 of 11), 2 of 39 refused.
        "holdout-ap": {
            "hit@5": 0.92,
            "mrr": 0.83,
            "key_fact_recall": 0.78,
            "citation_support": 0.91,
            "refusal_recall": 0.54,
        },
    }
    # False refusals. Until the twelfth session unseen splits ran above dev's held-out 0.02 (holdout-d
    # 5 of 58 answerable items, holdout-i 3 of 49); since an ask about today is no longer refused
    # for that alone and the model is refitted on 517 items, 5 of 481 over the eight (at most
    # 1 of 58 on holdout-d); 8 of 481 once a yes or no about pay is not taken to want a sum.
    ceilings = {
        "dev": 0.02,
        "test": 0.03,
        "holdout-c": 0.03,
        "holdout-d": 0.06,  # 2 of 58 since the yes-or-no money signal (twelfth session), 3 since the 23rd
        "holdout-e": 0.03,
        "holdout-f": 0.03,
        "holdout-g": 0.03,
        "holdout-h": 0.03,
        "holdout-i": 0.03,
        "holdout-j": 0.05,  # 2 of 48
        "holdout-k": 0.07,  # 2 of 48; 3 since the twenty-third session's refit
        "holdout-l": 0.03,  # none of 48 at its first run
        "holdout-m": 0.05,  # 2 of 48 at its first run
        "holdout-n": 0.06,  # 1 of 36 at its first run
        "holdout-o": 0.04,  # 1 of 28 at its first run, before this session's changes too
        "holdout-p": 0.06,  # 2 of 34 (3 before chains of follow-ups were folded)
        "holdout-q": 0.03,  # 1 of 36 at its first run
        "holdout-r": 0.12,  # 4 of 36 at its first run
        "holdout-s": 0.09,  # 3 of 36 at its first run
        "holdout-t": 0.06,  # 2 of 36 at its first run
        "holdout-u": 0.03,  # 1 of 38 at its first run
        "holdout-v": 0.08,  # 3 of 38 at its first run
        "holdout-w": 0.03,  # none of 38 at its first run
        "holdout-x": 0.03,  # 1 of 38 at its first run
        "holdout-y": 0.03,  # none of 38 at its first run
        "holdout-z": 0.03,  # none of 38 at its first run
        "holdout-aa": 0.03,  # none of 38 at its first run
        "holdout-ab": 0.06,  # 2 of 38 at its first run
        "holdout-ac": 0.11,  # 4 of 39 at its first run
        "holdout-ad": 0.03,  # none of 39 at its first run
        "holdout-ae": 0.03,  # 1 of 39 at its first run
        "holdout-af": 0.03,  # none of 39 at its first run
        "holdout-ag": 0.03,  # none of 39 at its first run
        "holdout-ah": 0.03,  # none of 39 at its first run
        "holdout-ai": 0.08,  # 3 of 39 at its first run
        "holdout-aj": 0.03,  # 1 of 39 at its first run
        "holdout-ak": 0.03,  # 1 of 39 at its first run
        "holdout-al": 0.03,  # 1 of 39 at its first run
        "holdout-am": 0.03,  # none of 39 at its first run
        "holdout-an": 0.03,  # none of 39 at its first run
        "holdout-ao": 0.03,  # 1 of 39 at its first run
        "holdout-ap": 0.06,  # 2 of 39 at its first run
    }
    args = ["eval", "--out", str(out)]
    for split, mins in floors.items():
        for metric, value in mins.items():
            args += ["--min", f"{split}:{metric}={value}"]
        args += ["--min", f"{split}:false_refusal_rate={ceilings[split]}"]
    code = main(args)
    metrics = {s: json.loads((out / s / "metrics.json").read_text())["overall"] for s in floors}
    assert code == 0, metrics
    # A floor no run can reach fails the command. Three items show it: running every split a
    # second time for this doubled the gate's time (about four minutes on 2 cores).
    few = write(tmp_path / "few.jsonl", [json.loads(x) for x in DEV_SET.read_text(encoding="utf-8").splitlines()[:3]])
    assert main(["eval", "--dataset", str(few), "--out", str(tmp_path / "strict"), "--min", "mrr=1.01"]) == 1
