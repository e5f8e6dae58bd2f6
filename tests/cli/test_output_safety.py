"""Writing output safely, with real files: a failed write is one plain line and exit 1, and no
run replaces a user's file it was not asked to write (an input, a stamp manifest).

Read-only and full folders are small tmpfs mounts (tests.mounts); those tests skip, saying
why, where mounting is not allowed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atc_timeline.batch.stamps import MANIFEST
from atc_timeline.cli import app
from tests.conftest import FOUNDING, ROOT
from tests.mounts import tmpfs

runner = CliRunner()

FULL = "No space left on device"
READ_ONLY = "Read-only file system"


def atc(*args: str | bytes, cwd: Path | None = None, **options) -> subprocess.CompletedProcess[bytes]:
    """atc-timeline as a real process (stdout and stderr are real files, not captured streams)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    options.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "atc_timeline", *args], cwd=cwd, env=env, check=False, timeout=120, **options
    )


def assert_plain_failure(stderr: str, words: str) -> None:
    """One plain error naming the file, no traceback (rich's or Python's)."""
    assert words in stderr, stderr
    assert "Traceback" not in stderr, stderr
    assert "Exception ignored" not in stderr, stderr
    assert stderr.startswith("error: "), stderr


def assert_refused(result, words: str) -> None:
    """A CliRunner result: exit 1 through typer.Exit (not an exception), with `words` on stderr."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert_plain_failure(result.stderr, words)


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def case(tmp_path) -> Path:
    """A copy of the founding case in its own folder, the current folder of the run."""
    folder = tmp_path / "cases"
    folder.mkdir()
    copy = folder / "t.yaml"
    copy.write_bytes(FOUNDING.read_bytes())
    return copy


# --- stdout: full, closed ------------------------------------------------------------------

STDOUT_COMMANDS = {
    "render": ["render", str(FOUNDING), "-o", "-", "--format", "svg", "--dpi", "40"],
    "schema": ["schema"],
    "validate": ["validate", str(FOUNDING)],
    "validate-json": ["validate", str(FOUNDING), "--format", "json"],
    "summary": ["summary", str(FOUNDING)],
    "summary-csv": ["summary", str(FOUNDING), "--format", "csv"],
    "summary-json": ["summary", str(FOUNDING), "--format", "json"],
    "summary-markdown": ["summary", str(FOUNDING), "--format", "markdown"],
}


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", STDOUT_COMMANDS)
def test_a_full_stdout_is_a_plain_error(command):
    with open("/dev/full", "wb") as full:
        proc = atc(*STDOUT_COMMANDS[command], stdout=full)
    assert proc.returncode == 1
    assert_plain_failure(proc.stderr.decode(), f"<stdout>: cannot write ({FULL})")


@pytest.mark.parametrize("command", ["render", "schema", "validate", "summary"])
def test_a_closed_pipe_is_a_plain_error(command):
    read, write = os.pipe()
    os.close(read)  # the reader has gone before anything is written
    try:
        proc = atc(*STDOUT_COMMANDS[command], stdout=write)
    finally:
        os.close(write)
    assert proc.returncode == 1
    assert_plain_failure(proc.stderr.decode(), "<stdout>: cannot write (Broken pipe)")


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_stops_early_is_a_plain_error(unbuffered):
    """`atc-timeline render case.yaml -o - --format svg | head -c1`.

    Why both: with PYTHONUNBUFFERED a write to the pipe may take only part of the chart, and
    the rest used to be dropped without an error.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": unbuffered}
    command = [sys.executable, "-m", "atc_timeline", *STDOUT_COMMANDS["render"]]
    writer = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-c1"], stdin=writer.stdout, capture_output=True, check=True)
    writer.stdout.close()
    stderr = writer.stderr.read().decode()
    writer.wait(timeout=120)
    assert head.stdout == b"<"
    assert writer.returncode == 1
    assert_plain_failure(stderr, "<stdout>: cannot write (Broken pipe)")


# --- read-only folder, full disk -------------------------------------------------------------


def test_a_read_only_folder_keeps_the_old_chart(tmp_path, case):
    with tmpfs(tmp_path / "ro", fill={"chart.png": b"old"}, readonly=True) as folder:
        result = runner.invoke(app, ["render", str(case), "-o", str(folder / "chart.png"), "--dpi", "40"])
        assert_refused(result, f"{folder / 'chart.png'}: cannot write the file ({READ_ONLY})")
        assert (folder / "chart.png").read_bytes() == b"old"
        assert no_temporary_files(folder)


