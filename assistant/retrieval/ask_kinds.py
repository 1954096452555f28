"""What kind of answer an ask wants: a number (and which: a date, a length of time, a count),
a list, a definition, a yes or no, a rule or permission, how something is done, a comparison, a
short answer. Read from the asking sentence of a message, past the writer's situation and any
clause that sets the scene. The reranker's for a "what is" question, the composer's for
choosing sentences and the gate's for judging what is missing."""

from __future__ import annotations

import re

from .lexical import terms
from .sentence_kinds import DATE, DURATION, FREQUENCY, NUMBER, NUMERAL, OBLIGATION, PERMISSION

LIST_Q = re.compile(
    # "According to the BMJ guide what are ...", "fy2 here, what are ...": the clause that asks
    # opens after the source it names or the writer's introduction.
    r"(?:^|^\s*according to [^?,]{1,60}?[\s,]|[,;:]\s*)\s*(what|which)\s+(are|were)\b"
    r"|\bin what ways\b|\blist\b|\bname the\b|\bwhat\b.*\binclude\b",
    re.I,
)
# "Which clinical areas got their own networks?", "what sorts of things could I offer?", "and for
# what kind of problems?": a question word heading a plural noun asks for several things, as
# "what are" does. The question word opens the clause (or follows a preposition there), so a
# relative "which" inside a yes/no question ("should we wait until we know which pathways ...?")
# does not count; its noun may carry two modifiers ("which strategic clinical networks").
_NOT_MODIFIER = (
    r"(?:of|in|for|to|on|at|by|with|from|about|is|are|was|were|does|do|did|can|could|should|would|will|"
    r"has|have|had|the|a|an|my|our|your|their|its|i|we|you|they|it|he|she|this|that|if|when|so|one)"
)
_PLURAL_WH = re.compile(
    r"(?:^|[,;:+]\s*|\b(?:and|or|but|so)\s+)(?:(?:for|in|of|on|to|from|with|by|about|under|into)\s+)?"
    rf"(?:what|which)\s+(?:(?:sorts?|kinds?|types?)\s+of\s+)?(?:(?!{_NOT_MODIFIER}\b)[\w'-]+\s+){{0,2}}?"
    r"([a-z][\w-]{2,}s)\b",
    re.I,
)
# Words ending in s that are not plural nouns ("what happens", "which process").
_NOT_PLURAL = frozenset(
    [
        "does",
        "is",
        "was",
        "has",
        "happens",
        "means",
        "needs",
        "counts",
        "makes",
        "gets",
        "goes",
        "works",
        "says",
        "this",
        "its",
        "his",
        "as",
        "always",
        "perhaps",
        "unless",
        "plus",
        "less",
        "across",
        "whereas",
        "besides",
        "sometimes",
        "yes",
        "status",
        "basis",
        "process",
        "access",
        "success",
        "bonus",
        "focus",
        "nhs",
    ]
)


def asks_for_list(question: str) -> bool:
    """Whether the question asks for several things, which a source's list answers. The asking
    sentence is read on its own too: a message often opens with the writer's situation ("I'm a
    medical director pairing GPs with managers. What are the key ingredients ...?")."""
    asked = asking_sentence(question).strip()
    if LIST_Q.search(question) or LIST_Q.search(asked):
        return True
    for m in _PLURAL_WH.finditer(asked):
        word = m.group(1).lower()
        if word not in _NOT_PLURAL and not word.endswith(("ss", "us", "is", "'s", "’s")):
            return True
    return False


# "What's" and chat's "whats" ask what "what is" asks, and so does "what even / exactly / actually
# is"; so do "what ... means" and "define".
DEFINITION_Q = re.compile(
    r"^\s*(what|who)(\s+(even|exactly|actually|really|precisely))?(\s+(is|are|was|were)\b|['’]?s\b)"
    r"|\bwhat (does|do) .+ (mean|do)\b"
    r"|\bwhat\b.{1,60}\b(means|stands? for)\b|\bwhat is meant by\b|\b(definition of|define)\b",
    re.I,
)

# "Do I have to ...?" is answered by a rule ("... should absent themselves"), "can I ...?" by a
# permission or its refusal: a sentence that states one is the yes or no.
OBLIGATION_Q = re.compile(
    r"^\s*(do|does|did|will|would)\s+(i|we|you|they|he|she|it)\s+(have|need)\s+to\b|^\s*(must|should|shall)\b", re.I
)
PERMISSION_Q = re.compile(
    r"^\s*(can|could|may|might|is it (ok|okay|possible|allowed)|(am i|are we|are you) (allowed|able|eligible))\b", re.I
)

