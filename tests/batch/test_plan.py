"""Planning a batch: output name patterns stay plain and inside the folder; inputs are never targets."""

from __future__ import annotations

import os
import time

import pytest

from atc_timeline.batch.plan import plan_jobs
from atc_timeline.batch.stamps import MANIFEST
from atc_timeline.batch.targets import Protected, check_target, parse_pattern
from atc_timeline.errors import OptionError


@pytest.fixture
def cases(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text("schema: atc-timeline/1\n")
    return folder


def _targets(jobs):
    return [target for job in jobs for _, target in job.targets]


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("{stem:>2000000000}", "fields take no conversion or format"),
        ("{stem:{format}}", "fields take no conversion or format"),
        ("{stem!r}.png", "fields take no conversion or format"),
        ("{stem!s:^9}", "fields take no conversion or format"),
        ("{stem.__class__}", "unknown field {stem.__class__}"),
        ("{stem[0]}.png", "unknown field {stem[0]}"),
        ("{0}.png", "unknown field {0}"),
        ("{}.png", "unknown field {}"),
        ("{name}.{format}", "unknown field {name}; use {stem}, {format}, {size}, {theme}"),
        ("{stem", "expected '}' before end of string"),
        ("stem}.png", "Single '}' encountered"),
    ],
)
def test_patterns_take_plain_fields_only(pattern, words, cases, tmp_path):
    started = time.perf_counter()
    with pytest.raises(OptionError) as caught:
        plan_jobs([str(cases / "a.yaml")], tmp_path / "out", ["png"], pattern)
    assert time.perf_counter() - started < 1, "refused before anything is built"
    assert caught.value.option == "output_pattern"
    assert words in str(caught.value)


def test_braces_doubled_are_kept_as_text(cases, tmp_path):
    assert parse_pattern("{{{stem}}}")[1] == ("", "stem")
    jobs = plan_jobs([str(cases / "a.yaml")], tmp_path, ["png"], "{{{stem}}}.{format}")
    assert _targets(jobs) == [str(tmp_path / "{a}.png")]


@pytest.mark.parametrize(
    ("pattern", "gives"),
    [
        ("../{stem}.{format}", "'../a.png'"),
        ("{stem}/../../{stem}.png", "'a/../../a.png'"),
        ("/tmp/{stem}.{format}", "'/tmp/a.png'"),
        ("./{stem}.{format}", "'./a.png'"),
        ("", "an empty name"),
        (".", "'.'"),
        ("..", "'..'"),
        ("{stem}.{format}/", "'a.png/'"),
        ("sub//{stem}.png", "'sub//a.png'"),
    ],
)
def test_patterns_that_leave_the_folder_are_refused(pattern, gives, cases, tmp_path):
    with pytest.raises(OptionError) as caught:
        plan_jobs([str(cases / "a.yaml")], tmp_path / "out", ["png"], pattern)
    assert f"gives {gives}, which is not a file inside the output folder" in str(caught.value)


def test_a_pattern_may_name_a_subfolder_inside(cases, tmp_path):
    jobs = plan_jobs([str(cases / "a.yaml")], tmp_path / "out", ["png"], "{format}/{stem}-{theme}.{format}")
    assert _targets(jobs) == [str(tmp_path / "out" / "png" / "a-light.png")]


@pytest.mark.parametrize("pattern", [MANIFEST, MANIFEST.upper(), "{stem}/" + MANIFEST])
def test_a_pattern_never_names_the_stamp_manifest(pattern, cases, tmp_path):
    with pytest.raises(OptionError, match="is the name of the stamp manifest"):
        plan_jobs([str(cases / "a.yaml")], tmp_path / "out", ["png"], pattern)


def test_a_pattern_never_writes_onto_an_input(cases):
    inputs = [str(cases / "a.yaml"), str(cases / "b.yaml")]
    with pytest.raises(OptionError) as caught:
        plan_jobs(inputs, cases, ["png"], "{stem}.yaml")
    assert caught.value.option == "output_pattern"
    source = cases / "a.yaml"
    assert f"{source} is the input {source}; a chart written there would replace it" in str(caught.value)
    # Another input's name is refused too, not only each input's own.
    with pytest.raises(OptionError, match=r"b\.yaml is the input"):
        plan_jobs([inputs[0]], cases, ["png"], "b.yaml", protected=Protected(inputs))


def test_links_to_an_input_are_the_input(cases, tmp_path):
    source = cases / "a.yaml"
    os.symlink(source, cases / "soft.png")
    os.link(source, cases / "hard.png")
    protected = Protected([str(source)])
    with pytest.raises(OptionError, match=r"soft\.png is a link to the input"):
        check_target(cases / "soft.png", protected)
    with pytest.raises(OptionError, match=r"hard\.png is the same file as the input"):
        check_target(cases / "hard.png", protected)
    # An input named through a link protects the file it names.
    with pytest.raises(OptionError, match=r"a\.yaml is the input .*soft\.png"):
        check_target(source, Protected([str(cases / "soft.png")]))
    check_target(cases / "other.png", protected)


def test_a_file_on_stdin_is_protected(cases):
    with open(cases / "a.yaml", "rb") as stdin:
        protected = Protected(["-"], stdin.fileno())
    with pytest.raises(OptionError, match=r"is the same file as the input <stdin>"):
        check_target(cases / "a.yaml", protected)
    check_target(cases / "b.yaml", protected)


def test_names_too_long_are_refused_when_planned(cases, tmp_path):
    with pytest.raises(OptionError, match="the file name is too long"):
        plan_jobs([str(cases / "a.yaml")], tmp_path, ["png"], "x" * 300 + "{stem}.{format}")
    jobs = plan_jobs([str(cases / "a.yaml")], tmp_path, ["png"], "x" * 245 + "{stem}.{format}")
    assert len(os.path.basename(_targets(jobs)[0])) == 250
