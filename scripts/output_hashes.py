"""Hash every chart the command line draws for cases/ x size presets x themes x option sets x formats.

Run before and after a change that should not move a pixel, then compare:

    python scripts/output_hashes.py > before.json
    ... change the code ...
    python scripts/output_hashes.py --compare before.json

It drives the installed `atc-timeline` command (batch and single renders), not the library, so
it keeps working while the library is reshaped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = ("slide-16x9", "slide-4x3", "a4-landscape", "journal-2col", "journal-1col")
THEMES = ("light", "dark", "print")
FORMATS = "png,svg,pdf,pptx"
STYLE = "background: '#FFFDF5'\nfont_family: DejaVu Sans\nbars: {targeted: '#AA3377'}\n"
OPTION_SETS: dict[str, list[str]] = {
    "default": [],
    "relative-weeks": ["--axis", "relative", "--unit", "weeks", "--dpi", "90"],
    # --allow-identifiers: a committed case has years in its text (cases/dtc-long-follow-up-imaging.yaml).
    "deidentified": [
        "--deidentify", "--allow-identifiers", "--transparent", "--dpi", "80", "--title", "Case A"
    ],
    "calendar-days": ["--axis", "calendar", "--unit", "days", "--height", "6.2", "--dpi", "70"],
    "styled": ["--style", "{style}", "--title", "A long title: " + "surgery then drugs " * 4],
}


def _run(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "atc_timeline", *args], capture_output=True, text=True)
    if done.returncode not in (0,):
        sys.stderr.write(done.stderr)
        raise SystemExit(f"failed: atc-timeline {' '.join(args)}")


def hashes() -> dict[str, str]:
    """name -> SHA-256 of every output."""
    cases = sorted(str(p) for p in (ROOT / "cases").glob("*.yaml"))
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        style = Path(tmp) / "style.yaml"
        style.write_text(STYLE)
        for option_name, options in OPTION_SETS.items():
            options = [o.replace("{style}", str(style)) for o in options]
            for size in SIZES:
                for theme in THEMES:
                    out = Path(tmp) / f"{option_name}--{size}--{theme}"
                    args = ["render", *cases, "-o", f"{out}/", "--format", FORMATS, "--size", size]
                    _run([*args, "--theme", theme, "--jobs", "2", "-q", *options])
                    for path in sorted(out.iterdir()):
                        found[f"{out.name}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        # The single-file path, too: one case, each format, default size.
        for fmt in FORMATS.split(","):
            target = Path(tmp) / f"single.{fmt}"
            _run(["render", cases[0], "-o", str(target), "-q"])
            found[f"single/{target.name}"] = hashlib.sha256(target.read_bytes()).hexdigest()
    return found


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--compare", type=Path, help="a JSON file printed by an earlier run")
    args = parser.parse_args()
    now = hashes()
    if args.compare is None:
        print(json.dumps(now, indent=1, sort_keys=True))
        return
    before = json.loads(args.compare.read_text())
    changed = sorted(k for k in before.keys() & now.keys() if before[k] != now[k])
    missing, added = sorted(before.keys() - now.keys()), sorted(now.keys() - before.keys())
    for name in changed:
        print(f"changed  {name}")
    for name in missing:
        print(f"missing  {name}")
    for name in added:
        print(f"added    {name}")
    same = len(before.keys() & now.keys()) - len(changed)
    print(f"{same} identical, {len(changed)} changed, {len(missing)} missing, {len(added)} added")
    raise SystemExit(1 if changed or missing else 0)


if __name__ == "__main__":
    main()
