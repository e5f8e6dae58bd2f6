"""Realistic and adversarial case files for the layout-quality benchmark (seeded, so runs compare).

Each case is a plausible course of advanced thyroid cancer, bent by one or more traits that
have broken charts before: long titles and labels, Chinese and Japanese text, 40+ scans in
one lane, many adverse events, year-, month- and uncertain (`?`, `~`, `%`) dates, a death,
everything on one day, a single event, long stop reasons, many lanes, a follow-up of 10-20
years. Every case is validated with the reader the command line uses.

Usage: python benchmarks/corpus.py OUT_DIR [--count 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

TRAITS = (
    "long",
    "cjk",
    "scans",
    "aes",
    "imprecise",
    "deceased",
    "one_day",
    "single",
    "stops",
    "lanes",
    "span",
)
# Cases made of one trait each, in turn, then mixes of a few; "single" and "one_day" stand alone.
ALONE = ("single", "one_day")
LAST_DAY = date(2025, 6, 30)  # no date may lie in the future

DRUGS = [
    ("Lenvatinib", "targeted", ["24 mg", "20 mg", "14 mg", "10 mg"], "QD"),
    ("Sorafenib", "targeted", ["400 mg", "200 mg"], "BID"),
    ("Cabozantinib", "targeted", ["60 mg", "40 mg", "20 mg"], "QD"),
    ("Dabrafenib + trametinib", "targeted", ["150 mg + 2 mg", "100 mg + 1.5 mg"], "BID"),
    ("Selpercatinib", "targeted", ["160 mg", "120 mg"], "BID"),
    ("Pralsetinib", "targeted", ["400 mg", "300 mg"], "QD"),
    ("Larotrectinib", "targeted", ["100 mg"], "BID"),
    ("Vandetanib", "targeted", ["300 mg", "200 mg"], "QD"),
    ("Pembrolizumab", "immunotherapy", ["200 mg"], "Q3W"),
    ("Nivolumab", "immunotherapy", ["240 mg", "480 mg"], "Q2W"),
    ("Spartalizumab", "immunotherapy", ["400 mg"], "Q4W"),
    ("Paclitaxel", "chemotherapy", ["80 mg/m2"], "QW"),
    ("Doxorubicin", "chemotherapy", ["60 mg/m2"], "Q3W"),
    ("Carboplatin + paclitaxel", "chemotherapy", ["AUC 2 + 50 mg/m2"], "QW"),
    ("Levothyroxine (TSH suppression)", "hormonal", ["150 ug"], "QD"),
]
CJK_DRUGS = [
    ("仑伐替尼", "targeted"),
    ("卡博替尼", "targeted"),
    ("纳武利尤单抗", "immunotherapy"),
    ("カボザンチニブ", "targeted"),
]
STOPS = ["Disease progression", "Toxicity", "Patient choice", "Completed", "Clinical deterioration"]
LONG_STOPS = [
    "Clinical deterioration with rapidly progressive dyspnoea and declining performance status",
    "Grade 3 arteriovenous thrombosis of the left subclavian vein requiring anticoagulation",
    "Radiological progression (new hepatic and osseous metastases, RECIST 1.1 PD)",
    "Withdrawn at the patient's request after discussion with the multidisciplinary team",
]
CJK_STOPS = ["疾病进展", "不良反应（3级高血压）", "患者意愿"]
SCANS = [
    ("CT", "Neck, chest"),
    ("PET-CT", "Whole body"),
    ("MRI", "Brain"),
    ("Ultrasound", "Neck"),
    ("X-ray", "Chest"),
]
FINDINGS = {
    "baseline": "Primary tumour and nodal disease",
    "PR": "Target lesions smaller",
    "SD": "Stable disease",
    "PD": "New lung nodules",
    "CR": "No evidence of disease",
    "iUPD": "Growth, unconfirmed",
    "NE": "Not evaluable",
}
LONG_FINDINGS = [
    "Cerebellar metastasis 14 mm with surrounding vasogenic oedema, no hydrocephalus",
    "Multiple new bilateral pulmonary nodules, the largest 23 mm in the right lower lobe",
    "Interval decrease of the nodal conglomerate in level IV and the upper mediastinum",
    "Unchanged post-operative appearances of the thyroid bed; no locoregional recurrence",
]
CJK_FINDINGS = ["小脑转移灶，周围水肿", "双肺多发结节，较前增大", "颈部淋巴结缩小", "未见复发"]
AES = [
    ("Hypertension", "dose_reduced"),
    ("Fatigue", "none"),
    ("Diarrhoea", "symptomatic_treatment"),
    ("Proteinuria", "drug_interrupted"),
    ("Hand-foot skin reaction", "dose_reduced"),
    ("Pneumonitis", "drug_withdrawn"),
    ("Hypothyroidism", "symptomatic_treatment"),
    ("Arteriovenous thrombosis", "drug_withdrawn"),
    ("Weight loss", "none"),
    ("Mucositis oral", "symptomatic_treatment"),
    ("Palmar-plantar erythrodysaesthesia syndrome", "dose_reduced"),
    ("Alanine aminotransferase increased", "drug_interrupted"),
]
CJK_AES = [("高血压", "dose_reduced"), ("腹泻", "symptomatic_treatment"), ("手足综合征", "dose_reduced")]
LONG_TITLE = (
    "Anaplastic thyroid carcinoma arising in long-standing papillary carcinoma: neoadjuvant "
    "dabrafenib plus trametinib, completion thyroidectomy, adjuvant chemoradiotherapy and "
    "salvage immunotherapy over {years} years"
)
CJK_TITLE = "甲状腺未分化癌：卡博替尼联合纳武利尤单抗治疗（病例{number}）"


@dataclass
class _Case:
    """A case being written: its random source, traits, dates and growing sections."""

    rng: random.Random
    traits: frozenset[str]
    number: int
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lanes: list[str] = field(default_factory=list)
    ids: int = 0
    deceased: bool = False

    def has(self, trait: str) -> bool:
        """True when the case has this trait."""
        return trait in self.traits

    def ident(self, stem: str) -> str:
        """A new item id."""
        self.ids += 1
        return f"{stem}-{self.ids}"

    def add(self, section: str, item: dict[str, Any]) -> None:
        """Append an item to a section of the case file."""
        self.sections.setdefault(section, []).append(item)

    def day(self, d: date, partial: bool = True) -> str:
        """A date as a clinician's record gives it: mostly to the day, imprecise under that trait."""
        rng = self.rng
        if not partial:
            return d.isoformat()
        if self.has("imprecise"):
            text = rng.choice([d.isoformat(), d.isoformat()[:7], d.isoformat()[:7], str(d.year)])
            return text + rng.choice(["", "", "~", "?", "%"])
        return d.strftime("%Y-%m") if rng.random() < 0.15 else d.isoformat()

    def text(self, plain: str, long: list[str] | None = None, cjk: list[str] | None = None) -> str:
        """A label: plain, or a long or CJK one when the case has that trait (three times in five)."""
        if cjk and self.has("cjk") and self.rng.random() < 0.6:
            return self.rng.choice(cjk)
        if long and self.has("long") and self.rng.random() < 0.6:
            return self.rng.choice(long)
        return plain


