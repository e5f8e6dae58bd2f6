"""Fuzz the command line: mutated case files, unusual text, hostile inputs and outputs.

Every input runs through `validate`, `render` (all four formats, a random size, theme and axis)
and `summary`, and ends in one class:

    success        validate accepts, every format renders, every output is well formed
    refused        validate and render both refuse it, with a message that names a line
    unlocated      refused, but the message names no line although the file has lines
    internal       a traceback, an "internal error", an exit status other than 0, 1 or 2
    unrenderable   validate accepts it, render (or summary) refuses or fails
    disagree       validate refuses it, render draws it
    bad-output     exit 0 but an output is not a well-formed PNG, SVG, PDF or PPTX
    hang           a command did not finish within the time limit
    lost           a file that must not change (the case, a protected file) changed

The hostile scenarios run the real command in a subprocess: FIFOs, devices, symlinks, full
disks, read-only folders, broken pipes, output names and patterns, signals.

    python scripts/fuzz.py --count 2000 --seed 7          # mutated cases and unusual text
    python scripts/fuzz.py --minutes 30                     # as many as fit in the time
    python scripts/fuzz.py --hostile-only                   # the hostile scenarios alone

Exit status 1 when any input ends in internal, unrenderable, disagree, bad-output, hang or
lost; the failing inputs are kept in --keep (default: a temporary folder, printed).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [*sorted((ROOT / "cases").glob("*.yaml")), ROOT / "tests" / "data" / "minimal.yaml"]
FAILURES = {"internal", "unrenderable", "disagree", "bad-output", "hang", "lost"}
TIMEOUT = 60.0
SIZES = ("slide-16x9", "slide-4x3", "a4-landscape", "journal-1col", "journal-2col")
THEMES = ("light", "dark", "print")

# Text that has broken text tools before: invisible marks, other scripts, emoji sequences,
# combining marks, line separators, noncharacters, escapes of lone surrogates and controls.
ODD_TEXT = [
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\u200b",
    "\u200d",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u00ad",
    "\u202e",
    "\u061c",
    "\U0001f468\u200d\u2695\ufe0f",
    "\U0001f9ea",
    "e\u0301\u0301\u0301",
    "甲状腺未分化癌",
    "カボザンチニブ",
    "니볼루맙",
    "سرطان الغدة الدرقية",
    "סרטן בלוטת התריס",
    "Щитовидная",
    "ΘΥΡΕΟΕΙΔΗΣ",
    "ทดสอบ",
    "देवनागरी",
    "\U00020000\U0002a6d6",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "$x^2$",
    "$",
    "\\",
    "<b>&amp;</b>",
    "]]>",
    "%s%n",
    "{0}",
    "\t",
    "  ",
    "",
    "…",
    "✕",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
]
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2,
    3,
    6,
    10**400,
    -(10**30),
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    0.5,
    1e-300,
    "",
    " ",
    "x" * 1001,
    "y" * 20000,
    [],
    {},
    [[]],
    {"a": {"b": {"c": {"d": 1}}}},
    ["a", "b"],
    "0001-01-01",
    "1677-09-20",
    "1677-09-22",
    "1800-01-01",
    "2262-04-12",
    "9999-12-31",
    "2017-13-01",
    "2017-02-30",
    "2017-02-29",
    "2016-02-29",
    "2017~",
    "2017?",
    "2017-08",
    "2017/08/30",
    "20170830",
    "2017-08-30T10:00",
    "2017-08-30 10:00",
    "2017-W35",
    "2017-08-30?~",
    "2017-08-30%",
    "ongoing",
    "unknown",
    "2017-08-30..2017-09-01",
    "-2017",
    "+2017",
    "'2017'",
    "2017-08-30 ",
    " 2017-08-30",
    "diagnosis",
    "3",
    "3.0",
    "grade 3",
    "yes",
    "no",
    "null",
    "~",
    ".inf",
    "0x10",
    "1_000",
]


# ---------------------------------------------------------------- the worker (one per core)


def _worker() -> None:
    """Read tasks as JSON lines on stdin, run them in this process, answer JSON lines."""
    from typer.testing import CliRunner

    from atc_timeline.cli import app

    runner = CliRunner()
    for line in sys.stdin:
        task = json.loads(line)
        answer = _run_task(runner, app, task)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def _invoke(runner: Any, app: Any, args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args, catch_exceptions=True)
    exception = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        where = traceback.extract_tb(result.exc_info[2])[-3:] if result.exc_info else []
        frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(where))
        exception = f"{type(result.exception).__name__}: {str(result.exception)[:200]} at {frames}"
    return {"code": result.exit_code, "stderr": result.stderr[-2000:], "exception": exception}


def _run_task(runner: Any, app: Any, task: dict[str, Any]) -> dict[str, Any]:
    folder = Path(task["folder"])
    case = folder / "case.yaml"
    case.write_bytes(task["text"].encode("utf-8", "surrogatepass"))
    before = case.read_bytes()
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    runs = {"validate": _invoke(runner, app, ["validate", str(case)])}
    runs["render"] = _invoke(
        runner,
        app,
        [
            "render",
            str(case),
            "-o",
            f"{out}/",
            "--format",
            "png,svg,pdf,pptx",
            "--jobs",
            "1",
            "--dpi",
            "60",
            *task["options"],
        ],
    )
    runs["summary"] = _invoke(runner, app, ["summary", str(case), "--format", task["summary"]])
    outputs = {p.name: _well_formed(p) for p in out.iterdir()}
    return {"runs": runs, "outputs": outputs, "lost": case.read_bytes() != before}


def _well_formed(path: Path) -> str:
    """'' for a well-formed chart file, else what is wrong with it."""
    data = path.read_bytes()
    kind = path.suffix
    if path.name.endswith(".tmp"):
        return "temporary file left behind"
    if kind == ".png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "not a PNG"
    if kind == ".pdf" and not (data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]):
        return "not a PDF"
    if kind == ".svg":
        import xml.etree.ElementTree as ET

        try:
            ET.fromstring(data)
        except ET.ParseError as exc:
            return f"SVG is not well-formed XML: {exc}"
    if kind == ".pptx":
        try:
            with zipfile.ZipFile(path) as deck:
                bad = deck.testzip()
                if bad or "ppt/presentation.xml" not in deck.namelist():
                    return "PPTX is damaged"
        except zipfile.BadZipFile:
            return "PPTX is not a zip file"
    return ""


# ---------------------------------------------------------------- making inputs


def _yaml_dump(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


def _load(text: str) -> Any:
    """YAML as plain data, dates kept as text (as case files mean them)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(text, Loader=Loader)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into plain data."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


