from __future__ import annotations

from types import SimpleNamespace

from evals.metrics import aggregate, containment, first_found_rank, key_fact_recall, score_item, tokens


def test_tokens_normalise_quotes_and_dashes() -> None:
    assert tokens("CCG’s “board” – 2013") == ["ccg", "s", "board", "2013"]


def test_containment_is_a_multiset_share() -> None:
    assert containment("the board the board", "the board") == 0.5
    assert containment("NHS Jobs website", "advertised on the NHS Jobs website.") == 1.0
    assert containment("", "anything") == 0.0


def test_first_found_rank_and_key_facts() -> None:
    passages = ["unrelated text here", "Positions are advertised on the NHS Jobs website for clinicians"]
    assert first_found_rank(["advertised on the NHS Jobs website for clinicians"], passages) == 2
    assert first_found_rank(["nothing like it at all"], passages) is None
    assert key_fact_recall([["NHS Jobs"], ["contact your CCG", "ask the CCG"]], "See NHS  jobs; ask the CCG.") == 1.0
    assert key_fact_recall([["CCG’s area"]], "from outside the CCG's area") == 1.0
    assert key_fact_recall([["alpha"], ["omega"]], "alpha only") == 0.5


def test_scores_and_aggregate() -> None:
    item = SimpleNamespace(
        answerable=True, evidence=["advertised on the NHS Jobs website for clinicians"], key_facts=[["NHS Jobs"]]
    )
    ans = {
        "answer": "They are on NHS Jobs [1].",
        "refused": False,
        "citations": [{"text": "Posts are advertised on the NHS Jobs website for clinicians."}],
        "retrieved": [{"text": "other"}, {"text": "Posts are advertised on the NHS Jobs website for clinicians."}],
    }
    s = score_item(item, ans)
    assert s["evidence_rank"] == 2 and s["rr"] == 0.5 and s["hit@1"] is False and s["hit@3"] is True
    assert s["citation_supported"] and s["passed"] is True and s["why"] == []
    un = SimpleNamespace(answerable=False, evidence=[], key_facts=[])
    refused = score_item(un, {**ans, "refused": True})
    rows = [
        {"answerable": True, "scores": s, "latency_ms": 10.0, "answer": ans["answer"], "refused": False},
        {"answerable": False, "scores": refused, "latency_ms": 30.0, "answer": "no", "refused": True},
    ]
    m = aggregate(rows)
    assert m["mrr"] == 0.5 and m["refusal_recall"] == 1.0 and m["false_refusal_rate"] == 0.0
    assert m["latency_p50_ms"] == 20.0


def test_lead_of_skips_the_partial_line_and_part_headings() -> None:
    from evals.metrics import lead_has_fact, lead_of

    partial = "The guidance touches on this but may not answer it directly.\n\nFirst fact here. [1] Second. [2]"
    assert lead_of(partial) == "First fact here. [1]"
    multi = "Who sits on it?\nA GP and a nurse. [1]\n\nWhen?\nIn 2013. [2]"
    assert lead_of(multi) == "A GP and a nurse. [1]"
    assert lead_of("No markers at all.") == ""
    assert lead_has_fact([["nurse"]], multi) and not lead_has_fact([["2013"]], multi)
