"""Documents a question names by their title's or publisher's words (`retrieval/sources.py`)."""

from __future__ import annotations

from assistant import Assistant
from assistant.question import turns_of
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.sources import SourceNames

BMJ, KENT, COALFACE = "bmj-guide", "kent-clinical-commissioning", "coalface-ccg-leads"
BMA = {"bma-get-involved", "bma-quick-guide"}


def test_names_are_the_words_only_one_source_uses(bot: Assistant) -> None:
    index = bot.index
    assert index.named_documents("What does the BMJ guide say about it?") == {BMJ}
    assert index.named_documents("did the Kent article say how they recruited?") == {KENT}
    assert index.named_documents("in that change at the coalface piece, who was the AO?") == {COALFACE}
    # A publisher's acronym names its documents, though another source quotes it.
    assert index.named_documents("whats the bma line on lmc seats") == BMA
    # Words every source uses, or a title's bracketed audience, name none.
    assert index.named_documents("Is there a quick guide to NHS commissioning for SAS doctors?") == frozenset()
    assert index.named_documents("How do I get involved in clinical commissioning?") == frozenset()


def test_an_ask_naming_a_source_is_answered_from_it(bot: Assistant) -> None:
    # Matched on its subject alone, the BMA's quick guide says most about clinician-led
    # commissioning and held the top passages.
    [part] = bot.retrieve("What does the BMJ guide say about clinician-led commissioning?")
    assert [c.chunk.doc_id for c in part.cands[:3]] == [BMJ] * 3


def test_a_follow_up_naming_another_source_leaves_the_quoted_one(bot: Assistant) -> None:
    first = "What are the BMA's main concerns about the commissioning reforms?"
    answer = bot.ask(first)
    assert {c.doc_id for c in answer.citations} <= BMA
    turns = turns_of([{"role": "user", "content": first}, {"role": "assistant", "content": answer.text}])
    [part] = bot.retrieve("What does the BMJ guide say about that?", turns)
    assert part.cands[0].chunk.doc_id == BMJ


def test_an_acronym_half_the_other_documents_use_names_no_publisher() -> None:
    # One passage a document, documents in id order as the read pack writes them. Three NHS
    # bodies publish; "NHS" is in most of the others' text too, as in questions.
    docs = [
        ("a-bma", "Guide to boards", "BMA", "The BMA wants equal seats."),
        ("b-nhs", "Planning guide", "NHS England", "NHS England plans services."),
        ("c-nhs", "Provider guide", "NHS Providers", "NHS trusts provide care."),
        ("d", "Kent case study", "Kent PCT", "The NHS in Kent paired GPs with managers."),
        ("e", "Senates", "King's Fund", "Senates advise the NHS; the BMA is sceptical."),
        ("f", "Networks", "Health Foundation", "Networks cover NHS conditions."),
    ]
    lexical = LexicalIndex.build([d[0] for d in docs], [f"{d[1]} {d[2]} {d[3]}" for d in docs])
    names = SourceNames([{"doc_id": d[0], "title": d[1], "publisher": d[2], "chunks": 1} for d in docs], lexical)
    assert names.named("what does the BMA say?") == {"a-bma"}
    assert names.named("what does the NHS say?") == frozenset()
    assert names.named("the Kent case study") == {"d"}


def test_an_answer_from_another_source_than_the_one_named_says_so(bot: Assistant) -> None:
    # The Kent article says nothing of clinical senates; the BMA's quick guide does, and was
    # quoted as if it were the article's answer. The writer's framing names the article.
    a = bot.ask("According to the Kent article, what is a clinical senate?")
    assert a.outcome == "partial"
    assert (
        a.lead
        == "I found nothing on this in the guidance you name; the closest passages from the other guidance here say:"
    )
    assert a.answerability[0]["signals"].get("source_unquoted") == 1.0
    assert KENT not in {c.doc_id for c in a.citations}
    # Quoted from the source it names, an answer is an answer.
    b = bot.ask("What does the BMJ guide say about clinician-led commissioning?")
    assert "source_unquoted" not in b.answerability[0]["signals"]


def test_a_source_is_named_as_a_document_only_beside_a_documents_noun(bot: Assistant) -> None:
    index = bot.index
    assert index.documents_referred("According to the Kent article, what is a senate?") == {KENT}
    assert index.documents_referred("what does the BMA's quick guide say about boards?") == BMA
    assert index.documents_referred("according to the BMA, who sits on the board?") == BMA
    # An organisation's view, a place, another document: named, but not as one of these.
    assert index.documents_referred("What does the BMA think of LMC seats?") == frozenset()
    assert index.documents_referred("GP in Kent - do we have to join a CCG?") == frozenset()
    assert (
        index.documents_referred("What pension threats has the BMA picked out from the Hutton report?") == frozenset()
    )
