"""Render a :class:`SuppressedReport` as a text table, CSV, JSON or a PNG chart.

Only suppressed reports can be rendered (the raw :class:`~.report.Report` has no renderer). Labels come
from the ``ledger`` catalog through ``translate(key, params)`` so Dutch and English both work; JSON is
language independent (machine keys, ``"<k"``/``"*"`` strings for suppressed figures).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from bot.domain.ledger.report import NO_THEME
from bot.domain.ledger.suppression import Cell, CellState, SuppressedBreakdown, SuppressedReport, format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Translate = Callable[[str, Mapping[str, object]], str]

P = "ledger."

#: Breakdowns whose keys are catalog suffixes (the others show the key itself).
_KEY_LABELS: dict[str, str] = {
    "by_kind": "kind",
    "sessions_by_kind": "kind",
    "attendance_by_kind": "kind",
    "by_weekday": "weekday",
    "offline_by_place_type": "place_type",
}

CHART_BREAKDOWNS = ("by_weekday", "by_kind")


def _check(report: object) -> None:
    if not isinstance(report, SuppressedReport):
        raise TypeError("only a SuppressedReport can be rendered: pass the report through suppress() first")


class _Labels:
    """Catalog look-ups shared by the renderers."""

    def __init__(self, report: SuppressedReport, translate: Translate) -> None:
        _check(report)
        self.report = report
        self.t = translate

    def __call__(self, key: str, **params: object) -> str:
        return self.t(P + key, params)

    def title(self) -> str:
        return self("title", start=self.report.range.start.isoformat(), end=self.report.range.end.isoformat())

    def cell_label(self, breakdown: str, key: str) -> str:
        if breakdown in _KEY_LABELS:
            return self(f"{_KEY_LABELS[breakdown]}.{key}")
        if breakdown == "by_theme" and key == NO_THEME:
            return self("theme.none")
        if breakdown == "by_hour":
            return self("hour", hour=key)
        return key

    def footnotes(self) -> list[str]:
        k = self.report.k
        return [self(f"footnote.{name}", k=k, max=k - 1) for name in self.report.footnotes]

    def decimal_separator(self) -> str:
        return self("number.decimal_separator")


def _sections(
    report: SuppressedReport, labels: _Labels, number: Callable[[Cell], str], target: Callable[[float], str]
) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for the summary, targets and every breakdown (totals as the last row)."""
    item, count = labels("column.item"), labels("column.count")
    sections = [
        (
            labels("section.summary"),
            [item, count],
            [[labels(f"summary.{name}"), number(cell)] for name, cell in report.summary],
        ),
        (
            labels("section.targets"),
            [labels("column.indicator"), labels("column.target"), labels("column.achieved"), labels("column.status")],
            [
                [labels(f"target.{row.name}"), target(row.target), number(row.achieved), labels(f"status.{row.status}")]
                for row in report.targets
            ],
        ),
    ]
    for breakdown in report.breakdowns:
        rows = [[labels.cell_label(breakdown.name, key), number(cell)] for key, cell in breakdown.cells]
        rows.append([labels("row.total"), number(breakdown.total)])
        sections.append((labels(f"section.{breakdown.name}"), [item, count], rows))
    return sections


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(width) if i == 0 or (i == len(cells) - 1 and len(cells) > 2) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return " | ".join(parts).rstrip()

    return [line(header), "-+-".join("-" * width for width in widths), *(line(row) for row in rows)]


def render_text(report: SuppressedReport, translate: Translate) -> str:
    """A plain-text report (monospace: terminal or a Discord code block)."""
    labels = _Labels(report, translate)
    sep = labels.decimal_separator()
    lines = [labels.title()]
    for title, header, rows in _sections(
        report, labels, lambda c: c.text(report.k, sep), lambda v: format_number(v, sep)
    ):
        lines += ["", title, *_table(header, rows)]
    lines += ["", labels("section.footnotes"), *(f"- {note}" for note in labels.footnotes())]
    return "\n".join(lines) + "\n"


def render_csv(report: SuppressedReport, translate: Translate) -> str:
    """CSV: the title, then one section per table (title row, header row, data rows), blank-line separated.

    Numbers use a decimal point whatever the language; suppressed cells are ``<k`` or ``*``.
    """
    labels = _Labels(report, translate)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([labels.title()])
    for title, header, rows in _sections(report, labels, lambda c: c.text(report.k), format_number):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    writer.writerow([])
    writer.writerow([labels("section.footnotes")])
    writer.writerows([note] for note in labels.footnotes())
    return out.getvalue()


def report_dict(report: SuppressedReport) -> dict[str, object]:
    """The JSON structure: fixed key order, suppressed figures as ``"<k"`` / ``"*"`` strings."""
    _check(report)
    k = report.k
    return {
        "range": {"start": report.range.start.isoformat(), "end": report.range.end.isoformat()},
        "k": k,
        "summary": {name: cell.json_value(k) for name, cell in report.summary},
        "targets": [
            {
                "name": str(row.name),
                "target": row.target,
                "achieved": row.achieved.json_value(k),
                "status": str(row.status),
            }
            for row in report.targets
        ],
        "breakdowns": {
            b.name: {"cells": {key: cell.json_value(k) for key, cell in b.cells}, "total": b.total.json_value(k)}
            for b in report.breakdowns
        },
        "footnotes": list(report.footnotes),
    }


def render_json(report: SuppressedReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


_BAR = "#2f6db5"
_SUPPRESSED = "#c8c8c8"


def _bars(axes: Axes, breakdown: SuppressedBreakdown, labels: _Labels, k: int, title: str) -> None:
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
    _check(report)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = _Labels(report, translate)
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
