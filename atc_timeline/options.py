"""What a chart is asked to be: size presets and ChartOptions, which refuse impossible settings."""

from __future__ import annotations

from dataclasses import dataclass, fields

from atc_timeline.case.dates import looks_like_date, parse_date
from atc_timeline.case.model import MAX_TEXT
from atc_timeline.case.text import NOT_TEXT, describe_character
from atc_timeline.errors import OptionError
from atc_timeline.layout import AXIS_MODES, UNIT_DAYS, Sizes
from atc_timeline.layout.search import MIN_LABEL_POINTS

DEFAULT_WIDTH = 13.333  # a 16:9 slide, in inches
DEFAULT_HEIGHT = 7.5
DEFAULT_DPI = 150

# name: (width in, height in, text scale). Why the scales: text must be readable at the
# real size; a journal column is printed at 3.5 in, so it gets 6-7 pt text, not a slide
# shrunk to 40 %.
SIZE_PRESETS: dict[str, tuple[float, float, float]] = {
    "slide-16x9": (13.333, 7.5, 1.0),
    "slide-4x3": (10.0, 7.5, 0.92),
    "a4-landscape": (11.69, 8.27, 0.9),
    "journal-2col": (7.2, 5.0, 0.66),
    "journal-1col": (3.5, 4.8, 0.58),
}
# The text sizes a scale applies to (points, at the 16:9 slide): a scale may never bring the
# smallest of them below MIN_LABEL_POINTS at the real size.
TEXT_SIZES = ("title", "subtitle", "lane", "label", "tick", "legend", "footnote")
SMALLEST_TEXT = min(getattr(Sizes(), name) for name in TEXT_SIZES)
MIN_TEXT_SCALE = max(0.58, MIN_LABEL_POINTS / SMALLEST_TEXT)
JOURNAL_PRESETS = ("journal-1col", "journal-2col")
MAX_JOURNAL_HEIGHT = 9.0  # inches: a journal page
# Why 2x for other sizes: a chart asked to grow stays a chart of its kind (a slide grown to
# twice its height is still read on a screen); a journal figure may take a page.
GROWTH = 2.0
AUTO = "auto"  # the height that asks a chart to grow until every label is shown
WIDTHS = (2.0, 60.0)  # inches
HEIGHTS = (1.5, 60.0)
DPIS = (20.0, 1200.0)
# Why 150 megapixels: an A0 poster at 300 dpi is 139; drawing one takes about 1.6 GB. The
# largest size at the highest dpi (60 x 60 in at 1200 dpi) would be 5,184 megapixels.
MAX_MEGAPIXELS = 150
# What a title cannot hold: C0/C1 control characters but tab, newline and carriage return
# (case files refuse the same), U+FFFE and U+FFFF (not allowed in SVG), and lone surrogates,
# which is how bytes that are not UTF-8 arrive from the command line.


@dataclass(frozen=True)
class ChartOptions:
    """What the user chose: size, resolution, title, time axis and background; checked when made."""

    width: float = DEFAULT_WIDTH
    height: float = DEFAULT_HEIGHT
    dpi: float = DEFAULT_DPI
    title: str | None = None  # "" draws no title (a journal's caption carries it)
    show_subtitle: bool = True  # the patient and diagnosis line under the title
    show_source: bool = True  # the "Source: ..." line at the foot
    size: str | None = None  # a SIZE_PRESETS name; width/height still override
    axis: str = "both"  # calendar | relative | both
    unit: str = "months"  # days | weeks | months
    time_zero: str | None = None  # diagnosis | item id | date; overrides the case file
    transparent: bool = False
    deidentify: bool = False  # relative time only; no case id, exact age or source
    allow_identifiers: bool = False  # with deidentify: draw free text that looks identifying
    # True: a chart that cannot show every label grows taller (up to max_height) instead of
    # dropping labels; False keeps the size asked for and warns of what did not fit.
    grow: bool = False

    def __post_init__(self) -> None:
        _check(self)

    def __repr__(self) -> str:
        # Only what differs from the defaults, so help() and tracebacks stay readable.
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if getattr(self, f.name) != f.default
        ]
        return f"ChartOptions({', '.join(changed)})"

    @staticmethod
    def for_size(
        size: str | None,
        width: float | None = None,
        height: float | str | None = None,
        **others: object,
    ) -> ChartOptions:
        """Options for a size preset, with a width or height given overriding its dimensions.

        A height of "auto" keeps the preset's height but lets the chart grow (grow=True).
        """
        if size is not None and size not in SIZE_PRESETS:
            raise OptionError("size", f"unknown size '{size}'; use one of: {', '.join(SIZE_PRESETS)}")
        preset_w, preset_h, _ = SIZE_PRESETS[size or "slide-16x9"]
        if isinstance(height, str):
            if height.strip().lower() != AUTO:
                raise OptionError("height", f"a height of {height!r} is neither inches nor 'auto'")
            height, others = None, {**others, "grow": True}
        return ChartOptions(
            width=width or preset_w,
            height=height or preset_h,
            size=size,
            **others,  # type: ignore[arg-type]
        )

    def text_scale(self) -> float:
        """How large text is relative to the 16:9 slide."""
        if self.size is not None:
            preset_w, _, scale = SIZE_PRESETS[self.size]
            # Why the width alone: a figure is printed at its column's width, so a taller
            # journal column keeps the column's text.
            if self.width == preset_w:
                return float(max(scale, MIN_TEXT_SCALE))
        area = (self.width * self.height) / (DEFAULT_WIDTH * DEFAULT_HEIGHT)
        return float(min(max(area**0.5, MIN_TEXT_SCALE), 1.2))

    @property
    def max_height(self) -> float:
        """The tallest the chart may grow with grow=True: a page for a journal size, else 2x."""
        # A journal size, or any chart as narrow as a journal page, may take a page.
        narrow = self.width <= SIZE_PRESETS["journal-2col"][0]
        cap = MAX_JOURNAL_HEIGHT if narrow or self.size in JOURNAL_PRESETS else self.height * GROWTH
        return min(max(cap, self.height), HEIGHTS[1])


