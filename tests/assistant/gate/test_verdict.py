"""The judge's rules, in their order, over the real index and model: each case asks the real
retriever and the packaged answerability model, then varies only what the judge is told."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import Assistant
from assistant.gate.answerability import SUBJECT_UNKNOWN
from assistant.gate.scope import scope_of
from assistant.gate.verdict import OUTLINE, Asked, Verdict, judge
from assistant.retrieval.retrieve import Candidate, Retriever


def _judge(bot: Assistant, part: str, judged: str = "", **told: object) -> Verdict:
    """`part` judged as the assistant would judge it, found with `judged` (default: itself)."""
    judged = judged or part
    vector = bot.embedder.embed([judged])[0]
    cands = Retriever(bot.settings, bot.store, bot.index).candidates(judged, vector)

    def no_qa(ask: str, found: Sequence[Candidate]) -> dict[str, float]:
        return {}

    asked = Asked(part, judged, part, judged, vector)
    return judge(asked, cands, bot.index, bot.answerability, scope_of(bot.index), no_qa, **told)  # type: ignore[arg-type]


def test_an_outline_the_ask_names_answers_it_and_one_it_does_not_name_is_dropped(bot: Assistant) -> None:
    hedged = "good coffee near hospital?"  # the model hedges; no rule refuses it
    assert _judge(bot, hedged).outcome == "partial"
    named = _judge(bot, hedged, outline_named=True)
    assert named.outcome == "answer" and named.signals.get(OUTLINE) == 1.0 and named.keeps_outline
    # Found only through its document's title, it shapes no answer the ask does not already get.
    unnamed = _judge(bot, hedged, outline_named=False)
    assert unnamed.outcome == "partial" and not unnamed.keeps_outline and OUTLINE not in unnamed.signals
    # An answered ask keeps whatever outline was found.
    assert _judge(bot, "how do I get involved in commissioning?", outline_named=False).keeps_outline


def test_a_later_rule_refuses_what_an_outline_answered(bot: Assistant) -> None:
    scotland = _judge(bot, "how do I get involved in commissioning in Scotland?", outline_named=True)
    assert scotland.signals.get(OUTLINE) == 1.0
    assert scotland.outcome == "refuse" and scotland.outside is not None


def test_a_thin_ask_is_refused_with_the_ask_before_it_only_when_that_was_refused_for_its_subject(
    bot: Assistant,
) -> None:
    thin, topic = "who sits on it?", "what is a health and wellbeing board? who sits on it?"
    assert _judge(bot, thin, topic).outcome == "answer"
    # Refused as merely unlikely: the next ask is judged on its own.
    unlikely = Verdict("refuse", 0.1, {})
    assert _judge(bot, thin, topic, before=unlikely).outcome == "answer"
    unknown = Verdict("refuse", 0.1, {SUBJECT_UNKNOWN: 1.0})
    assert _judge(bot, thin, topic, before=unknown).outcome == "refuse"
    # An ask in words of its own (nothing borrowed) does not stand for the one before it.
    assert _judge(bot, "who sits on a health and wellbeing board?", before=unknown).outcome == "answer"