# "whats the deadline for CSUs to go freestanding", "by when do we have to ...": a date is asked
# for without a "when" to open the ask.
_DEADLINE = r"\b(deadlines?|by when)\b"
NUMBER_ASKED = re.compile(
    # "what age could I end up having to work to ...?" asks for an age as "how old" does.
    r"\b(how (many|much|long|often|old)|what (year|date|percentage|proportion|age))\b"
    r"|^\s*(and |but |so )?(when|since when)\b|" + _DEADLINE,
    re.I,
)


# An ask for how something is or was done: "how did they reduce ...", "how do I ...", "what did
# they do to ...", not "how many / much / long / often".
_HOW = re.compile(
    r"^\s*(?:and |so )?(?:how\b(?! (?:many|much|long|often|old|big)\b)"
    r"|what (?:did|do|does|can|could|should) \w+(?: \w+)? do\b)",
    re.I,
)


def asks_how(question: str) -> bool:
    """Whether `question` asks how something is or was done ("How did City and Hackney reduce
    emergency admissions?"): the steps or means, which a list may give."""
    return bool(_HOW.search(question))


def asks_for_number(question: str) -> bool:
    """A count, amount or date is asked for ("how many ...", "when did ..."), judged on the
    asking sentence: "Do I have to step out when ...?" asks a yes or no."""
    return bool(NUMBER_ASKED.search(asking_sentence(question)))


_KIND_ASKED = (
    # "how much time does it take?", "how many days a week?": a length of time, as "how long" asks
    # ("2-3 days per week"), not the first figure near the ask's words ("211 CCGs").
    (
        re.compile(r"\bhow long\b|\bhow much time\b|\bhow many (?:hours|days|weeks|months|years|sessions)\b", re.I),
        DURATION,
    ),
    (re.compile(r"\bhow often\b", re.I), FREQUENCY),
    (re.compile(r"^\s*(and |but |so )?(when|since when)\b|\bwhat (year|date)\b|" + _DEADLINE, re.I), DATE),
)


def number_answer(question: str) -> re.Pattern[str]:
    """What a sentence must hold to give the number asked: a length of time for "how long", a
    frequency for "how often", a date for "when"; any number for "how many / how much". ("Four
    networks have been confirmed" is a number but does not say how long they are set up for.)"""
    asked = asking_sentence(question)
    return next((form for asks, form in _KIND_ASKED if asks.search(asked)), NUMBER)


_HOW_MANY = re.compile(r"\bhow many ((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)", re.I)
# Where the thing counted ends: "how many joint clinical pathways were developed" counts pathways.
_NOT_COUNTED = re.compile(
    r"(do|does|did|is|are|was|were|will|would|can|could|should|shall|has|have|had|must|may|might|am|be|been|get|"
    r"got|in|on|at|of|for|from|to|with|by|across|per|the|a|an|there|this|that|these|those|my|our|your|their|i|we|"
    r"you|they|he|she|it|and|or)"
)


def counted(question: str) -> re.Pattern[str] | None:
    """For "how many CCGs ...?": a number counting that thing ("only four CCGs"; the word asked
    must follow within two words, or be the bracketed acronym of the words that do: "211
    clinical commissioning groups (CCGs)", which had lost the opening to "about 20 CCGs"). The
    thing is the plural before the verb ("how many joint clinical pathways were ...": pathways)."""
    m = _HOW_MANY.search(asking_sentence(question))
    if m is None:
        return None
    words = m.group(1).lower().split()
    run = next((words[:i] for i, w in enumerate(words) if _NOT_COUNTED.fullmatch(w)), words)
    if not run:
        return None
    # The plural ("GPs" in "how many GPs sit on ..."), else the first word ("how many staff work ...").
    noun = next((w for w in reversed(run) if w.endswith("s") and not w.endswith("ss")), run[0])
    stem = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
    return re.compile(rf"\b{NUMERAL}\s+((\S+\s+){{0,2}}|([A-Za-z-]+\s+){{1,5}}\(){re.escape(stem)}", re.I)


_AUXILIARY = r"do|does|did|is|are|was|were|will|would|can|could|should|shall|has|have|had|must|may|might"
# Words that open an ask: after a leading subordinate clause, the ask proper starts with one.
_ASK_WORD = rf"how|what|whats|which|when|who|whom|whose|where|why|am|{_AUXILIARY}"

_ASKS = re.compile(rf"\b({_ASK_WORD}|tell|explain|whether)\b", re.I)
_OPENING_ASK_WORD = re.compile(rf"\W*({_ASK_WORD})\b", re.I)


def question_word(text: str) -> str:
    """The question word `text` opens with, lower case ("why" for "Why GPs?"); "" for none."""
    m = _OPENING_ASK_WORD.match(text)
    return m.group(1).lower() if m else ""


def is_topic(question: str) -> bool:
    """A bare topic typed as into a search box ("fundholding", "monitor role", "CSUs?"): a word or
    two and no question word. Whoever types one wants to know what the thing is first, as for
    "what is fundholding?" (dev's 38 short messages: first sentence states a key fact 0.658 ->
    0.684; holdout-o's, unseen: 0.444 -> 0.519; nothing else moved)."""
    return not _ASKS.search(question) and 0 < len(terms(question)) <= 2


