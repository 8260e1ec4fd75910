"""The PNG chart of a :class:`SuppressedReport` (matplotlib, Agg canvas, no pyplot global state).

What a coordinator reads in five seconds, at Discord's preview size (large type, three panels):

1. Progress against each target: a bar of what was achieved, the expected pace so far (a tick: the
   prorated target times the part of the range already passed) and the full target, with the figure
   and the percentage written out. A target whose figure is suppressed gets no bar, only its ``<5`` /
   ``*`` mark — the status is withheld too.
2. Contact moments per weekday and 3. per kind. A suppressed cell is drawn *without height*: an empty
   dashed outline at the baseline with its mark, never a bar that looks like a value.

For a range of four weeks or more, a first panel draws the contact moments so far as a cumulative line
(steps at week ends that are 0 or at least ``k``, see :func:`bot.domain.ledger.suppression.cumulative_line`)
against the target's pace: a dashed line from 0 at the start to the target at the end of the range.

A legend explains both marks. Dates are dd/mm/yyyy, labels in the report's language (the same catalog
look-ups as the text renderers, :class:`bot.domain.ledger.render.Labels`). Lives in the service layer
because it needs matplotlib.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.ledger.render import Labels, Translate, check_renderable
from bot.domain.ledger.suppression import CellState, SuppressedBreakdown, SuppressedReport, format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CHART_BREAKDOWNS = ("by_weekday", "by_kind")
SIZE_INCHES = (8.0, 9.5)
SIZE_TALL = (8.0, 12.0)  # with the cumulative panel
DPI = 100
FONT = 12

_BAR = "#2f6db5"
_REACHED = "#2e8b57"
_PACE = "#d9822b"
_TRACK = "#e6e6e6"
_MARK = "#777777"


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _targets(axes: Axes, report: SuppressedReport, labels: Labels) -> None:
    rows = list(report.targets)
    sep = labels.decimal_separator()
    for y, row in enumerate(reversed(rows)):
        target = row.target or 0.0
        axes.text(0, y + 0.3, labels(f"target.{row.name}"), va="bottom", fontsize=FONT - 1)
        axes.barh(y, 1.0, color=_TRACK, height=0.42)  # the whole target = 100 %
        cell = row.achieved
        if cell.state is CellState.SHOWN and cell.value is not None and target > 0:
            share = float(cell.value) / target
            axes.barh(y, min(share, 1.1), color=_REACHED if share >= 1 else _BAR, height=0.42)
            text = labels(
                "chart.progress",
                achieved=format_number(cell.value, sep),
                target=format_number(target, sep),
                percent=format_number(round(share * 100), sep),
            )
        else:  # suppressed: no bar at all, only the mark
            axes.barh(y, 1.0, fill=False, edgecolor=_MARK, linestyle="--", height=0.42)
            text = labels("chart.progress_hidden", mark=labels.number(cell), target=format_number(target, sep))
        if target > 0 and report.elapsed < 1:
            axes.plot([report.elapsed] * 2, [y - 0.3, y + 0.3], color=_PACE, linewidth=3)
        axes.text(1.14, y, text, va="center", fontsize=FONT, fontweight="bold")
    axes.set_xlim(0, 1.75)
    axes.set_ylim(-0.5, len(rows) - 0.2)
    axes.set_yticks([])
    axes.set_xticks([0, 0.5, 1.0], ["0 %", "50 %", "100 %"], fontsize=FONT - 2)
    axes.set_title(labels("chart.targets"), fontsize=FONT + 1, loc="left", fontweight="bold")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _cumulative(axes: Axes, report: SuppressedReport, labels: Labels) -> None:
    """Contact moments so far against the pace to the contact-moment target (dd/mm on the axis)."""
    from matplotlib.dates import AutoDateLocator, DateFormatter, date2num

    days = [float(date2num(day)) for day, _ in report.cumulative]
    start, end = float(date2num(report.range.start)), float(date2num(report.range.end))
    totals = [total for _, total in report.cumulative]
    sep = labels.decimal_separator()
    axes.plot(days, totals, color=_BAR, linewidth=2.5)
    axes.plot(days[-1:], totals[-1:], "o", color=_BAR)
    target = next((row.target for row in report.targets if row.name == "contact_moments"), 0.0)
    text = format_number(totals[-1], sep)
    if target > 0:
        axes.plot([start, end], [0, target], color=_PACE, linestyle="--", linewidth=2)
        text = labels(
            "chart.progress",
            achieved=text,
            target=format_number(target, sep),
            percent=format_number(round(totals[-1] / target * 100), sep),
        )
    axes.annotate(
        text,
        (days[-1], totals[-1]),
        xytext=(6, 6),
        textcoords="offset points",
        fontsize=FONT,
        fontweight="bold",
        ha="right" if days[-1] > (start + end) / 2 else "left",
    )
    axes.set_xlim(start, end)
    axes.set_ylim(0, max(target, totals[-1], 1) * 1.15)
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=4, maxticks=13))
    axes.xaxis.set_major_formatter(DateFormatter("%d/%m"))
    axes.tick_params(labelsize=FONT - 2)
    axes.set_title(labels("chart.cumulative"), fontsize=FONT + 1, loc="left", fontweight="bold")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def bar_heights(breakdown: SuppressedBreakdown) -> list[tuple[float, bool]]:
    """(height, shown) per cell: a suppressed cell has height 0, never one that could be read as a value."""
    return [
        (float(c.value), True) if c.state is CellState.SHOWN and c.value is not None else (0.0, False)
        for _, c in breakdown.cells
    ]


def _bars(axes: Axes, breakdown: SuppressedBreakdown, labels: Labels, k: int, title: str) -> None:
    names = [labels.cell_label(breakdown.name, key) for key, _ in breakdown.cells]
    cells = [cell for _, cell in breakdown.cells]
    heights, shown = zip(*bar_heights(breakdown), strict=True) if cells else ((), ())
    top = max([*heights, 1.0])
    axes.bar(range(len(cells)), heights, color=_BAR, width=0.7)
    for index, (height, cell, ok) in enumerate(zip(heights, cells, shown, strict=True)):
        if ok:
            label_at, text = height, format_number(height, labels.decimal_separator())
        else:  # no height that could be read as a value: an empty outline on the baseline and the mark
            axes.bar(index, top * 0.06, bottom=0, fill=False, edgecolor=_MARK, linestyle="--", width=0.7)
            label_at, text = top * 0.06, labels.number(cell)
        axes.annotate(
            text,
            (index, label_at),
            ha="center",
            va="bottom",
            fontsize=FONT - 1,
            xytext=(0, 2),
            textcoords="offset points",
        )
    slanted = len(cells) > 7 or max(map(len, names), default=0) > 4
    axes.set_xticks(
        range(len(cells)),
        names,
        rotation=25 if slanted else 0,
        ha="right" if slanted else "center",
        fontsize=FONT - 1,
    )
    axes.set_ylim(0, top * 1.25)
    axes.set_yticks([])  # every bar carries its figure
    axes.set_title(title, fontsize=FONT + 1, loc="left", fontweight="bold")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def render_png(report: SuppressedReport, translate: Translate) -> bytes:
    """Targets, weekdays and kinds (see the module docstring); PNG bytes."""
    check_renderable(report)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    labels = Labels(report, translate)
    figure = Figure(figsize=SIZE_TALL if report.cumulative else SIZE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(
        labels("title", start=_day(report.range.start), end=_day(report.range.end)),
        fontsize=FONT + 3,
        x=0.02,
        ha="left",
    )
    panels = 1 if report.cumulative else 0
    grid = figure.add_gridspec(3 + panels, 1, height_ratios=[1.1] * panels + [1.5, 1, 1])
    if report.cumulative:
        _cumulative(figure.add_subplot(grid[0]), report, labels)
    _targets(figure.add_subplot(grid[panels]), report, labels)
    for position, name in enumerate(CHART_BREAKDOWNS, start=1 + panels):
        _bars(figure.add_subplot(grid[position]), report.breakdown(name), labels, report.k, labels(f"chart.{name}"))
    k = report.k
    legend = [
        Patch(facecolor="white", edgecolor=_MARK, linestyle="--", label=labels("chart.legend_small", k=k, max=k - 1)),
        Patch(facecolor="white", edgecolor=_MARK, linestyle="--", label=labels("chart.legend_hidden")),
        Line2D([0], [0], color=_PACE, linewidth=3, label=labels("chart.legend_pace")),
    ]
    if report.cumulative:
        legend.append(
            Line2D([0], [0], color=_PACE, linestyle="--", linewidth=2, label=labels("chart.legend_pace_line"))
        )
    figure.legend(handles=legend, loc="lower center", ncol=1, fontsize=FONT - 2, frameon=False)
    figure.tight_layout(rect=(0, 0.1, 1, 0.97))
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
