"""validate and summary read a case from stdin with "-", with the same checks as a file."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import FOUNDING


def _run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "atc_timeline", *args], input=stdin, capture_output=True, timeout=60
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


def test_validate_reads_stdin_and_locates_problems_in_it() -> None:
    good = _run("validate", "-", stdin=FOUNDING.read_bytes())
    assert good.returncode == 0
    assert "<stdin>: valid" in good.stdout
    bad = _run("validate", "-", stdin=b"schema: atc-timeline/1\ncase: x\n")
    assert bad.returncode == 1
    assert "<stdin>:2:" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_summary_reads_stdin_like_the_file() -> None:
    from_stdin = _run("summary", "-", "--format", "csv", stdin=FOUNDING.read_bytes())
    from_file = _run("summary", str(FOUNDING), "--format", "csv", stdin=b"")
    assert from_stdin.returncode == 0
    assert from_stdin.stdout == from_file.stdout
    assert "Cabozantinib" in from_stdin.stdout


def test_non_utf8_stdin_is_a_located_error() -> None:
    done = _run("summary", "-", stdin=b"schema: atc-timeline/1\ncase:\n  title: caf\xe9\n")
    assert done.returncode == 1
    assert "<stdin>:3" in done.stderr
    assert "not UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_stdin_in_a_batch_fails_alone(tmp_path) -> None:
    import json

    done = _run(
        "render", "-", str(FOUNDING), "-o", f"{tmp_path}/", "--jobs", "1", "--summary", "json",
        stdin=b"schema: atc-timeline/1\ncase:\n  title: caf\xe9\n",
    )
    assert done.returncode == 1
    records = {r["input"]: r for r in json.loads(done.stdout)}
    assert records["<stdin>"]["status"] == "failed"
    assert "<stdin>:3:13: the file is not UTF-8" in records["<stdin>"]["error"]
    assert records[str(FOUNDING)]["status"] == "ok"
    assert (tmp_path / f"{FOUNDING.stem}.png").stat().st_size > 10_000
    assert not (tmp_path / "stdin.png").exists()
