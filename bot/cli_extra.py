"""Feature subcommands of the CLI (each feature appends its ``add_parser`` function here)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.cli_stats import add_parser as add_stats_parser

EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []
EXTRA_COMMANDS.append(add_stats_parser)