def traits_for(number: int, rng: random.Random) -> frozenset[str]:
    """Case `number`'s traits: one each in turn for the first cases, then a mix of two to four."""
    if number < len(TRAITS) * 2:
        return frozenset({TRAITS[number % len(TRAITS)]})
    if rng.random() < 0.15:
        return frozenset()  # plain realistic cases stay part of the corpus
    pool = [t for t in TRAITS if t not in ALONE]
    return frozenset(rng.sample(pool, rng.randrange(2, 5)))


def case_data(number: int, rng: random.Random, traits: frozenset[str] | None = None) -> dict[str, Any]:
    """One case file's content, as the YAML reader would see it."""
    c = _Case(rng, traits_for(number, rng) if traits is None else traits, number)
    years = rng.randrange(10, 21) if c.has("span") else 0
    follow_up = years * 365 + rng.randrange(0, 300) if years else rng.randrange(200, 2400)
    if c.has("one_day") or c.has("single"):
        follow_up = rng.randrange(0, 60)
    cutoff = LAST_DAY - timedelta(days=rng.randrange(0, 900))
    diagnosed = cutoff - timedelta(days=follow_up)
    deceased = c.deceased = c.has("deceased") or rng.random() < 0.1
    name = "+".join(sorted(c.traits)) or "typical"
    title = f"Generated case {number} ({name}): advanced thyroid cancer, systemic therapy"
    if c.has("long"):
        title = LONG_TITLE.format(years=max(years, 3))
    elif c.has("cjk"):
        title = CJK_TITLE.format(number=number)
    data: dict[str, Any] = {
        "schema": "atc-timeline/1",
        "case": {
            "id": f"quality-{number:04d}",
            "title": title,
            "source": "Generated for the layout-quality benchmark (fictional)",
            "data_cutoff": cutoff.isoformat(),
        },
        "patient": {
            "age": rng.randrange(25, 90),
            "sex": rng.choice(["female", "male", "other", "unknown"]),
            "status": "deceased" if deceased else rng.choice(["alive", "alive", "unknown"]),
        },
        "diagnosis": {
            "label": c.text(
                rng.choice(["Anaplastic thyroid carcinoma", "Poorly differentiated thyroid carcinoma"]),
                ["Anaplastic thyroid carcinoma arising in a tall-cell papillary carcinoma, BRAF V600E"],
                ["甲状腺未分化癌"],
            ),
            "date": c.day(diagnosed),
            "molecular": rng.sample(["BRAF V600E", "RET fusion", "NRAS Q61R", "TERT C228T", "TP53 R248Q"], 2),
        },
    }
    if deceased:
        data["patient"]["death_date"] = cutoff.isoformat()
    if rng.random() < 0.4:
        data["diagnosis"]["metastases"] = [
            {"site": rng.choice(["Lungs", "Bone (T8 vertebra)", "Liver", "Brain"]), "date": c.day(diagnosed)}
        ]
    if c.has("single"):
        _single(c, diagnosed)
    elif c.has("one_day"):
        _one_day(c, diagnosed)
    else:
        _course(c, diagnosed, cutoff, deceased)
    data.update(c.sections)
    if c.lanes:
        data["display"] = {"lanes": c.lanes}
    return data


