"""A one-slide PowerPoint deck around a rendered chart: title, picture, case source in the notes."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # python-pptx ships its own type hints (py.typed) since 1.0
    from pptx.presentation import Presentation as Deck
    from pptx.slide import SlideLayout

# Fixed metadata, so the same chart and text give byte-identical decks.
AUTHOR = "atc-timeline"
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold

# python-pptx refuses a core property (title, subject...) longer than 255 characters.
MAX_PROPERTY = 255
# docProps/app.xml in place of the template's, which names "Microsoft Macintosh PowerPoint",
# a 4:3 on-screen show, zero slides and an editing time: none of it true of this deck.
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>atc-timeline</Application></Properties>"
)
# What XML 1.0 cannot hold (C0 controls but tab and newlines, surrogates, U+FFFE, U+FFFF):
# lxml refuses the whole document over one of them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Characters that extend the one before them (accents, joiners, variation selectors, skin
# tones): a cut before one of them would change or split what the reader sees.
_EXTENDS = re.compile("[\u200c\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")

_FLAG_HALF = re.compile("[\U0001f1e6-\U0001f1ff]")

EMU_PER_INCH = 914400
EMU_PER_PT = 12700
# Title band at the top of the slide: a fraction of the height, capped, with a small side margin.
TITLE_BAND = 0.12
TITLE_BAND_MAX_IN = 0.9
MARGIN_IN = 0.25


def pptx_bytes(
    png: bytes,
    *,
    width_in: float,
    height_in: float,
    title: str,
    notes: str,
    deidentified: bool = False,
) -> bytes:
    """Build a one-slide deck (title, chart picture, notes) and return the .pptx bytes.

    `deidentified`: the file's properties (docProps/core.xml) carry no title, only the
    tool's name and fixed dates; the title stays on the slide, where it is seen.

    **Why** the slide geometry is computed here: the default template's layouts are drawn for a
    10 x 7.5 in slide and python-pptx does not rescale them when the slide size changes, so the
    title placeholder is moved and sized explicitly.
    """
    # Lazy: python-pptx (and lxml) cost ~0.2 s to import; only PPTX output should pay that.
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE
    from pptx.parts.image import Image
    from pptx.util import Emu, Pt

    if width_in <= 0 or height_in <= 0:
        raise ValueError(f"slide size must be positive, got {width_in} x {height_in} in")
    slide_w = round(width_in * EMU_PER_INCH)
    slide_h = round(height_in * EMU_PER_INCH)

    prs = Presentation()
    prs.slide_width = Emu(slide_w)
    prs.slide_height = Emu(slide_h)
    _drop_thumbnail(prs, RELATIONSHIP_TYPE.THUMBNAIL)
    title, notes = xml_text(title), xml_text(notes)
    _fix_core_properties(prs, "" if deidentified else title)

    slide = prs.slides.add_slide(_layout_named(prs, "Title Only"))

    band = min(round(slide_h * TITLE_BAND), round(TITLE_BAND_MAX_IN * EMU_PER_INCH))
    margin = round(MARGIN_IN * EMU_PER_INCH)
    heading = slide.shapes.title
    heading.left, heading.top = Emu(margin), Emu(0)
    heading.width, heading.height = Emu(max(slide_w - 2 * margin, 1)), Emu(band)
    heading.text_frame.text = title
    heading.text_frame.word_wrap = True
    for paragraph in heading.text_frame.paragraphs:
        for run in paragraph.runs:
            # About half the band, so one line fits; the template's 44 pt overflows small slides.
            run.font.size = Pt(max(8, min(32, round(band / EMU_PER_PT * 0.5))))

    px_w, px_h = Image.from_blob(png).size
    left, top, pic_w, pic_h = _fit(px_w, px_h, slide_w, slide_h - band)
    slide.shapes.add_picture(io.BytesIO(png), Emu(left), Emu(band + top), width=Emu(pic_w), height=Emu(pic_h))

    # python-pptx writes a bare \r as the escape _x000D_, so a CRLF case file would show it.
    slide.notes_slide.notes_text_frame.text = notes.replace("\r\n", "\n").replace("\r", "\n")

    out = io.BytesIO()
    prs.save(out)
    return _normalize_zip(out.getvalue())


def _fit(px_w: int, px_h: int, box_w: int, box_h: int) -> tuple[int, int, int, int]:
    """Full box width, keeping the aspect ratio; shrink to the box height and centre. -> (x, y, w, h)."""
    if px_w <= 0 or px_h <= 0:
        raise ValueError(f"the image has no size ({px_w} x {px_h} px)")
    w, h = box_w, round(box_w * px_h / px_w)
    if h > box_h:
        w, h = round(box_h * px_w / px_h), box_h
    return (box_w - w) // 2, (box_h - h) // 2, w, h


def _layout_named(prs: Deck, name: str) -> SlideLayout:
    """The slide layout called name (the default template has 'Title Only' at index 5)."""
    for layout in prs.slide_layouts:
        if layout.name == name:
            return layout
    raise LookupError(f"the template has no '{name}' layout")


def _drop_thumbnail(prs: Deck, reltype: str) -> None:
    """Drop the template's thumbnail: it shows python-pptx's sample slide, not this chart."""
    package = prs.part.package
    for rel in list(package.iter_rels()):
        if rel.reltype == reltype:
            package.drop_rel(rel.rId)


def _fix_core_properties(prs: Deck, title: str) -> None:
    """Fixed author, dates and revision; python-pptx otherwise keeps the template's 2013 values."""
    core = prs.core_properties
    core.author = AUTHOR
    core.last_modified_by = AUTHOR
    core.title = shorten(title, MAX_PROPERTY)
    core.subject = ""
    core.keywords = ""
    core.category = ""
    core.comments = ""  # the template says "generated using python-pptx"
    core.revision = 1
    core.created = FIXED_TIME
    core.modified = FIXED_TIME


def xml_text(text: str) -> str:
    """The text without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut, never inside a character cluster."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    # Back off while the first dropped character would have extended the last kept one, or
    # follows a joiner (the rest of an emoji sequence such as a family).
    while cut > 0 and (
        unicodedata.combining(text[cut]) or _EXTENDS.match(text[cut]) or text[cut - 1] == "\u200d"
    ):
        cut -= 1
    if _FLAG_HALF.match(text[cut]):
        # Regional indicators pair up into flags from the start of their run: keep whole pairs.
        run = 0
        while run < cut and _FLAG_HALF.match(text[cut - 1 - run]):
            run += 1
        cut -= run % 2
    return text[:cut].rstrip() + "\u2026"


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry dates and attributes and a stable member order.

    **Why:** python-pptx writes entries with ZipFile.writestr(name, ...), which stamps each with
    the current local time (2-second resolution), so two runs differ in bytes. The order is
    [Content_Types].xml first (OPC readers expect it there), then by name.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["docProps/app.xml"] = APP_XML
    names = sorted(members, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix; the default depends on the platform writing the file
            info.external_attr = 0o644 << 16
            target.writestr(info, members[name], compresslevel=6)
    return out.getvalue()
