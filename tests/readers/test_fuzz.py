"""Fuzzing the loader: whatever the input, the answer is a Case or a located CaseError, never a crash."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from atc_timeline.case.model import Case
from atc_timeline.errors import CaseError
from atc_timeline.readers.yaml_case import decode_bytes, load_case_text, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "cases").glob("*.yaml"))
TEXTS = {path.stem: path.read_text(encoding="utf-8") for path in CASES}
RAW = {path.stem: path.read_bytes() for path in CASES}
PARSED = {name: parse_yaml(text)[0] for name, text in TEXTS.items()}
FILE = "fuzz.yaml"

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KeyPath = tuple[str | int, ...]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?[~?%]?$")


def load_or_error(text: str) -> Case | CaseError:
    """Load `text`; a CaseError is an answer, any other exception propagates and fails the test."""
    try:
        case = load_case_text(text, FILE)
    except CaseError as exc:
        check_error(exc)
        _event("CaseError")
        return exc
    assert isinstance(case, Case)
    _event("Case")
    return case


def _event(outcome: str) -> None:
    # Why: the share of each outcome shows in `pytest --hypothesis-show-statistics`.
    if currently_in_test_context():
        event(outcome)


def check_error(exc: CaseError) -> None:
    """A user error must name the file, say something, and not leak pydantic internals."""
    text = str(exc)
    assert text.strip()
    for leak in ("Traceback", "pydantic", "ValidationError"):
        assert leak not in text, text
    if exc.issues:
        for issue in exc.issues:
            assert issue.file == FILE, issue
            assert issue.message.strip(), issue
    else:
        assert FILE in text, text


# --- walking and changing the parsed data ---------------------------------------------------


def _paths(node: Any, path: KeyPath = ()) -> list[KeyPath]:
    """Every path in the tree, the root included, in document order."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: KeyPath, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


RTL = [
    "\u202eevil.exe",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u05e2\u05d1\u05e8\u05d9\u05ea 2017-08-30",
    "\u200f2017-08-30",
    "\u0661\u0669\u0669\u0660-\u0660\u0661",
]
CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8)

WEIRD = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.one_of(st.integers(), st.text(max_size=8)), max_size=3),
    st.dictionaries(
        st.text(max_size=6), st.one_of(st.none(), st.integers(), st.text(max_size=6)), max_size=3
    ),
    st.none(),
    st.booleans(),
    st.integers(min_value=500, max_value=50_000).map(lambda n: "A" * n),
    CONTROL,
    st.builds("{}{}".format, st.sampled_from(["", "2017-08-30", "PR"]), CONTROL),
    st.sampled_from(RTL),
    st.text(max_size=20),
    st.sampled_from(["", " ", "~", "?", "ongoing", "unknown", "diagnosis", "yes", "no", "null", "0x1F"]),
)

BAD_DATES = st.one_of(
    st.sampled_from(
        [
            "2017-02-29", "2016-02-29", "2017-13", "2017-00", "2017-04-31", "0000", "0001-01-01~",
            "9999-12-31%", "9999", "2017-8-3", "17-08-30", "2017/08/30", "2017-08-30T10:00:00",
            " 2017 ", "2017-08-30~?", "\uff12\uff10\uff11\uff17", "\u0662\u0660\u0661\u0667-\u0660\u0668",
            "2017-08-30\n", "ongoing ", "Ongoing", "unknown?", "today",
        ]
    ),
    st.integers(min_value=-10, max_value=100_000),
    st.from_regex(r"\A\d{1,5}(-\d{1,3}(-\d{1,3})?)?[~?%]?\Z"),
)


def _typo(key: str, data: st.DataObject) -> str:
    if not key:
        return "x"
    i = data.draw(st.integers(0, len(key) - 1), label="position")
    kind = data.draw(st.sampled_from(["drop", "double", "swap", "upper", "plural", "dash", "space"]))
    if kind == "drop":
        new = key[:i] + key[i + 1 :]
    elif kind == "double":
        new = key[:i] + key[i] + key[i:]
    elif kind == "swap" and len(key) > 1:
        i = min(i, len(key) - 2)
        new = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    elif kind == "upper":
        new = key.upper()
    elif kind == "plural":
        new = key + "s"
    elif kind == "dash":
        new = key.replace("_", "-") if "_" in key else key + "_"
    else:
        new = key + " "
    return new if new != key else key + "x"


