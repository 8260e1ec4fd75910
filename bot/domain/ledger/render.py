"""Render a :class:`SuppressedReport` as a text table, CSV or JSON (the PNG chart: ``bot.services.ledger.chart``).

Only suppressed reports can be rendered (the raw :class:`~.report.Report` has no renderer). Labels come
from the ``ledger`` catalog through ``translate(key, params)`` so Dutch and English both work; JSON is
language independent (machine keys, ``"<k"``/``"*"`` strings for suppressed figures).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence

from bot.domain.ledger.report import FOOTNOTE_KEY_PERIODS, NO_THEME
from bot.domain.ledger.suppression import Cell, CellState, SuppressedReport, format_number

Translate = Callable[[str, Mapping[str, object]], str]

P = "ledger."

#: Summary figures counted per pseudonym, so per key period.
_PER_KEY_PERIOD = frozenset({"unique_youths", "new_youths", "after_hours_youths", "further_contact_youths"})

#: Breakdowns whose keys are catalog suffixes (the others show the key itself).
_KEY_LABELS: dict[str, str] = {
    "by_kind": "kind",
    "sessions_by_kind": "kind",
    "attendance_by_kind": "kind",
    "feedback": "feedback",
    "by_weekday": "weekday",
    "offline_by_place_type": "place_type",
}


def check_renderable(report: object) -> None:
    if not isinstance(report, SuppressedReport):
        raise TypeError("only a SuppressedReport can be rendered: pass the report through suppress() first")


class Labels:
    """Catalog look-ups shared by the renderers."""

    def __init__(self, report: SuppressedReport, translate: Translate) -> None:
        check_renderable(report)
        self.report = report
        self.t = translate

    def __call__(self, key: str, **params: object) -> str:
        return self.t(P + key, params)

    def title(self) -> str:
        return self("title", start=self.report.range.start.isoformat(), end=self.report.range.end.isoformat())

    def cell_label(self, breakdown: str, key: str) -> str:
        if breakdown in _KEY_LABELS:
            return self(f"{_KEY_LABELS[breakdown]}.{key}")
        if breakdown in ("by_theme", "sessions_by_theme") and key == NO_THEME:
            return self("theme.none")
        if breakdown == "by_hour":
            return self("hour", hour=key)
        return key

    def summary_label(self, name: str) -> str:
        """A summary row's label; "new youths" names the key period ("nieuw dit jaar"), and youth counts of a
        range across two key periods carry a mark pointing to that footnote."""
        label = self(f"summary.new_youths.{self.report.period}") if name == "new_youths" else self(f"summary.{name}")
        if name in _PER_KEY_PERIOD and FOOTNOTE_KEY_PERIODS in self.report.footnotes:
            label += self("summary.spans_key_periods_mark")
        return label

    def footnotes(self) -> list[str]:
        k = self.report.k
        return [self(f"footnote.{name}", k=k, max=k - 1) for name in self.report.footnotes]

    def number(self, cell: Cell, sep: str | None = None) -> str:
        """A figure as published; an unknown one is the catalog's word, never 0."""
        if cell.state is CellState.UNKNOWN:
            return self("value.unknown")
        return cell.text(self.report.k, self.decimal_separator() if sep is None else sep)

    def decimal_separator(self) -> str:
        return self("number.decimal_separator")


def _sections(
    report: SuppressedReport, labels: Labels, number: Callable[[Cell], str], target: Callable[[float], str]
) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for the summary, targets and every breakdown (totals as the last row)."""
    item, count = labels("column.item"), labels("column.count")
    sections = [
        (
            labels("section.summary"),
            [item, count],
            [[labels.summary_label(name), number(cell)] for name, cell in report.summary],
        ),
        (
            labels("section.targets"),
            [labels("column.indicator"), labels("column.target"), labels("column.achieved"), labels("column.status")],
            [
                [
                    labels(f"target.{row.name}"),
                    target(row.target),
                    number(row.achieved),
                    labels(f"status.{row.status or 'withheld'}"),
                ]
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
    labels = Labels(report, translate)
    sep = labels.decimal_separator()
    lines = [labels.title()]
    for title, header, rows in _sections(
        report, labels, lambda c: labels.number(c, sep), lambda v: format_number(v, sep)
    ):
        lines += ["", title, *_table(header, rows)]
    lines += ["", labels("section.footnotes"), *(f"- {note}" for note in labels.footnotes())]
    return "\n".join(lines) + "\n"


def render_csv(report: SuppressedReport, translate: Translate) -> str:
    """CSV: the title, then one section per table (title row, header row, data rows), blank-line separated.

    Numbers use a decimal point whatever the language; suppressed cells are ``<k`` or ``*``.
    """
    labels = Labels(report, translate)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([labels.title()])
    for title, header, rows in _sections(report, labels, lambda c: labels.number(c, "."), format_number):
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
    check_renderable(report)
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
                "status": str(row.status) if row.status is not None else None,
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
