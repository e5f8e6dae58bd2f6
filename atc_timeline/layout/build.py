"""An attempt that fits, placed: lanes, the cut-off and time-zero labels, the finished TimelineLayout."""

from __future__ import annotations

from dataclasses import dataclass

from atc_timeline.layout.bars import Placing
from atc_timeline.layout.doses import shade_phases
from atc_timeline.layout.frame import MARGIN, Chart, Frame, legend_of
from atc_timeline.layout.lane_names import lane_names, name_label
from atc_timeline.layout.lanes import LanePlacer, LanePlan, squeeze
from atc_timeline.layout.metastases import Strip, plan_strip, strip_layout
from atc_timeline.layout.model import UNIT_DAYS, Box, Label, LayoutOptions, Sizes, TimelineLayout
from atc_timeline.layout.records import day_number
from atc_timeline.layout.rules import RULE_PAD, crosses
from atc_timeline.layout.text import Measure, text_box


@dataclass(frozen=True)
class Fit:
    """An attempt whose lanes fit: the vertical budget and lane plans, nothing placed yet."""

    options: LayoutOptions
    s: Sizes
    frame: Frame
    force: bool
    title_y: float
    subtitle_y: float
    footnote_y: float
    legend_y: float
    axes: Box
    axes_h: float
    band: float  # top band inside the axes for cut-off and time-zero labels
    plans: list[LanePlan]
    available: float  # height for the lanes
    strip: Strip | None = None  # dated metastases under the lanes, as the attempt planned them

    def shown(self) -> int:
        """How many point labels this layout would show."""
        return sum(1 for plan in self.plans for placed in plan.placed if placed.text)


def build(chart: Chart, fit: Fit) -> TimelineLayout:
    """Place bars, markers and labels for a plan that fits."""
    context, measure, options, s, f = chart.context, chart.measure, fit.options, fit.s, fit.frame
    plans, available, axes_bottom = fit.plans, fit.available, fit.axes.y0
    _, _, cutoff, zero = chart.prep.days
    needed = sum(p.height for p in plans)
    extra = max(available - needed, 0.0) / max(len(plans), 1)
    plans, scale = squeeze(plans, available, measure("Ag", s.label)[1], f.line)

    placer = LanePlacer(Placing(f.g, s, measure, axes_bottom), scale, chart.prep.phases, f.line)
    names = f.lane_names or lane_names(chart.context.lanes, options.width, MARGIN, s, measure)
    strip = fit.strip or plan_strip(context.metastases, f.g, s, measure)
    y_top = available + strip.height
    for plan in plans:
        lane_h = max((plan.height - plan.top) * scale + plan.top, plan.least) + extra
        y0 = y_top - lane_h
        name = name_label(names, plan.name, axes_bottom + y_top, lane_h, f.left, measure)
        placer.lane(plan, y_top, lane_h, name)
        y_top = y0
    metastases, metastasis_labels = strip_layout(strip, f.g, axes_bottom)
    labels = placer.labels + _band_labels(chart, fit) + metastasis_labels
    return TimelineLayout(
        width=options.width,
        height=options.height,
        axes=fit.axes,
        xlim=(f.g.x0, f.g.x1),
        ylim=(0.0, fit.axes_h),
        sizes=s,
        title=f.title_text,
        subtitle=f.subtitle,
        footnote=f.footnote,
        title_y=fit.title_y,
        subtitle_y=fit.subtitle_y,
        footnote_y=fit.footnote_y,
        legend_y=fit.legend_y,
        legend_rows=legend_of(f, bool(metastases)).rows,
        legend_col_x=legend_of(f, bool(metastases)).xs,
        cutoff_x=cutoff,
        cutoff_status=context.status,
        zero_x=zero,
        zero_label=context.time_zero_label,
        relative_label=f.relative_label,
        axis=options.axis,
        unit_days=UNIT_DAYS[options.unit],
        lanes=tuple(placer.lanes),
        bars=tuple(placer.bars),
        phases=shade_phases(placer.phases, chart.prep.phases),
        markers=tuple(placer.markers),
        labels=tuple(labels),
        leaders=tuple(placer.leaders),
        arrows=tuple(placer.arrows),
        ticks=f.ticks,
        top_ticks=f.top_ticks,
        event_ids=chart.prep.event_ids,
        label_groups=sum(len(plan.points) for plan in plans),
        crowded=fit.force,
        zero_lo=day_number(context.time_zero_lo or context.time_zero),
        zero_hi=day_number(context.time_zero_hi or context.time_zero),
        death_x=day_number(context.death_date) if context.death_date else None,
        death_lo=day_number(context.death_lo) if context.death_lo else 0.0,
        death_hi=day_number(context.death_hi) if context.death_hi else 0.0,
        metastases=metastases,
    )


