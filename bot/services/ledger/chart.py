"""The PNG chart of a :class:`SuppressedReport` (matplotlib, Agg canvas, no pyplot global state).

Lives in the service layer because it needs matplotlib; the labels come from the same catalog look-ups as
the text renderers (:class:`bot.domain.ledger.render.Labels`).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.domain.ledger.render import Labels, Translate, check_renderable
from bot.domain.ledger.suppression import CellState, SuppressedBreakdown, SuppressedReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CHART_BREAKDOWNS = ("by_weekday", "by_kind")

_BAR = "#2f6db5"
_SUPPRESSED = "#c8c8c8"


def _bars(axes: Axes, breakdown: SuppressedBreakdown, labels: Labels, k: int, title: str) -> None:
    names = [labels.cell_label(breakdown.name, key) for key, _ in breakdown.cells]
    cells = [cell for _, cell in breakdown.cells]
    # suppressed cells are drawn at height k (the bound between "<k" and "*"), hatched and grey
    heights = [float(c.value) if c.state is CellState.SHOWN and c.value is not None else float(k) for c in cells]
    shown = [c.state is CellState.SHOWN for c in cells]
    bars = axes.bar(
        range(len(cells)),
        heights,
        color=[_BAR if s else _SUPPRESSED for s in shown],
        edgecolor="#555555",
        linewidth=0.6,
    )
    for bar, is_shown in zip(bars, shown, strict=True):
        if not is_shown:
            bar.set_hatch("//")
    for index, (height, cell) in enumerate(zip(heights, cells, strict=True)):
        axes.annotate(
            cell.text(k),
            (index, height),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    slanted = len(cells) > 7 or max(map(len, names), default=0) > 4
    axes.set_xticks(
        range(len(cells)), names, rotation=30 if slanted else 0, ha="right" if slanted else "center", fontsize=8
    )
    axes.set_ylim(0, max([*heights, float(k)]) * 1.2 + 1)
    axes.set_title(title, fontsize=10)
    axes.set_ylabel(labels("chart.axis"), fontsize=8)


def render_png(report: SuppressedReport, translate: Translate) -> bytes:
    """Bar charts per weekday and per kind (Agg canvas, no pyplot global state); PNG bytes."""
    check_renderable(report)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = Labels(report, translate)
    figure = Figure(figsize=(8, 7), dpi=100)
    FigureCanvasAgg(figure)
    figure.suptitle(labels.title(), fontsize=12)
    for position, name in enumerate(CHART_BREAKDOWNS, start=1):
        axes = figure.add_subplot(len(CHART_BREAKDOWNS), 1, position)
        _bars(axes, report.breakdown(name), labels, report.k, labels(f"chart.{name}"))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
