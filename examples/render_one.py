"""Render the founding case with the library API: load, inspect, render to PNG and SVG.

Run: python examples/render_one.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from atc_timeline import ChartOptions, load_case, normalize_events, render_case, write_atomic

HERE = Path(__file__).resolve().parent
CASE = HERE.parent / "cases" / "atc-2017-nivolumab-cabozantinib.yaml"


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    out.mkdir(parents=True, exist_ok=True)
    case = load_case(CASE)
    events = normalize_events(case)
    print(f"{case.case.id}: {len(events)} events in lanes {sorted(set(events['lane']))}")
    options = ChartOptions(width=13.333, height=7.5, dpi=150)
    for fmt in ("png", "svg"):
        target = out / f"{case.case.id}.{fmt}"
        write_atomic(target, render_case(case, fmt, options))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
