"""Build the labelled checker set: (sentence, passage, supported?) pairs from the real corpus.

    python bench/make_checker_set.py [--out evals/datasets/checker.jsonl]

Kinds (`kind` in each row):

- verbatim (supported): a sentence of the passage, as written;
- paraphrase (supported): a faithful rewording written by hand (PARAPHRASES below: the same
  facts, numbers, names, negation and modality, in other words);
- negated, number, name, modality, merged (unsupported): a verbatim or paraphrased sentence
  corrupted by rule: "not" inserted or dropped; a number or its scale changed; a proper name
  swapped for another of the corpus's names; a modal swapped ("must" → "may", "may" → "must");
  a fact from another document joined on;
- wrong_passage (unsupported): a verbatim sentence against the passage of another document that
  shares most words with it.

Passages are the chunks the ingest pipeline makes (loaders and chunker), so the pairs match the
index. Deterministic: the same corpus gives the same file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.generation.facts import containment, corpus_names, names, quantities  # noqa: E402
from assistant.retrieval.lexical import normalise_quotes, terms  # noqa: E402
from assistant.retrieval.sentences import split_sentences  # noqa: E402
from assistant.types import Chunk  # noqa: E402
from ingest.chunk import chunk_document  # noqa: E402
from ingest.limits import Limits  # noqa: E402
from ingest.loaders import load  # noqa: E402
from ingest.manifest import load_manifest  # noqa: E402

OUT = ROOT / "evals" / "datasets" / "checker.jsonl"
SEED = 13
N_VERBATIM = 60
N_PER_CORRUPTION = 36
N_WRONG_PASSAGE = 30

# (a sentence as the corpus writes it, a faithful paraphrase). Written by hand: each keeps the
# facts, numbers, names, negation and modality of the source and changes the wording.
PARAPHRASES: list[tuple[str, str]] = [
    (
        "The legislation states there should be at least one secondary care doctor on the board",
        "According to the legislation, every CCG board should include at least one secondary care doctor.",
    ),
    (
        "The most appropriate secondary care doctor may be an associate specialist",
        "An associate specialist or specialty doctor may be the most suitable secondary care doctor if their "
        "skills and experience are of equivalent seniority.",
    ),
    (
        "You should contact your CCG to find out about opportunities",
        "To find out about opportunities on its decision-making bodies, you should get in touch with your CCG.",
    ),
    (
        "Positions for secondary care clinicians on CCGs are regularly advertised",
        "CCG posts for secondary care clinicians are advertised regularly on NHS Jobs.",
    ),
    (
        "The Government has decided that the statutory position for a secondary care doctor",
        "The statutory secondary care doctor seat on a CCG board must go to a clinician from outside the CCG's "
        "area, the Government has decided.",
    ),
    (
        "Clinical networks will be condition or service area specific",
        "Clinical networks will focus on a specific condition or service area, while clinical senates will bring "
        "together experts from different areas of health and social care.",
    ),
    (
        "Both senates and networks are intended to pool specialist expertise",
        "Senates and networks are meant to pool specialist expertise to support CCGs, and NHS England will host them.",
    ),
    (
        "Regional Councils are BMA bodies that bring together branches of practice",
        "The BMA's Regional Councils bring the branches of practice together in one setting.",
    ),
    (
        "Each local authority upper tier will have a health and wellbeing board",
        "Every upper tier local authority will have a health and wellbeing board, part of whose function is to "
        "encourage integrated working between NHS, public health and social care commissioners.",
    ),
    (
        "NHS England will provide overall leadership on commissioning",
        "NHS England, which has operated in shadow form as a special authority since October 2011, will provide "
        "overall leadership on commissioning.",
    ),
    (
        "NHS England will be responsible for commissioning services on behalf of CCGs",
        "Where a CCG is not deemed ready for authorisation by April 2013, NHS England will be responsible for "
        "commissioning services on its behalf.",
    ),
    (
        "The Health and Social Care Act now states that Monitor's main duty",
        "Under the Health and Social Care Act, Monitor's main duty is regulating healthcare providers and NHS "
        "prices and tackling restrictions on competition that act against patients' interests.",
    ),
    (
        "All providers of NHS healthcare services, unless exempted",
        "Unless they are exempt, all providers of NHS healthcare services will need to hold a licence with Monitor.",
    ),
    (
        "Monitor will operate a licensing regime allowing it to enforce standards",
        "Through a licensing regime, Monitor will be able to enforce standards by setting out how providers "
        "should operate.",
    ),
    (
        "The board contains equal numbers of GPs and consultants",
        "The board has equal numbers of consultants and GPs, plus managers and nurses.",
    ),
    (
        "Two consultants (1 physician and 1 surgeon) employed by the Acute Trust",
        "Two consultants employed by the Acute Trust, a physician and a surgeon, have increased understanding "
        "between the two separate Trusts.",
    ),
    (
        "Referral management is an important component of commissioning",
        "An important part of commissioning is referral management, which includes designing an evidence-based "
        "pathway of care.",
    ),
    (
        "Secondary care clinicians can and should be involved in referral management",
        "Secondary care clinicians can and should take part in referral management; too often they have not "
        "been, to the detriment of those systems.",
    ),
    (
        "The Health and Social Care Act (HSCA) radically changed how care is commissioned",
        "The way care is commissioned was radically changed by the Health and Social Care Act (HSCA).",
    ),
    (
        "Primary care trusts and strategic health authorities were abolished",
        "Primary care trusts and strategic health authorities were abolished, and clinical commissioning groups "
        "formed from GP practices now commission secondary care in their place.",
    ),
    (
        "Commissioning is the effective planning and delivery of healthcare",
        "Commissioning means planning and delivering healthcare effectively to meet the needs of the population.",
    ),
    (
        "The government wanted commissioning to be clinician-led",
        "The government wanted commissioning to be led by clinicians, focused locally and to promote patient choice.",
    ),
    (
        "England's 211 clinical commissioning groups (CCGs) will take over",
        "The 211 CCGs in England will take over from primary care trusts and be responsible for £65bn of the "
        "£95bn NHS commissioning budget.",
    ),
    (
        "All GP practices have to be members of a CCG",
        "Every GP practice has to be a member of a CCG, and each CCG board will include at least one hospital "
        "doctor, one nurse and one member of the public.",
    ),
    (
        "To become an NHS statutory body, a CCG has to be",
        "A CCG has to be authorised to become an NHS statutory body, and it has to have a constitution to get "
        "authorisation.",
    ),
    (
        "NHS England (formerly the NHS Commissioning Board) is temporarily hosting",
        "The 23 commissioning support units (CSUs) that emerged from the abolished PCT clusters are temporarily "
        "hosted by NHS England, formerly the NHS Commissioning Board.",
    ),
    (
        "CCGs may also choose to host their own, internal support services",
        "CCGs may also decide to host their own internal support services or to contract them from private or "
        "third sector organisations.",
    ),
    (
        "The boards aim to influence commissioning and strengthen local healthcare democracy",
        "The boards will develop joint strategic needs assessments and aim to influence commissioning and "
        "strengthen local healthcare democracy.",
    ),
    (
        "The BMA welcomes close working between local authorities and CCGs.",
        "Close working between CCGs and local authorities is welcomed by the BMA.",
    ),
    (
        "To this end, the BMA recommends that health and wellbeing boards should be small",
        "The BMA recommends that health and wellbeing boards should be small, functional and responsible.",
    ),
    (
        "CCGs need to participate fully in the workings of the board",
        "CCGs need to take a full part in the workings of the board and be prepared to build mutually supportive "
        "relationships.",
    ),
    (
        "The governance committee of the CCG will have responsibility for ensuring the probity",
        "A CCG's governance committee will be responsible for ensuring the probity of its financial and "
        "commissioning decision making.",
    ),
    (
        "Local authorities have been given the freedom to determine how many",
        "Local authorities are free to determine how many of their representatives sit on the board.",
    ),
    (
        "LMCs are the only statutory representatives of GPs",
        "LMCs, the only statutory representatives of GPs, play a crucial role in negotiations between the local "
        "profession and local authorities.",
    ),
    (
        "Health and wellbeing boards are aligned with each upper tier local authority.",
        "Each health and wellbeing board is aligned with an upper tier local authority.",
    ),
    (
        "One person could be elected to represent two or more CCGs in an area",
        "To avoid an unnecessarily large health and wellbeing board, one person could be elected to represent two "
        "or more CCGs in an area.",
    ),
    (
        "CCG representatives should absent themselves from discussions",
        "CCG representatives should stay out of discussions about the readiness and ability of their own CCG or "
        "other CCGs in the area to take on commissioning responsibility.",
    ),
    (
        "Healthwatch will be commissioned by the local authority and held to account",
        "The local authority will commission Healthwatch, and the local authority's overview and scrutiny "
        "committee will hold it to account.",
    ),
    (
        "NHS England is an independent board accountable to the health secretary",
        "NHS England is an independent board that is accountable to the health secretary for running the NHS.",
    ),
    (
        "It took on its full statutory responsibilities on 1 April 2013",
        "After existing in shadow form since October 2012, NHS England took on its full statutory "
        "responsibilities on 1 April 2013.",
    ),
    (
        "The Government published its mandate to the board on 13 November 2012.",
        "On 13 November 2012 the Government published its mandate to the board.",
    ),
    (
        "NHS England has 27 local offices, or local area teams (LATs)",
        "NHS England's 27 local area teams (LATs) have responsibility, among other things, for managing primary "
        "care contracts.",
    ),
    (
        "Twelve corresponding support teams provide clinical and managerial support",
        "Clinical and managerial support for the SCNs and clinical senates in the area comes from twelve "
        "corresponding support teams.",
    ),
    (
        "Our clinical data audit tool, Contract+, has been providing GMS analyses",
        "Contract+, the clinical data audit tool, has been providing daily GMS analyses on more than 8 million "
        "patients.",
    ),
    (
        "The Welsh Assembly Government relies on our Audit+ technology",
        "For its Primary Care Data Quality Service, the Welsh Assembly Government relies on Audit+ technology.",
    ),
    (
        "Through our work in City and Hackney for 2010-2011",
        "In City and Hackney in 2010-2011 there was a 4% reduction in secondary care referrals and a £2.1 million "
        "reduction in outpatient spending.",
    ),
    (
        "Sixteen consultant telephone advice services (including cardiology",
        "Sixteen consultant telephone advice services, including cardiology, neurology and paediatrics, were set "
        "up with the local provider.",
    ),
    (
        "In Tower Hamlets, two GPs stream all walk in A&E patients",
        "Two GPs in Tower Hamlets stream all walk in A&E patients and were able to triage 50% of them away.",
    ),
    (
        "At the moment there is no nationally agreed rate for the involvement of GPs",
        "There is currently no nationally agreed rate for GPs' involvement in management and leadership roles.",
    ),
    (
        "In the transition to when consortiums go live, each PCT has a fund of £2 per patient",
        "Until consortiums go live, each PCT has a fund of £2 per patient to support GPs in developing consortiums.",
    ),
    (
        "It is rare for repeated performance failures to lead to an individual being sacked",
        "Repeated performance failures rarely lead to an individual being sacked, but these will be decisions for "
        "each consortium team.",
    ),
    (
        "It is likely that there will be 3 to 4 GP leaders",
        "A moderate to large sized consortium is likely to have 3 to 4 GP leaders spending 2-3 days per week on "
        "commissioning work.",
    ),
    (
        "At present it is possible to pay into the NHS pension scheme only if",
        "At present you can pay into the NHS pension scheme only if you work for an NHS Employing Authority.",
    ),
    (
        "Generally speaking any GP with a GMS or PMS contract can be a member",
        "In general, any GP holding a GMS or PMS contract can be a member of the NHS Pension Scheme and offer it "
        "to practice staff.",
    ),
    (
        "This means that scheme members who are transferred to work for a private provider",
        "Scheme members transferred to work for a private provider could well lose access to the NHS pension scheme.",
    ),
    (
        "A rap about the reforms has had around 400,000 hits on YouTube.",
        "A rap about the reforms has been viewed around 400,000 times on YouTube.",
    ),
    (
        "Over the past six months, 11 GPs have been appointed as clinical commissioners",
        "In the past six months 11 GPs have been appointed as clinical commissioners, each working closely with a "
        "lead commissioner on important decisions about how care is delivered.",
    ),
    (
        "It is now accepting GP registrars to do four month placements",
        "The PCT now accepts GP registrars for four month placements to experience commissioning and learn about "
        "its business.",
    ),
    (
        "Lead commissioner for respiratory services Amanda Barnard says",
        "Amanda Barnard, lead commissioner for respiratory services, says working with a clinical commissioner is "
        "like a good marriage.",
    ),
    (
        "In the six months in which the collaboration has been in place",
        "In the six months of the collaboration, the tuberculosis pathway has been completely redesigned and "
        "workshops on sleep apnoea and engaging secondary care are being arranged.",
    ),
    (
        "We are one of only four CCGs in the country to have two health and wellbeing boards",
        "Bedfordshire CCG is one of only four CCGs in the country with two health and wellbeing boards, because it "
        "straddles two local authorities.",
    ),
    (
        "The health and wellbeing board has been meeting on a regular basis in shadow form since October.",
        "In Somerset the health and wellbeing board has been meeting regularly in shadow form since October.",
    ),
    (
        "We plan to have a manager accountable officer and a GP chair.",
        "East Riding of Yorkshire CCG plans to have a GP chair and a manager as accountable officer.",
    ),
    (
        "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): It will be a management member.",
        "In South Manchester CCG the accountable officer will be a management member.",
    ),
    (
        "It covers about 20 CCGs across the East Midlands",
        "It covers about 20 CCGs in the East Midlands and the Luton and Bedfordshire PCT cluster, purchasing "
        "mainly HR, IT and informatics.",
    ),
    (
        "Healthy organisations are those with shared values",
        "Healthy organisations have shared values, a clear sense of direction, a clear culture, accountability, "
        "innovation, an external focus and learning opportunities.",
    ),
    (
        "Patient panels can provide helpful input to service design",
        "Patient panels can give helpful input to service design, but there is little point setting them up "
        "before deciding which pathways to review.",
    ),
    (
        "Consortiums should not view patient engagement in isolation",
        "Consortiums should not treat patient engagement in isolation from their other work; it should be "
        "integral to their business plans.",
    ),
    (
        "GP remuneration through GMS and PMS contracts has not been significantly changed",
        "GP pay through GMS and PMS contracts has not been significantly changed to reflect the new commissioning "
        "roles.",
    ),
    (
        "Many consortiums are developing agreed referral pathways with secondary care",
        "Many consortiums are agreeing referral pathways with secondary care that offer the best quality and are "
        "the most cost effective.",
    ),
    (
        "The National Commissioning Board will be responsible for commissioning primary care.",
        "Primary care will be commissioned by the National Commissioning Board.",
    ),
    (
        "Increase in the normal pension age to be linked to state pension age",
        "The normal pension age would be linked to the state pension age, so members' normal pension ages would "
        "in future rise to between 65 and 68.",
    ),
]

# The issue's own examples, kept verbatim.
ISSUE_CASES: list[tuple[str, str, str]] = [
    ("Monitor's main duty is", "negated", "Monitor's main duty is not to regulate healthcare providers."),
    (
        "Monitor's main duty is",
        "merged",
        "Monitor's main duty is to regulate healthcare providers, and Monitor also sets GP salaries.",
    ),
]

AUX = re.compile(
    r"\b(is|are|was|were|will|would|can|could|should|must|may|might|has|have|had|does|do|did)\b(\s+not\b)?"
)
MODAL_SWAPS = {
    "must": "may",
    "should": "may",
    "may": "must",
    "might": "must",
    "can": "must",
    "could": "must",
    "will": "may",
    "would": "must",
    "has to": "may",
    "have to": "may",
    "need to": "may",
    "needs to": "may",
    "is likely to": "will",
    "are likely to": "will",
    "it is likely that": "it is certain that",
    "it is possible": "it is compulsory",
}
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def chunks_of(corpus: Path) -> list[Chunk]:
    manifest = load_manifest(corpus)
    out: list[Chunk] = []
    for meta in manifest.by_id().values():
        loaded = load(corpus / meta.file, meta.title, Limits())
        # Every passage, the ones the manifest keeps out of the index too: the set is about
        # judging a sentence against a passage, and it was drawn before the sponsor's
        # advertisement in the BMJ guide was excluded (two of its paraphrases come from there).
        out.extend(chunk_document(loaded, dataclasses.replace(meta, exclude=()), "checker-set"))
    return out


def sentences_of(chunk: Chunk) -> list[str]:
    return [chunk.text[s:e] for s, e in split_sentences(chunk.text)]


def row(kind: str, sentence: str, chunk: Chunk, source: str = "") -> dict[str, object]:
    return {
        "kind": kind,
        "supported": kind in {"verbatim", "paraphrase"},
        "sentence": sentence,
        "source": source,
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "publisher": chunk.publisher,
        "section": chunk.section,
        "passage": chunk.text,
    }


def negate(s: str) -> str | None:
    m = AUX.search(s)
    if not m:
        return None
    if m.group(2):
        return s[: m.start(2)] + s[m.end(2) :]  # negation dropped
    return s[: m.end(1)] + " not" + s[m.end(1) :]


def change_number(s: str, passage: str, rng: random.Random) -> str | None:
    have = quantities(passage)
    m = re.search(r"(?<![\w.])(\d+(?:[.,]\d+)?)(bn|m\b)?", s)
    if m:
        if m.group(2):  # the scale, not the number: "£65bn" → "£65m"
            new = m.group(1) + ("m" if m.group(2) == "bn" else "bn")
        else:
            raw = m.group(1).replace(",", "")
            value = float(raw)
            if 1900 <= value <= 2100:
                value += 2
            elif value < 10:
                value += rng.choice([2, 3])
            else:
                value = round(value * 1.5 + 1)
            new = f"{value:g}" if "." in raw else str(int(value))
        if new in have:
            return None
        return s[: m.start()] + new + s[m.end() :]
    for i, w in enumerate(NUMBER_WORDS):
        hit = re.search(rf"\b{w}\b", s, re.I)
        if hit:
            repl = NUMBER_WORDS[(i + 2) % len(NUMBER_WORDS)]
            if repl in normalise_quotes(passage).lower().split():
                return None
            repl = repl.capitalize() if hit.group(0)[0].isupper() else repl
            return s[: hit.start()] + repl + s[hit.end() :]
    return None


def swap_name(s: str, passage: str, pool: list[str], rng: random.Random) -> str | None:
    present = {w.lower() for w in re.findall(r"[A-Za-z]+", passage)}
    # Sorted before the shuffle: a set's order changes from run to run (string hashing), and the
    # same seed must draw the same set.
    found = sorted(n for n in names(s) if n in {w.lower() for w in re.findall(r"[A-Za-z]+", s)})
    rng.shuffle(found)
    for name in found:
        m = re.search(rf"\b{re.escape(name)}\b", s, re.I)
        if not m:
            continue
        word = m.group(0)
        acronym = word.isupper() and len(word) > 1
        options = [p for p in pool if (p.isupper() == acronym) and p.lower() not in present]
        if not options:
            continue
        return s[: m.start()] + rng.choice(options) + s[m.end() :]
    return None


def change_modality(s: str) -> str | None:
    for src in sorted(MODAL_SWAPS, key=len, reverse=True):
        m = re.search(rf"\b{src}\b", s, re.I)
        if m:
            repl = MODAL_SWAPS[src]
            repl = repl[0].upper() + repl[1:] if m.group(0)[0].isupper() else repl
            return s[: m.start()] + repl + s[m.end() :]
    return None


def merge(s: str, other: str, rng: random.Random) -> str:
    first = s.rstrip(" .")
    second = other.strip().rstrip(".")
    if second.split()[0].lower() not in {n for n in names(second)}:
        second = second[0].lower() + second[1:]
    joiner = rng.choice([", and ", "; ", " and also "])
    return f"{first}{joiner}{second}."


def find(chunks: list[Chunk], fragment: str) -> tuple[Chunk, str]:
    fragment = normalise_quotes(fragment)
    for c in chunks:
        for sent in sentences_of(c):
            if fragment in normalise_quotes(sent):
                return c, sent
    raise SystemExit(f"not in the corpus: {fragment!r}")


def build(corpus: Path, seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    chunks = chunks_of(corpus)
    known = corpus_names([c.text for c in chunks])
    pool = sorted({w for c in chunks for w in re.findall(r"\b[A-Z][A-Za-z]{2,}\b", c.text) if w.lower() in known})
    rows: list[dict[str, object]] = []
    candidates = [
        (c, s) for c in chunks for s in sentences_of(c) if 8 <= len(s.split()) <= 45 and not s.startswith("•")
    ]
    rng.shuffle(candidates)
    used_chunks: set[str] = set()
    verbatim: list[tuple[Chunk, str]] = []
    for c, s in candidates:
        if c.chunk_id in used_chunks or len(verbatim) >= N_VERBATIM:
            continue
        used_chunks.add(c.chunk_id)
        verbatim.append((c, s))
        rows.append(row("verbatim", s, c))
    supported: list[tuple[Chunk, str]] = list(verbatim)
    for fragment, paraphrase in PARAPHRASES:
        c, source = find(chunks, fragment)
        rows.append(row("paraphrase", paraphrase, c, source))
        supported.append((c, paraphrase))

    corruptions: dict[str, list[dict[str, object]]] = {k: [] for k in ("negated", "number", "name", "modality")}
    corruptions["merged"] = []
    for fragment, kind, sentence in ISSUE_CASES:
        c, source = find(chunks, fragment)
        corruptions[kind].append(row(kind, sentence, c, source))
    for c, s in supported:
        made = {
            "negated": negate(s),
            "number": change_number(s, c.text, rng),
            "name": swap_name(s, c.text, pool, rng),
            "modality": change_modality(s),
        }
        for kind, new in made.items():
            if new and new != s:
                corruptions[kind].append(row(kind, new, c, s))
        others = [x for x in candidates if x[0].doc_id != c.doc_id]
        other = rng.choice(others)[1]
        corruptions["merged"].append(row("merged", merge(s, other, rng), c, s))
    for kind, made_rows in corruptions.items():
        keep = made_rows[: len(ISSUE_CASES)] if kind in {k for _, k, _ in ISSUE_CASES} else []
        rest = [r for r in made_rows if r not in keep]
        rng.shuffle(rest)
        rows.extend(keep + rest[: N_PER_CORRUPTION - len(keep)])

    wrong = 0
    for c, s in verbatim:
        if wrong >= N_WRONG_PASSAGE:
            break
        s_terms = terms(s)
        elsewhere = [o for o in chunks if o.doc_id != c.doc_id]
        best = max(elsewhere, key=lambda o: containment(s_terms, set(terms(o.text))))
        # A sentence another document states just as well is not a wrong passage.
        if containment(s_terms, set(terms(best.text))) >= 0.7:
            continue
        rows.append(row("wrong_passage", s, best, s))
        wrong += 1
    for i, r in enumerate(rows):
        r["id"] = f"{r['kind']}-{i:03d}"
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument(
        "--seed", type=int, default=SEED, help="another draw of the same kinds, to check the thresholds on pairs unseen"
    )
    args = p.parse_args()
    rows = build(args.corpus, args.seed)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[str(r["kind"])] = kinds.get(str(r["kind"]), 0) + 1
    print(f"{len(rows)} pairs written to {args.out}: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
