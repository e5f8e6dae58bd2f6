"""De-identified charts end to end: identifier-like free text is refused, tooltips show no more."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atc_timeline.case.dates import MAX_YEAR, MIN_YEAR
from atc_timeline.cli import app
from atc_timeline.errors import CaseValidationError
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from atc_timeline.readers.yaml_case import load_case_text
from tests.conftest import CASES

runner = CliRunner()

CLEAN = """schema: atc-timeline/1
case: {id: c, title: Thyroid cancer case}
diagnosis: {label: ATC, date: "2019-03-04"}
medications:
  - {id: lenva, label: Lenvatinib, class: targeted, start: "2019-04-02", end: "2020-01", dose: 24 mg,
     stop_reason: STOP_REASON}
imaging:
  - id: ct
    date: "2019-06-11"
    modality: CT
    finding: FINDING
"""
LONG_FINDING = (
    "Partial response in the lung nodules and the pleural mass with a new small liver lesion "
    "of uncertain significance, to be reassessed at the next scan"
)


# Too long for a 4 x 3 in chart even on two lines: shown cut, so its end is not drawn.
STOP_REASON = (
    "Disease progression; dose reduced twice for hypertension, fatigue and proteinuria, then held "
    "for a tracheo-oesophageal fistula and stopped at the patient's request"
)


def _case(finding: str = "smaller") -> str:
    return CLEAN.replace("FINDING", json.dumps(finding)).replace("STOP_REASON", json.dumps(STOP_REASON))


def _write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _render(*args: str):
    return runner.invoke(app, ["render", "--dpi", "30", *args])


def test_identifying_free_text_is_refused_with_file_line_and_field(tmp_path):
    case = _write(tmp_path, _case("scan on 2018-03-14, Dr Smith"))
    out = tmp_path / "c.svg"
    result = _render(str(case), "-o", str(out), "--deidentify")
    assert result.exit_code == 1
    assert f"{case}:11:5: imaging[0].finding: '2018-03-14' looks like a calendar date" in result.stderr
    assert "'Dr Smith' looks like a name" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists(), "nothing is written"


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "pptx"])
def test_the_override_draws_it_with_warnings(tmp_path, fmt):
    case = _write(tmp_path, _case("seen by Dr Smith"))
    out = tmp_path / f"c.{fmt}"
    result = _render(str(case), "-o", str(out), "--deidentify", "--allow-identifiers")
    assert result.exit_code == 0, result.stderr
    assert out.exists()
    assert "'Dr Smith' looks like a name; drawn on the de-identified chart as allowed" in result.stderr


def test_a_title_given_is_scanned_and_the_case_title_is_not(tmp_path):
    case = _write(tmp_path, _case().replace("Thyroid cancer case", "Case of Mr Brown"))
    out = str(tmp_path / "c.png")
    refused = _render(str(case), "-o", out, "--deidentify", "--title", "Seen 14 Mar 2018")
    assert refused.exit_code == 1
    assert f"{case}: --title: '14 Mar 2018' looks like a calendar date" in refused.stderr
    assert "Mr Brown" not in refused.stderr, "the case title is not drawn, so not scanned"
    assert _render(str(case), "-o", out, "--deidentify", "--title", "Case A").exit_code == 0


def test_the_case_title_draws_a_warning_and_a_title_given_does_not(tmp_path):
    case = _write(tmp_path, _case())
    out = str(tmp_path / "c.png")
    warned = _render(str(case), "-o", out, "--deidentify")
    assert warned.exit_code == 0
    assert re.search(rf"{re.escape(str(case))}:2:\d+: case.title: the case title is shown", warned.stderr)
    assert "case.title" not in _render(str(case), "-o", out, "--deidentify", "--title", "A").stderr
    assert "case.title" not in _render(str(case), "-o", out).stderr, "only de-identified charts warn"


def test_stdin_is_located_too():
    result = runner.invoke(
        app, ["render", "-", "-o", "-", "--format", "svg", "--deidentify"], input=_case("aged 67")
    )
    assert result.exit_code == 1
    assert "<stdin>:11:5: imaging[0].finding: 'aged 67' looks like an age" in result.stderr


def test_a_batch_refuses_the_identifying_case_and_draws_the_others(tmp_path):
    good = _write(tmp_path, _case(), "good.yaml")
    bad = _write(tmp_path, _case("MRN 1234567"), "bad.yaml")
    out = tmp_path / "out"
    result = _render(str(good), str(bad), "-o", f"{out}/", "--deidentify", "--summary", "json", "--jobs", "1")
    assert result.exit_code == 1
    records = {Path(r["input"]).stem: r for r in json.loads(result.stdout)}
    assert records["good"]["status"] == "ok"
    assert records["bad"]["status"] == "failed"
    assert "looks like a record number" in records["bad"]["error"]
    assert sorted(p.name for p in out.iterdir()) == ["good.png"]


def test_the_library_refuses_by_field_path_unless_allowed():
    case = load_case_text(_case("relapse in March 2019"))
    with pytest.raises(CaseValidationError) as caught:
        render_case(case, "svg", ChartOptions(dpi=30, deidentify=True))
    assert "imaging[0].finding: 'March 2019' looks like a calendar date" in str(caught.value)
    assert caught.value.issues[0].line is None
    with pytest.raises(CaseValidationError, match=r"ChartOptions\.title"):
        render_case(load_case_text(_case()), "png", ChartOptions(dpi=30, deidentify=True, title="Dr X"))
    assert render_case(case, "svg", ChartOptions(dpi=30, deidentify=True, allow_identifiers=True))
    assert render_case(case, "svg", ChartOptions(dpi=30)), "only de-identified charts are scanned"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_committed_cases_render_de_identified_unless_they_hold_identifiers(tmp_path, path):
    result = _render(str(path), "-o", str(tmp_path / "c.svg"), "--deidentify")
    if path.name == "dtc-long-follow-up-imaging.yaml":  # years in its title and text
        assert result.exit_code == 1
        assert "looks like a year" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr


def _svg(case_text: str, options: ChartOptions) -> tuple[list[str], list[str]]:
    """(tooltips, drawn texts) of a chart's SVG."""
    svg = render_case(load_case_text(case_text), "svg", options).decode()
    titles = [unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg, re.S)]
    texts = [unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
    return titles, texts


def test_de_identified_tooltips_repeat_only_what_the_chart_shows():
    options = ChartOptions(width=4.0, height=3.0, dpi=30)
    titles, _ = _svg(_case(LONG_FINDING), options)
    assert any(LONG_FINDING in t for t in titles), "normally a tooltip holds the full text"
    assert any("hypertension, fatigue and proteinuria" in t for t in titles)

    titles, texts = _svg(_case(LONG_FINDING), ChartOptions(width=4.0, height=3.0, dpi=30, deidentify=True))
    assert titles, "tooltips are kept"
    drawn = "\n".join(texts)
    for title in titles:
        for line in title.splitlines():
            assert line in drawn, f"the tooltip {line!r} is not drawn on the chart"
    assert not any(LONG_FINDING in t for t in titles)
    assert not any("proteinuria" in t for t in titles)


def test_a_far_time_zero_renders_de_identified(tmp_path):
    # Months from a time zero far from every event: date arithmetic, not nanosecond Timestamps.
    # The farthest a case may set is the last day of the last year a chart can show.
    far = _write(tmp_path, _case().replace("{id: c,", "{id: c, time_zero: '9999',"))
    refused = _render(str(far), "-o", str(tmp_path / "far.png"), "--deidentify", "--title", "A")
    assert refused.exit_code == 1
    assert f"case.time_zero: '9999' is outside the years a chart can show ({MIN_YEAR} to {MAX_YEAR})" in (
        refused.stderr
    )
    case = _write(tmp_path, _case().replace("{id: c,", f"{{id: c, time_zero: '{MAX_YEAR}-12-31~',"))
    for fmt in ("png", "svg", "pptx"):
        result = _render(str(case), "-o", str(tmp_path / f"c.{fmt}"), "--deidentify", "--title", "A")
        assert result.exit_code == 0, result.stderr
