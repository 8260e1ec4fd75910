"""Command line: ``happymood run | demo | migrate | check | stats`` (also ``python -m bot``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.settings import TOKEN_ENV, ConfigError, Settings, load_settings, masked

log = logging.getLogger("happymood")

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3  # Discord or the database could not be reached (a one-line message, no traceback)


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(args.config)
    except ConfigError as exc:
        print(f"happymood: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


async def _run(settings: Settings, token: str) -> int:
    import discord
    from sqlalchemy.exc import DBAPIError

    from bot.app import create_bot
    from bot.runtime import build_runtime

    try:
        runtime = await build_runtime(settings)
    except (OSError, DBAPIError) as exc:
        print(
            f"happymood: could not open the database {masked(settings)['database']['url']}: {_reason(exc)}",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    bot = create_bot(runtime)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    try:
        await bot.start(token)
    except discord.LoginFailure:
        print("happymood: Discord refused the token (LoginFailure); check the token.", file=sys.stderr)
        return 1
    except (OSError, discord.GatewayNotFound, discord.DiscordServerError) as exc:
        where = settings.discord.api_base
        print(
            f"happymood: could not connect to Discord at {where}: {_reason(exc)}; check the network.", file=sys.stderr
        )
        return EXIT_UNREACHABLE
    finally:
        if not bot.is_closed():
            await bot.close()
        await runtime.close()
    log.info("stopped cleanly")
    return 0


def _reason(exc: BaseException) -> str:
    """One line for a person: the error's type and its first line, never a traceback."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    token = settings.discord.resolved_token()
    if token is None:
        print(
            f"happymood: no Discord token: set {TOKEN_ENV} (or discord.token_file); `happymood demo` runs without one.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    from bot.logging_setup import setup_logging

    setup_logging(settings.general.log_level, settings.general.log_format)
    return asyncio.run(_run(settings, token.get_secret_value()))


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def go() -> str:
        from bot.db.engine import Database
        from bot.db.migrate import current_heads, upgrade

        db = Database(settings.database_url)
        try:
            await upgrade(db)
            return ", ".join(await current_heads(db))
        finally:
            await db.dispose()

    print(f"database at revision(s) {asyncio.run(go())}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    print(json.dumps(masked(settings), indent=2, ensure_ascii=False, default=str))
    if settings.discord.resolved_token() is None:
        print(f"note: no token set ({TOKEN_ENV}); `happymood run` would refuse to start.", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    try:
        from bot.demo import run_demo
    except ModuleNotFoundError as missing:  # the sandbox is a development tool, not part of the bot's wheel
        if missing.name != "sandbox":
            raise
        print(
            "happymood demo: the local Discord sandbox is not installed; from a clone of the repository run "
            "`pip install -e ./sandbox` (the README's quick start does).",
            file=sys.stderr,
        )
        return EXIT_CONFIG

    if args.database is not None and "://" not in args.database and Path(args.database).exists():
        print(
            f"happymood demo: {args.database} already exists; the demo tells its story on a fresh database. "
            "Remove the file or give another --database path.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    return asyncio.run(run_demo(database=args.database, out=sys.stdout, verbose=args.verbose))


def build_parser(
    extra: Sequence[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = (),
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="happymood", description="The Happy Mood Discord bot.")
    parser.add_argument("--config", type=Path, help="config.toml (default: $HAPPYMOOD_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="migrate, connect to Discord and run until SIGINT/SIGTERM").set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help="run the real bot against the local sandbox in simulated time")
    demo.add_argument("--database", help="keep the demo's database at this SQLAlchemy URL or path")
    demo.add_argument("-v", "--verbose", action="store_true", help="also print the bot's log")
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("migrate", help="upgrade the database to the newest revision").set_defaults(func=cmd_migrate)
    sub.add_parser("check", help="validate the configuration and print it (secrets masked)").set_defaults(
        func=cmd_check
    )
    for add in extra:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.cli_extra import EXTRA_COMMANDS

    args = build_parser(EXTRA_COMMANDS).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