# What a case may hold: the odd text without the characters that are refused by design.
DRAWABLE = [
    t
    for t in ODD_TEXT
    if not any(
        (ord(c) < 32 and c not in "\t")
        or 0x7F <= ord(c) <= 0x9F
        or 0xD800 <= ord(c) <= 0xDFFF
        or c in "\ufffe\uffff"
        for c in t
    )
]


def _odd_string(rng: random.Random, drawable: bool = False) -> str:
    pool = DRAWABLE if drawable else ODD_TEXT
    parts = [rng.choice(pool) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.5:
        parts.insert(rng.randint(0, len(parts)), rng.choice(["Nivolumab", "MRI", "PD", "40 mg"]))
    text = "".join(parts)
    return text * rng.choice([1, 1, 1, 3, 40 if not drawable else 12])


def mutate_data(data: Any, rng: random.Random) -> Any:
    """One structural mutation: a value replaced, a key removed, added or an item duplicated."""
    paths = [p for p in _paths(data) if p]
    if not paths:
        return data
    path = rng.choice(paths)
    parent = _get(data, path[:-1])
    key = path[-1]
    move = rng.random()
    if move < 0.45:
        parent[key] = rng.choice(ODD_VALUES)
    elif move < 0.65:
        parent[key] = _odd_string(rng)
    elif move < 0.75:
        del parent[key]
    elif move < 0.85 and isinstance(parent, list):
        parent.insert(rng.randint(0, len(parent)), json.loads(json.dumps(parent[key])))
    elif move < 0.92 and isinstance(parent, dict):
        parent[rng.choice(["extra", "Start", "id", "lane", "notes", "phases"])] = rng.choice(ODD_VALUES)
    else:
        value = parent[key]
        if isinstance(value, list) and value:
            parent[key] = value * rng.choice([2, 10, 200])
        else:
            parent[key] = [value] * rng.choice([2, 50])
    return data


def mutate_text(text: str, rng: random.Random) -> str:
    """One textual mutation: bytes, lines, indentation, quoting."""
    lines = text.splitlines(keepends=True)
    move = rng.random()
    if move < 0.2 and lines:
        i = rng.randrange(len(lines))
        j = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:j] + rng.choice(ODD_TEXT + list("\"':{}[]&*!|>%@`#-?,")) + lines[i][j:]
    elif move < 0.35 and lines:
        del lines[rng.randrange(len(lines))]
    elif move < 0.5 and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif move < 0.6 and lines:
        i = rng.randrange(len(lines))
        lines[i] = " " * rng.choice([1, 2, 3, 5]) + lines[i]
    elif move < 0.7:
        return text[: rng.randrange(len(text) + 1)]
    elif move < 0.8 and lines:
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace(": ", ": &a ", 1) + "x: *a\n"
    elif move < 0.9:
        cut = rng.randrange(len(text) + 1)
        return text[:cut] + chr(rng.choice([0, 1, 8, 11, 12, 27, 127, 0x85, 0xA0, 0xFEFF])) + text[cut:]
    else:
        i = rng.randrange(len(lines)) if lines else 0
        lines.insert(
            i,
            rng.choice(
                [
                    "---\n",
                    "...\n",
                    "%YAML 1.1\n",
                    "!!python/object:os.system x\n",
                    "? [a, b]\n: c\n",
                    "<<: {a: 1}\n",
                    "key: !!binary aGVsbG8=\n",
                ]
            ),
        )
    return "".join(lines)


