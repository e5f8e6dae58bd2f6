"""Write N realistic, varied, fictional case files for benchmarks (seeded, so runs compare).

Each case follows a common course of advanced thyroid cancer: surgery, sometimes
radiotherapy, one to three systemic lines (a drug ends when the next begins, the last may be
ongoing), 3-14 scans with responses, 0-4 adverse events; some dates known only to the month.
Usage: python benchmarks/generate.py OUT_DIR [--count 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

DRUGS = [
    ("Lenvatinib", "targeted", ["24 mg", "20 mg", "14 mg"], "QD"),
    ("Sorafenib", "targeted", ["400 mg", "200 mg"], "BID"),
    ("Cabozantinib", "targeted", ["60 mg", "40 mg"], "QD"),
    ("Dabrafenib + trametinib", "targeted", ["150 mg + 2 mg"], "BID"),
    ("Selpercatinib", "targeted", ["160 mg", "120 mg"], "BID"),
    ("Pembrolizumab", "immunotherapy", ["200 mg"], "Q3W"),
    ("Nivolumab", "immunotherapy", ["240 mg", "480 mg"], "Q2W"),
    ("Paclitaxel", "chemotherapy", ["80 mg/m2"], "QW"),
    ("Doxorubicin", "chemotherapy", ["60 mg/m2"], "Q3W"),
]
STOPS = ["Disease progression", "Toxicity", "Patient choice", "Completed"]
SCANS = [("CT", "Neck, chest"), ("PET-CT", "Whole body"), ("MRI", "Brain"), ("Ultrasound", "Neck")]
FINDINGS = {
    "PR": "Target lesions smaller",
    "SD": "Stable disease",
    "PD": "New lung nodules",
    "CR": "No evidence of disease",
    "iUPD": "Growth, unconfirmed",
}
AES = [
    ("Hypertension", "dose_reduced"),
    ("Fatigue", "none"),
    ("Diarrhoea", "symptomatic_treatment"),
    ("Proteinuria", "drug_interrupted"),
    ("Hand-foot skin reaction", "dose_reduced"),
    ("Pneumonitis", "drug_withdrawn"),
]


def _day(d: date, rng: random.Random) -> str:
    """A date, one in five known only to the month."""
    return d.strftime("%Y-%m") if rng.random() < 0.2 else d.isoformat()


def case_text(number: int, rng: random.Random) -> str:
    """One case file's YAML."""
    diagnosed = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 2900))
    cutoff = min(diagnosed + timedelta(days=rng.randrange(300, 2400)), date(2025, 6, 30))
    deceased = rng.random() < 0.3
    lines = [
        "schema: atc-timeline/1",
        "case:",
        f"  id: generated-{number:04d}",
        f'  title: "Generated case {number}: advanced thyroid cancer, systemic therapy"',
        "  source: Generated for benchmarks (fictional)",
        f'  data_cutoff: "{cutoff.isoformat()}"',
        "patient:",
        f"  age: {rng.randrange(35, 86)}",
        f"  sex: {rng.choice(['female', 'male'])}",
        f"  status: {'deceased' if deceased else 'alive'}",
    ]
    if deceased:
        lines.append(f'  death_date: "{cutoff.isoformat()}"')
    lines += [
        "diagnosis:",
        f"  label: {rng.choice(['Anaplastic', 'Poorly differentiated', 'Papillary'])} thyroid carcinoma",
        f'  date: "{diagnosed.isoformat()}"',
        "  molecular: [" + rng.choice(["BRAF V600E", "RET fusion", "NRAS Q61R", "TERT C228T"]) + "]",
        "procedures:",
        "  - id: surgery",
        f"    label: {rng.choice(['Total thyroidectomy', 'Hemithyroidectomy', 'Core biopsy'])}",
        f'    date: "{(diagnosed - timedelta(days=rng.randrange(0, 20))).isoformat()}"',
        "    outcome: R1 resection",
    ]
    start = diagnosed + timedelta(days=rng.randrange(20, 60))
    if rng.random() < 0.6:
        fractions = rng.choice([10, 20, 30, 33])
        end = start + timedelta(days=fractions * 7 // 5)
        lines += [
            "radiotherapy:",
            "  - id: rt-neck",
            "    label: RT neck",
            f'    start: "{start.isoformat()}"',
            f'    end: "{end.isoformat()}"',
            "    dose_per_fraction: 2.0",
            f"    fractions: {fractions}",
            f"    total_dose: {2 * fractions}",
        ]
        start = end + timedelta(days=rng.randrange(14, 60))
    lines.append("medications:")
    chosen = rng.sample(DRUGS, rng.randrange(1, 4))
    medication_ids = []
    for index, (name, kind, doses, schedule) in enumerate(chosen):
        if index and start + timedelta(days=60) >= cutoff:
            break
        last = index == len(chosen) - 1
        end = start + timedelta(days=rng.randrange(60, 500))
        if end >= cutoff:
            end = cutoff - timedelta(days=10)
        ongoing = last and not deceased and rng.random() < 0.5
        ident = f"line-{index + 1}"
        medication_ids.append(ident)
        lines += [
            f"  - id: {ident}",
            f"    label: {name}",
            f"    class: {kind}",
            f'    start: "{_day(start, rng)}"',
            f"    end: {'ongoing' if ongoing else repr(end.isoformat())}",
            f"    dose: {doses[0]}",
            f"    schedule: {schedule}",
        ]
        if not ongoing:
            lines.append(f"    stop_reason: {rng.choice(STOPS)}")
        if len(doses) > 1 and rng.random() < 0.5 and (end - start).days > 90:
            lines += [
                "    phases:",
                f'      - start: "{start.isoformat()}"',
                f"        dose: {doses[0]}",
                f'      - start: "{(start + timedelta(days=(end - start).days // 2)).isoformat()}"',
                f"        dose: {doses[1]}",
            ]
        if ongoing or end + timedelta(days=30) >= cutoff:
            break
        start = end + timedelta(days=rng.randrange(7, 60))
    lines.append("imaging:")
    scan_day = diagnosed - timedelta(days=rng.randrange(1, 10))
    for index in range(rng.randrange(3, 15)):
        if scan_day >= cutoff:
            break
        modality, site = rng.choice(SCANS)
        response = "baseline" if index == 0 else rng.choices(list(FINDINGS), weights=[4, 4, 2, 1, 1])[0]
        finding = "Primary tumour and nodal disease" if index == 0 else FINDINGS[response]
        lines += [
            f"  - id: scan-{index + 1}",
            f'    date: "{_day(scan_day, rng)}"',
            f"    modality: {modality}",
            f"    site: {site}",
            f"    finding: {finding}",
            f"    response: {response}",
        ]
        scan_day += timedelta(days=rng.randrange(45, 150))
    events = rng.sample(AES, rng.randrange(0, 5))
    if events:
        lines.append("adverse_events:")
    for index, (term, action) in enumerate(events):
        begins = diagnosed + timedelta(days=rng.randrange(60, max(61, (cutoff - diagnosed).days - 30)))
        ends = min(begins + timedelta(days=rng.randrange(7, 200)), cutoff)
        lines += [
            f"  - id: ae-{index + 1}",
            f"    term: {term}",
            f"    grade: {rng.randrange(1, 4)}",
            f'    start: "{begins.isoformat()}"',
            f'    end: "{ends.isoformat()}"',
            f"    action: {action}",
            f"    suspect: [{rng.choice(medication_ids)}]",
        ]
    return "\n".join(lines) + "\n"


def write_cases(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Write `count` cases into folder; returns their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"generated-{number:04d}.yaml"
        path.write_text(case_text(number, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_cases(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
