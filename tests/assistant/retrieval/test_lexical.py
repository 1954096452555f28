"""The terms both retrievers and the answerability signals read."""

from __future__ import annotations

from assistant.retrieval.lexical import terms


def test_chat_filler_carries_no_terms() -> None:
    # "pls", "thx", "anyone", "vs": a Slack message's politeness and framing are not what it asks
    # about; counted, they read as words the guidance never uses and push it towards a refusal.
    assert terms("hi pls thx, anyone? tbh btw vs someone thanks hey") == []
    assert terms("smallest vs biggest pathfinder consortia? numbers pls") == terms(
        "smallest biggest pathfinder consortia? numbers"
    )


def test_content_words_are_stemmed_and_kept() -> None:
    assert terms("Commissioning groups commission services") == ["commiss", "group", "commiss", "servic"]
