"""Render the founding case with the library: load, inspect, then save a chart in two formats.

Run: python examples/render_one.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from atc_timeline import load_case, normalize_events, plot_case

HERE = Path(__file__).resolve().parent
CASE = HERE.parent / "cases" / "atc-2017-nivolumab-cabozantinib.yaml"


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    out.mkdir(parents=True, exist_ok=True)
    case = load_case(CASE)
    events = normalize_events(case)
    print(f"{case.case.id}: {len(events)} events in lanes {sorted(set(events['lane']))}")
    chart = plot_case(case, size="slide-16x9", dpi=150)
    print(f"{len(chart.layout.lanes)} lanes, {len(chart.layout.labels)} labels placed")
    for fmt in ("png", "svg"):
        print(f"wrote {chart.save(out / f'{case.case.id}.{fmt}')}")


if __name__ == "__main__":
    main()
