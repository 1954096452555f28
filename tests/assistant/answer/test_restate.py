"""An answer cut to its first sentences or set out one sentence to a line (`answer/restate.py`),
on compositions written as `compose` writes them, and end to end through `Assistant.ask`."""

from __future__ import annotations

import re

from assistant import Assistant
from assistant.answer.restate import restated
from assistant.composition.render import Composition
from assistant.gate.restate import SUMMARY_SENTENCES, Restate
from assistant.messages import render
from assistant.types import QUOTE_SEP, Citation


def _cite(n: int, *quotes: str) -> Citation:
    text = " ".join(quotes)
    quote = QUOTE_SEP.join(quotes)
    return Citation(n, f"doc{n}", f"doc{n}.txt", f"Doc {n}", "BMA", "2013", "Section", None, text, quote)


COMPOSED = Composition(
    "CCGs plan and commission care. [1] Every board has a hospital doctor. [1] The BMA recommends:\n"
    "- clear rules on conflicts [2]\n- time for the work [2]\nCSUs support them. [3]",
    [
        _cite(1, "CCGs plan and commission care.", "Every board has a hospital doctor."),
        _cite(2, "The BMA recommends:", "clear rules on conflicts", "time for the work"),
        _cite(3, "CSUs support them."),
    ],
)


def test_cut_to_one_sentence_keeps_its_citation_and_quote_only() -> None:
    one = restated(COMPOSED, Restate(1, False))
    assert one.text == "CCGs plan and commission care. [1]"
    assert [c.n for c in one.citations] == [1]
    assert one.citations[0].sentences == ["CCGs plan and commission care."]


def test_a_list_counts_as_one_sentence_with_the_line_introducing_it() -> None:
    three = restated(COMPOSED, Restate(3, False))
    assert three.text == (
        "CCGs plan and commission care. [1] Every board has a hospital doctor. [1]\n"
        "The BMA recommends:\n- clear rules on conflicts [2]\n- time for the work [2]"
    )
    assert [c.n for c in three.citations] == [1, 2]


def test_bullets_put_each_sentence_on_its_line_and_keep_every_citation() -> None:
    listed = restated(COMPOSED, Restate(None, True))
    assert listed.text.splitlines() == [
        "- CCGs plan and commission care. [1]",
        "- Every board has a hospital doctor. [1]",
        "The BMA recommends:",
        "- clear rules on conflicts [2]",
        "- time for the work [2]",
        "- CSUs support them. [3]",
    ]
    assert [c.n for c in listed.citations] == [1, 2, 3]


def test_the_top_few_count_list_items_and_say_the_guidance_does_not_rank_them() -> None:
    listed = Composition(
        "Drawbacks of commissioning:\n- no evidence base [1]\n- privatisation [1]\n- cost [1]\n- time [1]",
        [_cite(1, "Drawbacks of commissioning:", "no evidence base", "privatisation", "cost", "time")],
    )
    top = restated(listed, Restate(2, False, first=True))
    assert top.text.splitlines() == [
        render("restate_unranked", n=2),
        "Drawbacks of commissioning:",
        "- no evidence base [1]",
        "- privatisation [1]",
    ]
    # Asked for more than there are, nothing is cut and nothing needs saying.
    assert restated(listed, Restate(5, False, first=True)).text == listed.text


def test_a_sentence_or_heading_right_before_a_list_is_cut_only_with_it() -> None:
    composed = Composition(
        "Go through your committees first. [1] There are some clear points of engagement. [1]\n"
        "Get involved: How?\n- Positions on the CCG's bodies [2]\n- Clinical senates [2]",
        [_cite(1, "Go through your committees first.", "There are some clear points of engagement."), _cite(2, "x")],
    )
    assert restated(composed, Restate(1, False)).text == "Go through your committees first. [1]"
    two = restated(composed, Restate(2, False)).text
    assert two.endswith("- Clinical senates [2]") and "There are some clear points of engagement. [1]" in two


