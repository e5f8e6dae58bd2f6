"""Print atc-timeline's speed and memory figures next to their floors, in one run.

Usage: python benchmarks/run.py [--runs 5] [--cases 500] [--batch-runs 3]
Whole-process figures are medians over --runs runs (after one warm-up run) on this machine;
batch figures are medians over --batch-runs runs of rendering --cases generated cases.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = ROOT / "cases" / "atc-2017-nivolumab-cabozantinib.yaml"
CLI = [sys.executable, "-m", "atc_timeline"]
BATCH = ["--size", "slide-16x9", "--dpi", "120", "-q"]  # the batch setting
# Commands run as an installed package runs: with its bytecode (the warm-up run writes it).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_cases  # noqa: E402


def timed(command: list[str], runs: int) -> float:
    """Median wall seconds of a command run as a whole process (after one warm-up run)."""
    subprocess.run(command, check=True, capture_output=True, env=ENV)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=ENV)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def warm(fmt: str, runs: int) -> float:
    """Median seconds per chart when one process renders the founding case repeatedly."""
    from atc_timeline.options import ChartOptions
    from atc_timeline.pipeline import render_case
    from atc_timeline.readers.yaml_case import load_case

    case = load_case(FOUNDING)
    render_case(case, fmt, ChartOptions())
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        render_case(case, fmt, ChartOptions())
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def throughput(paths: list[Path], fmt: str, jobs: int, out: Path, runs: int) -> tuple[float, float]:
    """Median charts per second, and the largest process's peak RSS (MiB), of a batch render."""
    rates, peaks = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        command = [*CLI, "render", *map(str, paths), "-o", f"{out}/", "--format", fmt, "--jobs", str(jobs)]
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # a child to wait on, so its rusage holds this batch's peak alone
            os.execvpe(command[0], [*command, *BATCH], ENV)
        _, status, usage = os.wait4(pid, 0)
        if status:
            raise SystemExit(f"batch render failed ({status})")
        rates.append(len(paths) / (time.perf_counter() - started))
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(rates), max(peaks)


def rss_curve(paths: list[Path], marks: list[int]) -> list[tuple[int, float]]:
    """RSS (MiB) of one process after rendering the first `mark` cases, for each mark."""
    from atc_timeline.batch.plan import plan_jobs
    from atc_timeline.batch.pool import render_many
    from atc_timeline.options import ChartOptions

    options = ChartOptions.for_size("slide-16x9", dpi=120)
    out = Path(tempfile.mkdtemp(prefix="atc-rss-"))
    curve = []
    try:
        done = 0
        for mark in marks:
            jobs = plan_jobs([str(p) for p in paths[done:mark]], out, ["png"])
            for _ in render_many(jobs, options, workers=1):
                pass
            done = mark
            curve.append((mark, _rss_mib()))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return curve


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _sizes(folder: Path) -> tuple[float, float]:
    sizes = sorted(p.stat().st_size / 1024 for p in folder.glob("*.png"))
    return statistics.median(sizes), sizes[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--batch-runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="atc-bench-"))
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, note: str) -> None:
        rows.append((name, value, note))
        print(f"{name:<40} {value:>14}  {note}", flush=True)

    try:
        print(
            f"atc-timeline benchmarks on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
            f"medians of {args.runs} runs (batches: {args.batch_runs})",
            flush=True,
        )
        floor = timed(
            [sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(tmp / "floor.png")], args.runs
        )
        cold = timed([*CLI, "render", str(FOUNDING), "-o", str(tmp / "cold.png"), "-q"], args.runs)
        row(
            "cold render, founding case, PNG",
            f"{cold:.2f} s",
            f"{cold / floor:.2f}x the floor ({floor:.2f} s)",
        )
        python = timed([sys.executable, "-c", "pass"], args.runs)
        helps = timed([*CLI, "--help"], args.runs)
        row(
            "cold --help",
            f"{helps * 1000:.0f} ms",
            f"{helps / python:.1f}x python -c pass ({python * 1000:.0f} ms)",
        )
        validate = timed([*CLI, "validate", str(FOUNDING)], args.runs)
        row("cold validate", f"{validate * 1000:.0f} ms", f"{validate / python:.1f}x python -c pass")
        row(
            "warm chart, PNG",
            f"{warm('png', args.runs) * 1000:.0f} ms",
            "one process, founding case, 150 dpi",
        )
        row("warm chart, SVG", f"{warm('svg', args.runs) * 1000:.0f} ms", "one process, founding case")

        paths = write_cases(tmp / "cases", args.cases)
        for fmt, jobs in (("png", 1), ("png", 2), ("svg", 2)):
            out = tmp / f"out-{fmt}-{jobs}"
            rate, peak = throughput(paths, fmt, jobs, out, args.batch_runs)
            note = f"peak RSS {peak:.0f} MiB per process"
            if fmt == "png":
                median_kb, max_kb = _sizes(out)
                note += f"; PNG {median_kb:.0f} KB median, {max_kb:.0f} KB max"
            row(f"batch {fmt.upper()}, {args.cases} cases, --jobs {jobs}", f"{rate:.1f} charts/s", note)
        marks = [m for m in (50, 100, 200, 300, 400, 500) if m <= args.cases] or [args.cases]
        curve = rss_curve(paths, marks)
        row(
            "RSS after N charts, one process",
            f"{curve[-1][1]:.0f} MiB",
            ", ".join(f"{n}: {mib:.0f}" for n, mib in curve),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
