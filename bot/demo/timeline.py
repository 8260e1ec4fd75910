"""A readable timeline of a demo: what happened in the server and what the bot did about it (API calls)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.clock import Clock

QUIET_ROUTES = ("GET ", "PUT /applications/", "POST /interactions/")


class Timeline:
    """Prints story lines stamped with the simulated local time and summarises the bot's REST calls."""

    def __init__(self, out: TextIO, clock: Clock, sandbox: Any, tz: str = "Europe/Brussels") -> None:
        self.out, self.clock, self.sandbox, self.tz = out, clock, sandbox, ZoneInfo(tz)
        self._seen = len(sandbox.requests)
        self.lines: list[str] = []

    def _stamp(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%a %d %b %H:%M")

    def emit(self, text: str) -> None:
        self.lines.append(text)
        print(text, file=self.out, flush=True)

    def chapter(self, title: str) -> None:
        self.emit(f"\n== {title} ==")

    def story(self, text: str) -> None:
        """Something a person did in the server."""
        self.emit(f"[{self._stamp()}]   {text}")

    def bot(self, text: str) -> None:
        """Something the bot did, described for people."""
        self.emit(f"[{self._stamp()}] 🤖 {text}")

    def calls(self, *, label: str = "API") -> Counter[str]:
        """Summarise the REST calls the bot made since the last summary; returns them by route."""
        new = self.sandbox.requests[self._seen :]
        self._seen = len(self.sandbox.requests)
        routes: Counter[str] = Counter(r.route for r in new if not r.route.startswith(QUIET_ROUTES))
        if routes:
            summary = ", ".join(f"{route} ×{n}" if n > 1 else route for route, n in sorted(routes.items()))
            self.emit(f"[{self._stamp()}]    {label}: {summary}")
        return routes


def first_line(text: str, limit: int = 90) -> str:
    line = re.sub(r"\s+", " ", (text or "").strip().splitlines()[0] if text and text.strip() else "")
    return line if len(line) <= limit else line[: limit - 1] + "…"