def _band_labels(chart: Chart, fit: Fit) -> list[Label]:
    """The cut-off (or death) and time-zero labels, in the band at the top of the axes.

    Each sits beside its own line, inside the figure, and where the other line does not run
    through it (the lines break under a label that cannot avoid them: layout.rules).
    """
    context, measure, s, g = chart.context, chart.measure, fit.s, fit.frame.g
    _, _, cutoff, zero = chart.prep.days
    axes_bottom = fit.axes.y0
    band_y = axes_bottom + fit.axes_h - fit.band / 2
    y = band_y - axes_bottom
    inside = (BAND_EDGE, fit.options.width - BAND_EDGE)
    status = {"alive": "alive", "deceased": "deceased", "unknown": "status unknown"}[context.status]
    texts = [
        f"Data cut-off {context.cutoff_text} \u00b7 {status}",
        f"Cut-off {context.cutoff_text} \u00b7 {status}",
        f"Cut-off {context.cutoff_text}",
        "Cut-off",
    ]
    cutoff_x, zero_x = g.inch(cutoff), g.inch(zero)
    line_x, lines = cutoff_x, [zero_x]
    if context.status == "deceased" and context.death_date is not None:
        texts = [f"\u2020 Died {context.death_text}", f"\u2020 {context.death_text}", "\u2020 Died"]
        line_x = g.inch(day_number(context.death_date))  # the death mark, if not the cut-off
        lines = [zero_x, cutoff_x] if abs(line_x - cutoff_x) > 1e-9 else [zero_x]
    # Left of the line if it fits, else right of it, else a shorter wording; the patient's
    # status is worth a break in another line, a shorter wording is not.
    placements = [(t, line_x, side) for t in texts for side in ("left", "right")]
    room = (fit.frame.left + 0.02, inside[1])
    cut = _beside(placements[:4], band_y, s.label, measure, room, lines)
    cut = cut or _beside(placements, band_y, s.label, measure, room, lines)
    labels = []
    if cut is not None:
        text, box, ha = cut
        x = box.x1 if ha == "right" else box.x0
        labels.append(Label(text, g.day(x), y, ha, "center", s.label, "cutoff", box, color_key="cutoff"))
    zero_text = context.time_zero_label.capitalize()
    zero_at = [(zero_text, zero_x, side) for side in ("right", "left")]  # right of its line first
    taken = [label.box for label in labels]
    others = sorted({cutoff_x, line_x})  # the cut-off line, and the death line if apart from it
    placed = _beside(zero_at, band_y, s.label, measure, (fit.frame.left, fit.frame.right), others, taken)
    if placed is not None:
        text, box, ha = placed
        x = box.x1 if ha == "right" else box.x0
        labels.append(Label(text, g.day(x), y, ha, "center", s.label, "zero", box, color_key="muted"))
    return labels


BAND_EDGE = 0.05  # inches a band label keeps from the figure's edges
BAND_GAP = 0.06  # inches between a line and its label


def _beside(
    placements: list[tuple[str, float, str]],
    band_y: float,
    size: float,
    measure: Measure,
    inside: tuple[float, float],
    others: list[float],
    taken: list[Box] | None = None,
) -> tuple[str, Box, str] | None:
    """The first placement whose box lies inside and clear of the other lines, else the first inside.

    A placement is (text, line x, side): the text on that side of its line, all in inches.
    None when no placement lies inside the figure clear of the `taken` boxes.
    """
    inside_only = None
    for text, line_x, side in placements:
        w, h = measure(text, size)
        if side == "right":
            box = text_box(line_x + BAND_GAP, band_y, w, h, "left", "center")
        else:
            box = text_box(line_x - BAND_GAP, band_y, w, h, "right", "center")
        if box.x0 < inside[0] or box.x1 > inside[1] or any(box.intersects(t, 0.1) for t in taken or ()):
            continue
        ha = "left" if side == "right" else "right"
        if not any(crosses(box, x, RULE_PAD) for x in others):
            return text, box, ha
        inside_only = inside_only or (text, box, ha)
    return inside_only
