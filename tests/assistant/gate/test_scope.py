"""Questions about a UK nation the corpus never names are refused, saying why (scope.py)."""

from __future__ import annotations

from pathlib import Path

from assistant import Assistant, Settings
from assistant.gate.scope import Scope, nations, successors
from ingest.pipeline import Ingestor
from tests.helpers import HashEmbedder, write_small_corpus


def test_the_gazetteer_names_every_uk_nation_once() -> None:
    names = [n.name for n in nations()]
    assert names == ["England", "Wales", "Scotland", "Northern Ireland"]
    everything = [name for n in nations() for name in n.names]
    assert len(everything) == len(set(everything))
    # Words that name other things too are left out: "NI" (National Insurance), "Borders".
    assert not {"ni", "borders", "highland", "newport"} & set(everything)


def test_the_real_corpus_names_england_and_wales_only(bot: Assistant) -> None:
    scope = Scope.of(bot.index)
    assert scope.covered == ("England", "Wales")
    assert [n.name for n in scope.outside] == ["Scotland", "Northern Ireland"]
    # Wales only in passing: its questions are refused too (`unspoken`), and a Scottish GP told
    # "the nations it names: England and Wales" took the corpus to cover Wales.
    assert scope.covered_text() == "England, and Wales in passing"
    assert Scope(("England", "Wales"), (), ()).covered_text() == "England and Wales"


def test_an_ask_about_scotland_is_refused_with_the_reason(bot: Assistant) -> None:
    answer = bot.ask("gp in glasgow - do we have ccgs up here too?")
    assert answer.refused and answer.outcome == "refuse"
    assert "does not cover Scotland" in answer.text
    assert "England, and Wales in passing" in answer.text
    assert answer.nearest  # still pointed at the nearest sections
    assert [j["outside"] for j in answer.answerability] == ["Scotland"]


def test_the_writers_situation_places_the_question(bot: Assistant) -> None:
    # The ask names no place; the writer says where they are.
    answer = bot.ask("I'm an ST5 in Belfast. How do I get on a CCG board?")
    assert answer.refused
    assert "does not cover Northern Ireland" in answer.text
    # The same ask without the situation is answered from the guidance, and so is a writer
    # who names an English place too.
    for question in (
        "How do I get on a CCG board?",
        "I moved from Glasgow to Leeds last year. How do I get on a CCG board?",
    ):
        plain = bot.ask(question)
        assert not plain.refused and plain.citations, question
        assert [j["outside"] for j in plain.answerability] == [None], question
    # An ask naming both nations is about the one the corpus does not cover.
    both = bot.ask("Do Scottish health boards make GPs join commissioning groups the way England does?")
    assert both.refused and "does not cover Scotland" in both.text


def test_only_the_ask_about_another_nation_is_refused(bot: Assistant) -> None:
    answer = bot.ask("How do I get on a CCG board, and how does commissioning work in Scotland?")
    assert not answer.refused
    outcomes = [(j["outcome"], j["outside"]) for j in answer.answerability]
    assert outcomes[1] == ("refuse", "Scotland")
    assert outcomes[0][0] in {"answer", "partial"} and outcomes[0][1] is None
    assert "does not cover Scotland" in answer.text
    assert answer.citations


def test_ambiguous_words_name_no_nation(bot: Assistant) -> None:
    # "NI" here is National Insurance.
    answer = bot.ask("Does my NI contribution change if I take a seat on the CCG board?")
    assert [j["outside"] for j in answer.answerability] == [None]


def test_a_nation_the_corpus_names_only_in_passing_is_not_answered_from_the_home_nations_passages(
    bot: Assistant,
) -> None:
    """Wales is in two documents' titles and one statistic ("the PCT average for England and
    Wales"); everything else describes England's CCGs, which Wales never had. Answered from them,
    a consultant in Wales was told to contact their CCG."""
    assert Scope.of(bot.index).home == "England"
    for question in (
        "How can a consultant in Wales get involved in commissioning?",
        "sas doc in cardiff - how do i get involved with commissioning over here",
    ):
        answer = bot.ask(question)
        assert answer.refused, question
        assert "says anything about Wales" in answer.text and "England's arrangements" in answer.text
        assert [j["outside"] for j in answer.answerability] == ["Wales"], question
    # The home nation's own questions are answered, though its passages seldom name it, and so
    # is an ask that names it from a writer elsewhere.
    for question in (
        "How many CCGs are there in England?",
        "gp in leeds - how do i get on the ccg board?",
        "GP in Cardiff, how many CCGs are there in England?",
    ):
        answer = bot.ask(question)
        assert not answer.refused and [j["outside"] for j in answer.answerability] == [None], question
    # A later part that borrows the first part's subject is about Wales too; it was answered
    # with what NHS England commissions.
    answer = bot.ask("How many local health boards are there in Wales and what do they commission?")
    assert answer.refused and [j["outside"] for j in answer.answerability] == ["Wales", "Wales"], answer.text


