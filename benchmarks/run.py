"""Print atc-timeline's speed and memory figures next to their floors, in one run.

Usage: python benchmarks/run.py [--runs 5] [--cases 500]
Figures are medians over --runs whole-process runs on this machine.
"""

from __future__ import annotations

import argparse
import resource
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


def timed(command: list[str], runs: int) -> float:
    """Median wall seconds of a command run as a whole process (after one warm-up run)."""
    subprocess.run(command, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def warm(fmt: str, runs: int) -> float:
    """Median seconds per chart when one process renders the founding case repeatedly."""
    from atc_timeline.api import ChartOptions, render_case
    from atc_timeline.loading import load_case

    case = load_case(FOUNDING)
    render_case(case, fmt, ChartOptions())
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        render_case(case, fmt, ChartOptions())
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def make_cases(folder: Path, count: int) -> list[Path]:
    """Realistic cases: the four in cases/ with their ids changed, round-robin."""
    sources = sorted((ROOT / "cases").glob("*.yaml"))
    paths = []
    for i in range(count):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        path = folder / f"case-{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def throughput(paths: list[Path], jobs: int, out: Path) -> tuple[float, float]:
    """Charts per second and peak child RSS (MiB) for one batch render."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([*CLI, "render", *map(str, paths), "-o", f"{out}/", "--jobs", str(jobs), "-q"], check=True)
    elapsed = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return len(paths) / elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="atc-bench-"))
    try:
        floor = timed(
            [sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(tmp / "floor.png")], args.runs
        )
        cold = timed([*CLI, "render", str(FOUNDING), "-o", str(tmp / "cold.png"), "-q"], args.runs)
        python = timed([sys.executable, "-c", "pass"], args.runs)
        helps = timed([*CLI, "--help"], args.runs)
        validate = timed([*CLI, "validate", str(FOUNDING)], args.runs)
        rows = [
            (
                "cold render, founding case, PNG",
                f"{cold:.2f} s",
                f"{cold / floor:.2f}x the matplotlib floor ({floor:.2f} s)",
            ),
            (
                "cold --help",
                f"{helps * 1000:.0f} ms",
                f"{helps / python:.1f}x python -c pass ({python * 1000:.0f} ms)",
            ),
            ("cold validate", f"{validate * 1000:.0f} ms", f"{validate / python:.1f}x python -c pass"),
            ("warm chart, PNG", f"{warm('png', args.runs) * 1000:.0f} ms", "one process, founding case"),
            ("warm chart, SVG", f"{warm('svg', args.runs) * 1000:.0f} ms", "one process, founding case"),
        ]
        paths = make_cases(tmp, args.cases)
        small = paths[: max(args.cases // 5, 1)]
        for jobs in (1, 2):
            rate, peak = throughput(paths, jobs, tmp / f"out{jobs}")
            _, small_peak = throughput(small, jobs, tmp / f"small{jobs}")
            rows.append(
                (
                    f"batch PNG, {args.cases} cases, --jobs {jobs}",
                    f"{rate:.1f} charts/s",
                    f"peak RSS {peak:.0f} MiB ({small_peak:.0f} MiB for {len(small)} cases)",
                )
            )
        width = max(len(r[0]) for r in rows)
        print(
            f"atc-timeline benchmarks: medians of {args.runs} runs, {sys.platform}, "
            f"Python {sys.version.split()[0]}"
        )
        for name, value, note in rows:
            print(f"{name:<{width}}  {value:>14}  {note}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
