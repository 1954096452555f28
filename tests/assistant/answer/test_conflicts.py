"""Another source's date for what an answer dates (`assistant/answer/conflicts.py`)."""

from __future__ import annotations

from assistant import Assistant
from assistant.answer.conflicts import _nearest_date
from assistant.retrieval.lexical import terms


def test_the_date_nearest_the_events_words_is_the_events() -> None:
    sentence = (
        "It took on its full statutory responsibilities on 1 April 2013, "
        "after existing in shadow form since October 2012."
    )
    assert _nearest_date(sentence, set(terms("shadow form"))) == "October 2012"
    assert _nearest_date(sentence, set(terms("statutory responsibilities"))) == "April 2013"
    assert _nearest_date("No date here.", set(terms("shadow"))) is None


def test_an_answer_dating_what_two_guides_date_differently_says_so(bot: Assistant) -> None:
    """The BMA's two guides date NHS England's shadow form October 2011 and October 2012; the
    answer quoted one as if it were settled."""
    answer = bot.ask("Since when has NHS England been operating in shadow form?")
    differ = [n for n in answer.notices if n.startswith("The sources disagree on this date")]
    assert len(differ) == 1, answer.notices
    assert "October 2011" in differ[0] and "October 2012" in differ[0], differ
    # A date the sources agree on, or an ask for no date, carries no such notice.
    for question in ("when did pathfinder consortiums start?", "what is NHS England?"):
        assert not any("disagree" in n for n in bot.ask(question).notices), question
