from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from assistant.interfaces.slack.blocks import MAX_BLOCKS, SECTION_LIMIT, answer_blocks, escape, split_text
from assistant.types import Answer, Citation


def cite(n: int) -> Citation:
    return Citation(n, "d", "f.txt", "Title <b>", "BMA", "2012", "Sec & more", None, "text", "Quote <!here>")


def test_long_answers_split_between_citations_never_inside() -> None:
    sentence = "A sentence of guidance that is fairly long and repeats itself for the test. "
    text = "".join(f"{sentence * 3}[{i % 9 + 1}] " for i in range(60)).strip()
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p) <= SECTION_LIMIT for p in parts)
    assert all(p.rstrip().endswith("]") for p in parts)
    assert " ".join(parts).split() == text.split()


def test_block_limits_and_escaping() -> None:
    answer = Answer("q", "Answer [1]", [cite(i) for i in range(1, 31)], False, [], ["Old <source>"])
    messages = answer_blocks(answer, 7, share=True)
    assert len(messages) == 2 and all(len(m) <= MAX_BLOCKS for m in messages)
    dumped = json.dumps(messages)
    assert "<!here>" not in dumped and "&lt;!here&gt;" in dumped and "&lt;b&gt;" in dumped
    assert messages[-1][-1]["type"] == "actions"
    assert [e["action_id"] for e in messages[-1][-1]["elements"]] == ["feedback_up", "feedback_down", "share_answer"]
    assert escape("a & <b>") == "a &amp; &lt;b&gt;"


def test_manifest_declares_what_the_app_uses() -> None:
    manifest = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "assistant/interfaces/slack/manifest.yaml").read_text()
    )
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_mention", "message.im", "message.channels"} <= set(events)
    assert manifest["features"]["slash_commands"][0]["command"] == "/ask"
    assert {"chat:write", "commands", "app_mentions:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])


def test_dates_are_marked_approximate_only_when_inferred() -> None:
    import dataclasses

    exact = dataclasses.replace(cite(1), published="2024-03-01", approximate=False)
    inferred = dataclasses.replace(cite(2), published="2012", approximate=True)
    dumped = json.dumps(
        answer_blocks(Answer("q", "A [1] B [2]", [exact, inferred], False, []), None), ensure_ascii=False
    )
    assert "· 2024-03-01 · " in dumped and "c. 2024" not in dumped
    assert "c. 2012 · " in dumped
    assert "approximate" not in exact.to_json() and exact.to_record()["approximate"] is False


def test_a_partial_answer_leads_with_its_caveat_and_parts_are_bold() -> None:
    lead = "The guidance touches on this but may not answer it directly. The closest passages say:"
    answer = Answer(
        "q", f"{lead}\n\nA hospital doctor sits on it. [1]", [cite(1)], False, [], outcome="partial", lead=lead
    )
    blocks = answer_blocks(answer, 3)[0]
    assert blocks[0]["type"] == "context" and blocks[0]["elements"][0]["text"] == ":grey_question: " + lead
    body = " ".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "A hospital doctor sits on it." in body and "touches on this" not in body
    # Several asks, none answered outright: each part says so under its own ask, and nothing is
    # lifted out of the first part as if it led the whole reply.
    text = (
        f"Who sits on the board?\n{lead} A hospital doctor sits on it. [1]\n\n"
        "Can they be from our trust?\nThe guidance in this corpus does not cover this part of the question."
    )
    blocks = answer_blocks(Answer("q", text, [cite(1)], False, [], outcome="partial"), 3)[0]
    assert not any(b["type"] == "context" and "touches on this" in b["elements"][0]["text"] for b in blocks)
    body = " ".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "*Who sits on the board?*" in body and "*Can they be from our trust?*" in body
    assert body.index("*Who sits on the board?*") < body.index("touches on this") < body.index("*Can they be")


def test_a_refusal_shows_its_statement_and_the_nearest_sections_apart() -> None:
    answer = Answer(
        "q",
        "Not in the guidance. Nearest: Why; How?",
        [],
        True,
        [],
        nearest=["Why", "How?"],
        lead="Not in the guidance.",
    )
    blocks = answer_blocks(answer, 3)[0]
    assert blocks[0]["text"]["text"] == ":no_entry_sign: Not in the guidance."
    assert blocks[1]["elements"][0]["text"] == "Nearest material: Why; How?"


def test_sources_link_to_the_web_viewer_when_the_public_url_is_set() -> None:
    from urllib.parse import parse_qs, urlsplit

    from assistant import Settings
    from assistant.errors import ConfigError
    from assistant.types import Chunk, Hit

    c = Citation(1, "bmj-guide", "g.pdf", "BMJ <Guide>", "BMJ Group", "2011", "Structure", 4, "passage", "Quote | one")
    passage = Chunk("c-1", "bmj-guide", "g.pdf", "BMJ <Guide>", "BMJ Group", "2011", "Structure", 4, 0, 7, "passage")
    answer = Answer("q", "Answer [1]", [c], False, [Hit(1, passage, 1.0)])
    plain = json.dumps(answer_blocks(answer, 7))
    assert "/Source?" not in plain and "BMJ &lt;Guide&gt;" in plain
    line = next(
        b["elements"][0]["text"]
        for b in answer_blocks(answer, 7, public_url="https://assistant.example.nhs.uk")[0]
        if b["type"] == "context" and b["elements"][0]["text"].startswith("*[1]*")
    )
    url, title = line.split("<", 1)[1].split(">", 1)[0].split("|")
    assert title == "BMJ &lt;Guide&gt;"
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "assistant.example.nhs.uk", "/Source")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {"doc": "bmj-guide", "page": "4", "chunk": "c-1", "q": "Quote | one"}
    # A long quote is shortened to fit Slack's limit on one text element; the link still opens the page.
    long = Citation(1, "bmj-guide", "g.pdf", "T", "", "2011", "S", 4, "p", " … ".join(["word " * 200] * 3))
    line = answer_blocks(Answer("q", "A [1]", [long], False, []), None, public_url="https://a.example")[0][1]
    assert len(line["elements"][0]["text"]) < 2000 and "page=4" in line["elements"][0]["text"]
    for bad in ("assistant.example", "https://a.example/x|y", "https://a b"):
        with pytest.raises(ConfigError, match="ASSISTANT_PUBLIC_URL"):
            Settings(public_url=bad).validate()
