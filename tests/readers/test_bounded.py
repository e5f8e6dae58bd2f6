"""Reading input behind guards: only regular files, never blocking, never past the limit."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from atc_timeline.errors import CaseValidationError, Issue
from atc_timeline.readers import bounded
from atc_timeline.readers.bounded import (
    MAX_FILE_BYTES,
    decode_bytes,
    line_and_column,
    read_file,
    read_stdin,
    read_stdin_text,
)

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
needs_devices = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """The result (or exception) of `call`, failing the test if it takes longer than `seconds`."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)  # daemon: a hang must not stop pytest
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still reading after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def refusal_of(path: Path | str, what: str = "case file") -> Issue:
    """The single issue read_file raises for `path`, checked to be quick and plain."""
    with pytest.raises(CaseValidationError) as info:
        within(5, lambda: read_file(path, what))
    (issue,) = info.value.issues
    assert issue.file == str(path)
    assert str(issue) == f"{path}: {issue.message}"
    return issue


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets on this system")
    path = tmp_path / "sock.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    yield path
    server.close()


# --- what is not a regular file is refused, at once -------------------------------------------


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes(b"schema: atc-timeline/1\n")
    assert read_file(path) == b"schema: atc-timeline/1\n"


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(fifo: Path) -> None:
    issue = refusal_of(fifo)
    assert issue.message.startswith("is a named pipe, not a case file")
    assert "pass -" in issue.message  # the way to read a case from a pipe
    assert "pass -" not in refusal_of(fifo, "style file").message


@needs_devices
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading_them(device: str) -> None:
    start = time.perf_counter()
    assert refusal_of(device).message == "is a device, not a case file"
    assert time.perf_counter() - start < 0.5


@needs_devices
@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "pipe", "folder"])
def test_a_symlink_is_judged_by_what_it_points_at(tmp_path: Path, target: str) -> None:
    if target == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes on this system")
        os.mkfifo(tmp_path / "pipe")
        target = str(tmp_path / "pipe")
    elif target == "folder":
        (tmp_path / "folder").mkdir()
        target = str(tmp_path / "folder")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert refusal_of(link).message.startswith(("is a device", "is a named pipe", "is a folder"))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    assert refusal_of(tmp_path).message == "is a folder, not a case file"
    assert refusal_of(tmp_path, "style file").message == "is a folder, not a style file"


def test_a_socket_is_refused(unix_socket: Path) -> None:
    assert refusal_of(unix_socket).message == "is a socket, not a case file"


def test_missing_unreadable_and_unnamable_files(tmp_path: Path) -> None:
    assert refusal_of(tmp_path / "absent.yaml").message == "no such file"
    assert refusal_of(tmp_path / "a\0b.yaml").message == "is not a usable file name"
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert refusal_of(loop).message.startswith("cannot be read (")
    inside_a_file = tmp_path / "file.yaml"
    inside_a_file.write_text("x: 1\n")
    assert refusal_of(inside_a_file / "case.yaml").message.startswith("cannot be read (")


@needs_fifo
def test_a_path_swapped_for_a_pipe_after_the_stat_is_still_refused(
    tmp_path: Path, fifo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What counts is what was opened: a stat taken before opening may describe another file.
    regular = tmp_path / "regular.yaml"
    regular.write_text("x: 1\n")
    real_stat = os.stat
    monkeypatch.setattr(bounded.os, "stat", lambda path, *a, **k: real_stat(regular))
    assert refusal_of(fifo).message.startswith("is a named pipe")


# --- never more than the limit ----------------------------------------------------------------


def test_the_limit_itself_is_allowed_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * MAX_FILE_BYTES)
    assert len(read_file(path)) == MAX_FILE_BYTES
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert refusal_of(path).message == "the file is 2.1 MB; a case file is limited to 2 MB"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_a_file_larger_than_its_size_says_is_read_only_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # /proc files report a size of 0 (and a file may grow between fstat and read): the read
    # itself stops one byte past the limit.
    assert os.stat("/proc/self/status").st_size == 0
    read: list[int] = []
    real_read = os.read

    def spy(fd: int, size: int) -> bytes:
        read.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(bounded.os, "read", spy)
    with pytest.raises(CaseValidationError, match=r"status: more than 9.53674e-05 MB; a case file is"):
        read_file("/proc/self/status", limit=100)
    assert sum(read) <= 101


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_a_file_that_reports_size_zero_is_still_read() -> None:
    assert b"Name:" in read_file("/proc/self/status")


def test_the_limit_can_be_chosen(tmp_path: Path) -> None:
    path = tmp_path / "stamps.json"
    path.write_bytes(b"x" * 100)
    assert read_file(path, "stamp manifest", 100) == b"x" * 100
    with pytest.raises(CaseValidationError, match="a stamp manifest is limited to"):
        read_file(path, "stamp manifest", 99)


# --- standard input ---------------------------------------------------------------------------