def _dict_paths(data: Any) -> list[KeyPath]:
    return [p for p in _paths(data) if isinstance(_get(data, p), dict) and _get(data, p)]


def drop_key(data: Any, draw: st.DataObject) -> None:
    path = draw.draw(st.sampled_from(_dict_paths(data)))
    node = _get(data, path)
    del node[draw.draw(st.sampled_from(list(node)))]


def duplicate_item(data: Any, draw: st.DataObject) -> None:
    lists = [p for p in _paths(data) if isinstance(_get(data, p), list) and _get(data, p)]
    if not lists:
        return
    node = _get(data, draw.draw(st.sampled_from(lists)))
    index = draw.draw(st.integers(0, len(node) - 1))
    node.insert(draw.draw(st.integers(0, len(node))), copy.deepcopy(node[index]))


def replace_value(data: Any, draw: st.DataObject) -> None:
    path = draw.draw(st.sampled_from(_paths(data)[1:]))
    _set(data, path, draw.draw(WEIRD, label="value"))


def rename_key(data: Any, draw: st.DataObject) -> None:
    path = draw.draw(st.sampled_from(_dict_paths(data)))
    node = _get(data, path)
    old = draw.draw(st.sampled_from(list(node)))
    new = _typo(old, draw)
    renamed = {(new if key == old else key): value for key, value in node.items()}
    if path:
        _set(data, path, renamed)
    else:
        data.clear()
        data.update(renamed)


def _date_paths(data: Any) -> list[KeyPath]:
    return [
        p for p in _paths(data)
        if isinstance(_get(data, p), str) and (_DATE.match(_get(data, p)) or _get(data, p) in ("ongoing",))
    ]


def garble_date(data: Any, draw: st.DataObject) -> None:
    paths = _date_paths(data)
    if not paths:
        return
    path = draw.draw(st.sampled_from(paths))
    value = _get(data, path)
    how = draw.draw(st.sampled_from(["bad", "shuffle", "other"]))
    if how == "bad":
        _set(data, path, draw.draw(BAD_DATES, label="date"))
    elif how == "shuffle":
        _set(data, path, "".join(draw.draw(st.permutations(list(value)))))
    else:
        _set(data, path, _get(data, draw.draw(st.sampled_from(paths))))


def shuffle_dates(data: Any, draw: st.DataObject) -> None:
    paths = _date_paths(data)
    values = draw.draw(st.permutations([_get(data, p) for p in paths]))
    for path, value in zip(paths, values, strict=True):
        _set(data, path, value)


def swap_start_end(data: Any, draw: st.DataObject) -> None:
    periods = [p for p in _dict_paths(data) if {"start", "end"} <= set(_get(data, p))]
    if not periods:
        return
    node = _get(data, draw.draw(st.sampled_from(periods)))
    node["start"], node["end"] = node["end"], node["start"]


MUTATIONS: list[Callable[[Any, st.DataObject], None]] = [
    drop_key, duplicate_item, replace_value, rename_key, garble_date, shuffle_dates, swap_start_end,
]


# --- the fuzz tests -------------------------------------------------------------------------


@FUZZ
@given(name=st.sampled_from(sorted(PARSED)), data=st.data())
def test_mutated_cases_load_or_fail_cleanly(name: str, data: st.DataObject) -> None:
    tree = copy.deepcopy(PARSED[name])
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        mutate = data.draw(st.sampled_from(MUTATIONS))
        mutate(tree, data)
    text = yaml.safe_dump(
        tree,
        sort_keys=False,
        allow_unicode=data.draw(st.booleans(), label="allow_unicode"),
        default_flow_style=data.draw(st.sampled_from([False, None, True]), label="flow"),
    )
    load_or_error(text)


