"""Reading the stamp manifest: whatever is in its place, a corrupt manifest counts as empty."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atc_timeline.batch.stamps import MANIFEST, MAX_MANIFEST_BYTES, Stamps, _read_manifest
from tests.conftest import FOUNDING, ROOT

KEY = "0" * 64
GOOD_ENTRY = {"key": KEY, "size": 10, "mtime_ns": 1, "input": "case.yaml"}


def read_quickly(folder: Path) -> dict[str, dict[str, Any]]:
    """_read_manifest(folder), failing the test if it waits (a pipe must not block it)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = _read_manifest(folder)
        except BaseException as exc:  # handed to the test below
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)  # daemon: a hang must not stop pytest
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading the manifest hangs"
    if "error" in box:
        raise box["error"]
    return box["value"]


def assert_sound(found: dict[str, dict[str, Any]]) -> None:
    """What _read_manifest gives is always usable: plain names to well-typed stamps."""
    assert isinstance(found, dict)
    for name, entry in found.items():
        assert isinstance(name, str)
        assert name
        assert "/" not in name
        assert "\0" not in name
        assert name not in (".", "..", MANIFEST)
        assert isinstance(entry["key"], str)
        for field in ("size", "mtime_ns"):
            assert type(entry[field]) is int
        assert all(value is None or type(value) in (str, int, float) for value in entry.values())


def manifest(outputs: Any, version: Any = 1) -> bytes:
    return json.dumps({"version": version, "outputs": outputs}).encode()


# --- what is not a manifest file at all ---------------------------------------------------------


def test_a_good_manifest_is_read(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_bytes(manifest({"a.png": GOOD_ENTRY}))
    assert read_quickly(tmp_path) == {"a.png": GOOD_ENTRY}


def test_a_missing_manifest_is_empty(tmp_path: Path) -> None:
    assert read_quickly(tmp_path) == {}
    assert read_quickly(tmp_path / "no-such-folder") == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_in_its_place_is_empty_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / MANIFEST)
    assert read_quickly(tmp_path) == {}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_a_device_is_empty_without_reading_it(tmp_path: Path, device: str) -> None:
    (tmp_path / MANIFEST).symlink_to(device)
    assert read_quickly(tmp_path) == {}


def test_a_folder_of_that_name_is_empty(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).mkdir()
    assert read_quickly(tmp_path) == {}


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this system")
def test_a_socket_in_its_place_is_empty(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / MANIFEST))
        assert read_quickly(tmp_path) == {}


def test_a_manifest_past_the_limit_is_empty(tmp_path: Path) -> None:
    good = manifest({"a.png": GOOD_ENTRY})
    padded = good[:-1] + b" " * (MAX_MANIFEST_BYTES - len(good)) + b"}"
    (tmp_path / MANIFEST).write_bytes(padded)
    assert read_quickly(tmp_path) == {"a.png": GOOD_ENTRY}  # the limit itself is fine
    (tmp_path / MANIFEST).write_bytes(padded[:-1] + b" }")
    assert read_quickly(tmp_path) == {}


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"version": 1, "outputs": {"a.png": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        b"\xff\xfe\x00\x01",
        b'{"version": 1, "outputs": {"a.png": {"key": "caf\xe9"}}}',
        b'{"version": 1, "outputs": {"a.png": {"size": ' + b"9" * 5000 + b"}}}",
        b"",
        b"null",
        b"NaN",
    ],
    ids=["deep-lists", "deep-objects", "deep-entry", "utf16-ish", "latin1", "huge-int", "empty", "null",
         "nan"],
)
def test_unparsable_manifests_are_empty(tmp_path: Path, content: bytes) -> None:
    (tmp_path / MANIFEST).write_bytes(content)
    assert read_quickly(tmp_path) == {}


# --- wrong types at any level -------------------------------------------------------------------


@pytest.mark.parametrize("version", [True, 1.0, "1", None, [1], 2])
def test_only_version_1_as_a_number_is_read(tmp_path: Path, version: Any) -> None:
    (tmp_path / MANIFEST).write_bytes(manifest({"a.png": GOOD_ENTRY}, version))
    assert read_quickly(tmp_path) == {}


@pytest.mark.parametrize("outputs", [None, [], "a.png", 1, [["a.png", GOOD_ENTRY]]])
def test_outputs_that_are_not_a_mapping_are_empty(tmp_path: Path, outputs: Any) -> None:
    (tmp_path / MANIFEST).write_bytes(manifest(outputs))
    assert read_quickly(tmp_path) == {}