def make_input(rng: random.Random, seeds: list[tuple[str, Any]]) -> tuple[str, str]:
    """(kind, case text): a data mutation, a text mutation, or unusual text in a valid case."""
    text, data = rng.choice(seeds)
    roll = rng.random()
    if roll < 0.45:
        copy = json.loads(json.dumps(data))
        for _ in range(rng.choice([1, 1, 2, 3])):
            copy = mutate_data(copy, rng)
        return "data", _yaml_dump(copy)
    if roll < 0.8:
        for _ in range(rng.choice([1, 1, 2])):
            text = mutate_text(text, rng)
        return "text", text
    copy = json.loads(json.dumps(data))
    strings = [
        p
        for p in _paths(copy)
        if p
        and isinstance(_get(copy, p), str)
        and p[-1]
        not in (
            "schema",
            "start",
            "end",
            "date",
            "data_cutoff",
            "time_zero",
            "id",
            "class",
            "sex",
            "status",
            "response",
            "kind",
            "schedule",
            "action",
            "suspect",
            "schema",
        )
        and "codes" not in p
        and "suspects" not in p
    ]
    for path in rng.sample(strings, min(len(strings), rng.randint(1, 6))):
        parent = _get(copy, path[:-1])
        parent[path[-1]] = _odd_string(rng, drawable=rng.random() < 0.8)
    return "unicode", _yaml_dump(copy)


def _options(rng: random.Random) -> list[str]:
    options = ["--size", rng.choice(SIZES), "--theme", rng.choice(THEMES)]
    if rng.random() < 0.3:
        options.append("--deidentify")
    if rng.random() < 0.3:
        options += ["--axis", rng.choice(["calendar", "relative", "both"])]
    if rng.random() < 0.2:
        options += ["--unit", rng.choice(["days", "weeks", "months"])]
    return options


# ---------------------------------------------------------------- judging outcomes


def _located(stderr: str) -> bool:
    import re

    return bool(re.search(r":\d+(:\d+)?:", stderr) or re.search(r"line \d+", stderr))