def test_shortened_a_list_of_named_points_keeps_their_names() -> None:
    routes = Composition(
        "Discuss it in your committees first. [1]\nHow?\n"
        "- Positions on the CCG's bodies: You should contact your CCG to find out more. [2]\n"
        "- Clinical senates: Senates bring together a range of experts. [3]",
        [_cite(1, "Discuss it in your committees first."), _cite(2, "You should contact ..."), _cite(3, "Senates ...")],
    )
    short = restated(routes, Restate(SUMMARY_SENTENCES, False))
    assert short.text.splitlines()[-2:] == ["- Positions on the CCG's bodies [2]", "- Clinical senates [3]"]
    assert [c.n for c in short.citations] == [1, 2, 3]
    # Set out as bullet points, nothing is shortened.
    assert "find out more. [2]" in restated(routes, Restate(None, True)).text


def test_what_is_left_is_numbered_again_from_one() -> None:
    cited = [_cite(1, "Then this."), _cite(2, "Later ones first.")]
    composed = Composition("Later ones first. [2] Then this. [1]", cited)
    one = restated(composed, Restate(1, False))
    assert one.text == "Later ones first. [1]"
    assert [(c.n, c.quote) for c in one.citations] == [(1, "Later ones first.")]


def test_a_request_after_an_answer_restates_that_answer(bot: Assistant) -> None:
    question = "What is a clinical commissioning group?"
    first = bot.ask(question)
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.text}]
    assert first.outcome == "answer" and first.text.count("[1]") >= 2, first.text

    one = bot.ask("give me that in one sentence", history)
    assert one.question == "give me that in one sentence"
    assert one.outcome == first.outcome
    assert one.text.count("[") == 1 and first.text.startswith(one.text.removesuffix(" [1]")), one.text
    assert [c.n for c in one.citations] == [1] and one.citations[0].doc_id == first.citations[0].doc_id

    listed = bot.ask("put that in bullet points pls", history)
    lines = listed.text.splitlines()
    assert len(lines) == first.text.count("[1]") and all(line.startswith("- ") for line in lines), listed.text
    assert [c.doc_id for c in listed.citations] == [c.doc_id for c in first.citations]

    # A follow-up after the request carries on from the question, not from "one sentence".
    follow = "and who can sit on its board?"
    request = [{"role": "user", "content": "give me that in one sentence"}, {"role": "assistant", "content": one.text}]
    after = [*history, *request]
    assert bot.ask(follow, after).text == bot.ask(follow, history).text


def test_a_question_ending_in_a_layout_is_answered_in_it(bot: Assistant) -> None:
    plain = bot.ask("What does a commissioning support unit do?")
    listed = bot.ask("What does a commissioning support unit do, in bullet points?")
    assert listed.outcome == plain.outcome == "answer"
    assert all(line.startswith("- ") for line in listed.text.splitlines()), listed.text
    assert listed.text.count("[") == plain.text.count("["), (plain.text, listed.text)
    # Asked to shorten it next, the question is asked again without its layout.
    history = [{"role": "user", "content": "What does a commissioning support unit do, in bullet points?"}]
    shorter = bot.ask("shorter", [*history, {"role": "assistant", "content": listed.text}])
    assert shorter.text == restated_text(plain.text, 2), shorter.text


def restated_text(text: str, n: int) -> str:
    """The first `n` quoted sentences of a prose answer, as a restated answer prints them."""
    return " ".join(re.split(r"(?<=\])\s+", text.split("\n")[0])[:n])


def test_requests_with_nothing_to_restate_or_needing_new_words_say_so(bot: Assistant) -> None:
    nothing = bot.ask("give me that in one sentence")
    assert (nothing.outcome, nothing.text) == ("no_question", render("restate_nothing"))
    question = "What is a clinical commissioning group?"
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": bot.ask(question).text}]
    table = bot.ask("ok now compare the two in a short table", history)
    assert (table.outcome, table.text) == ("no_question", render("smalltalk_reword"))
