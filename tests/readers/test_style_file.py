"""House-style files are read with a case file's guards, and every refusal names a line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from atc_timeline.errors import CaseValidationError
from atc_timeline.readers.style_file import parse_style, read_style_bytes

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{child}: &{child} [{', '.join([f'*{parent}'] * 10)}]\n"
    for parent, child in zip("abcdef", "bcdefg", strict=True)
)


def refused(text: str) -> list[str]:
    """Every issue parse_style finds in `text`, printed; each must carry a line."""
    with pytest.raises(CaseValidationError) as info:
        parse_style(text.encode(), "house.yaml")
    for issue in info.value.issues:
        assert issue.line is not None, str(issue)
    return [str(issue) for issue in info.value.issues]


def test_a_valid_style_gives_its_fields_and_their_lines() -> None:
    data, lines = parse_style(b"text: navy\nbars:\n  surgery: '#336699'\n", "house.yaml")
    assert data == {"text": "navy", "bars": {"surgery": "#336699"}}
    assert lines[("bars", "surgery")] == (3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("text: red\ntext: blue\n", "house.yaml:2:1: text: 'text' appears twice in the same block (first on"),
        ("bars:\n  surgery: red\n  surgery: blue\n", "house.yaml:3:3: bars.surgery: 'surgery' appears twice"),
        ("text: " + "[" * 40 + "]" * 40 + "\n", "house.yaml:1:39: blocks are nested too deeply"),
        ("".join(f"{' ' * d}k{d}:\n" for d in range(60)), "house.yaml:34:34: blocks are nested too deeply"),
        ("- " * 5000 + "x\n", "house.yaml:1:"),  # libyaml's own depth limit, or ours
        ("text: !!python/object:os.system x\n", "house.yaml:1:7: text: YAML tag"),
        ("text: [unclosed\n", "house.yaml:2:1: not valid YAML"),
        ("text: \x07\n", "house.yaml:1:7: contains the control character U+0007; remove it"),
        ("- red\n", "house.yaml:1:1: a style file is a block of fields"),
        ("", "house.yaml:1:1: the file is empty"),
        (ALIAS_BOMB, "house.yaml:6:1: f: the file expands to more than 200,000 values"),
    ],
    ids=["duplicate", "duplicate-nested", "flow-nesting", "block-nesting", "dash-nesting", "tag",
         "bad-yaml", "control", "not-a-block", "empty", "alias-bomb"],
)
def test_every_refusal_names_a_line(text: str, expected: str) -> None:
    (first, *_) = refused(text)
    assert first.startswith(expected), first


def test_a_style_files_messages_call_it_a_style_file() -> None:
    (message,) = refused("text: !!binary aGVsbG8=\n")
    assert "is not allowed in a style file" in message


def test_non_utf8_is_located() -> None:
    with pytest.raises(CaseValidationError) as info:
        parse_style(b"text: navy\nmuted: gr\xe4y\n", "house.yaml")
    assert str(info.value).startswith("house.yaml:2:10: the file is not UTF-8 text")


def test_style_file_bytes_are_read_with_a_case_files_guards(tmp_path: Path) -> None:
    style = tmp_path / "house.yaml"
    style.write_bytes(b"text: navy\n")
    assert read_style_bytes(style) == b"text: navy\n"
    style.write_bytes(b"#" * (2 * 1024 * 1024 + 1))
    with pytest.raises(CaseValidationError, match="a style file is limited to 2 MB"):
        read_style_bytes(style)
    with pytest.raises(CaseValidationError, match="is a folder, not a style file"):
        read_style_bytes(tmp_path)
    with pytest.raises(CaseValidationError, match="no such file"):
        read_style_bytes(tmp_path / "missing.yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs FIFOs, /dev")
def test_pipes_and_devices_are_not_style_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(CaseValidationError, match="is a named pipe, not a style file"):
        read_style_bytes(tmp_path / "pipe.yaml")  # a hang here would be the bug
    with pytest.raises(CaseValidationError, match="is a device, not a style file"):
        read_style_bytes(tmp_path / "zero.yaml")
