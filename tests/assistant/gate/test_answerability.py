"""The answerability model: its package file, refits named by a setting, and three outcomes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from assistant import Assistant, ConfigError, Settings
from assistant.gate.acronyms import writers_own
from assistant.gate.answerability import FEATURES, OFF_SUBJECT, QA_FEATURES, QA_SENTENCE, off_subject, salience
from assistant.gate.model import packaged_model
from assistant.types import Embedder, Turn
from assistant.wiring import load_answerability


def test_the_packaged_model_carries_its_held_out_figures() -> None:
    m = packaged_model()
    assert 0.0 < m.refuse_below < m.answer_at < 1.0
    held = m.fitted["held_out"]
    assert held["false_refusal_rate"] <= 0.03
    assert m.fitted["dataset"] == "dev.jsonl"  # never fitted on the test split


def test_probability_is_monotone_in_sentence_similarity() -> None:
    m = packaged_model()
    base = dict.fromkeys(FEATURES, 0.5)
    low = m.probability({**base, "sentence": 0.2})
    high = m.probability({**base, "sentence": 0.8})
    assert high > low
    assert m.outcome(m.answer_at) == "answer"
    assert m.outcome((m.answer_at + m.refuse_below) / 2) == "partial"
    assert m.outcome(m.refuse_below / 2) == "refuse"
    # An ask about today is answered at most in part, and never refused for that alone.
    assert m.outcome(m.answer_at, about_now=True) == "partial"
    assert m.outcome(m.refuse_below, about_now=True) == "partial"
    assert m.outcome(m.refuse_below / 2, about_now=True) == "refuse"


def test_the_qa_model_decides_answer_or_partial_and_never_refusal() -> None:
    m = packaged_model()
    assert m.answer is not None and m.answer.features == QA_FEATURES
    assert m.fitted["held_out_with_qa"]["false_refusal_rate"] == m.fitted["held_out"]["false_refusal_rate"]
    # Held out on dev, the second opinion hedges fewer right answers at the same share of
    # near-misses answered outright.
    assert m.fitted["held_out_with_qa"]["partial_rate"] < m.fitted["held_out"]["partial_rate"]
    base = dict.fromkeys(QA_FEATURES, 0.5)
    low = m.answer_probability({**base, QA_SENTENCE: 0.7})
    high = m.answer_probability({**base, QA_SENTENCE: 0.9})
    assert low is not None and high is not None and high > low
    # Without the signal (no QA model configured) the first model decides, as before.
    assert m.answer_probability(dict.fromkeys(FEATURES, 0.5)) is None
    assert m.outcome(m.answer_at, answer_probability=None) == "answer"
    assert m.outcome(m.answer_at, answer_probability=m.qa_answer_at - 0.01) == "partial"
    assert m.outcome(m.refuse_below, answer_probability=m.qa_answer_at) == "answer"
    assert m.outcome(m.refuse_below, about_now=True, answer_probability=1.0) == "partial"
    # Refusal is the first model's alone.
    assert m.outcome(m.refuse_below / 2, answer_probability=1.0) == "refuse"


def test_a_refit_is_read_from_the_setting_and_a_bad_one_is_named(tmp_path: Path) -> None:
    data = packaged_model().to_json()
    good = tmp_path / "refit.json"
    good.write_text(json.dumps({**data, "answer_at": 0.99}))
    assert load_answerability(Settings(answerability_model=str(good))).answer_at == 0.99
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({**data, "features": ["sentence"]}))
    with pytest.raises(ConfigError, match=r"stale\.json: fitted on features"):
        load_answerability(Settings(answerability_model=str(stale)))
    stale_qa = tmp_path / "stale-qa.json"
    stale_qa.write_text(json.dumps({**data, "qa": {**data["qa"], "features": list(FEATURES)}}))
    with pytest.raises(ConfigError, match=r"stale-qa\.json \(qa\): fitted on features"):
        load_answerability(Settings(answerability_model=str(stale_qa)))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "answer_at": 0.1, "refuse_below": 0.5}))
    with pytest.raises(ConfigError, match=r"bad\.json: thresholds"):
        load_answerability(Settings(answerability_model=str(bad)))
    with pytest.raises(ConfigError, match="ASSISTANT_ANSWERABILITY_MODEL: cannot read"):
        load_answerability(Settings(answerability_model=str(tmp_path / "missing.json")))


def test_a_partial_answer_leads_with_one_plain_line_then_cites(corpus_settings: Settings, minilm: Embedder) -> None:
    # A real model whose thresholds make every retrieved ask partial: the shape of a partial reply.
    always_partial = dataclasses.replace(packaged_model(), answer_at=1.0, refuse_below=0.0, answer=None)
    bot = Assistant(corpus_settings, embedder=minilm, answerability=always_partial)
    a = bot.ask("how do I get on a CCG board?")
    assert a.outcome == "partial" and a.partial and not a.refused
    first_line = a.text.splitlines()[0]
    assert first_line.startswith("The guidance touches on this but may not answer it directly")
    assert a.lead == first_line and "[1]" in a.body and "touches on this" not in a.body
    assert a.citations and "[1]" in a.text
    assert a.to_json()["outcome"] == "partial" and a.to_json()["lead"] == a.lead
    # Several asks: each part carries its own line under its ask, so nothing leads the reply.
    several = bot.ask("who sits on a CCG board, and what happens to my pension?")
    assert several.partial and several.lead == "" and several.text.count("touches on this") == 2


def _signals(bot: Assistant, question: str) -> dict[str, float]:
    (ask,) = bot.ask(question).answerability
    return dict(ask["signals"])


def test_a_sum_of_money_the_passages_never_state_is_a_signal(bot: Assistant) -> None:
    # The sources talk about accountable officers at length but never about their pay.
    assert _signals(bot, "What salary does a CCG accountable officer typically get?")["money_missing"] == 1.0
    # "£65bn of the £95bn NHS commissioning budget" answers this one.
    assert (
        _signals(bot, "How much of the NHS commissioning budget will CCGs be responsible for?")["money_missing"] == 0.0
    )
    assert _signals(bot, "Who has to sit on a CCG board?")["money_missing"] == 0.0
    # A yes or no about pay or a budget wants neither a sum nor a number.
    for yes_no in ("under pbc did gps actually hold the budget or not?", "is the secondary care seat paid?"):
        values = _signals(bot, yes_no)
        assert values["money_missing"] == 0.0 and values["number_missing"] == 0.0, yes_no
    # What someone said about a rate is their words, not a rate.
    reported = _signals(bot, "What did the BMA say about comparing practice referral rates?")
    assert reported["money_missing"] == 0.0 and reported["number_missing"] == 0.0
    assert _signals(bot, "What are practice referral rates?")["number_missing"] == 1.0
    # "When" asks for a date where it opens the ask or a verb follows it, not as "while".
    while_ = "what should commissioners look for when commissioning bariatric surgery?"
    assert _signals(bot, while_)["number_missing"] == 0.0
    assert _signals(bot, "and when will the commissioning of bariatric surgery be reviewed?")["number_missing"] == 1.0


def test_asking_about_today_caps_the_answer_at_partial(bot: Assistant) -> None:
    then = bot.ask("Do CCG boards have to have a secondary care doctor?")
    now = bot.ask("Do CCG boards still have to have a secondary care doctor?")
    assert then.answerability[0]["signals"]["asks_now"] == 0.0 and now.answerability[0]["signals"]["asks_now"] == 1.0
    # The same passages either way; what they say is dated, so today's question gets them as the
    # nearest help, with the plain line saying they may not answer it.
    assert then.outcome == "answer" and now.outcome == "partial" and now.citations
    # "Can I still ...?" asks whether something is allowed, not whether it is so today.
    assert _signals(bot, "Can I still refer patients if I'm not on the commissioning board?")["asks_now"] == 0.0
    assert _signals(bot, "can we still refer where we like now?")["asks_now"] == 1.0
    # "Up to now" is the time until the writer's present, as "so far" is.
    assert _signals(bot, "What should an LMC do if it has been left out up to now?")["asks_now"] == 0.0
    assert _signals(bot, "What should an LMC do now if it has been left out?")["asks_now"] == 1.0
    # "the current chief executive": the sources predate today's, whoever they name.
    assert _signals(bot, "who is the current chief executive of NHS England?")["asks_now"] == 1.0
    # "this year" is the writer's year: the quick guide's "£65bn" was given as this year's budget.
    thisyear = bot.ask("what is the CCG budget this year?")
    assert thisyear.answerability[0]["signals"]["asks_now"] == 1.0 and thisyear.outcome == "partial"
    assert thisyear.text.startswith("The guidance predates today's NHS")
    # Not a fitted signal: the model weighs the same probability with or without it.
    assert "asks_now" not in FEATURES


def test_a_situation_set_in_the_present_makes_each_ask_one_about_today(bot: Assistant) -> None:
    plain = bot.ask("Do CCG boards have to have a secondary care doctor, and how is that doctor chosen?")
    framed = bot.ask(
        "Now that CCGs have been replaced, do the boards have to have a secondary care doctor, "
        "and how is that doctor chosen?"
    )
    assert len(framed.answerability) == 2
    assert all(a["signals"]["asks_now"] == 1.0 for a in framed.answerability)
    assert all(a["outcome"] != "answer" for a in framed.answerability)
    assert plain.outcome == "answer" and framed.outcome == "partial"
    # The writer's own present ("I'm currently an ST5") does not date the question.
    mine = bot.ask("I'm currently an ST5 in anaesthetics. How do I get on a CCG board?")
    assert mine.answerability[0]["signals"]["asks_now"] == 0.0


def test_a_follow_up_asks_about_today_only_in_its_own_words(bot: Assistant) -> None:
    first = "what is Monitor's main job now?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": bot.ask(first).text}]
    # Its retrieval query carries the previous question, "now" and all; the time it asks about is its own.
    (then,) = bot.ask("and does it have any part in integrated services?", history).answerability
    (still,) = bot.ask("and is that still its job?", history).answerability
    assert then["signals"]["asks_now"] == 0.0
    assert still["signals"]["asks_now"] == 1.0


def test_asking_for_plain_english_is_no_name_the_passages_lack(bot: Assistant) -> None:
    """ "English", capitalised wherever the corpus writes it, read as a name no passage about
    commissioning holds, and the question the bare ask answers outright was refused."""
    [plain] = bot.retrieve("In plain English, what does commissioning actually mean?")
    [bare] = bot.retrieve("what does commissioning actually mean?")
    assert plain.signals.get("names_missing", 0.0) == 0.0
    assert plain.outcome == bare.outcome == "answer"


def test_a_name_the_enclosing_section_states_is_not_missing(bot: Assistant) -> None:
    """ "1. Reducing referrals ..." never names City and Hackney; "Quick wins", the section that
    holds it, does ("Through our work in City and Hackney ..."). Read alone, the passage looked
    like one about somewhere else, and the question was refused."""
    question = "In City and Hackney how many joint clinical pathways were developed with secondary care?"
    [part] = bot.retrieve(question)
    first = part.cands[0].chunk
    assert first.section.startswith("Quick wins › ") and "Hackney" not in first.text
    enclosing = bot.index.enclosing(first)
    assert [c.section for c in enclosing][-1] == "Quick wins"
    assert any("City and Hackney" in c.text for c in enclosing)
    assert _signals(bot, question)["names_missing"] == 0.0
    # A name no section around the passages states is still missing.
    assert (
        _signals(bot, "In Leeds how many joint clinical pathways were developed with secondary care?")["names_missing"]
        == 1.0
    )


def test_a_name_the_documents_title_states_is_not_missing(bot: Assistant) -> None:
    """The Kent case study's passages say "the PCT", never "Kent": its title does ("How to make
    clinical commissioning work (NHS Eastern and Coastal Kent)"). Read without it, "Can GP
    registrars get commissioning experience at the Kent PCT?" looked like a question about
    somewhere else and was refused, its answer ranked first."""
    question = "Can GP registrars get commissioning experience at the Kent PCT?"
    answer = bot.ask(question)
    first = answer.retrieved[0].chunk
    assert "Kent" in first.title and "Kent" not in first.text and "registrars" in first.text
    assert _signals(bot, question)["names_missing"] == 0.0 and not answer.refused


def test_a_number_or_month_in_words_is_read_as_one() -> None:
    from assistant.gate.answerability import _has_number

    for has in ("Seventeen clinical pathways were developed", "eleven GPs", "from May 2012", "£2 a patient"):
        assert _has_number(has), has
    for has_not in ("support for those who may not have experience", "they march on", "it may be"):
        assert not _has_number(has_not), has_not


def test_an_acronym_the_corpus_never_uses_or_spells_out_is_unknown(bot: Assistant) -> None:
    """Word-level coverage cannot see that "ICB" names something the guidance never mentions:
    the rest of the ask matches CCG boards well. An acronym is unknown only when the corpus's
    words never include it and the passages found for the ask do not spell it out."""
    unknown = "Does every ICB have to have a secondary care doctor on its board?"
    assert _signals(bot, unknown)["acronym_unknown"] == 1.0
    # Known acronyms, shouting and an acronym the passages spell out are not unknown.
    assert _signals(bot, "Does every CCG have to have a secondary care doctor on its board?")["acronym_unknown"] == 0.0
    assert _signals(bot, "Do we HAVE to join a CCG?")["acronym_unknown"] == 0.0
    spelled = "Does every CCG need its own seat on the HWB?"
    assert "hwb" not in bot.index.df and "health and wellbeing board" in " ".join(
        c.chunk.text.lower() for c in bot.retrieve(spelled)[0].cands[:3]
    )
    assert _signals(bot, spelled)["acronym_unknown"] == 0.0
    # A technical term in mixed case is named as an acronym is; a trainee grade is still the
    # writer's own ("ST5").
    hba1c = bot.ask("what's the QOF threshold for HbA1c in diabetes")
    assert hba1c.answerability[0]["signals"]["acronym_unknown"] == 1.0 and hba1c.refused, hba1c.text
    assert _signals(bot, "I'm an ST5 in anaesthetics, how do I get involved?")["acronym_unknown"] == 0.0


def test_an_acronym_that_places_the_writer_is_not_what_is_asked(bot: Assistant) -> None:
    """ "... before I CCT?" asks about training, not about CCTs: the corpus never says CCT, and
    reading it as the ask's subject refused a question the Kent placements answer."""
    assert writers_own("Any commissioning training before I CCT?") == {"CCT"}
    assert writers_own("I'm an ST5 in anaesthetics, how do I get involved?") == {"ST5"}
    # A body the writer belongs to, or one named after "I'm an", is still read.
    assert writers_own("I'm an ICB non-exec, does the rule still apply?") == set()
    assert writers_own("we're a PCN, can we commission?") == set()
    trainee = "Are there any ways to get hands-on commissioning experience or training before I CCT?"
    assert _signals(bot, trainee)["acronym_unknown"] == 0.0
    assert _signals(bot, "Can commissioning experience count towards my CCT?")["acronym_unknown"] == 1.0


