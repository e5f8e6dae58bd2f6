"""What the stamp manifest holds: nothing the charts beside it do not already show."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atc_timeline.batch import stamps
from atc_timeline.cli import app
from tests.conftest import CASES

runner = CliRunner()


@pytest.fixture
def private_case(tmp_path: Path) -> Path:
    """A case file in a folder named as record folders often are: a name and a record number."""
    folder = tmp_path / "Smith_Jane_MRN0048213"
    folder.mkdir()
    case = folder / "case1.yaml"
    case.write_bytes(CASES[0].read_bytes())
    return case


def _run(*args: str) -> None:
    options = ["--dpi", "30", "--skip-unchanged", "--deidentify", "--title", "A"]
    result = runner.invoke(app, ["render", *args, *options])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "one file"])
def test_the_manifest_records_a_hash_of_the_case_never_its_path(tmp_path, private_case, batch):
    out = tmp_path / "out"
    out.mkdir()
    target = [f"{out}/", "--format", "png,svg", "--jobs", "1"] if batch else [str(out / "case1.png")]
    _run(str(private_case), "-o", *target)
    text = (out / stamps.MANIFEST).read_text()
    for secret in ("Smith", "Jane", "MRN", "0048213", str(tmp_path), "case1.yaml"):
        assert secret not in text
    entries = json.loads(text)["outputs"]
    assert sorted(entries) == (["case1.png", "case1.svg"] if batch else ["case1.png"])
    digest = hashlib.sha256(private_case.read_bytes()).hexdigest()
    for entry in entries.values():
        assert set(entry) == {"key", "size", "mtime_ns", "case_sha256"}
        assert entry["case_sha256"] == digest

    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    _run(str(private_case), "-o", *target)
    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    charts = [name for name in before if name != stamps.MANIFEST]
    assert {n: after[n] for n in charts} == {n: before[n] for n in charts}, "the re-run skipped them"


def test_paths_that_older_manifests_recorded_are_dropped_on_the_next_save(tmp_path, private_case):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.png").write_bytes(b"an older chart")
    old = {"key": "k", "size": 14, "mtime_ns": 1, "input": "/records/Smith_Jane/old.yaml"}
    manifest = {"version": stamps.MANIFEST_VERSION, "outputs": {"old.png": old}}
    (out / stamps.MANIFEST).write_text(json.dumps(manifest))
    _run(str(private_case), "-o", f"{out}/", "--jobs", "1")
    entries = json.loads((out / stamps.MANIFEST).read_text())["outputs"]
    assert entries["old.png"] == {"key": "k", "size": 14, "mtime_ns": 1}, "the stamp is kept, its path is not"
    assert "Smith" not in (out / stamps.MANIFEST).read_text()
