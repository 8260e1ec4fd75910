"""``happymood stats``: the /stats report from the command line, read from the configured database.

    happymood stats [--range week|month|year|last-week|2026-W43|2026-10|2026]
                    [--from DAY --to DAY] [--format table|csv|json|png] [--out FILE]
                    [--guild ID] [--lang nl|en]

Days are ``dd/mm/yyyy`` or ISO; ISO weeks are judged in the guild's time zone. ``--guild`` may be left
out when the database holds one guild. The report goes through small-cell suppression like /stats.
Messages speak ``--lang`` (else the guild's, else the deployment's language), as plain text: no Discord
markdown. A ``--to`` in the future is clipped to today, with a note on standard error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from typing import Any

EXIT_USAGE = 2
#: Same as :data:`bot.services.ledger.output.FORMATS` (a test checks), kept here so that building the CLI
#: parser does not import the database stack.
FORMATS = ("table", "csv", "json", "png")

#: A message for standard error: catalog key and its parameters.
Note = tuple[str, dict[str, object]]


class StatsError(Exception):
    """A problem the person at the terminal can fix (printed without a traceback, exit status 2).

    ``key`` and ``params`` name a ``ledger.cli.*`` / ``ledger.input.*`` catalog message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def plain(text: str) -> str:
    """Catalog text without Discord markdown (bold, code), for a terminal."""
    return text.replace("**", "").replace("`", "")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = sub.add_parser("stats", help="KPI report of the contact ledger (anonymous, suppressed)")
    stats.add_argument("--range", dest="period", default="week", help="week (default), month, year, last-week, …")
    stats.add_argument("--from", dest="first", help="first day (dd/mm/yyyy or yyyy-mm-dd)")
    stats.add_argument("--to", dest="last", help="last day, inclusive (default: today)")
    stats.add_argument("--format", choices=FORMATS, default="table")
    stats.add_argument("--out", help="write to this file instead of standard output (required for png)")
    stats.add_argument("--guild", type=int, help="guild ID (optional when the database holds one guild)")
    stats.add_argument("--lang", choices=("nl", "en"), help="language of labels (default: the guild's)")
    stats.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.__main__ import _settings
    from bot.i18n import I18n

    settings = _settings(args)
    i18n = I18n()
    notes: list[Note] = []

    def say(key: str, params: Mapping[str, object] | None = None, lang: str | None = None) -> str:
        return plain(i18n.t(key, lang or args.lang or settings.general.language, **(params or {})))

    if args.format == "png" and not args.out:
        print(f"happymood stats: {say('ledger.cli.png_needs_out')}", file=sys.stderr)
        return EXIT_USAGE
    try:
        data, lang = asyncio.run(_stats(settings, args, notes))
    except StatsError as exc:
        print(f"happymood stats: {say(exc.key, exc.params)}", file=sys.stderr)
        return EXIT_USAGE
    for key, params in notes:
        print(f"happymood stats: {say(key, params, lang)}", file=sys.stderr)
    if args.out:
        with open(args.out, "wb") as fh:
            fh.write(data)
        print(say("ledger.cli.written", {"path": args.out}, lang), file=sys.stderr)
    else:
        sys.stdout.write(data.decode())
    return 0


async def _stats(settings: Any, args: argparse.Namespace, notes: list[Note]) -> tuple[bytes, str]:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.runtime import build_runtime
    from bot.services.ledger import LedgerInputError, LedgerService, parse_day, render, report_range, translator

    runtime = await build_runtime(settings, migrate=False)
    try:
        service: LedgerService = runtime.services.ledger
        try:
            guild_id = await _guild(service, args.guild)
        except SQLAlchemyError:
            raise StatsError("ledger.cli.not_migrated") from None
        today = await service.today(guild_id)
        try:
            last = args.last
            if last and parse_day(last, today, allow_future=True) > today:  # a future end: up to today
                last = today.isoformat()
                notes.append(("ledger.cli.clipped", {"day": today.strftime("%d/%m/%Y")}))
            span = report_range(args.period, args.first, last, today)
        except LedgerInputError as exc:
            raise StatsError(exc.key, **exc.params) from None
        report = await service.report(guild_id, span)
        lang = args.lang or await runtime.guild_lang(guild_id)
        return render(report, args.format, translator(runtime.i18n, lang)), lang
    finally:
        await runtime.close()


async def _guild(service: Any, wanted: int | None) -> int:
    if wanted is not None:
        return wanted
    guilds = await service.guilds()
    if len(guilds) == 1:
        return int(guilds[0])
    if not guilds:
        raise StatsError("ledger.cli.empty")
    raise StatsError("ledger.cli.several_guilds", guilds=", ".join(map(str, guilds)))
