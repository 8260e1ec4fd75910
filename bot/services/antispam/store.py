"""Anti-spam storage: incidents, offenders and lockdown state — written before acting, updated after."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.db.engine import Database
from bot.db.models.antispam import AntispamIncident, AntispamLockdown, AntispamLockdownChannel, AntispamOffender
from bot.domain.spam import Reason
from bot.services.antispam.lockdown import ChannelPlan, LockPlan

LOCKING_KINDS = ("raid", "manual")


def reason_rows(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    return [{"code": r.code, "count": r.count, "limit": r.limit, "seconds": r.seconds} for r in reasons]


def reasons_of(rows: Iterable[Mapping[str, Any]]) -> list[Reason]:
    return [Reason(str(r["code"]), int(r["count"]), int(r["limit"]), float(r["seconds"])) for r in rows]


@dataclass(frozen=True)
class OffenderAction:
    incident_id: int
    user_id: int
    action: str
    until: datetime | None


class AntispamStore:
    def __init__(self, db: Database) -> None:
        self._blocked_lock = asyncio.Lock()
        # Deleted-message counts and folds of one incident into another are serialised, and a count that
        # arrives for a folded incident goes to the incident it was folded into (never lost).
        self._progress_lock = asyncio.Lock()
        self._folded: dict[int, int] = {}
        self.db = db

    # --- incidents ---
    async def open_incident(
        self,
        guild_id: int,
        kind: str,
        at: datetime,
        *,
        night: bool,
        reasons: Iterable[Reason] = (),
        started_by: int | None = None,
        keep_locked: bool = False,
        lock: LockPlan | None = None,
    ) -> int:
        """Record an incident, and the exact state its lockdown will replace, in one transaction."""
        async with self.db.session() as session:
            incident = AntispamIncident(
                guild_id=guild_id,
                kind=kind,
                status="active",
                started_at=at,
                last_spam_at=at if kind != "manual" else None,
                started_by=started_by,
                night=night,
                reasons=reason_rows(reasons),
                deleted_count=0,
                keep_locked=keep_locked,
                blocked=[],
                summarized=False,
            )
            session.add(incident)
            await session.flush()
            if lock is not None:
                row = AntispamLockdown(
                    incident_id=incident.id,
                    guild_id=guild_id,
                    status="locking",
                    everyone_permissions=lock.everyone_permissions,
                    removed_permissions=lock.removed,
                    invites_disabled_until=lock.invites_until,
                    dms_disabled_until=lock.dms_until,
                    pause_invites=lock.pause_invites,
                    pause_dms=lock.pause_dms,
                    paused_until=lock.paused_until,
                    created_at=at,
                )
                session.add(row)
                await session.flush()
                session.add_all(
                    AntispamLockdownChannel(
                        lockdown_id=row.id,
                        channel_id=ch.channel_id,
                        allow=ch.allow,
                        deny=ch.deny,
                        removed=ch.removed,
                        slowmode_before=ch.slowmode_before,
                        slowmode_set=ch.slowmode_set,
                    )
                    for ch in lock.channels
                )
            return incident.id

    async def incident(self, incident_id: int) -> AntispamIncident | None:
        async with self.db.session() as session:
            return await session.get(AntispamIncident, incident_id)

    async def active_lockdown(self, guild_id: int) -> AntispamIncident | None:
        """The guild's active raid or manual incident (the one a lockdown belongs to), if any."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(AntispamIncident)
                .where(
                    AntispamIncident.guild_id == guild_id,
                    AntispamIncident.status == "active",
                    AntispamIncident.kind.in_(LOCKING_KINDS),
                )
                .order_by(AntispamIncident.id.desc())
            )
            return rows.first()

    async def active_lockdowns(self) -> list[AntispamIncident]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(AntispamIncident).where(
                    AntispamIncident.status == "active", AntispamIncident.kind.in_(LOCKING_KINDS)
                )
            )
            return list(rows)

    async def update_incident(self, incident_id: int, **values: Any) -> None:
        async with self.db.session() as session:
            await session.execute(update(AntispamIncident).where(AntispamIncident.id == incident_id).values(**values))

    async def add_blocked(self, incident_id: int, entries: list[dict[str, Any]]) -> None:
        """Append refused steps (one entry per step and permission) to the incident."""
        if not entries:
            return
        # Steps run concurrently: read-modify-write of the JSON list must not lose an entry. The row lock
        # serialises writers on PostgreSQL; the asyncio lock does so for SQLite within this process.
        async with self._blocked_lock, self.db.session() as session:
            incident = await session.get(AntispamIncident, incident_id, with_for_update=True)
            if incident is None:
                return
            seen = {(e["step"], e.get("permission"), e.get("status")) for e in incident.blocked}
            merged = list(incident.blocked)
            for entry in entries:
                key = (entry["step"], entry.get("permission"), entry.get("status"))
                if key not in seen:
                    seen.add(key)
                    merged.append(entry)
            incident.blocked = merged

    async def add_progress(self, progress: Mapping[int, tuple[int, datetime | None]]) -> None:
        """Add deleted-message counts and move ``last_spam_at`` forward, per incident."""
        if not progress:
            return
        async with self._progress_lock, self.db.session() as session:
            for counted_for, (deleted, last) in progress.items():
                incident_id = counted_for
                while incident_id in self._folded:
                    incident_id = self._folded[incident_id]
                values: dict[str, Any] = {"deleted_count": AntispamIncident.deleted_count + deleted}
                await session.execute(
                    update(AntispamIncident).where(AntispamIncident.id == incident_id).values(**values)
                )
                if last is not None:
                    await session.execute(
                        update(AntispamIncident)
                        .where(
                            AntispamIncident.id == incident_id,
                            (AntispamIncident.last_spam_at.is_(None)) | (AntispamIncident.last_spam_at < last),
                        )
                        .values(last_spam_at=last)
                    )

    async def fold_incident(self, from_id: int, into_id: int) -> list[int]:
        """One attack, one incident: move a member incident's accounts and counts into the raid's, then drop it.
        Returns the accounts moved (one already in the raid keeps its raid row)."""
        async with self._progress_lock, self.db.session() as session:
            source = await session.get(AntispamIncident, from_id)
            target = await session.get(AntispamIncident, into_id)
            if source is None or target is None:
                return []
            present = set(
                await session.scalars(select(AntispamOffender.user_id).where(AntispamOffender.incident_id == into_id))
            )
            rows = list(await session.scalars(select(AntispamOffender).where(AntispamOffender.incident_id == from_id)))
            moved = []
            for row in rows:
                if row.user_id in present:
                    await session.delete(row)
                else:
                    row.incident_id = into_id
                    moved.append(row.user_id)
            target.deleted_count += source.deleted_count
            seen = {(r["code"], r["count"]) for r in target.reasons}
            target.reasons = [*target.reasons, *(r for r in source.reasons if (r["code"], r["count"]) not in seen)]
            await session.flush()
            await session.delete(source)
            self._folded[from_id] = into_id
            return moved

    async def purge_offenders(self, closed_before: datetime) -> int:
        """Delete offender rows (they hold Discord user IDs) of incidents closed before ``closed_before``.
        A raid or manual incident closes when it ends; a single-account incident with its last spam."""
        async with self.db.session() as session:
            closed = select(AntispamIncident.id).where(
                (AntispamIncident.ended_at.is_not(None) & (AntispamIncident.ended_at < closed_before))
                | (
                    (AntispamIncident.kind == "member")
                    & (func.coalesce(AntispamIncident.last_spam_at, AntispamIncident.started_at) < closed_before)
                )
            )
            result = await session.execute(delete(AntispamOffender).where(AntispamOffender.incident_id.in_(closed)))
            return int(getattr(result, "rowcount", 0) or 0)

    async def night_unsummarized(self, guild_id: int, before: datetime) -> list[AntispamIncident]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(AntispamIncident)
                .where(
                    AntispamIncident.guild_id == guild_id,
                    AntispamIncident.night.is_(True),
                    AntispamIncident.summarized.is_(False),
                    AntispamIncident.started_at <= before,
                )
                .order_by(AntispamIncident.started_at)
            )
            return list(rows)

    async def mark_summarized(self, incident_ids: Iterable[int]) -> None:
        ids = list(incident_ids)
        if ids:
            async with self.db.session() as session:
                await session.execute(
                    update(AntispamIncident).where(AntispamIncident.id.in_(ids)).values(summarized=True)
                )

    # --- offenders ---
    async def add_offenders(self, actions: Iterable[OffenderAction], at: datetime) -> list[OffenderAction]:
        """Record actions as ``pending``; returns the ones that were new (an account once per incident)."""
        wanted = {(a.incident_id, a.user_id): a for a in actions}
        if not wanted:
            return []
        incidents = {incident for incident, _ in wanted}
        async with self.db.session() as session:
            existing = set(
                (
                    await session.execute(
                        select(AntispamOffender.incident_id, AntispamOffender.user_id).where(
                            AntispamOffender.incident_id.in_(incidents)
                        )
                    )
                ).all()
            )
            fresh = [a for key, a in wanted.items() if key not in existing]
            session.add_all(
                AntispamOffender(
                    incident_id=a.incident_id,
                    user_id=a.user_id,
                    action=a.action,
                    status="pending",
                    until=a.until,
                    created_at=at,
                )
                for a in fresh
            )
        return fresh

    async def set_offender_status(
        self, incident_id: int, statuses: Mapping[int, str], action: str | None = None
    ) -> None:
        if not statuses:
            return
        async with self.db.session() as session:
            for status in set(statuses.values()):
                users = [u for u, s in statuses.items() if s == status]
                values: dict[str, Any] = {"status": status}
                if action is not None:
                    values["action"] = action
                await session.execute(
                    update(AntispamOffender)
                    .where(AntispamOffender.incident_id == incident_id, AntispamOffender.user_id.in_(users))
                    .values(**values)
                )

    async def offenders(self, incident_id: int) -> list[AntispamOffender]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(AntispamOffender)
                .where(AntispamOffender.incident_id == incident_id)
                .order_by(AntispamOffender.id)
            )
            return list(rows)

    async def offender_counts(self, incident_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Per incident: how many accounts per action and status (``"timeout:applied"`` → n)."""
        ids = list(incident_ids)
        out: dict[int, dict[str, int]] = {i: {} for i in ids}
        if not ids:
            return out
        async with self.db.session() as session:
            rows = await session.execute(
                select(AntispamOffender.incident_id, AntispamOffender.action, AntispamOffender.status, func.count())
                .where(AntispamOffender.incident_id.in_(ids))
                .group_by(AntispamOffender.incident_id, AntispamOffender.action, AntispamOffender.status)
            )
            for incident_id, action, status, n in rows.all():
                out[incident_id][f"{action}:{status}"] = int(n)
        return out

    # --- lockdown state ---
    async def lockdown(self, incident_id: int) -> tuple[AntispamLockdown, LockPlan] | None:
        async with self.db.session() as session:
            row = (
                await session.scalars(select(AntispamLockdown).where(AntispamLockdown.incident_id == incident_id))
            ).first()
            if row is None:
                return None
            channels = (
                await session.scalars(
                    select(AntispamLockdownChannel)
                    .where(AntispamLockdownChannel.lockdown_id == row.id)
                    .order_by(AntispamLockdownChannel.channel_id)
                )
            ).all()
        lock = LockPlan(
            everyone_permissions=row.everyone_permissions,
            removed=row.removed_permissions,
            invites_until=row.invites_disabled_until,
            dms_until=row.dms_disabled_until,
            pause_invites=row.pause_invites,
            pause_dms=row.pause_dms,
            paused_until=row.paused_until,
            channels=tuple(
                ChannelPlan(c.channel_id, c.allow, c.deny, c.removed, c.slowmode_before, c.slowmode_set)
                for c in channels
            ),
        )
        return row, lock

    async def set_lockdown(self, incident_id: int, **values: Any) -> None:
        async with self.db.session() as session:
            await session.execute(
                update(AntispamLockdown).where(AntispamLockdown.incident_id == incident_id).values(**values)
            )
