"""What the desk's use-cases share: dependencies, locks, the thread of a conversation, scheduling helpers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.core import Core
from bot.db.models import DeskConversation
from bot.domain.desk import ConversationStatus, Keys, Localized, Msg, help_lines_param, msg
from bot.domain.desk.config import DeskConfig, DeskGuildOptions, WelcomeMode, ends_at
from bot.domain.errors import UserFacingError
from bot.domain.guild_config import Access, RoleName
from bot.domain.ledger.kinds import ContactKind
from bot.services.contacts import ContactRecorder
from bot.services.desk.hours import DeskHours
from bot.services.desk.port import DeskPort, MemberInfo
from bot.services.desk.store import DeskStore
from bot.services.desk.text import DeskText

log = logging.getLogger("happymood.desk")

OPENING = "desk.opening"
DELIVER = "desk.deliver"
FORGET = "desk.forget"
OPTIONS_SECTION = "desk"
THREAD_NAME_MAX = 100
TAG_SEPARATOR = " · "

StopHook = Callable[[int], Awaitable[Msg | None]]
"""Another feature's part of a youth writing "stop" in DM (e.g. check-ins): what it stopped, or None."""


class DeskInputError(UserFacingError):
    """A desk command was used wrongly; ``key`` is a catalog key. Nothing was changed."""


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}

    @asynccontextmanager
    async def hold(self, key: object) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]


class DeskCore:
    """Shared by the youth, staff and lifecycle parts of the desk."""

    def __init__(self, shared: Core, port: DeskPort, contacts: ContactRecorder) -> None:
        self.shared = shared
        self.port = port
        self.contacts = contacts
        self.store = DeskStore(shared.db)
        self.hours = DeskHours(shared)
        self.text = DeskText(shared.i18n)
        self.locks = KeyedLocks()
        self.stop_hooks: dict[str, StopHook] = {}

    def add_stop_hook(self, feature: str, hook: StopHook) -> None:
        """Another feature also ends what it runs when a youth writes "stop" (e.g. check-ins)."""
        self.stop_hooks[feature] = hook

    # -- plain facts -----------------------------------------------------------------------------------

    @property
    def config(self) -> DeskConfig:
        return self.shared.settings.desk

    def now(self) -> datetime:
        return self.shared.clock.now()

    def help_lines(self) -> Localized:
        return help_lines_param(self.hours.help_lines)

    async def options(self, guild_id: int) -> tuple[WelcomeMode, bool]:
        stored = await self.shared.guild_settings.get(guild_id, OPTIONS_SECTION, DeskGuildOptions())
        return stored.resolve(self.config)

    async def staff_lang(self, guild_id: int) -> str:
        return await self.shared.guild_lang(guild_id)

    async def staff_desk(self, guild_id: int) -> int | None:
        """The guild's staff desk channel when it is configured and still exists."""
        channel_id = (await self.shared.guild_config(guild_id)).channels.staff_desk
        if channel_id is None or not await self.port.channel_exists(channel_id):
            return None
        return channel_id

    async def outreacher_role(self, guild_id: int) -> int | None:
        return (await self.shared.guild_config(guild_id)).roles.outreacher

    async def is_staff(self, guild_id: int, member: MemberInfo | None) -> bool:
        if member is None:
            return False
        access = Access(await self.shared.guild_config(guild_id))
        return access.is_staff(member.person.role_ids, member.person.is_admin, member.person.permissions)

    async def resolve_guild(self, user_id: int) -> int | None:
        """The first guild (ascending id) that shares the member and has a staff desk configured."""
        for guild_id in await self.port.mutual_guilds(user_id):
            if await self.staff_desk(guild_id) is not None:
                return guild_id
        return None

    # -- the conversation's thread ---------------------------------------------------------------------

    async def thread_title(self, guild_id: int, name: str, urgent: bool) -> str:
        base = name.strip() or "?"
        if urgent:
            tag = self.text.staff(msg(Keys.STAFF_URGENT_TAG), await self.staff_lang(guild_id))
            base = f"{tag}{TAG_SEPARATOR}{base}"
        return base[:THREAD_NAME_MAX]

    def strip_tag(self, title: str) -> str:
        for lang in ("nl", "en"):
            prefix = self.text.staff(msg(Keys.STAFF_URGENT_TAG), lang) + TAG_SEPARATOR
            if title.startswith(prefix):
                return title[len(prefix) :]
        return title

    async def create_thread(self, guild_id: int, name: str, urgent: bool) -> int | None:
        desk = await self.staff_desk(guild_id)
        if desk is None:
            log.warning("desk has no staff channel", extra={"guild_id": guild_id})
            return None
        config = await self.shared.guild_config(guild_id)
        staff = await self.port.members_with_roles(
            guild_id, config.role_ids((RoleName.outreacher, RoleName.coordinator))
        )
        return await self.port.create_thread(desk, await self.thread_title(guild_id, name, urgent), staff)

    async def set_urgent(self, guild_id: int, thread_id: int, urgent: bool) -> None:
        """Add or remove the "🔴 urgent" tag in front of the thread's name."""
        current = await self.port.thread_name(thread_id)
        if current is None:
            return
        wanted = await self.thread_title(guild_id, self.strip_tag(current), urgent)
        if wanted != current:
            await self.port.edit_thread(thread_id, name=wanted)

    # -- scheduling -------------------------------------------------------------------------------------

    async def ensure_opening(self, guild_id: int) -> None:
        """Make sure the guild's opening action (digest, clearing mention marks) is due at the next opening."""
        hours = await self.hours.office_hours(guild_id)
        opening = hours.next_opening(self.now())
        pending = await self.shared.scheduler.pending(OPENING, guild_id=guild_id)
        if opening is None or any(job.due_at == opening for job in pending):
            return
        await self.shared.scheduler.schedule(
            OPENING, opening, {"guild_id": guild_id}, key=f"{OPENING}:{guild_id}", guild_id=guild_id
        )

    async def plan_forget(self, row: DeskConversation) -> None:
        """A closed conversation's link is deleted after the retention period, and never while a block runs."""
        if row.status != ConversationStatus.CLOSED.value or row.closed_at is None:
            return
        zone = (await self.hours.office_hours(row.guild_id)).tz
        due = ends_at(row.closed_at, timedelta(days=self.config.link_retention_days), zone)
        if row.blocked_until is not None:
            due = max(due, row.blocked_until)
        await self.shared.scheduler.schedule(
            FORGET, due, {"conversation_id": row.id}, key=f"{FORGET}:{row.id}", guild_id=row.guild_id
        )

    async def cancel_forget(self, conversation_id: int) -> None:
        await self.shared.scheduler.cancel(key=f"{FORGET}:{conversation_id}")

    async def schedule_delivery(self, guild_id: int, held_id: int, at: datetime | None) -> None:
        key = f"{DELIVER}:{held_id}"
        if at is None:
            await self.shared.scheduler.cancel(key=key)
            return
        await self.shared.scheduler.schedule(DELIVER, at, {"held_id": held_id}, key=key, guild_id=guild_id)

    # -- the ledger ------------------------------------------------------------------------------------

    async def record_contact(self, guild_id: int, member: MemberInfo | None, after_hours: bool) -> None:
        if member is None:
            return
        await self.contacts.record(guild_id, member.person, ContactKind.DESK, after_hours=after_hours, at=self.now())