def test_a_batch_into_a_read_only_folder_fails_each_case_and_reports_them(tmp_path, case):
    other = case.with_name("u.yaml")
    other.write_bytes(case.read_bytes())
    with tmpfs(tmp_path / "ro", readonly=True) as folder:
        args = ["render", str(case), str(other), "-o", f"{folder}/", "--dpi", "40", "--jobs", "1"]
        result = runner.invoke(app, [*args, "--summary", "json"])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert f"{folder / 't.png'}: cannot write the file ({READ_ONLY})" in result.stdout
        assert f"{folder / 'u.png'}: cannot write the file ({READ_ONLY})" in result.stdout
        assert "Traceback" not in result.output
        assert list(folder.iterdir()) == []


def test_a_batch_folder_that_cannot_be_made_is_a_plain_error(tmp_path, case):
    with tmpfs(tmp_path / "ro", readonly=True) as folder:
        args = ["render", str(case), "-o", f"{folder}/sub/"]
        result = runner.invoke(app, [*args, "--format", "png,svg"])
        assert_refused(result, f"{folder}/sub/: cannot make the folder ({READ_ONLY})")
    result = runner.invoke(app, ["render", str(case), "-o", str(case), "--format", "png,svg"])
    assert_refused(result, f"{case}: exists and is not a folder; several charts need a folder")
    _unchanged(case)


def test_a_full_disk_keeps_the_old_chart(tmp_path, case):
    with tmpfs(tmp_path / "full", size="64k", fill={"chart.png": b"old"}) as folder:
        result = runner.invoke(app, ["render", str(case), "-o", str(folder / "chart.png"), "--dpi", "150"])
        assert_refused(result, f"{folder / 'chart.png'}: cannot write the file ({FULL})")
        assert (folder / "chart.png").read_bytes() == b"old"
        assert no_temporary_files(folder)


def test_a_full_disk_in_a_real_process_is_one_plain_line(tmp_path, case):
    # Nearly full before the run: a chart of any size (PDFs are smaller on older matplotlib)
    # cannot fit in what is left.
    with tmpfs(tmp_path / "full", size="64k", fill={"filler": bytes(56 * 1024)}) as folder:
        proc = atc("render", str(case), "-o", str(folder / "chart.pdf"))
        assert proc.returncode == 1
        assert proc.stderr.decode() == f"error: {folder / 'chart.pdf'}: cannot write the file ({FULL})\n"
        assert list(folder.iterdir()) == [folder / "filler"]


# --- names near and over the file system's limit -------------------------------------------


@pytest.mark.parametrize("length", [242, 255])
def test_output_names_up_to_the_limit_are_written(tmp_path, case, length):
    long = tmp_path / ("c" * (length - 4) + ".png")
    short = tmp_path / "short.png"
    for target in (long, short):
        result = runner.invoke(app, ["render", str(case), "-o", str(target), "--dpi", "40", "-q"])
        assert result.exit_code == 0, result.output
    assert long.read_bytes() == short.read_bytes(), "the name changes nothing in the chart"
    assert no_temporary_files(tmp_path)


def test_an_output_name_over_the_limit_is_refused_before_drawing(tmp_path, case):
    target = tmp_path / ("c" * 300 + ".png")
    started = time.perf_counter()
    result = runner.invoke(app, ["render", str(case), "-o", str(target)])
    assert_refused(result, "the file name is too long (304 bytes; the file system allows 255)")
    assert result.stderr.startswith("error: --output: ")
    assert time.perf_counter() - started < 2


def test_a_batch_pattern_near_the_limit_is_written(tmp_path, case):
    out = tmp_path / "out"
    pattern = "p" * (255 - len("t.png")) + "{stem}.{format}"
    args = ["render", str(case), "-o", f"{out}/", "--output-pattern", pattern, "--dpi", "40"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [len(p.name) for p in out.iterdir()] == [255]


# --- output name patterns --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("{stem:>2000000000}", "fields take no conversion or format"),
        ("{stem!r}.{format}", "fields take no conversion or format"),
        ("{stem.__class__.__name__}", "unknown field"),
        ("../{stem}.{format}", "gives '../t.png', which is not a file inside the output folder"),
        ("{stem}/../../{stem}.{format}", "which is not a file inside the output folder"),
        ("", "gives an empty name"),
        ("..", "gives '..'"),
        (MANIFEST, "is the name of the stamp manifest"),
    ],
)
def test_bad_patterns_are_refused_and_write_nothing(tmp_path, case, pattern, words):
    out = tmp_path / "deep" / "out"
    started = time.perf_counter()
    args = ["render", str(case), str(case), "-o", f"{out}/", "--output-pattern", pattern]
    result = runner.invoke(app, [*args, "--format", "png,svg"])
    assert time.perf_counter() - started < 2, "refused at once, not after gigabytes of padding"
    assert_refused(result, words)
    assert result.stderr.startswith("error: --output-pattern: ")
    assert not (tmp_path / "deep").exists(), "nothing written, not even the folder"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cases", "t.yaml"]


