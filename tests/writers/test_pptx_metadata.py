"""The deck's file properties: any title the model accepts, nothing identifying when de-identified."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pptx
import pytest

from atc_timeline.case.model import MAX_TEXT
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from atc_timeline.readers.yaml_case import load_case_text
from atc_timeline.writers.pptx import APP_XML, MAX_PROPERTY, pptx_bytes, shorten, xml_text
from tests.writers.test_pptx import _png

CASE = """schema: atc-timeline/1
case: {id: MRN-0048213, title: TITLE, source: "Chart of Jane Smith, seen 2019-03-04"}
diagnosis: {label: ATC, date: "2019-03-04"}
medications:
  - {id: lenva, label: Lenvatinib, class: targeted, start: "2019-04-02", end: "2020-01", dose: 24 mg}
"""


def _case(title: str):
    return load_case_text(CASE.replace("TITLE", "'" + title.replace("'", "''") + "'"))


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        return {n: deck.read(n).decode("utf-8") for n in deck.namelist() if n.endswith(".xml")}


@pytest.mark.parametrize("length", [255, 256, 400, MAX_TEXT])
def test_a_title_of_any_length_the_model_accepts_writes_a_deck(length):
    title = ("Anaplastic thyroid carcinoma on lenvatinib " * 30)[:length].rstrip() + "x"
    data = render_case(_case(title), "pptx", ChartOptions(dpi=30))
    deck = pptx.Presentation(io.BytesIO(data))
    assert deck.slides[0].shapes.title.text_frame.text == title, "the slide shows it whole"
    core = deck.core_properties.title
    assert len(core) <= MAX_PROPERTY
    if len(title) > MAX_PROPERTY:
        assert core.endswith("\u2026")
        assert title.startswith(core[:-1])
    else:
        assert core == title


@pytest.mark.parametrize(
    "title",
    [
        "e\u0301" * 300,  # accents that combine with the letter before
        "\U0001f469\u200d\U0001f469\u200d\U0001f467" * 100,  # family emoji: joined sequences
        "\U0001f1eb\U0001f1f7" * 200,  # flags: regional indicators in pairs
        "\U0001f44d\U0001f3fd" * 200,  # a skin-tone modifier
        "\u7532\u72b6\u817a\u764c" * 100,  # CJK
        "\U00013000" * 300,  # beyond the BMP
        "a" * 254 + "\u0301\u0301\u0301",
        "\u0301" * 300,
    ],
)
def test_core_title_is_cut_between_characters_the_reader_sees(title):
    short = shorten(title, MAX_PROPERTY)
    assert len(short) <= MAX_PROPERTY
    assert short.endswith("\u2026")
    kept = short[:-1]
    assert title.startswith(kept)
    rest = title[len(kept) :]
    assert not (kept and unicodedata.combining(rest[0])), "no accent is parted from its letter"
    assert not kept.endswith("\u200d")
    assert not rest.startswith("\u200d")
    if rest[0] == "\U0001f1eb" or rest[0] == "\U0001f1f7":
        assert len(kept) % 2 == 0, "no flag is split"
    assert not "\U0001f3fb" <= rest[0] <= "\U0001f3ff", "no skin tone is parted from its emoji"
    deck = pptx_bytes(_png(40, 20), width_in=4, height_in=3, title=title, notes="")
    assert pptx.Presentation(io.BytesIO(deck)).core_properties.title == short


def test_text_xml_cannot_hold_is_dropped_not_fatal():
    title = "Scan\ufffe \ufffflung\x01 nodules \ud800ok"
    assert xml_text(title) == "Scan lung nodules ok"
    data = pptx_bytes(_png(40, 20), width_in=4, height_in=3, title=title, notes=title)
    deck = pptx.Presentation(io.BytesIO(data))
    assert deck.slides[0].shapes.title.text_frame.text == "Scan lung nodules ok"
    assert deck.core_properties.title == "Scan lung nodules ok"


def test_a_de_identified_deck_carries_no_title_author_or_template_values_in_its_properties():
    title = "Thyroid cancer case"
    data = render_case(_case(title), "pptx", ChartOptions(dpi=30, deidentify=True))
    parts = _parts(data)
    core, app = parts["docProps/core.xml"], parts["docProps/app.xml"]
    assert title not in core
    assert "<dc:title></dc:title>" in core or "<dc:title/>" in core
    assert "atc-timeline" in core  # the tool is the only creator named
    for secret in ("Jane", "Smith", "MRN", "0048213", "2019", "python-pptx"):
        assert secret not in core
        assert secret not in app
    assert app.encode() == APP_XML
    everything = "".join(parts.values())
    for secret in ("Jane", "Smith", "MRN", "0048213", "2019-03-04"):
        assert secret not in everything, f"{secret} is in the deck"
    deck = pptx.Presentation(io.BytesIO(data))
    assert deck.slides[0].shapes.title.text_frame.text == title, "the title stays on the slide"
    assert deck.slides[0].notes_slide.notes_text_frame.text == ""


def test_every_deck_has_true_app_properties_and_keeps_the_title_when_not_de_identified():
    data = render_case(_case("Thyroid cancer case"), "pptx", ChartOptions(dpi=30))
    parts = _parts(data)
    assert "Microsoft" not in parts["docProps/app.xml"]
    assert "4:3" not in parts["docProps/app.xml"]
    assert "<dc:title>Thyroid cancer case</dc:title>" in parts["docProps/core.xml"]
    assert pptx.Presentation(io.BytesIO(data)).core_properties.title == "Thyroid cancer case"