def test_salience_tells_the_guidances_subjects_from_everyday_words(bot: Assistant) -> None:
    index = bot.index
    # The corpus's own subjects, the rarest answerable one included, sit above the line ...
    for on in ("what happens to my pension?", "how do I get on a CCG board?", "CSUs", "fundholding"):
        assert salience(on, index) >= OFF_SUBJECT, on
        assert not off_subject(on, index), on
    # ... everyday words the guidance also uses, and words it never uses, below it.
    for off in ("what time is it?", "is it going to rain tomorrow?", "bitcoin", "tennis elbow"):
        assert off_subject(off, index), off
    assert salience("bitcoin", index) == 0.0
    assert not off_subject("", index) and not off_subject("???", index)  # nothing to search with


def test_a_follow_up_wants_what_its_own_words_ask_for(bot: Assistant) -> None:
    # "is there a national pay rate ...?" lends the follow-up its topic, not its wanting a sum:
    # counted as wanting one, and finding none, the follow-up was refused.
    turns = [Turn("user", "is there a national pay rate for consortium lead roles?"), Turn("assistant", "(an answer)")]
    [part] = bot.retrieve("so where does the money come from in the meantime?", turns)
    assert "national pay rate" in part.judged
    assert part.signals["money_missing"] == 0.0 and part.signals["number_missing"] == 0.0
    assert part.outcome != "refuse"
    # Asked with its own words for a sum, the same signals still fire where the passages hold none.
    [alone] = bot.retrieve("what is the national pay rate per session for a consortium lead?")
    assert alone.signals["money_missing"] == 1.0


