"""Is a question answered by what was retrieved? Three outcomes from one calibrated model.

The signals are what retrieval already knows: how well the best sentence and the best passage
match the ask, how much of the ask's informative vocabulary the top passages contain (counting
words the corpus never uses apart, since a chatty message is full of them: "ST5", "anaesthetics"),
whether a section heading states the ask, and whether the two retrievers agree. A logistic model
over them, fitted by cross-validation on the development set (`bench/tune_answerability.py`),
gives a probability that the ask is answerable; two thresholds chosen on held-out folds split it
into *answer*, *partial* (the guidance touches the question but may not answer it) and *refuse*.

An ask about today ("what is Monitor's job now?", "do ICBs still have to ...?") is answered at most
in part. Every source predates it, so what they say is the nearest help there is, not the answer;
but it is help, so that alone never refuses. (As a fitted signal it did both: whether such a
question counts as answerable is the writer's call, and the development set's authors split 8 to
12 on it, so the model learnt to refuse some that others count as answered.)

This module reads the signals (`signals`); `model.py` holds the fitted model and its
thresholds. The fit is a package file (`assistant/data/answerability.json`), so the figures it
was chosen with travel with it and nothing is fitted at run time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from ..retrieval.ask_kinds import asks_yes_or_no, number_answer
from ..retrieval.docfiles import passage_text
from ..retrieval.index import LoadedIndex
from ..retrieval.lexical import terms
from ..retrieval.retrieve import Candidate
from ..retrieval.sentence_kinds import DATE, NUMBER, heading_date
from ..retrieval.spelling import english_words
from .acronyms import ACRONYM, initials, writers_own
from .caps import HAS_MONEY

FEATURES = (
    "sentence",  # best sentence similarity to the ask, top 3 passages
    "dense",  # best passage similarity (dense retriever)
    "coverage",  # IDF-weighted share of the ask's terms in the top 3 passages
    "coverage_known",  # the same over terms the corpus uses at all
    "unknown",  # IDF-weighted share of the ask's terms the corpus never uses
    "heading",  # the top passage's heading states the ask
    "agreement",  # the top passage is in both retrievers' top 5
    "terms",  # log(1 + number of the ask's terms)
    "missing",  # rarity of the rarest known term of the ask absent from the top 3 passages
    "coverage_top",  # IDF-weighted share of the ask's known terms in the top passage alone
    "number_missing",  # the ask wants a number, date or amount and the best sentences give none
    "sentence_coverage",  # IDF-weighted share of the ask's known terms in one sentence (+ its heading)
    "later_year",  # the ask names a year later than any its top passages mention
    "names_missing",  # share of the ask's proper names (Leeds, Scotland) absent from the top passages
    "matched",  # total rarity of the ask's terms found in the top passages (an off-topic ask matches
    # only common words such as "treat", however well those words are covered)
    "money_missing",  # the ask wants a sum of money and the best sentences state none
    "acronym_unknown",  # the ask names something by an acronym the corpus never uses (ICB, BMI, DOAC)
)
# The QA model's best similarity between the ask and a sentence of the top passages
# (`assistant/retrieval/qa_embedder.py`): weighed, with FEATURES, by the model that decides
# between an answer and a partial one (`AnswerabilityModel.answer`).
QA_SENTENCE = "qa_sentence"
QA_FEATURES = (*FEATURES, QA_SENTENCE)
# Reported with the signals but not weighed by the model: it caps the outcome (`outcome`).
ASKS_NOW = "asks_now"  # the ask is about today or the time after the sources ("still", "now", "these days")
# Also reported, not weighed: the ask names a place or body whose passages are among the top
# ones and wants a figure none of them states ("By how much did referrals fall in Sunderland?");
# the part is answered at most in part, from those passages only.
FIGURE_UNNAMED = "figure_unnamed"
# Also reported, not weighed: the ask wants a date, its best sentences state none, and a heading
# over them is one ("When did Andrew Lansley become health secretary?": "TIMELINE AND LINKS ›
# May 2010" › "Andrew Lansley becomes health secretary ..."). The answer shows the date with the
# sentence; "number_missing" stays as the model was fitted on it.
DATED_HEADING = "dated_heading"
# Also reported, not weighed: an ask carrying on by ellipsis puts in the earlier question's place
# something the guidance never writes a word of ("what about the McCloud remedy?"); it is refused.
SUBJECT_UNKNOWN = "subject_unknown"
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# A year that ends a law's or a paper's name ("the Health and Social Care Act 2012"): what it
# names, not a time the ask is about. The documents call that Act "the Health and Social Care
# Act" and never write its year, and "What is the Health and Social Care Act 2012?" was refused
# as asking about a year after theirs.
_TITLE_YEAR = re.compile(
    r"((?:[\w'’-]+\s+){3})(?:act|bill|white paper|paper|plan|review)\s+(?:of\s+)?(19[5-9]\d|20\d\d)\b", re.I
)
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
# "When" asks for a date where it opens the question or a verb follows it ("since when has ...",
# "and when will ..."); "what should I look for when commissioning ...?" asks for no date.
_WHEN = (
    r"^\s*(?:and |but |so |since )?when"
    r"|when(?= (?:did|does|do|will|was|were|is|are|has|have|had|can|could|would|should)\b)"
)
_WANTS_NUMBER = re.compile(
    rf"\b(how (many|much|long|often|old)|{_WHEN}|what (year|date|time|percentage|proportion)|rate|rates|fee|fees|"
    r"cost|costs|pay|paid|salary|salaries|budget|figure|number of)\b",
    re.I,
)
# A situation that sets every ask in the present: "Now that CCGs have gone, ...", "Since 2022,
# ...". Narrower than _ASKS_NOW: "I'm currently an ST5" describes the writer, not the NHS.
_PRESENT = r"now that|nowadays|these days|(since|after) (19|20)\d\d"
_FRAMES_NOW = re.compile(rf"\b({_PRESENT})\b", re.I)
# Every source predates the question: "is it still", "these days", "in the end" ask what
# happened after them, which they cannot say however closely their words match.
_ASKS_NOW = re.compile(
    rf"\b(now|today|current|currently|at the moment|atm|still|any ?more|in the end|{_PRESENT}"
    # "what's their budget this year?": the writer's year, not the guidance's.
    r"|this (?:financial )?year|next year)\b",
    re.I,
)
# "Can I still refer ... if I'm not on the board?": "still" after a modal and its subject asks
# whether something is allowed, not whether it is so today.
_STILL_ALLOWED = re.compile(r"\b(can|could|may|might|would|will|shall)\s+(i|we|you|they|he|she)\s+still\b", re.I)
# "if it's been left out up to now": the time until the writer's present, as "so far" is; it
# asks what to do, not what is so today.
_UNTIL_NOW = re.compile(r"\b(up )?(to|until|till) now\b", re.I)
# A technical term written in mixed case is named as an acronym is: "HbA1c", "eGFR".
_MIXED = re.compile(
    r"\b((?=[A-Za-z]*\d)(?=[A-Za-z\d]*[a-z])(?=[a-z\d]*[A-Z])[A-Za-z][A-Za-z\d]{2,7}|[a-z][A-Z]{2,5})\b"
)
_REPORTED = re.compile(
    r"\bwhat (?:did|does|do|has|have|had|would)\b[^?]{1,60}?\b(?:say|said|think|write|wrote|suggest|feel)\b"
    r"[^?]*?\babout\b",
    re.I,
)
_WANTS_MONEY = re.compile(
    r"\b(salary|salaries|pay|paid|fees?|cost|costs|price|prices|tariff|budget|allowance|rate|rates|hourly|"
    r"per session|how much money|how much (does|do|did|will|would) .{0,40}\b(get|earn|cost|charge|pay))\b|£",
    re.I,
)
# "What will happen to my salary if I get involved?" asks what becomes of it, not for a sum: the
# BMJ guide's section of that name says the contracts have not changed and that no national rate
# is agreed, and it was refused because its best sentences state no sum.
_WHAT_HAPPENS = re.compile(
    r"\bwhat\s+(?:will|would|could|might|does|do|did|is going to)?\s*happens?\s+(?:to|with)\b", re.I
)
TOP = 3


def _has_number(text: str) -> bool:
    return "£" in text or bool(NUMBER.search(text) or DATE.search(text))


def _unheard(acronym: str, index: LoadedIndex) -> bool:
    """Whether the corpus's words never include `acronym`'s. Shouting ("do we HAVE to") is not an
    acronym: its word is common, so the lexicon drops it."""
    words = index.lexical.query_terms(acronym)
    return bool(words) and all(index.df.get(t, 0) == 0 for t in words)


def _named_years(ask: str, top: Sequence[Candidate]) -> str:
    """`ask` without the years that end a name its top passages give without them ("the Health
    and Social Care Act 2012" where they say "Health and Social Care Act"): the Health and Care
    Act 2022, which they never name, keeps its year."""
    if not _TITLE_YEAR.search(ask):
        return ask
    text = " ".join(passage_text(c.chunk).lower() for c in top)

    def named(m: re.Match[str]) -> str:
        title = " ".join(m.group(0).lower().split()[:-1])
        return title if title.removesuffix(" of") in text else m.group(0)

    return _TITLE_YEAR.sub(named, ask)


def signals(
    ask: str,
    cands: Sequence[Candidate],
    index: LoadedIndex,
    ask_vec: np.ndarray,
    own: str,
    naming: frozenset[str] = frozenset(),
    dense: float | None = None,
) -> dict[str, float]:
    """The model's inputs for `ask` given its reranked candidates (best first). `own`: the ask's
    own words; `ask` may also carry words it borrows (a follow-up's previous question, the ask
    before a thin one: "how many r there" after "who manages our contract now?"). `naming`: the
    candidates holding every name the ask gives, when a top passage is one of them; only those
    can state the number it wants. `dense`: the best passage similarity to the ask as written,
    where retrieval searched with another wording of it (the default: the candidates' own)."""
    out = dict.fromkeys((*FEATURES, ASKS_NOW, DATED_HEADING), 0.0)
    qterms = set(index.lexical.query_terms(ask))
    out["terms"] = math.log1p(len(qterms))
    if not cands:
        out["unknown"] = 1.0 if qterms else 0.0
        return out
    top = list(cands[:TOP])
    best = 0.0
    for c in top:
        vecs = index.sentences.get(c.chunk.chunk_id, ([], np.zeros((0, ask_vec.shape[0]))))[1]
        if len(vecs):
            best = max(best, float((vecs @ ask_vec).max()))
    out["sentence"] = best
    out["dense"] = max(c.dense for c in cands) if dense is None else dense
    present: set[str] = set()
    for c in top:
        present.update(terms(passage_text(c.chunk)))
    weights = {t: index.idf(t) for t in qterms}
    total = sum(weights.values())
    known = {t: w for t, w in weights.items() if index.df.get(t, 0) > 0}
    norm = math.log((len(index.chunks) + 1) / 0.5)
    out["matched"] = sum(w for t, w in weights.items() if t in present) / norm
    if total:
        out["coverage"] = sum(w for t, w in weights.items() if t in present) / total
        out["unknown"] = 1.0 - sum(known.values()) / total
    if known:
        out["coverage_known"] = sum(w for t, w in known.items() if t in present) / sum(known.values())
    if known:
        top_terms = set(terms(passage_text(top[0].chunk)))
        out["coverage_top"] = sum(w for t, w in known.items() if t in top_terms) / sum(known.values())
        absent = [w for t, w in known.items() if t not in present]
        out["missing"] = max(absent) / math.log((len(index.chunks) + 1) / 0.5) if absent else 0.0
    best_sentences: list[tuple[float, str, str, str]] = []  # (similarity, sentence, heading, chunk id)
    for c in top:
        texts, vecs = index.sentences.get(c.chunk.chunk_id, ([], np.zeros((0, ask_vec.shape[0]))))
        sims = vecs @ ask_vec if len(vecs) else np.zeros(0)
        cid = c.chunk.chunk_id
        best_sentences += [(float(sim), t, c.chunk.section, cid) for sim, t in zip(sims, texts, strict=False)]
    best_sentences.sort(key=lambda x: -x[0])
    if known:
        out["sentence_coverage"] = (
            max(
                (sum(w for t, w in known.items() if t in set(terms(f"{head} {text}"))) / sum(known.values()))
                for _sim, text, head, _id in best_sentences[:8]
            )
            if best_sentences
            else 0.0
        )
    # "How much did Coventry PCT save ...?": City and Hackney's £2.1 million is no answer.
    nearest = [(text, head) for _s, text, head, cid in best_sentences if not naming or cid in naming][:3]
    near = [text for text, _head in nearest]
    # What kind of answer is wanted is the ask's own: "so where does the money come from in the
    # meantime?" borrows "is there a national pay rate?" for its topic, not for wanting a sum.
    # "What did Kate Adams say about comparing practice referral rates?" wants her words, not a
    # rate: what is said about a figure is no figure.
    no_figure = asks_yes_or_no(own) or bool(_REPORTED.search(own))
    # A number as the composer reads one (figures, numbers in words, capitalised months), or a sum.
    if _WANTS_NUMBER.search(own) and not no_figure and not any(_has_number(text) for text in near):
        out["number_missing"] = 1.0
        if number_answer(own) is DATE and any(heading_date(head) for _text, head in nearest):
            out[DATED_HEADING] = 1.0
    wants_money = _WANTS_MONEY.search(own) and not no_figure and not _WHAT_HAPPENS.search(own)
    if wants_money and not any(HAS_MONEY.search(text) for text in near):
        out["money_missing"] = 1.0
    # Whether this ask is about today: "and does it have any part in joined-up care?" after "what
    # is Monitor's main job now?" is not, though the question it borrows from says "now" (that
    # one was judged for it on its own); "is that still the case?" is.
    out[ASKS_NOW] = 1.0 if _ASKS_NOW.search(_UNTIL_NOW.sub(" ", _STILL_ALLOWED.sub(" ", own))) else 0.0
    asked_years = [int(y) for y in _YEAR.findall(_named_years(ask, top))]
    if asked_years:
        # The section's heading counts: the BMJ guide's timeline dates its entries there only
        # ("TIMELINE AND LINKS › July 2010"), and "what happened in July 2010?" was refused.
        seen_years = [int(y) for c in top for y in _YEAR.findall(passage_text(c.chunk))]
        out["later_year"] = float(max(asked_years) > max(seen_years, default=0))
    # A function word is no name: an ask that borrows the one before it ("when did it start What
    # was practice based commissioning") capitalises that one's first word mid-text, and "What",
    # read as a name missing from every passage, refused the part.
    names = {n.lower() for n in _NAME.findall(ask) if terms(n)} - {"i", "nhs"}
    # A thing named by an acronym that neither the corpus's words nor the passages found for the
    # ask spell out cannot be what they answer about ("does the ICB still ...", "what BMI ..."),
    # however well the rest of the ask matches. Word-level "unknown" cannot see this: a chatty
    # ask is full of words the corpus never uses, and they say nothing. One that places the
    # writer ("... before I CCT?") is not the thing asked about.
    written = set(ACRONYM.findall(ask)) - writers_own(ask) | set(_MIXED.findall(ask))
    acronyms = [a for a in written if _unheard(a, index)]
    if names or acronyms:
        # A passage stands under its sections' openings: "1. Reducing referrals ..." is City and
        # Hackney's because "Quick wins", the section that holds it, says so.
        context = [e for c in top for e in index.enclosing(c.chunk)]
        passages = " ".join(f"{c.title} {c.section} {c.text}" for c in [*(c.chunk for c in top), *context]).lower()
        if names:
            out["names_missing"] = sum(n not in passages for n in names) / len(names)
        if acronyms:
            spelt = initials(passages)
            out["acronym_unknown"] = float(any(a.lower() not in spelt for a in acronyms))
    out["heading"] = top[0].heading
    by_dense = sorted((c for c in cands if c.dense > 0), key=lambda c: -c.dense)[:5]
    by_lexical = sorted((c for c in cands if c.lexical > 0), key=lambda c: -c.lexical)[:5]
    first = top[0].chunk.chunk_id
    out["agreement"] = float(
        any(c.chunk.chunk_id == first for c in by_dense) and any(c.chunk.chunk_id == first for c in by_lexical)
    )
    return out


# Below this salience a message has no word of the guidance's own subjects (`off_subject`).
# Measured over every split's whole messages (situation and a follow-up's earlier questions
# included): the lowest answerable item is at 0.84 ("what happens to my pension?"; then 0.86,
# 0.87 unseen); 20 of dev's 173 near-misses and 11 of the unseen splits' 257 fall below 0.7,
# everyday or other-field questions ("what time is it in sydney", "ARCP portfolio", "apixaban
# dose AF"). 0.8 would catch three more on each, a hair from the pension question.
OFF_SUBJECT = 0.7


def salience(text: str, index: LoadedIndex) -> float:
    """The keyness of `text`'s most telling word that the corpus uses, over 10: the log of how much
    more often the corpus's passages use it than everyday English does (pyspellchecker's word
    counts). "What time is it?" shares a word with the guidance, but an everyday one (time: 4.5);
    the guidance's own subjects score far higher (commissioning 15, CCG 15, pension 8.5). Coverage
    cannot tell them apart: a one-word ask is wholly covered by any passage that has its word.
    0 when the corpus uses none of its words."""
    english = english_words().word_frequency
    total = english.total_words or 1
    chunks = len(index.chunks) or 1
    best = 0.0
    for word in set(re.findall(r"[a-z]+", text.lower())):
        df = sum(index.df.get(t, 0) for t in index.lexical.query_terms(word))
        if df:
            best = max(best, math.log((df / chunks) / (english[word] / total + 1e-7)))
    return best / 10.0


def off_subject(text: str, index: LoadedIndex) -> bool:
    """Whether `text` (a whole message as searched) has words to search with and none of them is
    one the guidance uses markedly more than everyday English: not about its subjects at all."""
    return bool(index.lexical.query_terms(text)) and salience(text, index) < OFF_SUBJECT


def frames_now(situation: str) -> bool:
    """Whether the writer's situation ("Now that CCGs have gone, ...") makes each ask one about
    today, which the sources predate."""
    return bool(_FRAMES_NOW.search(situation))