def test_a_part_about_the_other_nation_says_which_nations_passages_it_found() -> None:
    scope = Scope(("England", "Wales"), (), (), "England")
    english = ["How? › 1. Positions\nAll GP practices have to be members of a CCG in England."]
    assert scope.unspoken(["do welsh gps have to join one"], english) == "Wales"
    assert scope.unspoken(["how does it work in Wales"], english) == "Wales"
    # The writer's place counts; a writer who names a place in the home nation too is anywhere.
    assert scope.unspoken(["do we have to join one"], english, "gp in swansea") == "Wales"
    assert scope.unspoken(["do we have to join one"], english, "moved from swansea to leeds") is None
    assert scope.unspoken(["how many are there in England and Wales"], english, "gp in swansea") is None
    # Passages that name the nation are about it; the home nation is never refused for this.
    assert scope.unspoken(["how does it work in Wales"], ["In Wales, health boards commission care."]) is None
    assert scope.unspoken(["how many ccgs are there in England"], ["There are 211 CCGs."]) is None
    assert Scope(("England",), (), (), "England").unspoken(["and in Wales?"], english) is None


def _small_index(tmp_path: Path, extra: str | None) -> Assistant:
    corpus = write_small_corpus(tmp_path / "corpus")
    if extra is not None:
        (corpus / "delta.txt").write_text(extra, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var", collection="scope")
    embedder = HashEmbedder()
    report = Ingestor(settings, embedder).run()
    assert report.ok, report.table()
    return Assistant(settings, embedder=embedder)


def test_a_corpus_that_names_a_nation_answers_for_it(tmp_path: Path) -> None:
    question = "How do beta members in Scotland keep their pension when they move?"
    without = _small_index(tmp_path / "without", None)
    # This corpus names no nation at all, and says so.
    assert Scope.of(without.index).covered == ()
    refused = without.ask(question)
    assert refused.refused and "does not cover Scotland (the nations it names: none)" in refused.text

    with_scotland = _small_index(
        tmp_path / "with",
        "Delta guidance\n\nScotland\n\nIn Scotland, beta members keep their pension when they move "
        "between health boards. The scheme is run by the Scottish public pensions agency.\n",
    )
    scope = Scope.of(with_scotland.index)
    assert "Scotland" in scope.covered and "Scotland" not in [n.name for n in scope.outside]
    answer = with_scotland.ask(question)
    assert [j["outside"] for j in answer.answerability] == [None]
    assert "does not cover Scotland" not in answer.text


def test_what_the_corpus_covers_names_its_first_documents_and_counts_the_rest(bot: Assistant) -> None:
    scope = Scope.of(bot.index)
    assert len(scope.titles) == len(bot.index.documents()) == 5
    assert scope.documents_text() == "; ".join(scope.titles)
    assert Scope.titles_of([{"title": "A guide"}, {"title": "B guide"}, {"title": "A guide"}, {}]) == (
        "A guide",
        "B guide",
    )
    many = Scope((), (), tuple(f"Doc {i}" for i in range(8)))
    assert many.documents_text(limit=5).startswith("Doc 0; Doc 1")
    assert many.documents_text(limit=5).endswith("Doc 4; and 3 more documents")
    assert Scope((), (), tuple(f"Doc {i}" for i in range(6))).documents_text(limit=5).endswith("and 1 more document")


def test_what_the_notices_say_came_after_the_guidance_is_read_from_them() -> None:
    notices = [
        "Clinical commissioning groups (CCGs) were abolished on 1 July 2022 and replaced by integrated care boards "
        "(ICBs) under the Health and Care Act 2022.",
        "Describes a primary care trust (PCT); PCTs were abolished in 2013, and their successors, CCGs, in 2022.",
    ]
    # CCGs and PCTs are the corpus's own subjects; ICBs it never names.
    after = successors(notices, unheard=lambda acronym: acronym == "ICB")
    assert [(s.name, s.acronym) for s in after] == [("integrated care boards", "ICB")]
    assert after[0].notice == notices[0] and after[0].label == "integrated care boards (ICBs)"
    singular = successors(["... replaced by an integrated care board (ICB)."], unheard=lambda acronym: True)
    assert [(s.name, s.label) for s in singular] == [("integrated care board", "integrated care board (ICB)")]
    scope = Scope(("England",), (), (), "England", after)
    for ask in ("what are ICBs?", "do icbs still need a hospital doctor", "how does an integrated care board work"):
        assert scope.superseded([ask]) is after[0], ask
    assert scope.superseded(["what is a CCG?"]) is None
    assert successors(notices, unheard=lambda acronym: False) == ()


def test_an_ask_about_what_replaced_the_guidance_s_bodies_is_refused_quoting_the_notice(bot: Assistant) -> None:
    """ "what are ICBs and how do I get on one?" was refused as about nothing the guidance covers,
    though every answer's notice names ICBs; "do ICBs still need a secondary care doctor?" was
    answered in part from the CCG rules."""
    answer = bot.ask("what are ICBs and how do I get on one?")
    assert answer.refused and answer.text.startswith("The guidance predates integrated care boards (ICBs):")
    assert "replaced by integrated care boards (ICBs) under the Health and Care Act 2022." in answer.text
    # The second ask ("how do I get on one?") names nothing itself: "one" stands for the ICBs the
    # first asks about, and it is refused for them too.
    assert [(j["superseded"], j["outcome"]) for j in answer.answerability] == [("ICB", "refuse"), ("ICB", "refuse")]
    mixed = bot.ask("how do I get on a CCG board, and do ICBs have the same rule?")
    assert not mixed.refused and mixed.citations
    assert [j["superseded"] for j in mixed.answerability] == [None, "ICB"]
    assert "The guidance predates integrated care boards (ICBs) and says nothing about them." in mixed.text
