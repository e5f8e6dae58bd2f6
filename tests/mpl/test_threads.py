"""Threads drawing and measuring at once get the bytes one thread gets.

Each check runs in a fresh interpreter: a race that corrupts memory ends that process, not
the test run, and the glyph caches start empty, so the threads render glyphs concurrently.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

import atc_timeline.draw.figure
import atc_timeline.writers.figure_bytes
from tests.conftest import CASES, ROOT

THREADS = 8

# Switching threads every 10 us instead of 5 ms makes a race show within a few rounds.
TEXT_RACE = """
import hashlib, io, json, sys
from concurrent.futures import ThreadPoolExecutor
from matplotlib.figure import Figure
from atc_timeline.draw.themes import LIGHT
from atc_timeline.mpl import agg_text, measure
from atc_timeline.mpl.agg_text import FastTextCanvas
from atc_timeline.mpl.measure import make_measure

sys.setswitchinterval(1e-5)
TEXTS = ["Cabozantinib 40 mg QD", "MRI: PR −42 % (iRECIST)", "甲状腺未分化癌 卡博替尼", "Ёё ΑΩ ñ ø ł",
         "Arteriovenous thrombosis · drug withdrawn", "Jul\\n2018", "역형성 갑상선암", "0123456789"]

def job(number):
    weight = ("normal", "bold")[number % 2]
    size = 6 + number % 5
    fig = Figure(figsize=(4, 3), dpi=60 + 10 * (number % 3))
    FastTextCanvas(fig)
    for row, text in enumerate(TEXTS):
        fig.text(0.02, 0.95 - row * 0.12, text, fontsize=size, weight=weight, family=list(LIGHT.families()))
    out = io.BytesIO()
    fig.savefig(out, format="raw")
    widths = [make_measure(LIGHT, weight)(text, size) for text in TEXTS]
    return hashlib.sha256(out.getvalue()).hexdigest(), widths

def empty_caches():
    for module in (agg_text, measure):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()

jobs = range({threads} * 2)
serial = [job(n) for n in jobs]
differ = 0
for _ in range({rounds}):
    empty_caches()
    with ThreadPoolExecutor({threads}) as pool:
        differ += sum(got != want for got, want in zip(pool.map(job, jobs), serial))
print(json.dumps({{"differ": differ, "of": {rounds} * len(jobs)}}))
"""

CASE_RACE = """
import hashlib, json, sys
from concurrent.futures import ThreadPoolExecutor
from atc_timeline.mpl import agg_text, measure
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case

sys.setswitchinterval(1e-5)
paths = {cases!r} * 2
options = ChartOptions(dpi=40)
def job(path):
    return hashlib.sha256(render_case(path, "png", options)).hexdigest()
serial = [job(p) for p in paths]
differ = 0
for _ in range({rounds}):
    for module in (agg_text, measure):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    with ThreadPoolExecutor({threads}) as pool:
        differ += sum(got != want for got, want in zip(pool.map(job, paths), serial))
print(json.dumps({{"differ": differ, "of": {rounds} * len(paths)}}))
"""


def _run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, f"the threads crashed the interpreter ({done.returncode}): {done.stderr}"
    return json.loads(done.stdout.splitlines()[-1])


def test_threads_render_and_measure_text_as_one_thread_does():
    seen = _run(TEXT_RACE.format(threads=THREADS, rounds=6))
    assert seen["differ"] == 0, seen


def _enters_rc_through_the_lock(module: object) -> bool:
    return "drawing_rc(" in inspect.getsource(module)  # type: ignore[arg-type]


@pytest.mark.skipif(
    not (
        _enters_rc_through_the_lock(atc_timeline.draw.figure)
        and _enters_rc_through_the_lock(atc_timeline.writers.figure_bytes)
    ),
    reason="draw_timeline and figure_to_bytes still enter matplotlib.rc_context directly, which is "
    "not thread-safe; they are to use atc_timeline.mpl.rc.drawing_rc",
)
def test_threads_render_cases_as_one_thread_does():
    seen = _run(CASE_RACE.format(cases=[str(p) for p in CASES], threads=THREADS, rounds=4))
    assert seen["differ"] == 0, seen
