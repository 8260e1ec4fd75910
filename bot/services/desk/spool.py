"""DMs that arrived while the database was away, kept on local disk so that a restart loses none.

The database is where a conversation lives, but a youth's message must outlive an outage of the database
*and* a restart during it. So the waiting DMs (and how far each got: answered, relayed, counted) are written
to one small JSON file in ``general.data_dir`` each time the line changes, atomically (a temporary file
renamed over the old one, readable by the bot's own user only). The file exists only while DMs wait: it is
removed once the last one reached the team. A file that cannot be written is logged at ERROR and the line
goes on in memory, as before; a damaged file is set aside (renamed, never deleted) and logged.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

log = logging.getLogger("happymood.desk")

SPOOL_FILE = "desk-outage-queue.json"
_VERSION = 1


@dataclass
class Progress:
    """How far one DM got, so a retry after an outage does only what is still missing (nothing doubled)."""

    answered: bool = False
    relayed: bool = False
    counted: bool = False


@dataclass
class Waiting:
    """A DM that arrived while the database was away: replayed in order once it is back."""

    user_id: int
    text: str
    attachments: tuple[str, ...]
    at: datetime
    progress: Progress = field(default_factory=Progress)


class OutageSpool:
    """The waiting line's copy on disk (``None`` path: memory only)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> list[Waiting]:
        """The DMs a previous run left waiting, oldest first; none when there is no (readable) file."""
        if self.path is None or not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            items = [_waiting(entry) for entry in data["waiting"]]
        except (OSError, ValueError, KeyError, TypeError):
            aside = self.path.with_suffix(".damaged")
            log.error("desk: outage queue file unreadable, set aside", extra={"path": str(aside)}, exc_info=True)
            self.path.replace(aside)
            return []
        if items:
            log.warning("desk: DMs from an earlier outage still wait for the team", extra={"waiting": len(items)})
        return items

    def save(self, items: Iterable[Waiting]) -> bool:
        """Write the line as it is now (the file is removed when it is empty); False when it could not be."""
        if self.path is None:
            return True
        entries = [_entry(item) for item in items]
        try:
            if not entries:
                self.path.unlink(missing_ok=True)
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": _VERSION, "waiting": entries}, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            tmp.replace(self.path)
        except OSError:
            log.error("desk: outage queue could not be written to disk, kept in memory only", exc_info=True)
            return False
        return True


def _entry(item: Waiting) -> dict[str, object]:
    return {
        "user_id": item.user_id,
        "text": item.text,
        "attachments": list(item.attachments),
        "at": item.at.isoformat(),
        "progress": asdict(item.progress),
    }


def _waiting(entry: dict[str, object]) -> Waiting:
    progress = entry.get("progress") or {}
    attachments = entry["attachments"]
    if not isinstance(progress, dict) or not isinstance(attachments, list):
        raise TypeError("outage queue entry has the wrong shape")
    at = datetime.fromisoformat(str(entry["at"]))
    if at.tzinfo is None:
        raise ValueError("outage queue time without a zone")
    return Waiting(
        user_id=int(str(entry["user_id"])),
        text=str(entry["text"]),
        attachments=tuple(str(a) for a in attachments),
        at=at,
        progress=Progress(**{k: bool(v) for k, v in progress.items() if k in ("answered", "relayed", "counted")}),
    )
