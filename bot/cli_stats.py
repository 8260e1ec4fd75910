"""``happymood stats``: the /stats report from the command line, read from the configured database.

    happymood stats [--range week|month|year|last-week|2026-W43|2026-10|2026]
                    [--from DAY --to DAY] [--format table|csv|json|png] [--out FILE]
                    [--guild ID] [--lang nl|en]

Days are ``dd/mm/yyyy`` or ISO; ISO weeks are judged in the guild's time zone. ``--guild`` may be left
out when the database holds one guild. The report goes through small-cell suppression like /stats.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

EXIT_USAGE = 2
#: Same as :data:`bot.services.ledger.output.FORMATS` (a test checks), kept here so that building the CLI
#: parser does not import the database stack.
FORMATS = ("table", "csv", "json", "png")


class StatsError(Exception):
    """A problem the person at the terminal can fix (printed without a traceback, exit status 2)."""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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

    settings = _settings(args)
    if args.format == "png" and not args.out:
        print("happymood stats: --format png needs --out FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        data = asyncio.run(_stats(settings, args))
    except StatsError as exc:
        print(f"happymood stats: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.out:
        with open(args.out, "wb") as fh:
            fh.write(data)
        print(f"written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode())
    return 0


async def _stats(settings: Any, args: argparse.Namespace) -> bytes:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.runtime import build_runtime
    from bot.services.ledger import LedgerInputError, LedgerService, render, report_range, translator

    runtime = await build_runtime(settings, migrate=False)
    try:
        service: LedgerService = runtime.services["ledger"]
        try:
            guild_id = await _guild(service, args.guild)
        except SQLAlchemyError:
            raise StatsError("the database has no ledger tables yet; run `happymood migrate` first") from None
        try:
            span = report_range(args.period, args.first, args.last, await service.today(guild_id))
        except LedgerInputError as exc:
            raise StatsError(runtime.i18n.t(exc.key, "en", **exc.params)) from None
        report = await service.report(guild_id, span)
        lang = args.lang or await runtime.guild_lang(guild_id)
        return render(report, args.format, translator(runtime.i18n, lang))
    finally:
        await runtime.close()


async def _guild(service: Any, wanted: int | None) -> int:
    if wanted is not None:
        return wanted
    guilds = await service.guilds()
    if len(guilds) == 1:
        return int(guilds[0])
    if not guilds:
        raise StatsError("the ledger is empty: no guild has recorded anything yet")
    raise StatsError(f"the database holds several guilds; choose one with --guild ({', '.join(map(str, guilds))})")