def classify(answer: dict[str, Any] | None, text: str) -> tuple[str, str]:
    """The outcome class of one input and a short reason."""
    if answer is None:
        return "hang", "no answer within the time limit"
    if answer.get("died"):
        return "internal", answer["died"]
    if answer["lost"]:
        return "lost", "the case file changed"
    runs = answer["runs"]
    for name, run in runs.items():
        if run["exception"] or "Traceback" in run["stderr"] or "internal error" in run["stderr"]:
            return "internal", f"{name}: {run['exception'] or run['stderr'][-600:]}"
        if run["code"] not in (0, 1, 2):
            return "internal", f"{name}: exit {run['code']}"
    bad = {name: why for name, why in answer["outputs"].items() if why}
    valid = runs["validate"]["code"] == 0
    drawn = runs["render"]["code"] == 0
    if valid and not drawn:
        if "which a de-identified chart must not show" in runs["render"]["stderr"]:
            return "refused", "--deidentify: identifier-like free text, refused by design"
        return "unrenderable", runs["render"]["stderr"][-300:]
    if valid and runs["summary"]["code"] != 0:
        return "unrenderable", "summary: " + runs["summary"]["stderr"][-300:]
    if not valid and drawn:
        return "disagree", runs["validate"]["stderr"][-300:]
    if bad:
        return "bad-output", json.dumps(bad)[:300]
    if valid:
        if len(answer["outputs"]) < 4:
            return "bad-output", f"only {sorted(answer['outputs'])} written"
        return "success", ""
    if "\n" in text.strip() and not _located(runs["validate"]["stderr"]):
        return "unlocated", runs["validate"]["stderr"][-300:]
    return "refused", ""


class Worker:
    """One worker process; restarted when it hangs or dies."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env=env,
        )

    def ask(self, task: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None
        assert self.proc.stdin
        assert self.proc.stdout
        task = {**task, "folder": str(self.folder)}
        try:
            self.proc.stdin.write(json.dumps(task) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.proc = None
            return {"died": "the worker process died"}
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            return None
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            self.proc = None
            return {"died": f"the worker process died (exit {code})"}
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


def run_mutations(
    count: int, minutes: float | None, seed: int, jobs: int, keep: Path
) -> collections.Counter[str]:
    """Fuzz mutated and unusual cases; print the outcome counts; keep failing inputs."""
    rng = random.Random(seed)
    seeds = [(p.read_text("utf-8"), _load(p.read_text("utf-8"))) for p in SEEDS]
    counts: collections.Counter[str] = collections.Counter()
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    deadline = time.monotonic() + minutes * 60 if minutes else None
    tasks = iter(range(count if count else 10**9))
    lock = threading.Lock()
    work = Path(tempfile.mkdtemp(prefix="atc-fuzz-"))

    def next_task() -> tuple[int, str, dict[str, Any]] | None:
        with lock:
            if deadline is not None and time.monotonic() > deadline:
                return None
            index = next(tasks, None)
            if index is None:
                return None
            kind, text = make_input(rng, seeds)
            task = {
                "text": text,
                "options": _options(rng),
                "summary": rng.choice(["table", "markdown", "csv", "json"]),
            }
            return index, kind, task

    def loop(number: int) -> None:
        folder = work / f"w{number}"
        folder.mkdir()
        worker = Worker(folder)
        try:
            while (item := next_task()) is not None:
                index, kind, task = item
                answer = worker.ask(task, TIMEOUT)
                outcome, reason = classify(answer, task["text"])
                with lock:
                    counts[outcome] += 1
                    by_kind[kind][outcome] += 1
                    if outcome in FAILURES or outcome == "unlocated":
                        name = keep / f"{outcome}-{index:06d}.yaml"
                        name.write_bytes(task["text"].encode("utf-8", "surrogatepass"))
                        name.with_suffix(".txt").write_text(
                            f"options: {' '.join(task['options'])}\n{reason}\n", "utf-8", errors="replace"
                        )
        finally:
            worker.stop()

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shutil.rmtree(work, ignore_errors=True)
    print(f"mutated and unusual cases: {sum(counts.values())} inputs")
    for outcome, number in counts.most_common():
        print(f"  {outcome:13} {number}")
    for kind, kind_counts in sorted(by_kind.items()):
        print(f"  by kind {kind:8} " + ", ".join(f"{k} {v}" for k, v in kind_counts.most_common()))
    return counts


# ---------------------------------------------------------------- hostile scenarios


def _cli(
    *args: str,
    stdin: Any = None,
    timeout: float = 30,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdout: Any = subprocess.PIPE,
) -> tuple[int | None, str, bytes]:
    """Run the real command; (exit status or None on a hang, stderr, stdout)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "atc_timeline", *args],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=dict(os.environ, **(env or {})),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None, "", b""
    return proc.returncode, err.decode("utf-8", "replace"), out or b""


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