def asks_what_it_is(question: str) -> bool:
    """ "What is X?", "what does X do?", or X alone: answered first by what X is."""
    return bool(DEFINITION_Q.search(question)) or is_topic(question)


# "When the board discusses our CCG, should I stay in the room?", "If I join, can I still refer?":
# a clause setting the scene, then the ask. Its "when" asks for no date. ("When does it start?"
# is a question: an auxiliary follows "when" directly.)
_SCENE = rf"^\s*(?:when|whenever|once|while|before|after|if)\s+(?!(?:{_AUXILIARY})\b)"
SUBORDINATE = re.compile(_SCENE, re.I)
# Its end: a comma before the ask, or (the comma dropped, as chat does) an auxiliary before a
# pronoun ("... ready for authorisation should I stay?").
_LEADING_CLAUSE = re.compile(
    rf"{_SCENE}[^,?]*?(?:,\s+(?=(?:{_ASK_WORD})\b)|\s+(?=(?:{_AUXILIARY})\s+(?:i|we|you|they|he|she|it)\b))",
    re.I,
)


def asking_sentence(question: str) -> str:
    """The sentence of a message that asks ("I sit on the board. Do I have to ...?" → the second),
    from its ask proper: a leading clause that sets the scene ("When the board discusses our
    CCG, should I ...?") says nothing of what kind of answer is wanted."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s]
    sentence = next((s for s in sentences if s.rstrip().endswith("?")), question)
    return _LEADING_CLAUSE.sub("", sentence, count=1)


# "Did GPs hold the budget or not?", "is the seat paid?": a yes or no, though it names a budget or
# pay; only a question with no question word whose verb comes within its first few words.
_YES_NO = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,3}?(do|does|did|is|are|was|were|can|could|will|would|should|shall|has|have|had|"
    r"must|may|might|r(?=\s+(?:we|u|you|they|there|i)\b))\b",  # "r we obliged to ...?": "are"
    re.I,
)
_WH = re.compile(r"\b(how|what|whats|which|when|who|whom|whose|where|why)\b", re.I)


# "what about SAS doctors?", "how about in Wales?", "same for a salaried GP?": an ellipsis, which
# keeps the question it carries on from and changes its subject.
_ELLIPSIS = re.compile(r"^\s*(?:(?:and|but|so|ok|okay)\s+)?(?:what about|how about|what else|same for)\b", re.I)


def kind_of_ask(ask: str, folded: str) -> str:
    """The text to read the kind of answer wanted from (a number, a list, a yes or no, what a
    thing is): `ask` itself when it asks a question of its own, `folded` (the ask with the words
    it borrows from the ask or turn before it) for an ellipsis or an ask with no question word.
    "who chairs it?" after "what is a health and wellbeing board?" wants a name, not a
    definition; "how many are there" folded with "whats a clinical senate" wants a number."""
    if not ask or _ELLIPSIS.match(ask):
        return folded
    return ask if _WH.search(ask) or _YES_NO.match(ask) else folded


def asks_yes_or_no(question: str) -> bool:
    """Whether the question asks a yes or no (judged on its asking sentence)."""
    sentence = asking_sentence(question)
    return bool(_YES_NO.match(sentence)) and not _WH.search(sentence)


def rule_asked(question: str) -> re.Pattern[str] | None:
    if OBLIGATION_Q.search(question):
        return OBLIGATION
    if PERMISSION_Q.search(question):
        return PERMISSION
    return None


# "How are A, B and C different?", "A vs B", "is A the same as B?": each thing compared is
# answered by what it is.
COMPARISON_Q = re.compile(
    r"\b(differences?|differ|different|diffs?|distinguish|vs\.?|versus|compared? (to|with)|same as"
    r"|muddle|mix(ing)? up|confus(e|ed|ing))\b",
    re.I,
)


# "can u explain in 2 lines", "briefly, what is a CSU?", "tl;dr": the writer asks for a short
# answer. The number of sentences it allows: as many as named, else two.
_BRIEF = re.compile(
    r"\b(?:briefly|in brief|in short|in a nutshell|tl;?dr|(?:a )?short answer|(?:a )?quick answer|"
    r"in (?P<n>one|a|1|two|2|three|3|a few) (?:short )?(?:lines?|sentences?))\b",
    re.I,
)
_BRIEF_COUNT = {"one": 1, "a": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3, "a few": 3}
BRIEF_SENTENCES = 2


def asked_brevity(question: str) -> int | None:
    """How many sentences the writer asks the answer to take, or None when they do not say."""
    m = _BRIEF.search(question)
    if m is None:
        return None
    return _BRIEF_COUNT.get((m.group("n") or "").lower(), BRIEF_SENTENCES)
