"""Lists: which sentences of a passage belong to a list item, and a section's list that answers how."""

from __future__ import annotations

from assistant import Assistant
from assistant.composition.lists import _in_items
from assistant.retrieval.sentences import split_sentences


def _members(text: str) -> list[tuple[str, bool]]:
    texts = [text[s:e] for s, e in split_sentences(text)]
    return list(zip(texts, _in_items(text, texts), strict=True))


def test_an_items_second_sentence_on_its_line_is_the_items() -> None:
    text = (
        "The government made adjustments:\n"
        "• GPs were not allowed to hold real budgets. Responsibility stayed with the trusts.\n"
        "• All profits were reinvested.\n"
        "The scheme was voluntary."
    )
    assert _members(text) == [
        ("The government made adjustments:", False),
        ("• GPs were not allowed to hold real budgets.", True),
        ("Responsibility stayed with the trusts.", True),
        ("• All profits were reinvested.", True),
        ("The scheme was voluntary.", False),  # a line of its own after the list
    ]


def test_after_the_last_item_one_sentence_is_the_items_and_several_are_a_paragraph() -> None:
    one = "• Pathways were agreed with consultants. (Ten more are being developed.)"
    assert [m for _t, m in _members(one)] == [True, True]
    # A PDF's text ran the next paragraph onto the last item's line.
    run_on = (
        "• Could keep the financial gains they made. By 1994 practices grouped together. "
        "However, fundholding was optional."
    )
    assert [m for _t, m in _members(run_on)] == [True, False, False]
    byline = "• Protected time is funded. Edward Davies, editor, BMJ Careers"
    assert [m for _t, m in _members(byline)] == [True, False]


def test_how_is_answered_with_the_list_that_continues_the_sections_opening(bot: Assistant) -> None:
    """The BMJ guide's "Quick wins › 3. Reducing emergency admissions" opens with two sentences in
    one passage and lists its eight measures in the next: "How did City and Hackney reduce
    emergency admissions?" got the two sentences and none of the measures."""
    answer = bot.ask("How did City and Hackney reduce emergency admissions?")
    assert "audited recurrent emergency admissions" in answer.text
    assert "special emergency response for patients with sickle cell disease" in answer.text, answer.text
    assert "triage 50% of patients away" in answer.text
    # Not for an ask that is not how: the list after that answer is of the Hutton threats.
    who = bot.ask("Who can pay into the NHS pension scheme?")
    assert "NHS Employing Authority" in who.text and "Career Average Revalued Earnings" not in who.text, who.text


def test_a_lead_in_that_with_its_heading_states_the_ask_brings_its_whole_list(bot: Assistant) -> None:
    """ "what will NHS England be responsible for" under "7. NHS England": "It will be responsible
    for:" says the rest of the ask; one of its four items had come, without the others, below the
    prose around them."""
    answer = bot.ask("what will NHS England be responsible for")
    for item in (
        "providing national leadership on commissioning for quality improvement",
        "promoting and extending public and patient choice",
        "ensuring the development of CCGs including holding them to account",
        "commissioning a range of services including national and regional specialised services",
    ):
        assert item in answer.text, answer.text
    # "It" is named: the sentence before the lead-in comes with it.
    assert answer.text.index("NHS England will provide overall leadership") < answer.text.index(
        "It will be responsible for:"
    )


def test_a_short_list_one_of_whose_items_is_quoted_comes_whole(bot: Assistant) -> None:
    """ "Other pensions concerns include:" came with one of its two items, and read as a list of
    one; a list of two items is given whole."""
    answer = bot.ask("salaried gp, does commissioning stuff affect my pension at all? worried")
    assert "Other pensions concerns include:" in answer.text, answer.text
    assert "Changes to pensions taxation from April 2011" in answer.text
    assert "CPI replacing RPI" in answer.text


def test_a_list_under_a_heading_naming_the_ask_answers_an_ask_for_several_things(bot: Assistant) -> None:
    """ "What are the main downsides ...?" was answered from the best passage's list of what a
    consortium's size depends on; the list headed "Drawbacks of commissioning" (the synonym list
    reads "downsides" as "drawbacks") was the third passage."""
    answer = bot.ask("What are the main downsides people have pointed out about handing commissioning over to GPs?")
    assert answer.text.startswith("Drawbacks of commissioning:"), answer.text
    assert "Erosion of public trust" in answer.text


def test_a_lead_in_that_counts_its_list_comes_with_every_item(bot: Assistant) -> None:
    """ "Consortiums need to tackle five key questions:" came with two of its five items; a lead-in
    stating how many items its list has is given with all of them."""
    answer = bot.ask("How does a CCG engage with patients and the public?")
    assert "Consortiums need to tackle five key questions:" in answer.text, answer.text
    for item in (
        "What patient engagement practices happen at each surgery?",
        "Are we agreed about what we want to do?",
        "What are we going to address in each of the following areas",
        "Have we prioritised forming a truly representative group of patients?",
        "Do we know the expertise in our area?",
    ):
        assert item in answer.text, answer.text