def hostile_scenarios(work: Path) -> list[tuple[str, str, str]]:
    """(name, outcome, reason) for each hostile input or output situation."""
    good = work / "good.yaml"
    shutil.copy(SEEDS[0], good)
    original = good.read_bytes()
    results: list[tuple[str, str, str]] = []

    def judge(
        name: str,
        code: int | None,
        err: str,
        expect: tuple[int, ...] = (1, 2),
        protected: tuple[Path, ...] = (),
        folder: Path | None = None,
    ) -> None:
        changed = good.read_bytes() != original
        good.write_bytes(original)  # each scenario starts from the intact case
        if code is None:
            results.append((name, "hang", "did not finish"))
        elif "Traceback" in err or "internal error" in err or "Exception ignored" in err:
            results.append((name, "internal", err.strip().splitlines()[-1][:200] if err.strip() else ""))
        elif changed or any(not p.exists() or p.read_bytes() != b"keep" for p in protected):
            results.append((name, "lost", "a protected file changed"))
        elif folder is not None and _leftovers(folder):
            results.append((name, "lost", f"temporary files left: {_leftovers(folder)}"))
        elif code not in expect:
            results.append((name, "internal", f"exit {code}, expected {expect}: {err.strip()[-200:]}"))
        elif code != 0 and not err.strip():
            results.append((name, "internal", "failed without a message"))
        else:
            results.append(
                (
                    name,
                    "refused" if code else "success",
                    err.strip().splitlines()[0][:120] if err.strip() else "",
                )
            )

    fifo = work / "pipe.yaml"
    os.mkfifo(fifo)
    judge("FIFO as the case file", *_cli("render", str(fifo), "-o", str(work / "f.png"), timeout=8)[:2])
    judge("FIFO as the case file (validate)", *_cli("validate", str(fifo), timeout=8)[:2])
    judge(
        "FIFO as --style",
        *_cli("render", str(good), "--style", str(fifo), "-o", str(work / "f.png"), timeout=8)[:2],
    )
    for device in ("/dev/zero", "/dev/urandom", "/dev/null"):
        judge(f"{device} as the case file", *_cli("validate", device, timeout=8)[:2])
    link = work / "zero.yaml"
    link.symlink_to("/dev/zero")
    judge("symlink to /dev/zero", *_cli("render", str(link), "-o", str(work / "z.png"), timeout=8)[:2])
    judge("a folder as the case file", *_cli("render", str(work), "-o", str(work / "d.png"))[:2])
    judge("missing case file", *_cli("render", str(work / "nope.yaml"))[:2])
    with open(work / "latin1.yaml", "wb") as handle:
        handle.write(original.replace(b"Thyroidectomy", "Thyréoïdectomie".encode("latin-1")))
    with open(work / "latin1.yaml", "rb") as handle:
        judge("non-UTF-8 on stdin", *_cli("render", "-", "-o", str(work / "s.png"), stdin=handle)[:2])
    big = work / "big.yaml"
    big.write_bytes(original + b"#" * (3 * 1024 * 1024))
    with open(big, "rb") as handle:
        judge("3 MB on stdin", *_cli("validate", "-", stdin=handle)[:2])
    with open("/dev/zero", "rb") as handle:
        judge(
            "/dev/zero on stdin", *_cli("render", "-", "-o", str(work / "s.png"), stdin=handle, timeout=8)[:2]
        )
    nested = work / "nested-style.yaml"
    nested.write_text("a: " * 5000 + "1\n")
    judge(
        "deeply nested --style",
        *_cli("render", str(good), "--style", str(nested), "-o", str(work / "n.png"))[:2],
    )
    dup = work / "dup-style.yaml"
    dup.write_text("background: '#FFFFFF'\nbackground: '#000000'\n")
    judge(
        "duplicate keys in --style",
        *_cli("render", str(good), "--style", str(dup), "-o", str(work / "n.png"))[:2],
    )
    missing_font = work / "font-style.yaml"
    missing_font.write_text("font_family: No Such Font Family\n")
    code, err, _ = _cli("render", str(good), "--style", str(missing_font), "-o", str(work / "font.png"))
    judge("--style naming a missing font", code, err, expect=(0, 1))
    if code == 0 and "font" not in err.lower():
        results[-1] = ("--style naming a missing font", "internal", "drawn without a warning")

    # Output situations.
    with open("/dev/full", "wb") as full:
        for args in (
            ["render", str(good), "-o", "-"],
            ["schema"],
            ["validate", str(good), "--format", "json"],
            ["summary", str(good), "--format", "json"],
        ):
            judge(f"stdout full: {args[0]}", *_cli(*args, stdout=full)[:2])
    for args in (["schema"], ["render", str(good), "-o", "-"], ["summary", str(good)]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "atc_timeline", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        proc.stdout.read(1)
        proc.stdout.close()
        try:
            _, err_bytes = proc.communicate(timeout=60)
            judge(
                f"broken pipe: {args[0]}",
                proc.returncode,
                err_bytes.decode("utf-8", "replace"),
                expect=(0, 1, 141),
            )
        except subprocess.TimeoutExpired:
            proc.kill()
            results.append((f"broken pipe: {args[0]}", "hang", ""))
    ro = work / "ro"
    if _mount_tmpfs(ro, "size=1m"):
        (ro / "keep.png").write_bytes(b"keep")
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=False)
        judge(
            "read-only folder",
            *_cli("render", str(good), "-o", str(ro / "keep.png"))[:2],
            protected=(ro / "keep.png",),
            folder=ro,
        )
        judge(
            "read-only folder (batch)",
            *_cli("render", str(good), str(good), "-o", f"{ro}/", "--jobs", "1")[:2],
            protected=(ro / "keep.png",),
            folder=ro,
        )
        subprocess.run(["umount", str(ro)], check=False)
    tiny = work / "tiny"
    if _mount_tmpfs(tiny, "size=48k"):
        (tiny / "keep.png").write_bytes(b"keep")
        judge(
            "disk full",
            *_cli("render", str(good), "-o", str(tiny / "keep.png"), "--dpi", "200")[:2],
            protected=(tiny / "keep.png",),
            folder=tiny,
        )
        judge(
            "disk full (batch)",
            *_cli("render", str(good), "-o", f"{tiny}/", "--format", "png,pdf", "--jobs", "1")[:2],
            protected=(tiny / "keep.png",),
            folder=tiny,
        )
        subprocess.run(["umount", str(tiny)], check=False)
    for length in (240, 245, 250, 255, 256, 300):
        target = work / ("n" * (length - 4) + ".png")
        judge(
            f"output name of {length} characters",
            *_cli("render", str(good), "-o", str(target))[:2],
            expect=(0, 1),
            folder=work,
        )
    outdir = work / "out"
    outdir.mkdir()
    (work / "keep.yaml").write_bytes(b"keep")
    for pattern in (
        "{stem:>2000000000}",
        "{stem!r}",
        "{stem.__class__}",
        "{0}",
        "../{stem}.{format}",
        "/tmp/{stem}.{format}",
        "",
        ".",
        "..",
        "{stem}/../../keep.yaml",
        ".atc-timeline-stamps.json",
        "sub/{stem}.{format}",
        "{stem}.yaml",
    ):
        judge(
            f"--output-pattern {pattern!r}",
            *_cli(
                "render",
                str(good),
                str(work / "keep.yaml"),
                "-o",
                f"{outdir}/",
                "--output-pattern",
                pattern,
                "--jobs",
                "1",
                timeout=60,
            )[:2],
            expect=(1, 2),
            protected=(work / "keep.yaml",),
            folder=work,
        )
    judge("-o the case file itself", *_cli("render", str(good), "-o", str(good), "--format", "png")[:2])
    same = work / "same"
    same.mkdir()
    shutil.copy(good, same / "a.yaml")
    judge(
        "pattern onto the inputs' folder",
        *_cli(
            "render",
            str(same / "a.yaml"),
            str(good),
            "-o",
            f"{same}/",
            "--output-pattern",
            "{stem}.yaml",
            "--jobs",
            "1",
        )[:2],
    )
    if (same / "a.yaml").read_bytes() != original:
        results[-1] = ("pattern onto the inputs' folder", "lost", "an input was overwritten")
    hard = work / "hard.png"
    os.link(good, hard)
    judge("-o a hard link to the case file", *_cli("render", str(good), "-o", str(hard))[:2])
    judge(
        "72,000 x 72,000 pixels",
        *_cli(
            "render",
            str(good),
            "-o",
            str(work / "huge.png"),
            "--dpi",
            "1200",
            "--width",
            "60",
            "--height",
            "60",
            timeout=60,
        )[:2],
    )
    judge(
        "--title with control characters",
        *_cli("render", str(good), "-o", str(work / "t.png"), "--title", "a\x1bb")[:2],
    )
    judge(
        "--title with non-UTF-8 bytes",
        *[*_cli("render", str(good), "-o", str(work / "t.png"), "--title", os.fsdecode(b"caf\xe9"))[:2]],
    )
    stamps = work / "stamped"
    stamps.mkdir()
    (stamps / ".atc-timeline-stamps.json").write_text("[" * 100000 + "]" * 100000)
    second = work / "second.yaml"
    second.write_bytes(original)
    judge(
        "deeply nested stamp manifest",
        *_cli("render", str(good), str(second), "-o", f"{stamps}/", "--skip-unchanged", "--jobs", "1")[:2],
        expect=(0,),
    )
    for junk in ('{"a": 1}', '{"good.png": [1, 2]}', "\xff\xfe", '{"x": {"y": null}}', "null"):
        (stamps / ".atc-timeline-stamps.json").write_text(junk, errors="surrogateescape")
        code, err, _ = _cli("render", str(good), "-o", f"{stamps}/", "--skip-unchanged", "--jobs", "1")
        judge(f"corrupt stamp manifest {junk[:12]!r}", code, err, expect=(0,))

    # Outputs that are not files: the rename of an atomic write would replace them.
    node = work / "node.png"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        node = None
    if node is not None:
        judge("a device node as the output", *_cli("render", str(good), "-o", str(node))[:2])
        if not stat.S_ISCHR(os.lstat(node).st_mode):
            results[-1] = ("a device node as the output", "lost", "the device was replaced")
    out_fifo = work / "out.png"
    os.mkfifo(out_fifo)
    judge("a named pipe as the output", *_cli("render", str(good), "-o", str(out_fifo), timeout=8)[:2])
    if not stat.S_ISFIFO(os.lstat(out_fifo).st_mode):
        results[-1] = ("a named pipe as the output", "lost", "the pipe was replaced")
    judge("an output under a file", *_cli("render", str(good), "-o", str(good / "x.png"))[:2])
    loop = work / "loop.yaml"
    loop.symlink_to(loop)
    judge("a symbolic link loop as the case file", *_cli("validate", str(loop))[:2])
    dangling = work / "dangling.yaml"
    dangling.symlink_to(work / "nowhere.yaml")
    judge("a dangling link as the case file", *_cli("render", str(dangling))[:2])
    with open("/dev/full", "wb") as full:
        code, err, _ = _cli(
            "render",
            str(good),
            str(second),
            "-o",
            f"{work / 'full-summary'}/",
            "--jobs",
            "1",
            "--summary",
            "json",
            stdout=full,
        )
        judge("--summary json into a full stdout", code, err)
    manifest_folder = work / "manifest-folder"
    (manifest_folder / ".atc-timeline-stamps.json").mkdir(parents=True)
    judge(
        "a folder in the stamp manifest's place",
        *_cli("render", str(good), "-o", f"{manifest_folder}/", "--skip-unchanged", "--jobs", "1")[:2],
        expect=(0, 1),
    )
    with open(work / "latin1.yaml", "rb") as handle:
        code, err, _ = _cli("render", "-", str(good), "-o", f"{work / 'mixed'}/", "--jobs", "1", stdin=handle)
    judge("non-UTF-8 stdin in a batch", code, err, expect=(1,))
    if not (work / "mixed" / "good.png").exists():
        results[-1] = ("non-UTF-8 stdin in a batch", "internal", "the good case was not drawn")

    # Signals: Ctrl-C at several moments of a parallel batch must exit 130 and leave no .tmp.
    many = work / "many"
    many.mkdir()
    for index in range(8):
        shutil.copy(good, many / f"c{index}.yaml")
    for delay in (0.2, 0.6, 1.0, 2.0):
        out = work / f"sig{delay}"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "atc_timeline",
                "render",
                *map(str, sorted(many.iterdir())),
                "-o",
                f"{out}/",
                "--jobs",
                "2",
                "--format",
                "png,pdf",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, 2)
            if delay >= 1.0:  # a second Ctrl-C: stop the charts being drawn at once
                time.sleep(0.1)
                if proc.poll() is None:
                    os.kill(proc.pid, 2)
        try:
            _, err_bytes = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            results.append((f"Ctrl-C after {delay} s", "hang", ""))
            continue
        err = err_bytes.decode("utf-8", "replace")
        time.sleep(0.2)
        alive = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
        if alive:
            results.append((f"Ctrl-C after {delay} s", "internal", f"processes outlive the command: {alive}"))
            continue
        judge(
            f"Ctrl-C after {delay} s",
            proc.returncode,
            err,
            expect=(130,),  # eight cases in two formats take longer than the longest delay
            folder=out if out.exists() else None,
        )
    return results


