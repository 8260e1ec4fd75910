import json
import string
import struct
from datetime import date

import pytest

from bot.domain.ledger import (
    Cell,
    CellState,
    Report,
    Status,
    SuppressedBreakdown,
    SuppressedReport,
    SuppressedTarget,
    TargetName,
    Targets,
    WeeklyCount,
    build_report,
    iso_week_range,
    render_csv,
    render_json,
    render_text,
    suppress,
)
from bot.domain.ledger.kinds import ContactKind
from bot.services.ledger.chart import bar_heights, render_png

from .factories import BRUSSELS, Translator, catalog, row
from .test_ledger_report import weekly

SHOWN, SMALL, HIDDEN = CellState.SHOWN, CellState.SMALL, CellState.HIDDEN
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

HAND_MADE = SuppressedReport(
    range=iso_week_range(2026, 10),
    k=5,
    summary=(
        ("contact_moments", Cell(27, SHOWN)),
        ("unique_youths", Cell(None, SMALL)),
        ("attendance_mean", Cell(1.5, SHOWN)),
    ),
    targets=(
        SuppressedTarget(TargetName.CONTACT_MOMENTS, 19.23, Cell(27, SHOWN), Status.REACHED),
        SuppressedTarget(TargetName.UNIQUE_YOUTHS, 9.62, Cell(None, SMALL), Status.BEHIND),
    ),
    breakdowns=(
        SuppressedBreakdown(
            "by_weekday",
            (("mon", Cell(None, SMALL)), ("tue", Cell(None, HIDDEN)), ("wed", Cell(20, SHOWN))),
            Cell(27, SHOWN),
        ),
        SuppressedBreakdown("by_theme", (("school", Cell(8, SHOWN)), ("(none)", Cell(19, SHOWN))), Cell(27, SHOWN)),
        SuppressedBreakdown("by_hour", (("09", Cell(27, SHOWN)),), Cell(27, SHOWN)),
    ),
    footnotes=("suppression", "complementary"),
)


def test_csv_exact_english() -> None:
    assert render_csv(HAND_MADE, Translator("en")) == (
        "Contact moments 2026-03-02 – 2026-03-08\n"
        "\n"
        "Summary\n"
        "Item,Count\n"
        "contact moments,27\n"
        "unique youths,<5\n"
        "attendance per session (mean),1.5\n"
        "\n"
        "Targets\n"
        "Indicator,Target,Achieved,Status\n"
        "contact moments,19.2,27,reached\n"
        "unique youths,9.6,<5,behind\n"
        "\n"
        "Contact moments by day\n"
        "Item,Count\n"
        "Mon,<5\n"
        "Tue,*\n"
        "Wed,20\n"
        "Total,27\n"
        "\n"
        "Contact moments by theme\n"
        "Item,Count\n"
        "school,8\n"
        "no theme,19\n"
        "Total,27\n"
        "\n"
        "Contact moments by hour\n"
        "Item,Count\n"
        "09h,27\n"
        "Total,27\n"
        "\n"
        "Notes\n"
        "Counts from 1 to 4 are shown as <5 so nobody can be recognised.\n"
        "* = hidden so that a small count cannot be worked out from the total.\n"
    )


def test_csv_dutch_keeps_decimal_point_and_quotes_commas() -> None:
    lines = render_csv(HAND_MADE, Translator("nl")).splitlines()
    assert lines[0] == "Contactmomenten 2026-03-02 – 2026-03-08"
    assert "aanwezigen per sessie (gemiddeld),1.5" in lines
    assert "unieke jongeren,9.6,<5,achter" in lines
    assert lines[-2] == '"Aantallen van 1 tot 4 worden getoond als <5, zodat niemand herkenbaar is."'


