"""Is an ask for clinical advice the corpus does not give?

Commissioning guidance says who buys services and how; it does not say which drug, dose, test or
treatment a patient should have. An ask for that ("which anticoagulant and dose should I use for a
PE managed in the community?") still matches passages well (the Plymouth service that moved PE
care to GPs), and a partial answer quoting them next to a dosing question reads as if it were
the answer. So such an ask is refused with the reason, as an ask about a nation the corpus does
not cover is (`scope.py`).

Decided from the ask's wording and from the passages found for it: an ask is for clinical
advice when it asks which treatment, drug, dose or test someone should use or give, which is the
first-line or best one for a condition, or how to treat a patient, diagnose or prescribe; and it is
answered as usual where the top passages state a dose (guidance an editor adds that does give
clinical advice nearly always does), so the check never refuses what the corpus can answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieval.retrieve import Candidate

_THINGS = (
    r"doses?|dosages?|drugs?|medications?|medicines?|anticoagulants?|antibiotics?|treatments?|tests?|"
    r"investigations?|scans?|regimens?|inhalers?|statins?|antidepressants?|analgesics?|painkillers?"
)
# Every form of the verb: "what dose should we be using?" asks as "what dose should we use?" does.
_DOING = (
    r"use|used|using|give|given|giving|prescribe|prescribed|prescribing|try|tried|trying|start|started|starting|"
    r"order|ordered|ordering|request|requested|requesting"
)
# Who would be advised: the writer, their team, a doctor; never a named scheme ("which
# anticoagulant do *they* use in Plymouth?" asks what the guidance reports, not advice).
_WHO = r"(?:i|we|you|(?:a |the )?(?:gp|gps|doctor|doctors|clinician|clinicians))"
_PATIENT = (
    r"(?:(?:a|an|the|my|our|this|these|that|those)\s+)?(?:\w+\s+)?"
    r"(?:patient|child|woman|man|baby|person|people|men|women|children|babies)s?\b"
)
_ASKS_ADVICE = re.compile(
    rf"\b(?:which|what)\s+(?:\w+\s+){{0,3}}?(?:{_THINGS})\b[^?]{{0,80}}?"
    rf"\b(?:should|would|could|can|do|to)\s+(?:{_WHO}\s+)?(?:have\s+)?(?:be\s+)?(?:{_DOING})\b"
    rf"|\bhow (?:should|do|would|can) {_WHO} (?:diagnose|prescribe|dose|titrate)\b"
    # "treat" and "investigate" say other things in commissioning ("how should we treat conflicts
    # of interest?"): clinical only with a patient as their object. ("How do we manage patients
    # with long-term conditions at home?" asks how a service is run, which the guidance answers.)
    rf"|\bhow (?:should|do|would|can) {_WHO} (?:treat|investigate|optimi[sz]e) {_PATIENT}"
    # "What's the first-line drug for hypertension?", "the best inhaler for COPD".
    rf"|\b(?:first[- ]line|second[- ]line|best|recommended|preferred|usual|standard)\s+(?:\w+\s+)?(?:{_THINGS})"
    r"\s+(?:for|in)\b"
    r"|\bhow should (?:a|the|my|our) (?:patient|woman|man|child|baby)\b[^?]{0,60}"
    r"\bbe (?:treated|managed|optimi[sz]ed|investigated|anticoagulated)\b",
    re.I,
)
# A dose as clinical guidance states one: "5 mg", "2.5mg", "40 units", or the word itself.
_DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|micrograms?|milligrams?|ml|units?|iu|mmol)\b|\bdos(?:e|es|age|ages|ing)\b", re.I
)


def asks_clinical_advice(ask: str) -> bool:
    """Whether `ask` asks which treatment, drug, dose or test to use, or how to treat a patient."""
    return bool(_ASKS_ADVICE.search(ask))


def beyond_corpus(asks: Sequence[str], cands: Sequence[Candidate], top: int = 3) -> bool:
    """Whether an ask (its texts: as written, as judged) is for clinical advice that none of the
    `top` passages found for it gives (none states a dose)."""
    if not any(asks_clinical_advice(a) for a in asks if a):
        return False
    return not any(_DOSE.search(c.chunk.text) for c in cands[:top])
