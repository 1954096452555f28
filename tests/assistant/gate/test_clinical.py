"""Asks for clinical advice the corpus does not give are refused, saying why (clinical.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.gate.clinical import asks_clinical_advice
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus


@pytest.mark.parametrize(
    "ask",
    [
        "Which anticoagulant and dose should I use to treat a PE in the community?",
        "what lmwh dose do we give for a PE managed out of hospital?",
        "What antibiotics should be given first for suspected sepsis?",
        "Which tests should a GP have tried before referring heavy menstrual bleeding?",
        "How should I treat a patient with new atrial fibrillation?",
        "How should a patient with severe aortic stenosis be optimised before surgery?",
        "How should I prescribe for a child with asthma?",
        "what's the first-line drug for hypertension?",
        "What is the best inhaler for COPD?",
        # The verb in its -ing form, as in "what dose should we be using if we take that on?".
        "what dose should we be using for PEs in our practice?",
        "which antibiotic should the GP be prescribing for this?",
    ],
)
def test_asks_for_a_drug_dose_test_or_treatment_are_clinical(ask: str) -> None:
    assert asks_clinical_advice(ask)


@pytest.mark.parametrize(
    "ask",
    [
        # What the guidance reports a scheme did, not advice to the writer.
        "In the Plymouth scheme, which anticoagulant do they use?",
        "Has responsibility for anticoagulation moved to GPs anywhere?",
        "How do I manage a conflict of interest on the CCG board?",
        "What treatments does the CCG commission for obesity?",
        "Which services should a CCG commission first?",
        "How should we run our practice's patient participation group?",
        # Words that are clinical only with a patient as their object, or name a service.
        "How should we treat conflicts of interest on the board?",
        "How do we manage elderly patients with COPD at home?",
        "What treatments should we offer patients in the new community clinic?",
        "What is the best treatment pathway for COPD in the community?",
    ],
)
def test_commissioning_asks_about_treatment_are_not(ask: str) -> None:
    assert not asks_clinical_advice(ask)


def test_a_dosing_question_is_refused_with_the_reason(bot: Assistant) -> None:
    answer = bot.ask(
        "gp in an acute unit - which anticoagulant and dose should we use for a PE managed outside hospital?"
    )
    assert answer.refused and answer.outcome == "refuse"
    assert "gives no clinical advice" in answer.text
    assert answer.nearest  # still pointed at the nearest sections (the Plymouth service)
    assert [j["clinical"] for j in answer.answerability] == [True]
    # The service the guidance describes is answered as before.
    plain = bot.ask("Has any GP service taken over treating pulmonary embolism outside hospital?")
    assert not plain.refused and plain.citations
    assert [j["clinical"] for j in plain.answerability] == [False]


def test_the_refusal_leads_with_its_reason_and_names_the_nearest_sections(bot: Assistant) -> None:
    a = bot.ask("What antibiotics should be given first for suspected sepsis in adults?")
    assert a.refused and not a.citations
    assert "gives no clinical advice" in a.lead and "NICE" in a.lead
    assert 1 <= len(a.nearest) <= 3
    assert not any(n in a.lead for n in a.nearest) and all(n in a.body for n in a.nearest)


def test_only_the_clinical_ask_of_a_message_is_refused(bot: Assistant) -> None:
    answer = bot.ask("How do I get on a CCG board, and what dose of ramipril should I start?")
    assert not answer.refused and answer.citations
    assert [(j["outcome"], j["clinical"]) for j in answer.answerability][1] == ("refuse", True)
    assert answer.answerability[0]["outcome"] in {"answer", "partial"}
    assert "no clinical advice on this" in answer.text


def test_a_message_refused_whole_gives_the_clinical_reason_only_when_every_ask_is_clinical(bot: Assistant) -> None:
    mixed = bot.ask("What dose of ramipril should I start, and who won the World Cup in 1966?")
    assert mixed.refused and [j["clinical"] for j in mixed.answerability] == [True, False]
    assert "does not answer" in mixed.lead and "clinical advice" not in mixed.lead
    both = bot.ask("What dose of ramipril should I start, and which antibiotic should be given for sepsis?")
    assert both.refused and [j["clinical"] for j in both.answerability] == [True, True]
    assert "gives no clinical advice" in both.lead


def test_guidance_that_states_doses_answers_the_ask(tmp_path: Path) -> None:
    corpus = write_small_corpus(tmp_path / "corpus")
    (corpus / "delta.txt").write_text(
        "Delta formulary\n\nAnticoagulation\n\nFor a pulmonary embolism managed in the community, "
        "start apixaban 10 mg twice daily for seven days, then 5 mg twice daily. Review the dose "
        "at three months.\n",
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="clinical")
    embedder = HashEmbedder()
    assert Ingestor(settings, embedder).run().ok
    bot = Assistant(settings, embedder=embedder)
    answer = bot.ask("Which anticoagulant and dose should I use for a pulmonary embolism managed in the community?")
    assert [j["clinical"] for j in answer.answerability] == [False]
    assert "gives no clinical advice" not in answer.text