def test_text_exact_dutch() -> None:
    assert render_text(HAND_MADE, Translator("nl")) == (
        "Contactmomenten 2026-03-02 – 2026-03-08\n"
        "\n"
        "Overzicht\n"
        "Onderdeel                         | Aantal\n"
        "----------------------------------+-------\n"
        "contactmomenten                   |     27\n"
        "unieke jongeren                   |     <5\n"
        "aanwezigen per sessie (gemiddeld) |    1,5\n"
        "\n"
        "Doelen\n"
        "Indicator       | Doel | Behaald | Status\n"
        "----------------+------+---------+--------\n"
        "contactmomenten | 19,2 |      27 | bereikt\n"
        "unieke jongeren |  9,6 |      <5 | achter\n"
        "\n"
        "Contactmomenten per dag\n"
        "Onderdeel | Aantal\n"
        "----------+-------\n"
        "ma        |     <5\n"
        "di        |      *\n"
        "wo        |     20\n"
        "Totaal    |     27\n"
        "\n"
        "Contactmomenten per thema\n"
        "Onderdeel  | Aantal\n"
        "-----------+-------\n"
        "school     |      8\n"
        "geen thema |     19\n"
        "Totaal     |     27\n"
        "\n"
        "Contactmomenten per uur\n"
        "Onderdeel | Aantal\n"
        "----------+-------\n"
        "09u       |     27\n"
        "Totaal    |     27\n"
        "\n"
        "Opmerkingen\n"
        "- Aantallen van 1 tot 4 worden getoond als <5, zodat niemand herkenbaar is.\n"
        "- * = verborgen, zodat een klein aantal niet uit het totaal te berekenen is.\n"
    )


def test_json_exact_for_a_built_week() -> None:
    hours = {f"{h:02d}": 0 for h in range(24)} | {"10": "<5", "15": "<5", "16": "<5", "19": "<5", "23": "<5"}
    assert json.loads(render_json(suppress(weekly()))) == {
        "range": {"start": "2026-03-02", "end": "2026-03-08"},
        "k": 5,
        "summary": {
            "contact_moments": 27,
            "online_moments": 8,
            "offline_moments": 19,
            "unique_youths": 5,
            "new_youths": "<5",
            "after_hours_youths": "<5",
            "further_contact_youths": "<5",
            "new_members": 0,
            "sessions_held": 2,
            "attendance_total": "<5",
            "attendance_mean": "*",
            "happy_place_moments": 2,
            "checkins_sent": 0,
            "checkins_answered": "<5",
            "checkins_let_go": 0,
            "help_requests": 0,
        },
        "targets": [
            {"name": "contact_moments", "target": 19.23, "achieved": 27, "status": "reached"},
            {"name": "unique_youths", "target": 9.62, "achieved": 5, "status": "on_track"},
            {"name": "moments_per_week", "target": 3.0, "achieved": 27, "status": "reached"},
            {"name": "happy_place_moments", "target": 0.58, "achieved": 2, "status": "reached"},
            {"name": "sessions", "target": 0.58, "achieved": 2, "status": "reached"},
            {"name": "further_contact_youths", "target": 1.0, "achieved": "<5", "status": None},
        ],
        "breakdowns": {
            "by_kind": {
                "cells": {
                    "desk": "<5",
                    "safe_space": "<5",
                    "study": "<5",
                    "happy_monday": "<5",
                    "checkin_reply": "<5",
                    "public_exchange": "<5",
                },
                "total": 8,
            },
            "by_theme": {"cells": {"school": "<5", "stress": "<5", "(none)": "<5"}, "total": 8},
            "by_weekday": {
                "cells": {"mon": "<5", "tue": "<5", "wed": "<5", "thu": "<5", "fri": 0, "sat": 0, "sun": "<5"},
                "total": 8,
            },
            "by_hour": {"cells": hours, "total": 8},
            "offline_by_place_type": {
                "cells": {"school": 12, "youth_work": 7, "public_space": 0, "event": 0},
                "total": 19,
            },
            "offline_by_place": {"cells": {"jc-west": 7, "ka-noord": 12, "park": 0}, "total": 19},
            "sessions_by_kind": {"cells": {"safe_space": 1, "study": 1}, "total": 2},
            "sessions_by_theme": {"cells": {"stress": 1, "(none)": 1}, "total": 2},
            "attendance_by_kind": {"cells": {"safe_space": "<5", "study": "<5"}, "total": "<5"},
            "feedback": {"cells": {"good": 0, "ok": 0, "bad": 0}, "total": 0},
        },
        "footnotes": ["suppression", "offline_counted", "targets_prorated", "joins_are_reach", "complementary"],
    }


def test_json_key_order_is_stable() -> None:
    first = render_json(suppress(weekly()))
    assert first == render_json(suppress(weekly()))
    assert list(json.loads(first)) == ["range", "k", "summary", "targets", "breakdowns", "footnotes"]


