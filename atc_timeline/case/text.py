"""The characters and lengths a case file's text may have: one rule for the YAML reader and the model."""

from __future__ import annotations

import re
import unicodedata

# Why one cap for every free-text field: text drawn on the chart shows about 60 characters
# and a citation in `source` a few hundred; longer values are almost always a paste
# accident, so they are refused, not truncated.
MAX_TEXT = 1000

# U+FEFF (zero width no-break space, the byte-order mark) comes with text pasted from Word
# and other programs. It is invisible and means nothing inside a text, and matplotlib's PDF
# writer crashes on it, so it is dropped rather than refused: refusing would send the user
# hunting for a character no editor shows.
DROPPED = "\ufeff"

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# Characters that are not text: C0/C1 controls other than tab, newline and carriage return
# (not drawable, not allowed in SVG/XML), lone surrogates (half of a UTF-16 pair: no
# character at all, and not encodable as UTF-8) and Unicode noncharacters (U+FFFE, U+FFFF
# and the like, reserved for programs' internal use: they make a malformed SVG and
# python-pptx refuses them).
NOT_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")


def describe_character(char: str) -> str:
    """What kind of character that is not text `char` is, e.g. 'the control character U+0007'."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "half of a UTF-16 surrogate pair"
    elif unicodedata.category(char) == "Cc":
        kind = "the control character"
    else:
        kind = "the Unicode noncharacter"
    return f"{kind} U+{code:04X}"


def character_problem(text: str) -> str | None:
    """A plain message about the first character of `text` that is not text, or None."""
    bad = NOT_TEXT.search(text)
    if bad is None:
        return None
    return f"contains {describe_character(bad.group())}, which is not text; remove it"


def clean_text(value: object) -> object:
    """A text without the invisible U+FEFF; ValueError for characters that are not text.

    Anything but a str passes unchanged, for the type check that follows to refuse.
    """
    if not isinstance(value, str):
        return value
    if DROPPED in value:
        value = value.replace(DROPPED, "")
    problem = character_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value