def run_hostile(keep: Path) -> collections.Counter[str]:
    work = Path(tempfile.mkdtemp(prefix="atc-hostile-"))
    try:
        results = hostile_scenarios(work)
    finally:
        for mount in ("ro", "tiny"):
            subprocess.run(["umount", str(work / mount)], capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)
    counts: collections.Counter[str] = collections.Counter(outcome for _, outcome, _ in results)
    print(f"hostile inputs and outputs: {len(results)} scenarios")
    for name, outcome, reason in results:
        mark = "FAIL" if outcome in FAILURES else "ok  "
        print(f"  {mark} {outcome:9} {name}" + (f"  ({reason})" if reason and outcome in FAILURES else ""))
    (keep / "hostile.txt").write_text("\n".join("\t".join(r) for r in results) + "\n", "utf-8")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=300, help="mutated inputs to try (0: until --minutes)")
    parser.add_argument("--minutes", type=float, default=None, help="stop after this long")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, default=None, help="folder for failing inputs")
    parser.add_argument("--hostile-only", action="store_true")
    parser.add_argument("--no-hostile", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker()
        return 0
    # Why: run in the background (`&`, nohup) this process may have inherited SIGINT ignored,
    # and the commands it starts would inherit that too, so the Ctrl-C scenarios test nothing.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    keep = args.keep or Path(tempfile.mkdtemp(prefix="atc-fuzz-keep-"))
    keep.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    counts: collections.Counter[str] = collections.Counter()
    if not args.hostile_only:
        counts += run_mutations(args.count, args.minutes, args.seed, args.jobs, keep)
    if not args.no_hostile:
        counts += run_hostile(keep)
    failed = sum(n for outcome, n in counts.items() if outcome in FAILURES)
    print(
        f"{sum(counts.values())} inputs in {time.monotonic() - started:.0f} s: "
        f"{failed} failures ({', '.join(f'{k} {counts[k]}' for k in sorted(FAILURES))}); "
        f"inputs kept in {keep}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