def test_text_targets_table_for_a_built_week() -> None:
    text = render_text(suppress(weekly(today=date(2026, 3, 6))), Translator("nl"))
    targets = text.split("\nDoelen\n")[1].split("\n\n")[0].splitlines()
    assert [[part.strip() for part in line.split("|")] for line in targets[2:]] == [
        ["contactmomenten", "19,2", "27", "bereikt"],
        ["unieke jongeren", "9,6", "5", "achter"],
        ["contactmomenten (minimum per week)", "3", "27", "bereikt"],
        ["happy-place-momenten", "0,6", "2", "bereikt"],
        ["sessies", "0,6", "2", "bereikt"],
        ["jongeren die verder contact zochten", "1", "<5", "niet getoond"],  # the status would hint at the count
    ]


def test_raw_report_cannot_be_rendered() -> None:
    raw = weekly()
    for render in (render_text, render_csv, render_png):
        with pytest.raises(TypeError):
            render(raw, Translator("nl"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        render_json(raw)  # type: ignore[arg-type]


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_for_a_week_and_for_an_empty_report() -> None:
    week = render_png(suppress(weekly()), Translator("nl"))
    assert week.startswith(PNG_SIGNATURE) and _png_size(week) == (800, 950)
    empty = build_report([], [], date(2026, 3, 2), date(2026, 3, 8), BRUSSELS, Targets(), date(2026, 3, 2))
    data = render_png(suppress(empty), Translator("en"))
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000


def _busy_march() -> Report:
    rows = [row("desk", f"2026-03-{day:02d} 10:00", f"p{day}-{i}") for day in range(1, 21) for i in range(3)]
    targets = Targets(contact_moments_per_year=1000)
    return build_report(rows, [], date(2026, 3, 1), date(2026, 3, 31), BRUSSELS, targets, date(2026, 3, 20))


def test_png_of_a_month_opens_with_the_cumulative_line() -> None:
    report = suppress(_busy_march())
    assert report.cumulative[0] == (date(2026, 3, 1), 0) and report.cumulative[-1] == (date(2026, 3, 20), 60)
    data = render_png(report, Translator("en"))
    assert data.startswith(PNG_SIGNATURE) and _png_size(data) == (800, 1200)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_identical_keys_and_placeholders() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert set(nl) == set(en)
    assert all(key.startswith("ledger.") for key in nl)
    assert {k: _placeholders(v) for k, v in nl.items()} == {k: _placeholders(v) for k, v in en.items()}


def test_every_catalog_key_is_used_and_every_used_key_exists() -> None:
    translator = Translator("nl")
    rollups = [WeeklyCount(2026, 53, ContactKind.DESK, None, 9)]
    rows = [row("desk", "2026-12-31 10:00", "p1")]
    spanning = build_report(rows, [], *iso_week_range(2026, 53), BRUSSELS, Targets(), date(2027, 1, 1), rollups=rollups)
    halves = weekly(period="half"), weekly(period="quarter")
    for report in (weekly(today=date(2026, 3, 4)), weekly(today=date(2026, 3, 6)), spanning, *halves):
        render_text(suppress(report), translator)
        render_csv(suppress(report), translator)
    render_png(suppress(weekly()), translator)
    render_png(suppress(_busy_march()), translator)  # long enough for the cumulative line
    assert translator.asked == set(catalog("nl"))


def test_dutch_wording() -> None:
    nl = catalog("nl")
    assert [nl[f"ledger.status.{s}"] for s in ("on_track", "behind", "reached")] == ["op schema", "achter", "bereikt"]
    assert [nl[f"ledger.weekday.{d}"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")] == [
        "ma",
        "di",
        "wo",
        "do",
        "vr",
        "za",
        "zo",
    ]
    assert nl["ledger.summary.contact_moments"] == "contactmomenten"
    assert nl["ledger.summary.unique_youths"] == "unieke jongeren"
    assert nl["ledger.summary.new_youths.year"] == "nieuwe jongeren (nieuw dit jaar)"


def test_suppressed_bars_have_no_height_and_the_legend_explains_the_marks() -> None:
    translator = Translator("en")
    report = suppress(weekly())
    kinds = report.breakdown("by_kind")
    assert all(height == 0.0 for (height, shown) in bar_heights(kinds) if not shown)
    assert [shown for _, shown in bar_heights(kinds)] == [c.state is SHOWN for _, c in kinds.cells]
    render_png(report, translator)
    assert {"ledger.chart.legend_small", "ledger.chart.legend_hidden", "ledger.chart.targets"} <= translator.asked
    assert translator("ledger.title", {"start": "02/03/2026", "end": "08/03/2026"}).endswith("02/03/2026 – 08/03/2026")
