"""A list the guidance writes as numbered sections ("Five things patients hope for ...", "Starter
for five"), asked for by name, is answered with its headings, against the real corpus."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from assistant import Assistant
from assistant.types import SECTION_SEP, Chunk


def _items(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


def test_the_five_things_are_the_five_headings_in_order(bot: Assistant) -> None:
    a = bot.ask("what are the five things patients hope for from nhs commissioning?")
    assert a.outcome == "answer"
    assert a.text.startswith("Five things patients hope for from NHS commissioning:")
    items = _items(a.text)
    assert len(items) == 5 and len(a.citations) == 5
    assert items[2] == "Prescription charges must go. [3]"
    for n, (item, c) in enumerate(zip(items, a.citations, strict=True), start=1):
        # Each point cites the section it heads; the quote is that heading as the source writes it.
        heading = c.section.split(SECTION_SEP)[-1]
        assert c.n == n and heading.startswith(f"{n}. ") and c.quote == heading
        assert item == f"{heading[len(str(n)) + 2 :]} [{n}]"


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # Judged "partial" on its own signals: the outline settles it.
        ("what is the bmj's starter for five", "Ask why it is so difficult to spread best practice"),
        ("what are the quick wins for a new consortium", "Reducing referrals by creating joint clinical pathways"),
        # What the named section says is its points: answered with fragments and hedged before.
        (
            'What does the "starter for five" advise consortiums to focus on?',
            "Ask why it is so difficult to spread best practice",
        ),
    ],
)
def test_an_outline_named_by_the_ask_answers_it(bot: Assistant, question: str, first: str) -> None:
    a = bot.ask(question)
    assert a.outcome == "answer" and not a.lead
    assert _items(a.text)[0].startswith(first)
    assert a.answerability[0]["signals"].get("outline") == 1.0


def test_a_summary_asked_of_a_named_section_is_its_points(bot: Assistant) -> None:
    """Answered from sentences, "summarise the 'starter for five'" gave two of its five points,
    opening on "If we understand this ..."."""
    a = bot.ask('can someone summarise the "starter for five" bit of the BMJ guide for me')
    items = _items(a.text)
    assert a.outcome == "answer" and len(items) == 5, a.text
    assert items[0].startswith("Ask why it is so difficult to spread best practice")


def test_points_headed_by_labels_bring_what_their_sections_say(bot: Assistant) -> None:
    """ "1. Reducing referrals by creating joint clinical pathways with secondary care" names a
    strategy without a stop: its section says what was done, in a list of its own. The quick wins
    were their four headings alone, each citation quoting only its heading."""
    a = bot.ask("What quick wins did the BMJ guide describe for new commissioners?")
    items = _items(a.text)
    # The section's opening first: what the quick wins achieved, in its writer's first person.
    assert a.text.startswith("Kate Adams (London GP): Through our work in City and Hackney"), a.text
    assert "4% reduction in secondary care referrals" in a.text and "£2.1 million" in a.citations[0].quote
    assert not a.citations[0].quote.startswith("Kate Adams")
    assert len(items) == 4 and len(a.citations) == 5
    assert items[1] == (
        "Reducing referrals by creating advice services with secondary care: Sixteen consultant telephone "
        "advice services (including cardiology, neurology, and paediatrics) were set up with our local provider. [3]"
    )
    # A section that opens on its list is told by its first item, not by a later item's second sentence.
    assert items[3].startswith("Reducing outpatient activity: A GP and consultant reviewed outpatient followups")
    for c in a.citations:
        assert c.quote.split(" … ")[0] in c.text and not re.match(r"\d{1,2}\. ", c.quote)


@pytest.mark.parametrize(
    "question",
    [
        # One point's detail, not the list: answered from that section's sentences.
        "st3 - in the city & hackney quick wins how many cons telephone advice lines did they set up?",
        # The section not named (half its heading's words): answered from sentences as before.
        "what do patients hope for from commissioning",
        # A list the source writes as bullets keeps its own lead-in and items.
        "what are the drawbacks of commissioning",
        # The title's words, asked of others than the doctors its routes are for: its best
        # passages are the BMJ's on patient engagement (user test: answered with the routes).
        "How are patients and the public meant to be involved in commissioning?",
    ],
)
def test_other_asks_are_not_outlines(bot: Assistant, question: str) -> None:
    a = bot.ask(question)
    assert "outline" not in a.answerability[0]["signals"]
    assert "Positions on the CCG’s decision-making bodies: " not in a.text, a.text
    assert not all(re.match(r"\d{1,2}\. ", c.quote) for c in a.citations)


def test_an_outlines_sections_are_among_the_passages_retrieved(bot: Assistant) -> None:
    # The source cards and Slack's links find a cited passage among those retrieved.
    for question in (
        "what is the bmj's starter for five",
        "what are the five things patients hope for from nhs commissioning, and what are the quick wins?",
    ):
        a = bot.ask(question)
        if "quick wins" in question:
            # Each ask names its own outline: the second is not the first's again.
            assert "\n\nWhat are the quick wins?\nKate Adams (London GP): Through our work" in a.text
            assert "\nQuick wins:\n- Reducing referrals" in a.text
        retrieved = {h.chunk.text for h in a.retrieved}
        assert a.citations and all(c.text in retrieved for c in a.citations)
        assert [h.rank for h in a.retrieved] == list(range(1, len(a.retrieved) + 1))


class _Recording:
    """A generator (the protocol, for real) that records what it was asked to draft."""

    name = "recording"
    model = "recording"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def generate(self, question: str, passages: Sequence[Chunk]) -> str:
        self.asked.append(question)
        return "A draft. [1]"


def test_an_outline_is_not_drafted_again_by_a_language_model(bot: Assistant) -> None:
    # The headings are the answer in the source's words; a draft would only restate them.
    recording = _Recording()
    generating = Assistant(bot.settings.replace(generator="openai"), embedder=bot.embedder, generator=recording)
    a = generating.ask("what is the bmj's starter for five")
    assert a.mode == "extractive" and not recording.asked
    assert "\nStarter for five:\n- Ask why it is so difficult" in a.text
    # Its opening, with no figure to give, is its first statement, signed by its writer.
    assert a.text.startswith("Paul Zollinger Read (GP director of commissioning development"), a.text
    assert "The most logical approach is to focus on clinical areas" in a.text.split("\n", 1)[0]
    generating.ask("how do I get on a CCG board?")
    assert recording.asked == ["how do I get on a CCG board?"]


@pytest.mark.parametrize(
    "question",
    ["how do I get involved in commissioning?", "what are the options for getting involved in commissioning?"],
)
def test_a_how_section_asked_through_its_documents_title_answers_with_its_advice_and_points(
    bot: Assistant, question: str
) -> None:
    """ "How?" under "Get involved in commissioning" names nothing on its own: the ask names its
    document. Answered before with "We have put together this guidance for you ..." alone."""
    a = bot.ask(question)
    assert a.outcome == "answer"
    assert a.text.startswith("If you are interested in engaging with commissioning you should discuss issues")
    items = _items(a.text)
    # Each point is a label ("7. NHS England"): its section's first sentence says what it means
    # for the reader, and is what its citation quotes.
    assert items[0] == (
        "Positions on the CCG’s decision-making bodies: You should contact your CCG to find out about "
        "opportunities to get involved in the CCGs decision-making bodies. [2]"
    ), a.text
    assert any(
        item.startswith("Local authorities: RCCs and RSASCs should contact their local authorities") for item in items
    )
    assert len(items) >= 5 and len(a.citations) == len(items) + 1
    assert a.citations[0].section == "How?" and a.citations[0].quote.startswith("If you are interested")
    for item, c in zip(items, a.citations[1:], strict=True):
        assert c.quote in c.text and item.endswith(f"{c.quote} [{c.n}]")


@pytest.mark.parametrize(
    "question",
    [
        "How can an SAS doctor get a voice in local commissioning decisions?",
        "As a trust medical director, how should our consultants engage with the new CCGs?",
    ],
)
def test_a_how_ask_whose_best_passage_opens_the_how_section_gets_its_points(bot: Assistant, question: str) -> None:
    """These name the document's subject in other words ("a voice in ... decisions", "engage").
    Their best passage is the "How?" section's opening, and they were answered with its sentence
    "There are some areas which have been identified as clear points of engagement ...", which
    announces the eight routes the answer then never gave."""
    a = bot.ask(question)
    assert a.outcome == "answer"
    items = _items(a.text)
    assert len(items) >= 5 and items[0].startswith("Positions on the CCG’s decision-making bodies: "), a.text
    announcing = a.text.find("clear points of engagement")
    assert announcing == -1 or announcing < a.text.find("- Positions on the CCG")


def test_a_how_section_settles_no_outcome_and_answers_only_a_how_or_list_ask(bot: Assistant) -> None:
    # Refused or hedged on its own signals, an ask gets no outline through a document's title.
    scotland = bot.ask("how do I get involved in commissioning in Scotland?")
    assert scotland.outcome == "refuse" and "Positions on the CCG" not in scotland.text
    # "What is involved in ...?" asks neither how nor for a list.
    assert "Positions on the CCG’s decision-making bodies [" not in bot.ask("what is involved in commissioning?").text
    # A "how" ask whose best passage is one of the routes, not the section's opening, is
    # answered from that route.
    lmc = bot.ask("how do I get in touch with my LMC about commissioning?")
    assert "- Monitor: " not in lmc.text, lmc.text
