"""An attempt that fits, placed: lanes, the cut-off and time-zero labels, the finished TimelineLayout."""

from __future__ import annotations

from dataclasses import dataclass

from atc_timeline.layout.bars import Placing
from atc_timeline.layout.doses import shade_phases
from atc_timeline.layout.frame import MARGIN, Chart, Frame
from atc_timeline.layout.lane_names import lane_names, name_label
from atc_timeline.layout.lanes import LanePlacer, LanePlan, squeeze
from atc_timeline.layout.metastases import Strip, plan_strip, strip_layout
from atc_timeline.layout.model import UNIT_DAYS, Box, Label, LayoutOptions, Sizes, TimelineLayout
from atc_timeline.layout.records import day_number
from atc_timeline.layout.text import text_box


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
        legend_rows=f.legend_rows,
        legend_col_x=f.legend_cols,
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
    """The cut-off (or death) and time-zero labels, in the band at the top of the axes."""
    context, measure, s, g = chart.context, chart.measure, fit.s, fit.frame.g
    _, _, cutoff, zero = chart.prep.days
    axes_bottom = fit.axes.y0
    band_y = axes_bottom + fit.axes_h - fit.band / 2
    status = {"alive": "alive", "deceased": "deceased", "unknown": "status unknown"}[context.status]
    texts = [
        f"Data cut-off {context.cutoff_text} \u00b7 {status}",
        f"Cut-off {context.cutoff_text} \u00b7 {status}",
        f"Cut-off {context.cutoff_text}",
    ]
    line_x = g.inch(cutoff)
    if context.status == "deceased" and context.death_date is not None:
        texts = [f"\u2020 Died {context.death_text}", f"\u2020 {context.death_text}", "\u2020 Died"]
        line_x = g.inch(day_number(context.death_date))  # the death mark, if not the cut-off
    # Left of the line if it fits, else right of it, else a shorter wording.
    placements = [(t, x, ha) for t in texts for x, ha in ((line_x - 0.06, "right"), (line_x + 0.06, "left"))]
    for cutoff_text, cx, ha in placements:
        cw, ch = measure(cutoff_text, s.label)
        cbox = text_box(cx, band_y, cw, ch, ha, "center")
        if cbox.x0 >= fit.frame.left + 0.02 and cbox.x1 <= fit.options.width - 0.05:
            break
    y = band_y - axes_bottom
    labels = [Label(cutoff_text, g.day(cx), y, ha, "center", s.label, "cutoff", cbox, color_key="cutoff")]
    zero_text = context.time_zero_label.capitalize()
    zw, zh = measure(zero_text, s.label)
    zx = g.inch(zero) + 0.06
    zbox = text_box(zx, band_y, zw, zh, "left", "center")
    if not zbox.intersects(cbox, 0.1) and zbox.x1 <= fit.frame.right:
        zero_label = Label(
            zero_text, g.day(zx), y, "left", "center", s.label, "zero", zbox, color_key="muted"
        )
        labels.append(zero_label)
    return labels
