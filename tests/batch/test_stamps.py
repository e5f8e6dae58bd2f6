"""--skip-unchanged: an output is drawn again only when its case file, options or drawing code changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atc_timeline.batch import stamps
from atc_timeline.cli import app
from tests.conftest import CASES, FOUNDING, ROOT

runner = CliRunner()

BROKEN = "schema: atc-timeline/1\ncase: {id: b, title: B}\ndiagnosis: {label: ATC, date: '2019-02-30'}\n"


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """Two case files of our own, free to edit."""
    folder = tmp_path / "cases"
    folder.mkdir()
    copies = []
    for case in CASES[:2]:
        copy = folder / case.name
        copy.write_bytes(case.read_bytes())
        copies.append(copy)
    return copies


def render(inputs: list[Path], out: Path, *extra: str) -> tuple[int, list[dict], str]:
    """A batch with --skip-unchanged and --summary json: (exit code, records, stderr)."""
    result = runner.invoke(
        app,
        [
            "render",
            *map(str, inputs),
            "-o",
            f"{out}/",
            "--dpi",
            "40",
            "--jobs",
            "1",
            "--skip-unchanged",
            "--summary",
            "json",
            *extra,
        ],
    )
    return result.exit_code, json.loads(result.stdout), result.stderr


def statuses(records: list[dict]) -> list[str]:
    return [record["status"] for record in records]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every chart's bytes and mtime (the manifest aside)."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if p.name != stamps.MANIFEST
    }


def test_second_run_skips_and_leaves_outputs_untouched(tmp_path, inputs):
    out = tmp_path / "out"
    code, records, _ = render(inputs, out, "--format", "png,svg")
    assert code == 0
    assert statuses(records) == ["ok", "ok"]
    before = snapshot(out)
    assert len(before) == 4
    manifest = json.loads((out / stamps.MANIFEST).read_text())
    assert sorted(manifest["outputs"]) == sorted(before)

    code, records, _ = render(inputs, out, "--format", "png,svg")
    assert code == 0
    assert statuses(records) == ["skipped", "skipped"]
    assert records[0]["outputs"] == [str(out / f"{inputs[0].stem}.{f}") for f in ("png", "svg")]
    assert records[0]["written"] == []
    assert snapshot(out) == before, "skipped outputs are neither rewritten nor touched"

    args = ["render", *map(str, inputs), "-o", f"{out}/", "--dpi", "40", "--format", "png,svg"]
    result = runner.invoke(app, [*args, "--skip-unchanged"])
    assert result.exit_code == 0
    assert result.stdout == "", "stdout lists only what was written"
    assert "done: 0 rendered, 2 skipped (up to date), 0 failed" in result.stderr


def test_changed_case_is_rendered_again(tmp_path, inputs):
    out = tmp_path / "out"
    render(inputs, out)
    inputs[1].write_text(inputs[1].read_text() + "# reviewed at the tumour board\n")
    code, records, _ = render(inputs, out)
    assert code == 0
    assert statuses(records) == ["skipped", "ok"]
    assert statuses(render(inputs, out)[1]) == ["skipped", "skipped"]


@pytest.mark.parametrize("option", [["--dpi", "41"], ["--theme", "dark"], ["--title", "Board"]])
def test_changed_option_renders_again(tmp_path, inputs, option):
    out = tmp_path / "out"
    render(inputs[:1], out)
    _, records, _ = render(inputs[:1], out, *option)
    assert statuses(records) == ["ok"]
    _, records, _ = render(inputs[:1], out, *option)
    assert statuses(records) == ["skipped"]
    _, records, _ = render(inputs[:1], out)
    assert statuses(records) == ["ok"], "going back to the old options draws again too"


def test_changed_style_file_renders_again(tmp_path, inputs):
    out, style = tmp_path / "out", tmp_path / "house.yaml"
    style.write_text("background: '#FFF8E7'\n")
    assert statuses(render(inputs[:1], out, "--style", str(style))[1]) == ["ok"]
    assert statuses(render(inputs[:1], out, "--style", str(style))[1]) == ["skipped"]
    style.write_text("background: '#FFFFFF'\n")
    assert statuses(render(inputs[:1], out, "--style", str(style))[1]) == ["ok"]


def test_new_drawing_code_or_package_versions_render_again(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out"
    render(inputs[:1], out)
    found = stamps.environment()
    assert found["matplotlib"] == __import__("matplotlib").__version__
    assert found["atc-timeline"] == __import__("atc_timeline").__version__
    assert len(found["code"]) == 64
    monkeypatch.setattr(stamps, "environment", lambda: {**found, "matplotlib": "99.0"})
    assert statuses(render(inputs[:1], out)[1]) == ["ok"]


def test_deleted_or_edited_output_is_rendered_again(tmp_path, inputs):
    out = tmp_path / "out"
    render(inputs, out, "--format", "png,svg")
    first, second = (out / f"{case.stem}.svg" for case in inputs)
    first.unlink()
    second.write_text(second.read_text() + "<!-- edited by hand -->")
    png_before = snapshot(out)[f"{inputs[0].stem}.png"]
    code, records, _ = render(inputs, out, "--format", "png,svg")
    assert code == 0
    assert statuses(records) == ["ok", "ok"]
    assert records[0]["written"] == [str(first)], "only the stale format is drawn"
    assert records[0]["outputs"] == [str(first), str(out / f"{inputs[0].stem}.png")]
    assert snapshot(out)[f"{inputs[0].stem}.png"] == png_before
    assert first.exists()
    assert "edited by hand" not in second.read_text()

    # Same bytes, new mtime (e.g. restored from a backup): drawn again, to be safe.
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns - 10**9))
    assert statuses(render(inputs, out, "--format", "png,svg")[1]) == ["ok", "skipped"]


@pytest.mark.parametrize(
    "content", [b"{not json", b"\xff\xfe", b"[]", b'{"version": 1, "outputs": []}', b'{"version": 99}']
)
def test_corrupt_or_foreign_manifest_counts_as_empty(tmp_path, inputs, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / stamps.MANIFEST).write_bytes(content)
    code, records, stderr = render(inputs[:1], out)
    assert code == 0, stderr
    assert statuses(records) == ["ok"]
    assert statuses(render(inputs[:1], out)[1]) == ["skipped"], "the manifest was rewritten whole"


def test_stamps_of_other_files_are_kept(tmp_path, inputs):
    out = tmp_path / "out"
    render(inputs[:1], out)
    render(inputs[1:], out)
    manifest = json.loads((out / stamps.MANIFEST).read_text())["outputs"]
    assert sorted(manifest) == sorted(f"{case.stem}.png" for case in inputs)
    assert statuses(render(inputs, out)[1]) == ["skipped", "skipped"]
    assert not list(out.glob("*.tmp")), "the manifest is written atomically"


def test_a_failed_case_is_never_stamped(tmp_path, inputs):
    out = tmp_path / "out"
    broken = tmp_path / "cases" / "broken.yaml"
    broken.write_text(BROKEN)
    for _ in range(2):
        code, records, stderr = render([inputs[0], broken], out)
        assert code == 1
        assert records[1]["status"] == "failed"
        assert "broken.yaml:3:" in stderr
    assert statuses(records) == ["skipped", "failed"]
    assert "broken.png" not in json.loads((out / stamps.MANIFEST).read_text())["outputs"]


def test_stdin_is_always_drawn(tmp_path, inputs):
    out = tmp_path / "out"
    args = ["render", "-", str(inputs[0]), "-o", f"{out}/", "--dpi", "40", "--jobs", "1"]
    args += ["--skip-unchanged", "--summary", "json"]
    for expected in (["ok", "ok"], ["ok", "skipped"]):
        result = runner.invoke(app, args, input=FOUNDING.read_text())
        assert result.exit_code == 0, result.stderr
        assert statuses(json.loads(result.stdout)) == expected


def test_single_file(tmp_path, inputs):
    out = tmp_path / "chart.png"
    args = ["render", str(inputs[0]), "-o", str(out), "--dpi", "40", "--skip-unchanged"]
    assert runner.invoke(app, args).exit_code == 0
    before = out.stat().st_mtime_ns
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "up to date (skipped)" in result.stderr
    assert out.stat().st_mtime_ns == before
    assert runner.invoke(app, [*args, "--quiet"]).stderr == ""
    assert "wrote" in runner.invoke(app, [*args, "--dpi", "42"]).stderr

    # stdout and stdin are never skipped
    piped = runner.invoke(app, [*args[:2], "-o", "-", "--format", "png", "--dpi", "40", "--skip-unchanged"])
    assert piped.stdout_bytes.startswith(b"\x89PNG")
    stdin_args = ["render", "-", "-o", str(tmp_path / "s.png"), "--dpi", "40", "--skip-unchanged"]
    for _ in range(2):
        result = runner.invoke(app, stdin_args, input=FOUNDING.read_text())
        assert "wrote" in result.stderr


def test_skipping_never_imports_the_drawing_stack(tmp_path, inputs):
    out = tmp_path / "out"
    stamps.environment.cache_clear()  # this process's cached code hash may predate an edit
    render(inputs, out)
    script = (
        "import sys\n"
        "from atc_timeline.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "heavy = sorted({'matplotlib', 'pandas'} & set(sys.modules))\n"
        "print(' '.join(heavy) or 'none')\n"
    )
    args = ["render", *map(str, inputs), "-o", f"{out}/", "--dpi", "40", "--skip-unchanged", "-q"]
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["none"], "deciding to skip must not import matplotlib or pandas"