def _single(c: _Case, day: date) -> None:
    """One event and nothing else."""
    kind = c.rng.choice(["procedure", "imaging", "medication"])
    if kind == "procedure":
        c.add("procedures", {"id": "surgery", "label": c.text("Total thyroidectomy"), "date": c.day(day)})
    elif kind == "imaging":
        c.add("imaging", {"id": "ct", "date": c.day(day), "modality": "CT", "finding": "Neck mass 6 cm"})
    else:
        c.add(
            "medications",
            {
                "id": "drug",
                "label": "Lenvatinib",
                "class": "targeted",
                "start": c.day(day),
                "end": "ongoing" if c.rng.random() < 0.5 and not c.deceased else "unknown",
            },
        )


def _one_day(c: _Case, day: date) -> None:
    """Surgery, a scan, a drug given once and an adverse event, all on the same day."""
    iso = day.isoformat()
    c.add("procedures", {"id": "biopsy", "label": "Core needle biopsy", "date": iso, "outcome": "ATC"})
    c.add("procedures", {"id": "trach", "label": "Tracheostomy", "date": iso})
    c.add(
        "imaging",
        {"id": "ct", "date": iso, "modality": "CT", "finding": "6 cm neck mass", "response": "baseline"},
    )
    c.add(
        "imaging",
        {"id": "pet", "date": iso, "modality": "PET-CT", "finding": "Avid nodes", "response": "baseline"},
    )
    c.add(
        "radiotherapy",
        {
            "id": "rt",
            "label": "RT single fraction",
            "start": iso,
            "end": iso,
            "dose_per_fraction": 8.0,
            "fractions": 1,
        },
    )
    c.add(
        "medications",
        {
            "id": "dex",
            "label": "Dexamethasone",
            "class": "other",
            "start": iso,
            "end": iso,
            "dose": "8 mg",
            "schedule": "ONCE",
        },
    )
    c.add(
        "adverse_events",
        {"id": "ae", "term": "Stridor", "grade": 3, "start": iso, "end": iso, "suspect": ["dex"]},
    )


