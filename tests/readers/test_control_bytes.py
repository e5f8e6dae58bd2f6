"""Every byte value, put into a valid case or style file: whatever is refused names a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from atc_timeline.errors import CaseError, Issue
from atc_timeline.readers import yaml_source
from atc_timeline.readers.bounded import decode_bytes, line_and_column
from atc_timeline.readers.style_file import parse_style
from atc_timeline.readers.yaml_case import check_text, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "cases").glob("*.yaml"))
STYLE = (
    "# the department's slides\n"
    "background: '#FFFFFF'\n"
    "text: navy\n"
    "font_family: [DejaVu Sans, Arial]\n"
    "bars:\n"
    "  surgery: '#336699'\n"
)
# Bytes that can never be part of a YAML file's text: C0 controls but tab, LF and CR; DEL;
# and, put alone between whole characters, every byte from 0x80 (never valid UTF-8 there).
NEVER_TEXT = [b for b in range(256) if (b < 0x20 and b not in (0x09, 0x0A, 0x0D)) or b >= 0x7F]


def insertion_points(text: str) -> list[int]:
    """Character positions to put a byte at: file start, inside a key, inside a value, a line's
    start and end, and the end of the file."""
    middle = text.index("\n", len(text) // 2) + 1  # the start of a line halfway down
    value = text.index(": ", middle) + 3  # inside that line's (or the next) value
    return sorted({0, 1, middle, value, text.index("\n", value), len(text)})


def refusals(raw: bytes, name: str, parse: str) -> list[Issue]:
    """The errors found in `raw`, read as a case file or a style file."""
    try:
        text = decode_bytes(raw, name)
        if parse == "style":
            parse_style(raw, name)
            return []
    except CaseError as exc:
        return list(exc.issues)
    return list(check_text(text, name).errors)


def check_every_byte(text: str, name: str, parse: str) -> int:
    """Put every byte value at every insertion point; return how many refusals were checked."""
    checked = 0
    for index in insertion_points(text):
        before, after = text[:index].encode(), text[index:].encode()
        where = line_and_column(text, index)
        for byte in range(256):
            found = refusals(before + bytes([byte]) + after, name, parse)
            for issue in found:
                assert issue.line is not None, (byte, index, str(issue))
                assert str(issue).startswith(f"{name}:{issue.line}"), str(issue)
                assert "Traceback" not in issue.message
            if byte in NEVER_TEXT:
                # Refused, and at the very place the byte was put.
                assert found, (byte, index)
                assert (found[0].line, found[0].column) == where, (byte, index, str(found[0]))
            checked += len(found)
    return checked


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_byte_in_a_case_file_is_accepted_or_refused_at_a_line(path: Path) -> None:
    assert check_every_byte(path.read_text(encoding="utf-8"), path.name, "case") > len(NEVER_TEXT)


def test_every_byte_in_a_style_file_is_accepted_or_refused_at_a_line() -> None:
    parse_style(STYLE.encode(), "house.yaml")  # valid as it stands
    assert check_every_byte(STYLE, "house.yaml", "style") > len(NEVER_TEXT)


@pytest.mark.parametrize(
    ("char", "message"),
    [
        ("\x01", "contains the control character U+0001; remove it"),
        ("\x7f", "contains the control character U+007F; remove it"),
        ("\x9b", "contains the control character U+009B; remove it"),
        ("\ufffe", "contains U+FFFE, which is not a character YAML allows; remove it"),
        ("\uffff", "contains U+FFFF, which is not a character YAML allows; remove it"),
        ("\ud800", "contains U+D800, which is not a character YAML allows; remove it"),
    ],
)
def test_characters_yaml_refuses_are_named_and_located(char: str, message: str) -> None:
    text = "schema: atc-timeline/1\ncase:\n  title: ab" + char + "c\n"
    with pytest.raises(CaseError) as info:
        parse_yaml(text, "c.yaml")
    assert [str(i) for i in info.value.issues] == [f"c.yaml:3:12: {message}"]


def test_characters_yaml_allows_are_not_refused_by_the_scan() -> None:
    # NBSP, BOM, private use and astral characters are YAML text; whether a case may
    # hold them is for the case checks to say, with the field's path.
    for char in ("\xa0", "\ufeff", "\ue000", "\U0001f600"):
        data, _ = parse_yaml(f"title: 'a{char}b'\n", "c.yaml")
        assert data == {"title": f"a{char}b"}


def test_a_reader_error_the_scan_misses_is_still_located(monkeypatch: pytest.MonkeyPatch) -> None:
    # yaml.reader.ReaderError is not a MarkedYAMLError: it carries a position, not a line.
    monkeypatch.setattr(yaml_source, "_bad_character", lambda text, file: None)
    text = "schema: atc-timeline/1\ncase:\n  title: caf\u00e9 \x07\n"
    with pytest.raises(CaseError) as info:
        parse_yaml(text, "c.yaml")
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == (3, 15)
    assert issue.message.startswith("not valid YAML: ")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: " + "[" * 40 + "]" * 40 + "\n", (1, 36)),
        ("".join(f"{'  ' * depth}k{depth}:\n" for depth in range(40)) + "  " * 40 + "x\n", (34, 67)),
    ],
    ids=["flow", "block"],
)
def test_nesting_too_deep_is_located(text: str, where: tuple[int, int]) -> None:
    with pytest.raises(CaseError) as info:
        parse_yaml(text, "deep.yaml")
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == where
    assert issue.message == "blocks are nested too deeply (more than 32 levels)"