@FUZZ
@given(name=st.sampled_from(sorted(RAW)), data=st.data())
def test_damaged_bytes_load_or_fail_cleanly(name: str, data: st.DataObject) -> None:
    raw = bytearray(RAW[name])
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        if not raw:
            break
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        kind = data.draw(st.sampled_from(["flip", "truncate", "delete", "insert", "repeat"]))
        if kind == "flip":
            raw[at] ^= data.draw(st.integers(1, 255), label="mask")
        elif kind == "truncate":
            del raw[at:]
        elif kind == "delete":
            del raw[at : at + data.draw(st.integers(1, 64))]
        elif kind == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16), label="bytes")
        else:
            end = min(len(raw), at + data.draw(st.integers(1, 200)))
            raw[at:at] = raw[at:end]
    try:
        text = decode_bytes(bytes(raw), FILE)
    except CaseError as exc:
        check_error(exc)
        return
    load_or_error(text)


@FUZZ
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_damaged_text_loads_or_fails_cleanly(name: str, data: st.DataObject) -> None:
    """Character-level damage (after decoding): YAML syntax characters in odd places."""
    text = TEXTS[name]
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        piece = data.draw(
            st.one_of(
                st.sampled_from(
                    [":", "- ", "[", "{", "}", "]", "&a ", "*a", "!!str ", "!!binary ", "? ", "|", ">",
                     "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "\n  ", "\t", "\ufeff", "\x85", "\u2028"]
                ),
                st.text(max_size=6),
            ),
            label="piece",
        )
        text = text[:at] + piece + text[at:]
    load_or_error(text)


def test_the_unmutated_round_trip_loads_every_example_case() -> None:
    """Sanity check of the harness: through safe_dump and back, every example case still loads."""
    for name, tree in PARSED.items():
        text = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
        assert isinstance(load_case_text(text, FILE), Case), name


@pytest.mark.parametrize("mutate", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
def test_every_mutation_changes_cases_and_they_load_or_fail_cleanly(mutate) -> None:
    """Each mutation on its own really changes some example case, and each change is handled."""
    changed: list[str] = []

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(name=st.sampled_from(sorted(PARSED)), data=st.data())
    def run(name: str, data: st.DataObject) -> None:
        tree = copy.deepcopy(PARSED[name])
        mutate(tree, data)
        if tree != PARSED[name]:
            changed.append(name)
        load_or_error(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True))

    run()
    assert len(changed) >= 5, f"{mutate.__name__} changed only {len(changed)} of 25 cases"


# --- regressions found by fuzzing -----------------------------------------------------------

MINIMAL = """\
schema: atc-timeline/1
case: {id: p01, title: Test case}
diagnosis: {label: Anaplastic thyroid carcinoma, date: 2017-08-30}
"""
# Why these: since Python 3.11 (and 3.10.7), int <-> str conversion refuses more than 4300
# digits and raises ValueError. A plain decimal literal hits it inside PyYAML's constructor;
# a YAML 1.1 sexagesimal literal (1:59:59:...) builds the huge int silently, and the
# conversion fails later, when the loader formats the value into a message.
HUGE_DECIMAL = "1" * 5000
HUGE_SEXAGESIMAL = "1" + ":59" * 2500


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL + f"patient: {{age: {HUGE_DECIMAL}}}\n",
        MINIMAL + f"x: {HUGE_DECIMAL}\n",
        MINIMAL.replace("title: Test case", f"title: {HUGE_SEXAGESIMAL}"),
        MINIMAL + f"patient: {{age: {HUGE_SEXAGESIMAL}}}\n",
    ],
    ids=["decimal-age", "decimal-unknown-field", "sexagesimal-title", "sexagesimal-age"],
)
def test_huge_integer_literal_is_a_case_error(text: str) -> None:
    assert isinstance(load_or_error(text), CaseError)


def test_huge_integer_date_message_is_plain() -> None:
    text = MINIMAL.replace("date: 2017-08-30", f"date: {HUGE_SEXAGESIMAL}")
    error = load_or_error(text)
    assert isinstance(error, CaseError)
    assert "set_int_max_str_digits" not in str(error)


def test_unknown_key_with_bracket_is_named() -> None:
    error = load_or_error(MINIMAL + "a[b]: 1\n")
    assert isinstance(error, CaseError)
    assert [issue.path for issue in error.issues] == ["a[b]"]
    assert "unknown field 'a[b]'" in str(error)