def _course(c: _Case, diagnosed: date, cutoff: date, deceased: bool) -> None:
    """Surgery, sometimes radiotherapy, systemic lines, scans and adverse events until the cut-off."""
    rng = c.rng
    span = max((cutoff - diagnosed).days, 30)

    def at(fraction: float) -> date:
        return diagnosed + timedelta(days=int(span * fraction))

    c.add(
        "procedures",
        {
            "id": "surgery",
            "label": c.text(
                rng.choice(["Total thyroidectomy", "Core needle biopsy", "Hemithyroidectomy"]),
                ["Thyroidectomy with central and bilateral lateral neck dissection"],
                ["甲状腺全切除术"],
            ),
            "date": c.day(diagnosed),
            "outcome": c.text(
                "R1 resection", ["Tumour resected; disease left on the trachea (R2)"], ["R1切除"]
            ),
        },
    )
    start = diagnosed + timedelta(days=rng.randrange(14, 50))
    if rng.random() < 0.6 and start < cutoff:
        fractions = rng.choice([1, 5, 10, 20, 30, 33])
        end = min(start + timedelta(days=fractions * 7 // 5), cutoff)
        rt: dict[str, Any] = {
            "id": c.ident("rt"),
            "label": c.text("RT neck", ["Chemoradiotherapy to the neck and upper mediastinum"]),
            "start": c.day(start, partial=False),
            "end": c.day(end, partial=False),
        }
        rt.update(
            {
                "dose_per_fraction": rng.choice(["2 Gy", "200 cGy", 2.0]),
                "fractions": fractions,
                "total_dose": 2 * fractions,
            }
        )
        c.add("radiotherapy", rt)
        start = end + timedelta(days=rng.randrange(14, 60))
    medication_ids = _lines(c, start, cutoff, deceased)
    _scans(c, diagnosed, cutoff)
    _adverse_events(c, diagnosed, cutoff, medication_ids)
    if c.has("lanes"):
        for index in range(rng.randrange(3, 7)):
            day = at(rng.random())
            lane = f"Supportive care {index + 1}"
            if c.has("long"):
                lane = f"Supportive care {index + 1}: palliative procedures and symptom control"
            c.add(
                "procedures",
                {
                    "id": c.ident("proc"),
                    "label": rng.choice(["Port insertion", "Pleural drain", "Gastrostomy", "Stent"]),
                    "date": c.day(day),
                    "lane": lane,
                },
            )
            c.lanes.append(lane)
        # The order a clinician would list: surgery and radiotherapy, the drugs in the order
        # given, the supportive lanes, then imaging and adverse events; only lanes in use.
        drugs = [
            "Chemotherapy" if m.get("class") == "chemotherapy" else m.get("lane") or m["label"]
            for m in c.sections.get("medications", [])
        ]
        order = ["Surgery", *(["Radiotherapy"] if "radiotherapy" in c.sections else []), *drugs, *c.lanes]
        order += ["Imaging", *(["Adverse events"] if "adverse_events" in c.sections else [])]
        c.lanes[:] = list(dict.fromkeys(order))


def _lines(c: _Case, start: date, cutoff: date, deceased: bool) -> list[str]:
    """One to three systemic lines (more with many lanes), each ending where the next begins."""
    rng = c.rng
    count = rng.randrange(6, 10) if c.has("lanes") else rng.randrange(1, 4)
    chosen = rng.sample(DRUGS, count)
    ids: list[str] = []
    total = max((cutoff - start).days, 1)
    for index, (name, kind, doses, schedule) in enumerate(chosen):
        if start >= cutoff - timedelta(days=5):
            break
        last = index == len(chosen) - 1
        length = rng.randrange(30, max(31, int(total / max(count - index, 1) * 1.6)))
        end = min(start + timedelta(days=length), cutoff)
        ongoing = last and not deceased and rng.random() < 0.5
        unknown = not ongoing and rng.random() < (0.3 if c.has("imprecise") else 0.08)
        ident = c.ident("line")
        ids.append(ident)
        label = name
        if c.has("cjk") and rng.random() < 0.5:
            label, kind = rng.choice(CJK_DRUGS)
        med: dict[str, Any] = {
            "id": ident,
            "label": label,
            "class": kind,
            "start": c.day(start),
            "dose": doses[0],
            "schedule": schedule,
        }
        med["end"] = "ongoing" if ongoing else "unknown" if unknown else c.day(end)
        if not ongoing and rng.random() < 0.8:
            reason = rng.choice(STOPS)
            if c.has("stops"):
                reason = rng.choice(LONG_STOPS)
            elif c.has("cjk") and rng.random() < 0.5:
                reason = rng.choice(CJK_STOPS)
            med["stop_reason"] = reason
        if rng.random() < 0.3:
            med["outcome"] = c.text(
                "PR", ["Partial response, then progression after about eight months"], ["部分缓解"]
            )
        if len(doses) > 1 and (end - start).days > 60 and rng.random() < 0.6:
            cuts = sorted(
                rng.sample(range(1, (end - start).days), min(len(doses) - 1, (end - start).days - 1))
            )
            med["phases"] = [{"start": start.isoformat(), "dose": doses[0]}]
            for dose, cut in zip(doses[1:], cuts, strict=False):
                med["phases"].append(
                    {"start": c.day(start + timedelta(days=cut), partial=False), "dose": dose}
                )
        c.add("medications", med)
        if ongoing:
            break
        start = end + timedelta(days=rng.randrange(0, 40))
    return ids


def _scans(c: _Case, diagnosed: date, cutoff: date) -> None:
    """Scans from diagnosis to the cut-off: 3-14, or 40-60 (some days apart) with that trait."""
    rng = c.rng
    many = c.has("scans")
    count = rng.randrange(40, 61) if many else rng.randrange(3, 15)
    span = max((cutoff - diagnosed).days, 1)
    days = sorted(rng.randrange(0, span + 1) for _ in range(count))
    if many:  # bursts of scans in the same week, as around a surgery or a trial's baseline
        days = sorted({*days, *(d + rng.randrange(0, 4) for d in rng.sample(days, count // 4))})
        days = [d for d in days if d <= span]
    for index, offset in enumerate(days):
        modality, site = rng.choice(SCANS)
        response = (
            "baseline" if index == 0 else rng.choices(list(FINDINGS)[1:], weights=[4, 4, 2, 1, 1, 1])[0]
        )
        scan: dict[str, Any] = {
            "id": c.ident("scan"),
            "date": c.day(diagnosed + timedelta(days=offset)),
            "modality": modality,
            "site": site,
        }
        scan["finding"] = c.text(FINDINGS[response], LONG_FINDINGS, CJK_FINDINGS)
        scan["response"] = response
        c.add("imaging", scan)


def _adverse_events(c: _Case, diagnosed: date, cutoff: date, medication_ids: list[str]) -> None:
    """Adverse events: 0-4, or 10-20 with that trait; points, bars, unknown and ongoing ends."""
    rng = c.rng
    count = rng.randrange(10, 21) if c.has("aes") else rng.randrange(0, 5)
    span = max((cutoff - diagnosed).days, 1)
    pool = AES + (CJK_AES if c.has("cjk") else [])
    for _ in range(count):
        term, action = rng.choice(pool)
        begins = diagnosed + timedelta(days=rng.randrange(0, span + 1))
        ae: dict[str, Any] = {
            "id": c.ident("ae"),
            "term": term,
            "grade": rng.randrange(1, 6),
            "start": c.day(begins),
            "action": action,
        }
        shape = rng.random()
        if shape < 0.5:
            ae["end"] = c.day(min(begins + timedelta(days=rng.randrange(3, 300)), cutoff))
        elif shape < 0.65:
            ae["end"] = "unknown"
        elif shape < 0.75 and not c.deceased:
            ae["end"] = "ongoing"
        if medication_ids and rng.random() < 0.7:
            ae["suspect"] = [rng.choice(medication_ids)]
        c.add("adverse_events", ae)


def case_text(number: int, rng: random.Random) -> str:
    """One case file's YAML."""
    return yaml.safe_dump(case_data(number, rng), sort_keys=False, allow_unicode=True, width=1000)


def corpus(count: int, seed: int = 1) -> list[tuple[str, str]]:
    """`count` valid cases as (file name, YAML text), the same for the same seed.

    A case the reader refuses (an imprecise end drawn before its start, say) is drawn again
    from the same seed, so the corpus never holds a file the command line would refuse.
    """
    from atc_timeline.errors import CaseError
    from atc_timeline.readers.yaml_case import load_case_text

    cases = []
    for number in range(count):
        for attempt in range(20):
            rng = random.Random(f"{seed}-{number}-{attempt}")
            text = case_text(number, rng)
            try:
                load_case_text(text, f"quality-{number:04d}.yaml")
            except CaseError:
                continue
            break
        else:
            raise RuntimeError(f"case {number} of seed {seed}: no valid case in 20 attempts")
        cases.append((f"quality-{number:04d}.yaml", text))
    return cases


def write_corpus(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Write the corpus into folder, each file loaded back as the command line reads it; the paths."""
    from atc_timeline.readers.yaml_case import load_case

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in corpus(count, seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        load_case(path)  # raises if the written file does not load
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
