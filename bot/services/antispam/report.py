"""What the team reads: the mod-log alert of an incident, its final state, and the morning summary.

Everything is rendered from stored rows (so an alert edited after a restart says the same), in the guild's
language, with times in the guild's time zone. Mentions may appear in the text; the port sends them with
``AllowedMentions.none()`` unless a ping of the moderator role is intended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.models.antispam import AntispamIncident, AntispamOffender
from bot.domain.guild_config import GuildConfig
from bot.domain.spam import Reason
from bot.domain.spam.quiet import quiet_at
from bot.i18n import I18n
from bot.services.antispam.lockdown import LockPlan
from bot.services.antispam.port import Alert
from bot.services.antispam.settings import AntispamSettings
from bot.services.antispam.store import reasons_of

MAX_LISTED = 30
RED, GREEN, ORANGE, BLUE = 0xE74C3C, 0x2ECC71, 0xE67E22, 0x3498DB
LOCK_BUTTONS = ("unlock", "keep")
ACCOUNT_BUTTONS = ("ban", "undo")
CHANNEL_STEPS = ("overwrite", "slowmode", "delete")


@dataclass(frozen=True)
class IncidentView:
    """An incident as stored, with its lockdown plan (if any) and its accounts."""

    incident: AntispamIncident
    lock: LockPlan | None
    lock_status: str | None
    offenders: Sequence[AntispamOffender]


def _pause_only(lock: LockPlan, reasons: Sequence[dict[str, Any]]) -> bool:
    """A join flood's response by day: invites paused, nothing taken from @everyone or the channels."""
    return not (lock.removed or lock.channels) and any(row.get("code") == "join_burst" for row in reasons)