class _Stdin(io.TextIOWrapper):
    """A text stdin over some bytes, as sys.stdin is."""


def stdin_of(data: bytes) -> io.TextIOWrapper:
    return _Stdin(io.BytesIO(data), encoding="utf-8")


def test_stdin_is_read_to_the_limit_and_no_further() -> None:
    assert read_stdin(stream=stdin_of(b"a" * 10), limit=10) == b"a" * 10
    source = io.BytesIO(b"a" * 100)
    with pytest.raises(CaseValidationError) as info:
        read_stdin(stream=source, limit=10)
    most = "9.53674e-06 MB"
    assert str(info.value) == f"<stdin>: more than {most} of input; a case file is limited to {most}"
    assert source.tell() <= 11


def test_stdin_from_a_pipe_is_read_whole_across_many_writes() -> None:
    read_end, write_end = os.pipe()

    def writer() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            for _ in range(64):
                pipe.write(b"x" * 4096)
                pipe.flush()

    threading.Thread(target=writer, daemon=True).start()
    with os.fdopen(read_end, "rb") as pipe:
        assert within(5, lambda: read_stdin(stream=pipe)) == b"x" * 4096 * 64


def test_stdin_left_non_blocking_is_waited_for() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)

    def writer() -> None:
        time.sleep(0.2)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(b"late: yes\n")

    threading.Thread(target=writer, daemon=True).start()
    with os.fdopen(read_end, "rb") as pipe:
        assert within(5, lambda: read_stdin(stream=pipe)) == b"late: yes\n"


@needs_devices
def test_stdin_from_dev_zero_stops_at_the_limit() -> None:
    with open("/dev/zero", "rb") as zero:
        start = time.perf_counter()
        with pytest.raises(CaseValidationError, match="more than 2 MB of input"):
            read_stdin(stream=zero)
        assert time.perf_counter() - start < 1


def test_stdin_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    fd = os.open(tmp_path, os.O_RDONLY)

    class Folder:
        def fileno(self) -> int:
            return fd

        def read(self, size: int) -> bytes:
            raise IsADirectoryError(21, "Is a directory")

    try:
        with pytest.raises(CaseValidationError, match="<stdin>: is a folder, not a case file"):
            read_stdin(stream=Folder())  # type: ignore[arg-type]
    finally:
        os.close(fd)


def test_stdin_read_errors_and_a_closed_stdin_are_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            raise OSError(5, "Input/output error")

    with pytest.raises(CaseValidationError, match=r"<stdin>: cannot be read \(Input/output error\)"):
        read_stdin(stream=io.BufferedReader(Broken()))
    monkeypatch.setattr(bounded.sys, "stdin", None)
    with pytest.raises(CaseValidationError, match="no standard input"):
        read_stdin()


def test_a_text_only_stdin_is_read_too() -> None:
    assert read_stdin(stream=io.StringIO("caf\u00e9")) == "caf\u00e9".encode()


def test_stdin_text_gets_a_case_files_located_decoding_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b"schema: atc-timeline/1\ncase: {title: caf\xe9}\n"
    monkeypatch.setattr(bounded.sys, "stdin", stdin_of(raw))
    with pytest.raises(CaseValidationError) as by_stdin:
        read_stdin_text()
    with pytest.raises(CaseValidationError) as by_path:
        decode_bytes(raw, "case.yaml")
    assert [(i.line, i.column, i.message) for i in by_stdin.value.issues] == [
        (i.line, i.column, i.message) for i in by_path.value.issues
    ]
    assert str(by_stdin.value).startswith("<stdin>:2:18: the file is not UTF-8 text")
    monkeypatch.setattr(bounded.sys, "stdin", stdin_of("\ufeffcase: caf\u00e9\n".encode()))
    assert read_stdin_text() == "case: caf\u00e9\n"


# --- decoding and locating --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"\xff", (1, 1)),
        (b"ab\n\xe4", (2, 1)),
        (b"a: \xc3\xa9\xe4", (1, 5)),  # columns count characters, not bytes
        (b"\xef\xbb\xbfa\xe4", (1, 2)),  # the BOM is not a column
        (b"a\r\nb\rc\xe4", (3, 2)),  # CR LF and a lone CR each end a line, as in YAML
    ],
)
def test_the_first_bad_byte_is_located(raw: bytes, where: tuple[int, int]) -> None:
    with pytest.raises(CaseValidationError) as info:
        decode_bytes(raw, "f.yaml")
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == where


def test_nul_bytes_are_located() -> None:
    with pytest.raises(CaseValidationError) as info:
        decode_bytes(b"a: 1\nb: x\x00\n", "f.yaml")
    assert str(info.value) == "f.yaml:2:5: the file contains binary data (NUL bytes)"


def test_line_and_column_count_breaks_as_yaml_does() -> None:
    text = "a\nb\r\nc\rd\x85e\u2028f"
    assert [line_and_column(text, text.index(ch)) for ch in "abcdef"] == [
        (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1)
    ]
