"""The terms both retrievers and the answerability signals read."""

from __future__ import annotations

import re

from assistant.retrieval.lexical import terms


def test_chat_filler_carries_no_terms() -> None:
    # "pls", "thx", "anyone", "vs": a Slack message's politeness and framing are not what it asks
    # about; counted, they read as words the guidance never uses and push it towards a refusal.
    assert terms("hi pls thx, anyone? tbh btw vs someone thanks hey") == []
    assert terms("imo, afaik, fyi, iirc, ofc, plz asap") == []
    assert terms("lol nah yeah yep ya") == []
    assert terms("smallest vs biggest pathfinder consortia? numbers pls") == terms(
        "smallest biggest pathfinder consortia? numbers"
    )


def test_content_words_are_stemmed_and_kept() -> None:
    assert terms("Commissioning groups commission services") == ["commiss", "group", "commiss", "servic"]


def _by_expressions(text: str) -> list[str]:
    """What `terms` did with regular expressions before it split with bytes.translate."""
    from assistant.retrieval.lexical import STOPWORDS, normalise_quotes, stem

    text = re.sub(r"\b([A-Z]{2,})s\b", r"\1", normalise_quotes(text))
    text = re.sub(r"'s\b", "", text.lower())
    text = re.sub(r"\b(co|non|pre|re|anti|sub|inter|multi|semi)-(?=[a-z])", r"\1", text)
    return [stem(w) for w in re.findall(r"[a-z0-9]+", text.replace("'", "")) if w not in STOPWORDS]


def test_terms_split_exactly_as_the_expressions_did() -> None:
    # The BM25 index saved at ingest holds these terms: a split that differed by one word would
    # quietly miss passages until the next re-index.
    texts = [
        "CCGs, GPs and CSUs’ roles; the CCG’s board and NHS's PCTs.",
        "éCCGs CCGs_x CCGsé x\u212aCCGs ǅCCGs Ås ABs",  # unicode word characters beside acronyms
        "don’t won't rock 'n' roll — 2013/14 £1.5m ﬁle co-commissioning 3rd",
        "UPPERCASE HEADINGS: WHAT CCGS DO AND WHO ARE THE LMCs?",
        "tabs\tand\nnew lines\r\nand\u00a0no-break spaces… “quoted”",
        "",
    ]
    for text in texts:
        assert terms(text) == _by_expressions(text), text


def test_a_prefix_joined_by_a_hyphen_makes_another_word() -> None:
    # "can we opt out?" matched "Co-opting secondary care clinicians onto specific subgroups".
    assert "opt" not in terms("Co-opting secondary care clinicians onto specific subgroups")
    assert "emerg" not in terms("non-emergency care")
    assert terms("re-ablement") == terms("reablement") and terms("pre-op") == terms("preop")
    # Other hyphens still separate words.
    assert terms("end-to-end commissioning") == terms("end to end commissioning")