class Reporter:
    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self.i18n.t(key, lang, **params)

    def reason(self, lang: str, reason: Reason) -> str:
        key = reason.key + (".per_message" if reason.seconds == 0 else "")
        return self.t(lang, key, **reason.params)

    @staticmethod
    def clock(at: datetime, zone: str, *, date: bool = False) -> str:
        return at.astimezone(ZoneInfo(zone)).strftime("%d/%m %H:%M" if date else "%H:%M")

    def accounts(self, lang: str, offenders: Sequence[AntispamOffender]) -> str:
        ids = [o.user_id for o in offenders]
        listed = " ".join(f"<@{uid}>" for uid in ids[:MAX_LISTED])
        more = self.t(lang, "antispam.accounts.more", count=len(ids) - MAX_LISTED) if len(ids) > MAX_LISTED else ""
        return self.t(lang, "antispam.accounts", count=len(ids), list=listed + more)

    def blocked(self, lang: str, entries: Sequence[dict[str, Any]]) -> list[str]:
        """One line per refused step: which step, where, and the permission it needs (or the HTTP status)."""
        lines = []
        for entry in entries:
            extra: dict[str, Any]
            step = self.t(lang, f"antispam.step.{entry['step']}")
            target = entry.get("target")
            in_channel = entry["step"] in CHANNEL_STEPS and target
            where = self.t(lang, "antispam.blocked.where", channel=f"<#{target}>") if in_channel else ""
            if entry.get("permission"):
                needed = self.i18n.permission(entry["permission"], lang)
                key, extra = "antispam.blocked.permission", {"permission": needed}
            else:
                key, extra = "antispam.blocked.failed", {"status": entry.get("status")}
            lines.append(self.t(lang, key, step=step, where=where, **extra))
        return lines

    def _actions(self, lang: str, view: IncidentView, settings: AntispamSettings) -> list[str]:
        inc, lock = view.incident, view.lock
        failed = {entry["step"] for entry in inc.blocked if entry.get("permission")}
        lines: list[str] = []
        if lock is not None:
            if lock.removed and "role" not in failed:
                lines.append(self.t(lang, "antispam.done.role"))
            touched = [ch for ch in lock.channels if ch.allow is not None]
            if touched and "overwrite" not in failed:
                lines.append(self.t(lang, "antispam.done.overwrites", count=len(touched)))
            if lock.paused_until is not None and "invites_dms" not in failed:
                key = {(True, True): "both", (True, False): "invites", (False, True): "dms"}[
                    (lock.pause_invites, lock.pause_dms)
                ]
                lines.append(self.t(lang, f"antispam.done.pause.{key}"))
            slowed = [f"<#{ch.channel_id}>" for ch in lock.channels if ch.slowmode_set is not None]
            if slowed and "slowmode" not in failed:
                lines.append(
                    self.t(lang, "antispam.done.slowmode", seconds=settings.slowmode_seconds, channels=" ".join(slowed))
                )
        done = [o for o in view.offenders if o.status in ("applied", "undone")]
        timeouts = [o for o in done if o.action == "timeout"]
        if timeouts:
            minutes = (
                round((timeouts[0].until - timeouts[0].created_at).total_seconds() / 60) if timeouts[0].until else 0
            )
            lines.append(
                self.t(lang, "antispam.done.timeouts", count=len(timeouts), duration=self.duration(lang, minutes))
            )
        undone = [o for o in timeouts if o.status == "undone"]
        if undone:
            lines.append(self.t(lang, "antispam.done.undone", count=len(undone)))
        bans = [o for o in done if o.action == "ban"]
        if bans:
            lines.append(self.t(lang, "antispam.done.bans", count=len(bans)))
        return lines

    def duration(self, lang: str, minutes: int) -> str:
        if minutes >= 60 and minutes % 60 == 0:
            return self.t(lang, "antispam.duration.hours", hours=minutes // 60)
        return self.t(lang, "antispam.duration.minutes", minutes=minutes)

    def incident_alert(
        self,
        lang: str,
        view: IncidentView,
        settings: AntispamSettings,
        config: GuildConfig,
        now: datetime,
        *,
        ended_by_user: int | None = None,
    ) -> Alert:
        inc = view.incident
        zone = settings.timezone
        ended = inc.status == "ended"
        locking = inc.kind in ("raid", "manual")
        kind = inc.kind
        if inc.kind == "raid" and view.lock is None:
            kind = "raid_unlocked"
        elif inc.kind == "raid" and view.lock is not None and _pause_only(view.lock, inc.reasons):
            kind = "join_flood"  # a join flood by day: only invites were paused
        title = self.t(lang, f"antispam.alert.{kind}.{'ended' if ended and locking else 'title'}")
        content = self.t(lang, f"antispam.alert.{kind}.content", time=self.clock(inc.started_at, zone))
        lines: list[tuple[str, str]] = []
        reasons = reasons_of(inc.reasons)
        if inc.kind == "manual":
            detected = self.t(lang, "antispam.manual_by", user=f"<@{inc.started_by}>")
        else:
            detected = "\n".join(self.reason(lang, r) for r in reasons) or "—"
        lines.append((self.t(lang, "antispam.field.detected"), detected))
        if view.offenders:
            lines.append((self.t(lang, "antispam.field.accounts"), self.accounts(lang, view.offenders)))
        lines.append(
            (self.t(lang, "antispam.field.removed"), self.t(lang, "antispam.removed", count=inc.deleted_count))
        )
        actions = self._actions(lang, view, settings)
        if actions:
            lines.append((self.t(lang, "antispam.field.done"), "\n".join(actions)))
        if locking:
            unlock = self.unlock_text(lang, view, settings, now, ended_by_user)
            lines.append((self.t(lang, "antispam.field.unlock"), unlock))
        blocked = self.blocked(lang, inc.blocked)
        if blocked:
            lines.append((self.t(lang, "antispam.field.blocked"), "\n".join(blocked)))
        buttons: list[str] = []
        if locking and not ended and view.lock is not None:
            buttons += LOCK_BUTTONS
        if view.offenders:
            buttons += ACCOUNT_BUTTONS
        ping = None
        if locking and not ended and config.roles.moderator and (settings.ping_at_night or not inc.night):
            ping = config.roles.moderator
        return Alert(
            content=content,
            title=title,
            lines=lines,
            buttons=[(b, self.t(lang, f"antispam.button.{b}")) for b in buttons],
            incident_id=inc.id,
            ping_role_id=ping,
            color=GREEN if ended and locking else (RED if locking else ORANGE),
        )

    def unlock_text(
        self, lang: str, view: IncidentView, settings: AntispamSettings, now: datetime, ended_by_user: int | None
    ) -> str:
        inc, zone = view.incident, settings.timezone
        if inc.status == "ended" and inc.ended_at is not None:
            if inc.ended_by == "quiet":
                ended = self.clock(inc.ended_at, zone)
                return self.t(lang, "antispam.unlocked.quiet", time=ended, minutes=settings.quiet_minutes)
            who = f"<@{ended_by_user}>" if ended_by_user else self.t(lang, "antispam.a_moderator")
            return self.t(lang, "antispam.unlocked.moderator", time=self.clock(inc.ended_at, zone), user=who)
        if inc.keep_locked:
            return self.t(lang, "antispam.unlock.kept")
        earliest = quiet_at((inc.last_spam_at, inc.started_at, now), settings.quiet_minutes)
        return self.t(lang, "antispam.unlock.auto", minutes=settings.quiet_minutes, time=self.clock(earliest, zone))

    def unlock_note(self, lang: str, inc: AntispamIncident, settings: AntispamSettings) -> Alert:
        how = "quiet" if inc.ended_by == "quiet" else "moderator"
        return Alert(
            content=self.t(lang, f"antispam.note.unlocked.{how}", minutes=settings.quiet_minutes),
            title=self.t(lang, "antispam.note.restored"),
            color=GREEN,
        )

    def morning(self, lang: str, views: Sequence[IncidentView], settings: AntispamSettings) -> Alert:
        zone = settings.timezone
        lines: list[tuple[str, str]] = []
        for view in views:
            inc = view.incident
            span = self.clock(inc.started_at, zone)
            if inc.ended_at is not None:
                span += f"–{self.clock(inc.ended_at, zone)}"
            name = self.t(lang, f"antispam.morning.kind.{inc.kind}", span=span)
            parts = [self.t(lang, "antispam.removed", count=inc.deleted_count)]
            if view.offenders:
                parts.append(self.t(lang, "antispam.morning.accounts", count=len(view.offenders)))
            parts += self._actions(lang, view, settings)
            if inc.kind in ("raid", "manual"):
                if inc.status == "ended" and inc.ended_at is not None:
                    minutes = round((inc.ended_at - inc.started_at).total_seconds() / 60)
                    parts.append(self.t(lang, f"antispam.morning.ended.{inc.ended_by or 'moderator'}", minutes=minutes))
                else:
                    parts.append(self.t(lang, "antispam.morning.still_locked"))
            blocked = self.blocked(lang, inc.blocked)
            parts += blocked
            lines.append((name, "\n".join(parts)))
        return Alert(
            content=self.t(lang, "antispam.morning.content", count=len(views)),
            title=self.t(lang, "antispam.morning.title"),
            lines=lines[:25],
            color=BLUE,
        )