def test_an_absolute_pattern_writes_nothing_elsewhere(tmp_path, case):
    elsewhere = tmp_path / "elsewhere"
    pattern = f"{elsewhere}/{{stem}}.png"
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(case), "-o", f"{out}/", "--output-pattern", pattern])
    assert_refused(result, "which is not a file inside the output folder")
    assert not elsewhere.exists()


# --- never an input, never the manifest ------------------------------------------------------


def _unchanged(case: Path) -> None:
    assert case.read_bytes() == FOUNDING.read_bytes(), "the case file is intact"


def test_render_onto_its_own_case_file_is_refused(case):
    result = runner.invoke(app, ["render", str(case), "-o", str(case), "--format", "png"])
    assert_refused(result, f"--output: {case} is the input {case}; a chart written there would replace it")
    _unchanged(case)


def test_the_case_file_by_another_spelling_is_refused(case):
    proc = atc("render", "t.yaml", "-o", "./t.yaml", "--format", "png", cwd=case.parent)
    assert proc.returncode == 1
    assert_plain_failure(proc.stderr.decode(), "./t.yaml is the input t.yaml")
    _unchanged(case)


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_the_case_file_is_refused(case, link):
    target = case.with_name("chart.png")
    (os.symlink if link == "symbolic" else os.link)(case, target)
    result = runner.invoke(app, ["render", str(case), "-o", str(target)])
    how = "a link to" if link == "symbolic" else "the same file as"
    assert_refused(result, f"{target} is {how} the input")
    _unchanged(case)
    # And the other way round: the case given through a link, the output naming the file.
    result = runner.invoke(app, ["render", str(target), "-o", str(case), "--format", "png"])
    assert_refused(result, f"{case} is")
    _unchanged(case)


def test_a_pattern_onto_the_inputs_is_refused(case):
    other = case.with_name("u.yaml")
    other.write_bytes(case.read_bytes())
    result = runner.invoke(
        app, ["render", str(case), str(other), "-o", f"{case.parent}/", "--output-pattern", "{stem}.yaml"]
    )
    assert_refused(result, f"--output-pattern: {case} is the input {case}")
    _unchanged(case)
    assert other.read_bytes() == FOUNDING.read_bytes()


def test_a_case_on_stdin_is_not_replaced(case):
    with open(case, "rb") as stdin:
        proc = atc("render", "-", "-o", str(case), "--format", "png", stdin=stdin)
    assert proc.returncode == 1
    assert_plain_failure(proc.stderr.decode(), f"{case} is the same file as the input <stdin>")
    _unchanged(case)


def test_the_house_style_is_not_replaced(case):
    style = case.with_name("house.yaml")
    style.write_text("font_family: DejaVu Sans\n")
    args = ["render", str(case), "--style", str(style), "-o", str(style), "--format", "png"]
    result = runner.invoke(app, args)
    assert_refused(result, f"{style} is the input {style}")
    assert style.read_text() == "font_family: DejaVu Sans\n"


def test_the_stamp_manifest_is_never_an_output(tmp_path, case):
    manifest = tmp_path / MANIFEST
    manifest.write_text("{}")
    result = runner.invoke(app, ["render", str(case), "-o", str(manifest), "--format", "png"])
    assert_refused(result, f"--output: {manifest} is the name of the stamp manifest")
    assert manifest.read_text() == "{}"


# --- limits on what is drawn -----------------------------------------------------------------


def test_a_chart_too_large_for_memory_is_refused_with_what_to_lower(case, tmp_path):
    started = time.perf_counter()
    huge = ["--dpi", "1200", "--width", "60", "--height", "60"]
    result = runner.invoke(app, ["render", str(case), "-o", str(tmp_path / "huge.png"), *huge])
    assert_refused(
        result,
        "--dpi: a 60 x 60 in chart at 1200 dpi would be 72,000 x 72,000 pixels (5,184 megapixels); "
        "the most is 150 megapixels: use a dpi of 204 or less at this size, or a smaller size",
    )
    assert time.perf_counter() - started < 5
    assert not (tmp_path / "huge.png").exists()


@pytest.mark.parametrize(
    ("title", "words"),
    [
        (b"bad \xff byte", "--title: the title is not UTF-8 text (byte 0xFF at character 5)"),
        (b"bell \x07", "--title: the title contains the control character U+0007 at character 6"),
        (b"escape \x1b[31m", "--title: the title contains the control character U+001B"),
        ("noncharacter \ufffe".encode(), "--title: the title contains the Unicode noncharacter U+FFFE"),
    ],
)
def test_titles_with_bytes_no_chart_can_show_are_refused(tmp_path, case, title, words):
    target = tmp_path / "chart.svg"
    proc = atc("render", str(case), "-o", str(target), b"--title", title)
    assert proc.returncode == 1
    assert_plain_failure(proc.stderr.decode(errors="replace"), words)
    assert not target.exists()
