"""A follow-up prefers the documents the previous answer drew on."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.retrieval.retrieve import RerankWeights
from assistant.retrieval.rewrite import carries_on, is_follow_up, standalone_query
from assistant.types import Turn

KENT = "What did the Kent primary care trust do to link GPs with its commissioners?"


def test_the_documents_an_answer_drew_on(bot: Assistant) -> None:
    answer = bot.ask(KENT)
    cited = {c.doc_id for c in answer.citations}
    assert cited and bot.index.quoted_documents(answer.text) == cited
    # A paraphrase of the guidance still points at its document; the templates' caveat and
    # refusal lines point at none.
    paraphrase = "In Kent eleven GPs became clinical commissioners, each paired with a lead commissioner."
    assert bot.index.quoted_documents(paraphrase) == {"kent-clinical-commissioning"}
    caveat = "The guidance touches on this but may not answer it directly. The closest passages say:"
    refusal = "The guidance in this corpus does not answer that question, so I will not guess."
    assert bot.index.quoted_documents(f"{caveat}\n\n{refusal}") == frozenset()


def scores(
    bot: Assistant, question: str, turns: list[Turn], weights: RerankWeights
) -> dict[str, tuple[str, float, float]]:
    [part] = bot.retrieve(question, turns, weights=weights)
    return {c.chunk.chunk_id: (c.chunk.doc_id, c.score, c.dense) for c in part.cands}


FOLLOW_UP = "how were they recruited?"
STANDALONE = "What do commissioning support units provide for clinical commissioning groups?"


@pytest.mark.parametrize("question", [FOLLOW_UP, STANDALONE])
def test_a_follow_up_leans_to_those_documents_and_nothing_else_does(bot: Assistant, question: str) -> None:
    turns = [Turn("user", KENT), Turn("assistant", bot.ask(KENT).text)]
    quoted = bot.index.quoted_documents(turns[1].content)
    plain = scores(bot, question, turns, RerankWeights(conversation=0.0))
    leaning = scores(bot, question, turns, RerankWeights(conversation=0.2))
    assert plain.keys() == leaning.keys()
    follow_up = is_follow_up(question)
    assert follow_up == (question == FOLLOW_UP)
    dense_weight = RerankWeights().dense
    for cid, (doc, score, dense) in plain.items():
        lift = 0.2 if follow_up and doc in quoted else 0.0
        # A passage only BM25 returned has its vector read only when it can reach the top k, so
        # the lift may also bring in its dense similarity.
        lift += dense_weight * (leaning[cid][2] - dense)
        assert leaning[cid][1] == pytest.approx(score + lift)
    if follow_up:
        best = max(leaning.values(), key=lambda v: v[1])
        assert best[0] in quoted


def test_a_follow_up_naming_something_leans_to_the_passages_that_name_it(bot: Assistant) -> None:
    """After answers about CSUs from the quick guide, "what did somerset do about theirs?" asks
    about the Somerset CCG lead's words in the interview: leaning to the quick guide had put
    them fourth, and the answer repeated the quick guide."""
    turns: list[Turn] = []
    for question in ("what are csus?", "who hosts them?", "who pays for that?"):
        turns += [Turn("user", question), Turn("assistant", bot.ask(question, turns).text)]
    quoted = bot.index.quoted_documents(turns[-1].content)
    assert quoted and "coalface-ccg-leads" not in quoted
    assert bot.index.names("what did somerset do about theirs?") == {"somerset"}
    # Words the corpus also writes in lower case name no thing, however rare.
    assert bot.index.names("who pays for that?") == frozenset()
    assert bot.index.names(FOLLOW_UP) == frozenset()
    # The fold keeps the topic's acronym: "CSU" names a kind of body, not another place.
    assert bot.index.names("what are csus?") == {"csu"}
    assert bot.index.names("what are csus?", acronyms=False) == frozenset()
    folded = standalone_query("what did somerset do about theirs?", turns, lambda t: bot.index.names(t, acronyms=False))
    assert "csus" in folded
    answer = bot.ask("what did somerset do about theirs?", turns)
    assert answer.text.startswith("DS (David Slack, managing director, Somerset CCG): We have a service level")


def test_a_follow_up_naming_another_place_asks_the_same_of_it(bot: Assistant) -> None:
    """ "and in tower hamlets?" after City and Hackney's referrals and savings was answered with
    City and Hackney's £2.1 million: the same document holds both, and the folded query still
    named Hackney. The earlier questions' other names are dropped from the fold, and the
    passages naming Tower Hamlets are the ones leaned to."""
    turns: list[Turn] = []
    for question in ("how did city and hackney cut referrals?", "how much did they save?"):
        turns += [Turn("user", question), Turn("assistant", bot.ask(question, turns).text)]
    assert "Hackney" in turns[-1].content
    folded = standalone_query("and in tower hamlets?", turns, lambda t: bot.index.names(t, acronyms=False))
    assert "hackney" not in folded.lower() and "save" in folded and "referrals" in folded
    [part] = bot.retrieve("and in tower hamlets?", turns)
    assert all("Tower Hamlets" in c.chunk.text for c in part.cands[:3])
    answer = bot.ask("and in tower hamlets?", turns)
    assert "Tower Hamlets" in answer.text and "Hackney" not in answer.text


def test_a_short_ask_for_what_a_new_thing_is_starts_its_own_subject(bot: Assistant) -> None:
    """ "whats a csu" after "who are the six ccg leads?" borrowed that question and was answered
    with the panel; a thin ask that points back ("what is it?", "who is the chair?") still
    carries on, and within one message a thin ask still leans on the ask before it."""
    for new in ("whats a csu", "what is a CSU?", "what does AQP stand for?", "what are CSUs"):
        assert not carries_on(new), new
    for back in ("what is it?", "who is the chair?", "whats the NI version", "is it paid?", "and SAS doctors?"):
        assert carries_on(back), back
    assert is_follow_up("whats a csu")  # thin, as the second ask of a message
    panel = "who are the six ccg leads in the coalface piece?"
    turns = [Turn("user", panel), Turn("assistant", bot.ask(panel).text)]
    assert standalone_query("whats a csu", turns) == "whats a csu"
    answer = bot.ask("whats a csu", turns)
    assert answer.citations and answer.citations[0].section == "Commissioning support units"
    assert "panel" not in answer.text


def test_an_ask_for_what_an_acronym_the_last_answer_wrote_is_carries_on(bot: Assistant) -> None:
    """ "what is CARE?" after an answer quoting "an inferior Career Average Revalued Earnings
    (CARE) scheme" was read alone and refused: "care" alone is an everyday word. The reader asks
    about a word they have just read; an acronym the answer did not write starts a subject."""
    said = "- Pension accrual to be replaced by an inferior Career Average Revalued Earnings (CARE) scheme [2]"
    assert carries_on("what is CARE?", said)
    assert not carries_on("what is CARE?") and not carries_on("what is a CSU?", said)
    asked = "what did the hutton report threaten for nhs pensions?"
    turns = [Turn("user", asked), Turn("assistant", bot.ask(asked).text)]
    assert "(CARE)" in turns[1].content
    assert standalone_query("what is CARE?", turns) == f"what is CARE? {asked}"
    answer = bot.ask("what is CARE?", turns)
    assert not answer.refused and answer.citations[0].doc_id == "bmj-guide", answer.text


def test_a_follow_up_answered_only_with_what_the_last_answer_quoted_says_so(bot: Assistant) -> None:
    """ "how do I get on one?" after "whats a clinical senate" came back word for word, with
    nothing to say that the search found nothing better: it read as a slip. (Not "nothing in the
    guidance is closer": the follow-up's answer is sometimes elsewhere, unfound.)"""
    first = "whats a clinical senate"
    turns = [Turn("user", first), Turn("assistant", bot.ask(first).text)]
    again = bot.ask("how do I get on one?", turns)
    assert again.lead.startswith(("The passages that match this best", "The guidance touches on this")), again.text
    # "mostly": what the previous answer did not quote and bears on the new ask more is added.
    assert again.lead.endswith(
        ("are the ones the answer above quoted:", "are mostly the ones the answer above quoted:")
    )
    assert again.text.startswith(again.lead)
    assert again.citations and again.body and not again.body.startswith("The passages")
    # Asked afresh, the same question leads with nothing of the kind.
    assert "answer above" not in bot.ask("how do I get on a clinical senate?").text


def test_a_follow_up_is_answered_with_the_sentences_holding_its_own_words(bot: Assistant) -> None:
    """ "any examples?" after how consultants can help with referral management repeated the
    definition of referral management; the same section's example is what it asks for."""
    question = "How can consultants help with referral management?"
    turns = [Turn("user", question), Turn("assistant", bot.ask(question).text)]
    assert "musculoskeletal" not in turns[1].content
    answer = bot.ask("any examples?", turns)
    assert answer.text.startswith("For example, commissioning imaging services for musculoskeletal conditions")


def test_a_thing_named_by_the_after_the_answer_named_it_carries_on() -> None:
    """ "can the hospital doctor come from our own trust?" after an answer saying every CCG board
    has one was read alone and answered with Coventry's acute trust consultants: "the hospital
    doctor" is the one just named. Only what the answer named: "the" before a word it did not
    use, before the sources themselves, or inside a longer name, is no pointer."""
    said = "every CCG board will include at least one hospital doctor, nurse and member of the public. [1]"
    assert carries_on("can the hospital doctor come from our own trust?", said)
    assert carries_on("how is the nurse on the board chosen locally?", said)
    assert not carries_on("can the hospital doctor come from our own trust?")
    assert not carries_on("can the practice manager come from our own trust?", said)
    # In the synonym list's other words: the answer said "a secondary care doctor".
    assert carries_on("can the hospital doctor come from our own trust?", "a secondary care doctor on the CCG board")
    assert not carries_on("what does the guidance say about pensions and referral management?", "the guidance")
    assert not carries_on("what do the health and wellbeing boards decide locally?", "health scrutiny")


def test_a_follow_up_naming_the_answers_hospital_doctor_gets_its_rule(bot: Assistant) -> None:
    first = "who sits on a CCG board?"
    turns = [Turn("user", first), Turn("assistant", bot.ask(first).text)]
    assert "hospital doctor" in turns[1].content
    answer = bot.ask("can the hospital doctor come from our own trust?", turns)
    assert "from outside the CCG’s area" in answer.text, answer.text
    assert "Coventry" not in answer.text


def test_a_chain_of_follow_ups_reaches_the_question_each_named_by_the() -> None:
    """ "why?" after "can the hospital doctor come from my own trust?" borrowed only that
    question, whose words led to Coventry's acute trust; that question pointed back (by "the
    hospital doctor") to the answer before it, so "why?" reaches the question that set the topic."""
    first = "Who has to be on a CCG board?"
    said = "every CCG board will include at least one hospital doctor, nurse and member of the public."
    second = "Can the hospital doctor come from my own trust?"
    turns = [Turn("user", first), Turn("assistant", said), Turn("user", second), Turn("assistant", "(rule)")]
    assert standalone_query("why?", turns) == f"why? {second} {first}"
    # Without that answer, the second question stands alone and the chain stops at it.
    alone = [Turn("user", first), Turn("assistant", "(nothing)"), Turn("user", second), Turn("assistant", "(rule)")]
    assert standalone_query("why?", alone) == f"why? {second}"


def test_a_follow_up_standing_by_a_pronoun_for_a_body_after_the_documents_is_refused(bot: Assistant) -> None:
    """ "who sits on them?" after a refused "what do integrated care boards do?" was tried alone
    and answered with Croydon's senate member: the message is about the ICBs."""
    first = "what do integrated care boards do?"
    refused = bot.ask(first)
    assert refused.outcome == "refuse"
    again = bot.ask("who sits on them?", [Turn("user", first), Turn("assistant", refused.text)])
    assert again.outcome == "refuse" and "predates integrated care boards" in again.text, again.text
    # A follow-up with a subject of its own is still tried alone.
    other = bot.ask("and what about CSUs?", [Turn("user", first), Turn("assistant", refused.text)])
    assert other.outcome != "refuse", other.text


def test_an_earlier_question_asked_again_of_something_the_guidance_never_names_is_refused(bot: Assistant) -> None:
    """ "What about the McCloud remedy - how does that affect me?" after Lord Hutton's
    recommendations was answered with the Hutton passages, as if they were the remedy's effect;
    "and in Leeds?" after City and Hackney's referrals with City and Hackney's figures. (A word
    that names no one, "what about physio?", asks as before: test_answers.py.)"""
    for first, then in (
        (
            "what did Lord Hutton recommend that worries people?",
            "What about the McCloud remedy - how does that affect me?",
        ),
        ("how did City and Hackney cut referrals?", "and in Leeds?"),
    ):
        turns = [Turn("user", first), Turn("assistant", bot.ask(first).text)]
        assert turns[1].content and bot.ask(first).outcome != "refuse"
        again = bot.ask(then, turns)
        assert again.outcome == "refuse" and again.citations == [], again.text
    # Something the guidance does write of is asked about as before.
    first = "how do I get on a CCG board?"
    turns = [Turn("user", first), Turn("assistant", bot.ask(first).text)]
    assert bot.ask("what about for SAS doctors?", turns).outcome != "refuse"


def test_asked_whether_what_was_just_quoted_still_holds_the_answer_says_it_cannot_know(bot: Assistant) -> None:
    """ "is that still the case?" after 2013's count of authorised CCGs came back with the same
    figures under "may not answer it directly", as if they might be today's; the notice that CCGs
    were abolished was only at the bottom."""
    turns: list[Turn] = []
    for asked in ("How many CCGs are there in England?", "how many of those were fully authorised?"):
        turns += [Turn("user", asked), Turn("assistant", bot.ask(asked, turns).text)]
    again = bot.ask("is that still the case?", turns)
    assert again.outcome == "partial", again.text
    assert again.text.startswith(
        "The guidance predates today's NHS and cannot say how things stand now. "
        "Clinical commissioning groups (CCGs) were abolished on 1 July 2022"
    ), again.text
    assert "What it said at the time is in the passages the answer above quoted:" in again.text


def test_a_chain_of_follow_ups_is_also_searched_with_its_topic_alone(bot: Assistant) -> None:
    """ "Is it paid?" after "What is the governing body of a CCG?" and "How long does it take to
    become a member?" was searched with both questions and answered with the membership passage a
    third time; searched with the topic alone it finds the BMJ's "What will happen to my salary?",
    and the repeated answer quotes it."""
    turns: list[Turn] = []
    for question in ("What is the governing body of a CCG?", "How long does it take to become a member?"):
        turns += [Turn("user", question), Turn("assistant", bot.ask(question, turns).text)]
    (part,) = bot.retrieve("Is it paid?", turns)
    assert any("salary" in c.chunk.section for c in part.aside), [c.chunk.section for c in part.aside]
    answer = bot.ask("Is it paid?", turns)
    assert any("salary" in c.section for c in answer.citations), answer.text
    assert "remuneration" in answer.text
    # A follow-up to one question has only that question to fold: nothing aside.
    (second,) = bot.retrieve("Is it paid?", turns[:2])
    assert second.aside == []
