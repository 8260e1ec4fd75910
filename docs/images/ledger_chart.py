"""Draw the README's example ledger chart from a synthetic year: ``python docs/images/ledger_chart.py [nl|en]``."""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.ledger import (
    ContactKind,
    ContactRow,
    OfflineMoment,
    Targets,
    build_report,
    hour_bucket,
    suppress,
    year_range,
)
from bot.i18n import I18n
from bot.services.ledger.chart import render_png
from bot.services.ledger.output import translator

ZONE = ZoneInfo("Europe/Brussels")
TARGETS = Targets(contact_moments_per_year=1000, unique_youths_per_year=500, moments_per_week=3, sessions_per_year=30)


def contact(kind: ContactKind, day: date, hour: int, who: int) -> ContactRow:
    return ContactRow(kind, {}, hour_bucket(datetime.combine(day, time(hour), tzinfo=ZONE)), f"{who:032x}", False)


def synthetic_year(seed: int = 3) -> list[ContactRow]:
    """Up to six contacts a day until the end of November, and three Happy Monday moments (a small cell)."""
    rng = random.Random(seed)
    kinds = [ContactKind.DESK, ContactKind.SAFE_SPACE, ContactKind.STUDY, ContactKind.PUBLIC_EXCHANGE]
    rows = []
    day = date(2026, 1, 1)
    while day <= date(2026, 11, 29):
        rows += [
            contact(rng.choice(kinds), day, rng.randint(9, 20), rng.randrange(400)) for _ in range(rng.randint(0, 6))
        ]
        day += timedelta(days=1)
    return rows + [contact(ContactKind.HAPPY_MONDAY, date(2026, 10, 5 + 7 * n), 19, 1000 + n) for n in range(3)]


def main() -> None:
    lang = sys.argv[1] if len(sys.argv) > 1 else "nl"
    offline = [OfflineMoment(date(2026, month, 10), "school", "ka", 25) for month in range(1, 12)]
    report = build_report(synthetic_year(), offline, *year_range(2026), ZONE, TARGETS, date(2026, 12, 2))
    out = Path(__file__).with_name("ledger-chart.png" if lang == "nl" else f"ledger-chart-{lang}.png")
    out.write_bytes(render_png(suppress(report), translator(I18n(), lang)))
    print(out)


if __name__ == "__main__":
    main()
