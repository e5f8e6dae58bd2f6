"""write_atomic: a file is written whole or not at all, and a failed write is a plain CaseError."""

from __future__ import annotations

import os

import pytest

from atc_timeline.errors import CaseError
from atc_timeline.writers import atomic
from atc_timeline.writers.atomic import NAME_MAX, name_max, temporary_files, write_atomic
from tests.mounts import tmpfs


def _no_temporary_files(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_writes_the_bytes_with_usual_permissions(tmp_path):
    target = tmp_path / "chart.png"
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o666 & ~atomic._umask()
    assert _no_temporary_files(tmp_path)


@pytest.mark.parametrize("length", [242, 250, 255])
def test_names_up_to_the_limit_get_a_temporary_name_that_fits(tmp_path, monkeypatch, length):
    target = tmp_path / ("a" * (length - 4) + ".png")
    renamed = []
    real_replace = os.replace

    def replace(src, dst):
        renamed.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    write_atomic(target, b"chart")
    assert target.read_bytes() == b"chart"
    assert len(os.fsencode(renamed[0])) <= NAME_MAX
    assert renamed[0].startswith(".")
    assert renamed[0].endswith(".tmp")
    assert _no_temporary_files(tmp_path)


def test_a_name_over_the_limit_is_a_plain_error(tmp_path):
    most = name_max(tmp_path)
    target = tmp_path / ("a" * (most - 3) + ".png")
    words = rf"the file name is too long \({most + 1} bytes; the file system allows {most}\)"
    with pytest.raises(CaseError, match=words):
        write_atomic(target, b"chart")
    assert list(tmp_path.iterdir()) == []


def test_multibyte_names_are_counted_in_bytes(tmp_path):
    if name_max(tmp_path) != NAME_MAX:
        pytest.skip("written for file systems with 255-byte names")
    target = tmp_path / ("é" * 126 + ".png")  # 256 bytes in UTF-8, 130 characters
    with pytest.raises(CaseError, match="256 bytes"):
        write_atomic(target, b"chart")


def test_a_failed_rename_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(CaseError, match=r"chart\.png: cannot write the file \(No space left on device\)"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert _no_temporary_files(tmp_path)


def test_ctrl_c_during_a_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "chmod", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert _no_temporary_files(tmp_path)


def test_folders_missing_or_in_the_way_are_plain_errors(tmp_path):
    with pytest.raises(CaseError, match=r"the folder .* does not exist"):
        write_atomic(tmp_path / "nowhere" / "chart.png", b"x")
    (tmp_path / "chart.png").mkdir()
    with pytest.raises(CaseError, match="is a folder"):
        write_atomic(tmp_path / "chart.png", b"x")


def test_a_read_only_folder_is_a_plain_error_and_keeps_the_old_file(tmp_path):
    with tmpfs(tmp_path / "ro", fill={"chart.png": b"old"}, readonly=True) as folder:
        with pytest.raises(CaseError, match=r"chart\.png: cannot write the file \(Read-only file system\)"):
            write_atomic(folder / "chart.png", b"new")
        assert (folder / "chart.png").read_bytes() == b"old"
        assert _no_temporary_files(folder)


def test_a_full_disk_is_a_plain_error_and_keeps_the_old_file(tmp_path):
    with tmpfs(tmp_path / "full", size="64k", fill={"chart.png": b"old"}) as folder:
        with pytest.raises(CaseError, match=r"chart\.png: cannot write the file \(No space left on device\)"):
            write_atomic(folder / "chart.png", b"x" * 200_000)
        assert (folder / "chart.png").read_bytes() == b"old"
        assert _no_temporary_files(folder)


@pytest.mark.parametrize("length", [12, 250])
def test_temporary_files_finds_what_a_killed_write_left_and_nothing_else(tmp_path, monkeypatch, length):
    target = tmp_path / ("b" * (length - 4) + ".png")
    other = tmp_path / ("b" * (length - 5) + "x.png")

    def killed(src, dst):
        raise SystemExit  # the process ends between the write and the rename

    monkeypatch.setattr(atomic.os, "replace", killed)
    monkeypatch.setattr(atomic.Path, "unlink", lambda self, missing_ok=False: None)
    for path in (target, other):
        with pytest.raises(SystemExit):
            write_atomic(path, b"half")
    left = temporary_files(target)
    assert len(left) == 1
    assert left != temporary_files(other)


def test_a_device_or_a_pipe_is_never_replaced(tmp_path) -> None:
    import stat

    pipe = tmp_path / "chart.png"
    os.mkfifo(pipe)
    with pytest.raises(CaseError, match="is a named pipe, not a file that can be replaced"):
        write_atomic(pipe, b"png")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    device = tmp_path / "null.png"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    with pytest.raises(CaseError, match="is a device"):
        write_atomic(device, b"png")
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert set(tmp_path.iterdir()) == {pipe, device}  # no temporary file left


def test_a_link_to_a_file_is_written_through_and_kept(tmp_path) -> None:
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"
