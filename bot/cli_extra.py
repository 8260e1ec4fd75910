"""Feature subcommands of the CLI (each feature appends its ``add_parser`` function here)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]
