"""Render every case in every size preset and theme into docs/gallery/, and the README's figures.

Run: python scripts/gallery.py [--dpi 60]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from atc_timeline.draw.themes import THEMES
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import render_case
from atc_timeline.readers.yaml_case import load_case
from atc_timeline.writers.atomic import write_atomic

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = ROOT / "cases" / "atc-2017-nivolumab-cabozantinib.yaml"
# The README's own figures, at a dpi that reads at their real size: (file, size preset, dpi).
README_FIGURES = (
    ("founding-case.png", "slide-16x9", 150),
    ("founding-case-journal-1col.png", "journal-1col", 200),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dpi", type=float, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        case = load_case(path)
        for size in SIZE_PRESETS:
            for name, theme in THEMES.items():
                options = ChartOptions.for_size(size, dpi=args.dpi)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    data = render_case(case, "png", options, theme)
                target = args.out / f"{path.stem}--{size}--{name}.png"
                write_atomic(target, data)
                print(target.relative_to(ROOT))
    founding = load_case(FOUNDING)
    for name, size, dpi in README_FIGURES:
        target = ROOT / "docs" / name
        write_atomic(target, render_case(founding, "png", ChartOptions.for_size(size, dpi=dpi)))
        print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
