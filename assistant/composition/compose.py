"""The default, extractive answer: the sources' own sentences, each marked with its [n].

Sentences are chosen from the top passages by relevance to the question (sentence embedding
similarity plus term overlap), kept diverse (no near-duplicates), ordered as the sources order
them, and never reworded. A sentence that introduces a list ("These are:") brings its items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..retrieval.ask_kinds import asks_how, asks_yes_or_no
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate, heading_asks
from ..retrieval.sentence_kinds import LEANS_ON, ends_on_address, is_item, is_question, is_statement
from ..retrieval.sentences import is_poll_result
from ..types import SPEAKER_TURN
from .authors import first_person
from .fresh import FRESH, fresh_sentences
from .lead import bearing, lead, quoted_in
from .lists import (
    headed_list,
    introduces,
    list_of,
    paired_list,
    section_list,
    with_list_items,
    with_named_lines,
)
from .neighbours import (
    continuation,
    filled,
    rest_of_section,
    says_nothing,
    similar,
    with_antecedents,
    with_definitions,
    with_qualifications,
    with_questions_answered,
    with_turn_ends,
    with_turn_replies,
)
from .numbers import with_number
from .panel import panel_of
from .picked import Picked, passage_sentences
from .render import Composition, rendered
from .scoring import HEADING_STATES, Wanted, scored_sentences

PASSAGE_MARGIN = 0.08
# A numeric question with no number in the answer looks this far down, this close in score
# (the dev set's figures were the same for 4-8 passages and a reach of 0.05-0.15).
NUMBER_PASSAGES = 5
NUMBER_REACH = 0.1
# A sentence of the passages ranked just below those drawn on opens the answer when it scores
# this much above their best, its passage close to the first ("what happens if our CCG isn't
# ready for authorisation?": "NHS England will be responsible for commissioning services on
# behalf of CCGs who are not deemed ready ..." sat in the fifth passage, 0.05 below the first,
# and the answer opened on health and wellbeing boards). Dev 0.0 / 0.03 / 0.05: first sentence
# 0.6160 / 0.6181 / 0.6181 (0.6181 without), key facts 0.8431 / 0.8438 / 0.8438.
RESCUE_PASSAGES = 5
RESCUE_MARGIN = 0.03
# Sentences this close to the best one are as likely to carry the answer.
FLOOR_MARGIN = 0.15
# A short answer of fragments misses facts its passages hold: below this many words, sentences
# within the floor keep coming, up to two past the budget.
MIN_ANSWER_WORDS = 120
# A later part's opening that an earlier part printed is quoted again when it holds this much of
# the later ask's words, by rarity (`_states`).
REQUOTE_WORDS = 0.3
# Fill a gap of one sentence between two chosen sentences of a passage, so the quote reads
# as the source does.
FILL_GAPS = True


def compose(
    question: str,
    cands: Sequence[Candidate],
    index_sentences: dict[str, tuple[list[str], np.ndarray]],
    max_sentences: int = 4,
    passages: int = 3,
    idf: Callable[[str], float] | None = None,
    min_words: int = MIN_ANSWER_WORDS,
    margin: float | None = PASSAGE_MARGIN,
    shown: frozenset[str] = frozenset(),
    said_before: str = "",
    ask: str = "",
    naming: frozenset[str] = frozenset(),
    only_named: bool = False,
    authors: Mapping[str, Sequence[str]] | None = None,
    fresh: int = FRESH,
    own_vector: np.ndarray | None = None,
    aside: Sequence[Candidate] = (),
) -> Composition:
    """The answer from the best passages. `idf` weighs the question's words by rarity, so a
    sentence naming "Croydon" outranks one that only repeats "CCG". `min_words` is this answer's
    share of MIN_ANSWER_WORDS (one ask of several gets less). `margin`: how far below the best
    passage another may score and still be drawn on; None draws on every one of `passages`.
    `shown`: sentences an earlier part of the same reply quotes. They are chosen as usual (this
    part is judged on all it rests on) but not printed twice: `Composition.above` lists them.
    `naming`: the candidates (chunk ids) holding every name the ask gives; when one of the
    first `passages` is one, the others' sentences are put back and lend no missing number, or
    with `only_named` (the named place's passages state no figure the ask wants) left out.
    `authors`: per candidate (chunk id), the label of the writer who signed each sentence
    (authors.py), shown before a first-person sentence. `fresh`: how many sentences the previous
    answer did not quote are added to an answer whose every sentence it quoted: those nearer to
    `own_vector` (the ask's own words, embedded) than any sentence repeated; when these passages
    hold fewer, from `aside` (passages found for the ask with its topic alone), nearest first."""
    weight = idf or (lambda t: 1.0)
    wanted = Wanted.of(ask, question)
    kind, number, wants_number, wants_list = wanted.kind, wanted.number, wanted.wants_number, wanted.wants_list
    comparing = wanted.comparing
    # Passages below the first `passages` lend only a missing number or a far better sentence.
    top = list(cands[: max(passages, NUMBER_PASSAGES, RESCUE_PASSAGES)])
    if not top:
        return Composition("", [])
    qterms = set(terms(question))
    scored = scored_sentences(
        question, ask, wanted, top, index_sentences, passages, margin, weight, naming, only_named, authors
    )
    pool, extra, said, named, placed = scored.pool, scored.extra, scored.said, scored.named, scored.placed
    best_passage = scored.bar
    if not pool:
        return Composition("", [])
    # Not for a partial answer (`margin` None): it offers its closest passages, each on its own
    # sentences, and one more squeezed one of them out (unseen: two lost their evidence).
    rescued = (
        next((p for p in extra if top[p.passage].score >= best_passage - PASSAGE_MARGIN), None) if margin else None
    )
    if rescued is not None and rescued.score > pool[0].score + RESCUE_MARGIN and is_statement(rescued.text):
        extra.remove(rescued)
        pool.insert(0, rescued)
    # "what will NHS England be responsible for?" under "7. NHS England": "It will be responsible
    # for:" and its heading say the whole ask, so its list is the answer. Its four items had
    # scored below the prose around them, and one came, without the others.
    restated = None if wants_list else _restating_lead_in(pool, top, qterms)
    if restated is not None:
        pool.remove(restated)
        restated.score = pool[0].score if pool else restated.score
        pool.insert(0, restated)
        # "It will be ...": the sentence before names what "it" is.
        before = next((p for p in pool if (p.passage, p.sentence) == (restated.passage, restated.sentence - 1)), None)
        if before is not None and LEANS_ON.match(restated.text):
            pool.remove(before)
            before.score = restated.score
            pool.insert(1, before)
    # Every question gets the whole budget: a terse one ("csu numbers?") was cut to three
    # sentences before, which dropped facts its passages held (dev key facts 0.862 -> 0.866).
    budget = max_sentences
    panel = panel_of(question, top[:passages], index_sentences, pool, said, shown, ask)
    if panel is not None:
        return panel
    # A title or a caption line ("Social enterprise story", "Why locums must be involved",
    # "Edward Davies, editor, BMJ Careers") can match an ask best and says nothing: it opened
    # answers as if it were a sentence. A line that heads a list keeps its place (its items are
    # the answer), and so does a long one (a standfirst without its full stop states something).
    # How far below the best match other sentences may come is still measured from it.
    best_score = pool[0].score
    pool = [p for p in pool if not _heads_nothing(p, top, index_sentences)] or pool
    chosen: list[Picked] = [pool[0]]
    follow = continuation(pool[0], top, index_sentences)
    if follow is not None and budget > 1:
        chosen.append(follow)
        # "There are many ways you can do this. For example by helping with:" + the list.
        lead_in = continuation(follow, top, index_sentences, lead_in_only=True)
        if lead_in is not None:
            chosen.append(lead_in)
    floor = best_score - FLOOR_MARGIN
    for p in pool[1:]:
        # What an earlier part printed is not printed again, so it takes none of this part's room.
        new = [c for c in chosen if c.quoted.strip() not in shown]
        words = sum(len(c.text.split()) for c in chosen)
        if p.score < floor or len(new) >= budget + (2 if words < min_words else 0):
            break
        if any(similar(p.text, c.text) or (p.passage, p.sentence) == (c.passage, c.sentence) for c in chosen):
            continue
        if says_nothing(p.text):
            continue
        chosen.append(p)
    if comparing:
        chosen = with_definitions(chosen, pool, qterms)
    if top[0].heading >= HEADING_STATES and not comparing:
        chosen = rest_of_section(chosen, pool, budget, min_words, said[0])
    if FILL_GAPS:
        chosen = filled(chosen, top, index_sentences)
    chosen = with_questions_answered(chosen, top, index_sentences)
    headed = headed_list(top[:passages], index_sentences) if wants_list else None
    if headed is not None:
        chosen = [headed]
    elif wants_list and not any(is_item(p.text) or p.text.rstrip().endswith(":") for p in chosen):
        listed = list_of(top, index_sentences)
        if listed is not None:
            chosen = [listed]
    listing = any(p.text.rstrip().endswith(":") or (wants_list and is_item(p.text)) for p in chosen)
    # The reranker's first passage is right far more often than any single sentence score (hit@1
    # 0.86 against 0.67 for dense retrieval on the dev set): a prose answer that leaves it out has
    # usually strayed. A list answer stands on its own.
    if not listing and not any(p.passage == 0 for p in chosen) and (not placed or top[0].chunk.chunk_id in naming):
        first = next((p for p in pool if p.passage == 0 and is_statement(p.text)), None)
        if first is not None:
            chosen = [*chosen[: max(1, budget - 1)], first]
    if wants_number:
        chosen = with_number(chosen, pool, extra, number, listing, best_score - NUMBER_REACH, budget)
    if wants_list:
        chosen = paired_list(chosen, top[:passages], index_sentences, qterms)
    # "How did City and Hackney reduce emergency admissions?": under a heading that states the
    # ask, the list that continues the section in the next passage is how. Two sentences of the
    # section's opening were quoted, and none of its eight measures.
    # ("Who can pay into the NHS pension scheme?" is not asking how: the list after that answer
    # is of the Hutton recommendations' threats.)
    how = asks_how(kind)
    continued = section_list(chosen, top, index_sentences) if how and top[0].heading >= HEADING_STATES else None
    if continued is not None:
        chosen = [*chosen, continued]
    chosen = with_list_items(chosen, top, index_sentences, wants_list or continued is not None)
    chosen = _without_restatements(_without_repeated_items(chosen))
    have = {(p.passage, p.sentence) for p in chosen}
    # A lead-in whose list is not in the passage (its items are subsections of their own, "These
    # savings were achieved using the following strategies:") would end on a colon, promising
    # what the answer does not give. One whose items are quoted stays, though its first item is
    # not: without it the items read as more of the list before them, or of the prose.
    kept = [p for p in chosen if not (p.text.rstrip().endswith(":") and not introduces(p, top, index_sentences, have))]
    # A poll's figure quoted without its poll's question ("No: 97 (62%)" after another poll's
    # figures) would be read as that other poll's.
    kept = [p for p in kept if not (is_poll_result(p.text) and _poll_of(p, top, index_sentences) not in have)]
    chosen = kept or with_named_lines(chosen, top, index_sentences)
    replies: dict[tuple[int, int], Picked] = {}
    if asks_yes_or_no(kind) or named:
        # "JR (...): Yes." before the sentence quoted from the turn it opens.
        chosen, replies = with_turn_replies(chosen, top, index_sentences)
    chosen = with_turn_ends(chosen, top, index_sentences)
    opening = lead(chosen, kind, FLOOR_MARGIN, wants_list)
    # "What are the BMA's main concerns ...?": the best passage stands under the heading "What are
    # our concerns?", and its list, which reads as no sentence, came last, after other passages'
    # sentences on the BMA's views. Under a heading that is the question, its section answers first.
    if (opening is None or opening.passage != 0) and heading_asks(top[0].chunk.section, kind):
        answering = [p for p in chosen if p.passage == 0 and not p.joins]
        if answering:
            opening = min(answering, key=lambda p: p.sentence)
    if opening is not None:
        # The turn's reply opens, and the sentence it was brought for follows it.
        opening = replies.get((opening.passage, opening.sentence), opening)
    repeated = bool(said_before) and all(quoted_in(p.quoted, said_before) for p in chosen)
    added: list[Picked] = []
    if repeated:
        opening = bearing(chosen, ask, opening)
        added = fresh_sentences(
            chosen, pool, extra, top, index_sentences, said, ask, said_before, weight, fresh, own_vector, aside
        )
        chosen = [*chosen, *added]
    chosen, opening = with_antecedents(chosen, opening, top, index_sentences)
    chosen = with_qualifications(chosen, top, index_sentences)
    # An earlier part printed this part's opening: quoted again when it holds what this ask asks
    # (its own words, or the number it wants), so the part opens with its answer.
    again = (
        opening is not None
        and opening.quoted.strip() in shown
        and _states(opening.reads, ask or question, weight, number if wants_number else None)
    )
    # A signed piece's first-person sentence names its writer, as an interview's turn does.
    voices = {
        pi: [
            (signer or None) if first_person(text) else None
            for text, signer in zip(
                passage_sentences(top, index_sentences, pi), authors.get(top[pi].chunk.chunk_id, ()), strict=False
            )
        ]
        if authors and not any(labels)
        else labels
        for pi, labels in said.items()
    }
    composition = rendered(chosen, top, voices, opening, shown, again)
    composition.repeated = repeated
    composition.more = repeated and bool(added)
    return composition


def _without_repeated_items(chosen: list[Picked]) -> list[Picked]:
    """The chosen sentences without a list item its list already gave word for word: the BMA
    page lists "clinical referral guidelines" twice, and the answer printed it twice."""
    first: dict[tuple[int, str], Picked] = {}
    for p in sorted((p for p in chosen if is_item(p.text)), key=lambda p: p.sentence):
        first.setdefault((p.passage, " ".join(p.text.lower().split())), p)
    kept = {id(p) for p in first.values()}
    return [p for p in chosen if not is_item(p.text) or id(p) in kept]


def _without_restatements(chosen: list[Picked]) -> list[Picked]:
    """The chosen sentences without one another passage's longer sentence already says: "Clinical
    networks are condition or service area specific." (the quick guide) after "Clinical networks
    will be condition or service area specific and clinical senates will bring together ..."
    (the BMA page) said it twice, under two citations. List items and interview turns stay."""
    prose = [p for p in chosen if is_statement(p.text) and not is_item(p.text) and not SPEAKER_TURN.match(p.text)]
    dropped = {
        id(p)
        for p in prose
        if any(
            c.passage != p.passage and len(terms(c.text)) > len(terms(p.text)) and similar(p.text, c.text)
            for c in prose
        )
    }
    return [p for p in chosen if id(p) not in dropped]


def _restating_lead_in(pool: Sequence[Picked], top: Sequence[Candidate], qterms: set[str]) -> Picked | None:
    """A list's lead-in ("It will be responsible for:") in a drawn passage whose words are all the
    ask's and which, with its passage's heading, states every word of the ask."""
    for p in pool:
        said = set(terms(p.text))
        if not p.text.rstrip().endswith(":") or not said or not said <= qterms:
            continue
        if qterms <= said | set(terms(top[p.passage].chunk.section)):
            return p
    return None


def _states(text: str, ask: str, weight: Callable[[str], float], number: re.Pattern[str] | None) -> bool:
    """Whether `text` holds what `ask` asks: the number it wants, or at least REQUOTE_WORDS of
    its words by rarity. "How much of the budget do they control?" after "How many CCGs are
    there?" is answered by "England's 211 ... CCGs ... be responsible for £65bn of the £95bn NHS
    commissioning budget"; "what share of A&E attenders did they send elsewhere?" is not by "GPs
    in Tower Hamlets ... have initiated discussions", though the earlier part opened with it."""
    if number is not None and number.search(text):
        return True
    asked = set(terms(ask))
    total = sum(weight(t) for t in asked)
    return total > 0 and sum(weight(t) for t in asked & set(terms(text))) / total >= REQUOTE_WORDS


def _poll_of(
    p: Picked, top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> tuple[int, int] | None:
    """The poll question a poll result answers: the nearest question before it in its passage."""
    texts = passage_sentences(top, index_sentences, p.passage)
    return next(((p.passage, i) for i in range(p.sentence - 1, -1, -1) if is_question(texts[i])), None)


# Words up to which a line without a closing stop is a title, a caption or a byline.
CAPTION_WORDS = 8


def _heads_nothing(
    p: Picked, top: Sequence[Candidate], index_sentences: dict[str, tuple[list[str], np.ndarray]]
) -> bool:
    """Whether `p` is a title, caption or link text that introduces no list: it may not open."""
    # A long line may be a standfirst that states something; one ending on a web address, however
    # long, is an advertisement or a link ("The BMJ General Update Masterclass ... masterclasses.bmj.com/GPs").
    # (A long pointer to another guide may still open a partial answer: "What is co-commissioning?"
    # is answered by where the guidance says to read about it.)
    # A timeline's entry ("July 2012 › SHAs to be abolished") is shown with its heading's date:
    # what happened when, not a caption ("when are SHAs abolished?" matched it best, and it was
    # dropped for its four words).
    if p.dated:
        return False
    if not says_nothing(p.text) or (len(p.text.split()) > CAPTION_WORDS and not ends_on_address(p.text)):
        return False
    texts = passage_sentences(top, index_sentences, p.passage)
    return not (p.sentence + 1 < len(texts) and is_item(texts[p.sentence + 1]))