def test_a_year_in_a_sections_heading_is_a_year_the_passage_mentions(bot: Assistant) -> None:
    """The BMJ guide's timeline dates its entries in their headings only ("TIMELINE AND LINKS ›
    July 2010"): "what happened in July 2010?" was refused as asking about a later year."""
    answer = bot.ask("what happened in July 2010?")
    assert answer.answerability[0]["signals"]["later_year"] == 0.0
    assert not answer.refused and answer.citations[0].section.endswith("July 2010"), answer.text
    assert "Equity and Excellence" in answer.text
    # A year after every source is still one.
    assert _signals(bot, "what happened to CCGs in 2022?")["later_year"] == 1.0


def test_a_year_that_ends_a_laws_name_is_not_a_year_asked_about(bot: Assistant) -> None:
    """The documents call it "the Health and Social Care Act" and never write its year: "What is
    the Health and Social Care Act 2012?" was refused as asking about a year after theirs. A law
    they never name keeps its year."""
    answer = bot.ask("What is the Health and Social Care Act 2012?")
    assert answer.answerability[0]["signals"]["later_year"] == 0.0
    assert answer.outcome != "refuse" and "Health and Social Care Act" in answer.text, answer.text
    assert _signals(bot, "what does the health and care act 2022 say about GP boards?")["later_year"] == 1.0


def test_a_timeline_entry_is_answered_with_its_headings_date(bot: Assistant) -> None:
    """ "When did Andrew Lansley become health secretary?" was hedged (the passage naming Lansley
    stated no date) and answered without one: the entry's date is its heading, "May 2010". So is
    "June 2011" for an entry whose own date is another ("the deadline of April 2013 is relaxed")."""
    answer = bot.ask("When did Andrew Lansley become health secretary?")
    assert answer.outcome == "answer", answer.text
    assert answer.text.startswith("May 2010: Andrew Lansley becomes health secretary"), answer.text
    assert answer.answerability[0]["signals"]["dated_heading"] == 1.0
    # The citation quotes the source's sentence as it is.
    assert answer.citations[0].sentences[0].startswith("Andrew Lansley")
    relaxed = bot.ask("When did the government relax the April 2013 deadline for GPs joining consortiums?")
    assert relaxed.text.startswith("June 2011: Government announces"), relaxed.text
    # An ask for a count is not answered by a date in a heading.
    assert _signals(bot, "how many consortiums were identified as pathfinders in October 2010?")["dated_heading"] == 0.0
