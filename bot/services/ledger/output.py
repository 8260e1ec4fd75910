"""Turn a suppressed report into what leaves the process: text table, CSV, JSON or PNG.

Every path out takes a :class:`SuppressedReport`; the raw figures never reach a renderer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Literal, get_args

from bot.domain.ledger import SuppressedReport, render_csv, render_json, render_text
from bot.domain.ledger.render import Translate
from bot.i18n import I18n
from bot.services.ledger.chart import render_png

Format = Literal["table", "csv", "json", "png"]
FORMATS: tuple[str, ...] = get_args(Format)
SUFFIX: dict[str, str] = {"table": "txt", "csv": "csv", "json": "json", "png": "png"}


def translator(i18n: I18n, lang: str) -> Translate:
    def translate(key: str, params: Mapping[str, object]) -> str:
        return i18n.t(key, lang, **params)

    return translate


def render(report: SuppressedReport, fmt: Format, translate: Translate) -> bytes:
    if not isinstance(report, SuppressedReport):
        raise TypeError("only a SuppressedReport can leave the process")
    if fmt == "png":
        return render_png(report, translate)
    if fmt == "json":
        return render_json(report).encode()
    if fmt == "csv":
        return render_csv(report, translate).encode()
    if fmt == "table":
        return render_text(report, translate).encode()
    raise ValueError(f"unknown format {fmt!r}")


def filename(report: SuppressedReport, fmt: Format) -> str:
    return f"happymood-{report.range.start.isoformat()}-{report.range.end.isoformat()}.{SUFFIX[fmt]}"


def head(text: str, limit: int) -> tuple[str, bool]:
    """The leading blank-line-separated sections of ``text`` that fit in ``limit``; and whether all fit."""
    sections = text.strip("\n").split("\n\n")
    kept: list[str] = []
    for section in sections:
        candidate = "\n\n".join([*kept, section])
        if len(candidate) > limit:
            break
        kept.append(section)
    return "\n\n".join(kept), len(kept) == len(sections)


#: Room for the report table inside one Discord message (2,000 characters) next to the answer text.
TABLE_LIMIT = 1700


async def report_message(
    report: SuppressedReport, i18n: I18n, lang: str, key: str, **params: object
) -> tuple[str, list[tuple[str, bytes]]]:
    """A message carrying a report: catalog text ``key`` around the leading tables, the CSV and the PNG attached."""
    translate = translator(i18n, lang)
    table, complete = head(render(report, "table", translate).decode(), TABLE_LIMIT)
    more = "" if complete else i18n.t("ledger.stats.more", lang)
    content = i18n.t(key, lang, table=table, more=more, **params)
    png = await asyncio.to_thread(render, report, "png", translate)
    files = [(filename(report, "csv"), render(report, "csv", translate)), (filename(report, "png"), png)]
    return content, files


async def stats_answer(report: SuppressedReport, i18n: I18n, lang: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The ``/stats`` answer: the leading tables as text, and the CSV and PNG as attachments."""
    return await report_message(report, i18n, lang, "ledger.stats.answer")