@pytest.mark.parametrize(
    "entry",
    [
        None, [], "stamp", 1,
        {**GOOD_ENTRY, "key": None},
        {**GOOD_ENTRY, "key": 1},
        {**GOOD_ENTRY, "size": "10"},
        {**GOOD_ENTRY, "size": True},
        {**GOOD_ENTRY, "size": 10.0},
        {**GOOD_ENTRY, "mtime_ns": [1]},
        {**GOOD_ENTRY, "input": {"path": "x"}},
        {**GOOD_ENTRY, "input": [[[]]]},
        {"key": KEY, "size": 10},
    ],
)
def test_a_stamp_of_the_wrong_shape_is_dropped_and_the_others_kept(tmp_path: Path, entry: Any) -> None:
    (tmp_path / MANIFEST).write_bytes(manifest({"bad.png": entry, "good.png": GOOD_ENTRY}))
    assert read_quickly(tmp_path) == {"good.png": GOOD_ENTRY}


@pytest.mark.parametrize(
    "name", ["", ".", "..", "../up.png", "/etc/passwd", "a/b.png", "a\0.png", "\ud800.png", MANIFEST]
)
def test_a_stamp_for_anything_but_a_plain_name_beside_it_is_dropped(tmp_path: Path, name: str) -> None:
    (tmp_path / MANIFEST).write_text(json.dumps({"version": 1, "outputs": {name: GOOD_ENTRY}}))
    assert read_quickly(tmp_path) == {}


# --- a property over corrupt manifests ----------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
names = st.sampled_from(["a.png", "b.svg", "", "..", "x/y.png", MANIFEST]) | st.text(max_size=12)
entries = json_values | st.fixed_dictionaries(
    {},
    optional={"key": json_values | st.just(KEY), "size": json_values, "mtime_ns": json_values,
              "input": json_values},
)
shaped = st.fixed_dictionaries(
    {},
    optional={"version": json_values | st.just(1), "outputs": json_values | st.dictionaries(names, entries)},
)


def _dump(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


def _nested(depth: int) -> bytes:
    return b'{"version": 1, "outputs": ' + b"[" * depth + b"]" * depth + b"}"


corrupt = st.one_of(
    st.binary(max_size=200),
    json_values.map(_dump),
    shaped.map(_dump),
    st.integers(min_value=1, max_value=200_000).map(_nested),
    st.tuples(shaped.map(_dump), st.integers(min_value=0, max_value=60)).map(lambda t: t[0][: t[1]]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=corrupt)
def test_any_manifest_reads_as_sound_stamps_and_a_run_replaces_it(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / MANIFEST).write_bytes(content)
        assert_sound(_read_manifest(out))
        # A whole run over it: check, stamp, save, and the saved manifest is sound and current.
        source = out / "case.yaml"
        source.write_bytes(b"schema: atc-timeline/1\n")
        target = out / "a.png"
        target.write_bytes(b"png")
        run = Stamps({"dpi": 40})
        key = run.key(str(source), "png")
        assert key is not None
        assert run.is_current(str(target), key) in (True, False)
        assert run.record(str(target), str(source), "png", key)
        run.save()
        saved = _read_manifest(out)
        assert_sound(saved)
        assert saved["a.png"]["key"] == key
        assert Stamps({"dpi": 40}).is_current(str(target), key)


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs FIFOs, /dev")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "deep-json", "not-utf8"])
def test_a_batch_over_a_corrupt_manifest_draws_and_stamps_anew(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    place = out / MANIFEST
    if kind == "fifo":
        os.mkfifo(place)
    elif kind == "dev-zero":
        place.symlink_to("/dev/zero")
    elif kind == "deep-json":
        place.write_bytes(b"[" * 1_000_000)
    else:
        place.write_bytes(b'{"version": 1, "outputs": {"\xff": 1}}')
    command = [sys.executable, "-m", "atc_timeline", "render", str(FOUNDING), "-o", f"{out}/",
               "--format", "svg,png", "--dpi", "30", "--skip-unchanged", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert place.is_file()
    assert not place.is_symlink()
    assert len(_read_manifest(out)) == 2
    again = subprocess.run([*command[:-1], "--summary", "json"], capture_output=True, text=True,
                           timeout=120, env=env)
    assert [r["status"] for r in json.loads(again.stdout)] == ["skipped"], again.stderr