def _check(options: ChartOptions) -> None:
    """Refuse sizes and settings that cannot make a chart, in plain words."""
    if options.size is not None and options.size not in SIZE_PRESETS:
        raise OptionError("size", f"unknown size '{options.size}'; use one of: {', '.join(SIZE_PRESETS)}")
    if options.axis not in AXIS_MODES:
        raise OptionError("axis", f"unknown axis '{options.axis}'; use one of: {', '.join(AXIS_MODES)}")
    if options.unit not in UNIT_DAYS:
        raise OptionError("unit", f"unknown unit '{options.unit}'; use one of: {', '.join(UNIT_DAYS)}")
    if isinstance(options.height, str) and options.height.strip().lower() == AUTO:
        raise OptionError("height", "a height of 'auto' is asked with grow=True and a height in inches")
    for name, value, (lo, hi) in (
        ("width", options.width, WIDTHS),
        ("height", options.height, HEIGHTS),
        ("dpi", options.dpi, DPIS),
    ):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not lo <= value <= hi:
            unit = "" if name == "dpi" else " in"
            raise OptionError(name, f"a {name} of {value!r}{unit} is outside {lo:g}-{hi:g}{unit}")
    if not isinstance(options.grow, bool):
        raise OptionError("grow", f"grow {options.grow!r} is neither True nor False")
    if options.time_zero is not None and not isinstance(options.time_zero, str):
        raise OptionError("time_zero", f"time zero {options.time_zero!r} is not text")
    _check_pixels(options)
    if options.title is not None:
        _check_title(options.title)


def _check_pixels(options: ChartOptions) -> None:
    """Refuse a chart too large to draw in memory, saying what dpi would do."""
    # A chart that may grow is checked at the height it may grow to, at the same dpi.
    height = options.max_height if options.grow else options.height
    pixels = options.width * options.dpi * height * options.dpi
    if pixels > MAX_MEGAPIXELS * 1e6:
        most = int((MAX_MEGAPIXELS * 1e6 / (options.width * height)) ** 0.5)
        grown = f" (it may grow to {height:g} in)" if height > options.height else ""
        raise OptionError(
            "dpi",
            f"a {options.width:g} x {height:g} in chart{grown} at {options.dpi:g} dpi would be "
            f"{options.width * options.dpi:,.0f} x {height * options.dpi:,.0f} pixels "
            f"({pixels / 1e6:,.0f} megapixels); the most is {MAX_MEGAPIXELS} megapixels: "
            f"use a dpi of {most} or less at this size, or a smaller size",
        )


def _check_title(title: object) -> None:
    """Refuse a title that is not text, too long, or holds characters no chart can show."""
    if not isinstance(title, str):
        raise OptionError("title", f"title {title!r} is not text")
    if len(title) > MAX_TEXT:
        raise OptionError(
            "title", f"a title of {len(title):,} characters is longer than the {MAX_TEXT:,} allowed"
        )
    bad = NOT_TEXT.search(title)  # the case file's own rule for text
    if bad is None:
        return
    char = bad.group()
    if "\udc80" <= char <= "\udcff":  # how Python passes on a byte that is not UTF-8
        raise OptionError(
            "title",
            f"the title is not UTF-8 text (byte 0x{ord(char) - 0xDC00:02X} at character "
            f"{bad.start() + 1}); check the terminal's or the script's encoding",
        )
    raise OptionError(
        "title", f"the title contains {describe_character(char)} at character {bad.start() + 1}; remove it"
    )


def check_time_zero(time_zero: str, item_ids: set[str], has_diagnosis_date: bool) -> None:
    """Refuse a time zero that is neither 'diagnosis', an item id, nor a date."""
    if time_zero not in ("diagnosis", *item_ids):
        try:
            parse_date(time_zero)
        except ValueError as exc:
            if looks_like_date(time_zero):  # a date, but one a chart cannot show: say why
                raise OptionError("time_zero", f"time zero {exc}") from None
            raise OptionError(
                "time_zero",
                f"time zero '{time_zero}' is neither 'diagnosis', an item id "
                f"({', '.join(sorted(item_ids)) or 'none'}), nor a date",
            ) from None
    if time_zero == "diagnosis" and not has_diagnosis_date:
        raise OptionError("time_zero", "time zero 'diagnosis': the case has no diagnosis.date")
