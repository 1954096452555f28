"""A follow-up whose answer would only repeat the one before it (`composition/fresh.py`), through
the composer on hand-built candidates."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.composition.compose import compose
from assistant.composition.render import Composition

from .built import candidates as _cands


def test_an_answer_that_only_repeats_the_conversation_opens_with_what_bears_on_the_new_ask() -> None:
    text = (
        "We have a service level agreement with the local support organisation. "
        "We are buying business intelligence but plan to undertake most service redesign in house."
    )
    # Far enough apart that the lift for the ask's own words (OWN_WORDS) does not reorder them.
    cands, sentences = _cands([(text, 0.9, [0.8, 0.6])])
    topic = "what was the CCG doing about commissioning support? what did they plan to keep in house?"
    ask = "what did they plan to keep in house?"
    fresh = compose(topic, cands, sentences, ask=ask).text
    assert fresh.startswith("We have a service level agreement"), fresh  # no conversation: as scored
    before = compose(topic, cands, sentences).text  # what the conversation has shown already
    repeat = compose(topic, cands, sentences, said_before=before, ask=ask).text
    assert repeat.startswith("We are buying business intelligence but plan to undertake"), repeat
    assert sorted(s.strip() for s in repeat.split("[1]")) == sorted(s.strip() for s in fresh.split("[1]"))
    # An ask sharing no word with any sentence keeps the order; so does an answer with something new.
    assert compose(topic, cands, sentences, said_before=before, ask="is it paid?").text == fresh
    half = "We have a service level agreement with the local support organisation. [1]"
    assert compose(topic, cands, sentences, said_before=half, ask=ask).text == fresh
    # The reply says why it repeats (respond.part_lead); an answer with something new does not.
    assert compose(topic, cands, sentences, said_before=before, ask=ask).repeated
    assert not compose(topic, cands, sentences, said_before=half, ask=ask).repeated
    assert not compose(topic, cands, sentences, ask=ask).repeated


def test_a_repeated_answer_gains_what_the_previous_answer_did_not_quote() -> None:
    """ "and who pays for the time if we get involved?" after locums' role came back as the
    locum passage word for word, and nothing more: the reader had read it all."""
    locums = (
        "Sessional and locum GPs are valuable, often untapped, resources for commissioning. "
        "Locum GPs have a unique understanding of local patient populations."
    )
    pay = "Each PCT has a fund of two pounds per patient to support the work of consortium leads."
    short = "It varies."
    cands, sentences = _cands([(locums, 0.9, [0.8, 0.7]), (pay + " " + short, 0.6, [0.3, 0.2])])
    topic = "who pays for the time if we get involved? do locums have a role in commissioning?"
    ask = "who pays for the time if we get involved?"
    first = compose(topic, cands, sentences, ask=ask)
    assert pay not in first.text, first.text  # far below the locum passage: not drawn on at first
    again = compose(topic, cands, sentences, said_before=first.text, ask=ask)
    assert again.repeated and again.more
    assert again.text.startswith("Sessional and locum GPs"), again.text
    assert pay in again.text and short not in again.text  # a fragment adds nothing
    # None asked for ("is that still true?" asks of what was just quoted): the repeat alone.
    alone = compose(topic, cands, sentences, said_before=first.text, ask=ask, fresh=0)
    assert alone.repeated and not alone.more and pay not in alone.text
    # Given the ask's own vector, only a sentence nearer to it than every repeated one is added.
    own = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    sentences["c1"][1][0] = [0.6, 0.8, 0.0, 0.0]  # the fund: nearer the ask than the repeat
    sentences["c0"][1][:] = [0.5, 0.0, 0.866, 0.0]
    near = compose(topic, cands, sentences, said_before=first.text, ask=ask, own_vector=own)
    assert near.more and pay in near.text
    sentences["c1"][1][0] = [0.4, 0.0, 0.0, 0.9165]
    far = compose(topic, cands, sentences, said_before=first.text, ask=ask, own_vector=own)
    assert far.repeated and not far.more and pay not in far.text


def test_a_repeated_answer_may_gain_a_passage_found_with_the_topic_alone() -> None:
    """ "Is it paid?" after "What is the governing body of a CCG?" and "How long does it take to
    become a member?" was searched with both and came back as the membership passage again. A
    passage found without the middle question (`aside`) lends a sentence holding a word of the
    ask, or a synonym's, that everyday English and the corpus seldom use: "remuneration" for "paid"."""
    ccgs = "All GP practices have to be members of a CCG. Every CCG board will include at least one nurse."
    pay = "Other roles are likely to have their remuneration determined by the governing body."
    day = "Decisions are made by those working with patients every day."
    cands, sentences = _cands([(ccgs, 0.9, [0.8, 0.7])])
    extra, extra_sentences = _cands([(pay, 0.5, [0.2]), (day, 0.5, [0.2])])
    for i, c in enumerate(extra):  # other passages than `cands`'
        extra[i] = replace(c, chunk=replace(c.chunk, chunk_id=f"a{i}"))
        sentences[f"a{i}"] = extra_sentences[f"c{i}"]
    topic, ask = "is it paid? what is the governing body of a ccg?", "is it paid?"
    own = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    first = compose(topic, cands, sentences, ask=ask)
    plain = compose(topic, cands, sentences, said_before=first.text, ask=ask, own_vector=own)
    assert plain.repeated and not plain.more
    rare = {"day": 3.5}.get  # every other word as rare in the corpus as "remuneration" (IDF 4.6)

    def repeat(ask: str) -> Composition:
        """The follow-up `ask` composed again after the first answer, with the passages aside."""
        return compose(
            topic,
            cands,
            sentences,
            idf=lambda t: rare(t, 4.6),
            said_before=first.text,
            ask=ask,
            own_vector=own,
            aside=extra,
        )

    again = repeat(ask)
    assert again.repeated and again.more, again.text
    assert again.text.startswith("All GP practices"), again.text
    assert pay in again.text and "[2]" in again.text and len(again.citations) == 2
    # "what does it do day to day?": "day" is everyday English, so the passage holding it lends nothing.
    daily = repeat("what does it do day?")
    assert daily.repeated and day not in daily.text, daily.text
