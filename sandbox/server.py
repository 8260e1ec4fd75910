"""DiscordSandbox: a local Discord (REST v10 + gateway) that the unmodified discord.py client talks to."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox import api_channels, api_core, api_guilds  # noqa: F401  (registers the REST routes)
from sandbox import permissions as P
from sandbox.clock import Clock
from sandbox.gateway import (
    DIRECT_MESSAGE_REACTIONS,
    DIRECT_MESSAGES,
    GUILD_INVITES,
    GUILD_MEMBERS,
    GUILD_MESSAGE_REACTIONS,
    GUILD_MESSAGES,
    GUILD_MODERATION,
    GUILD_PRESENCES,
    GUILD_SCHEDULED_EVENTS,
    GUILD_VOICE_STATES,
    GUILDS,
    INVALID_SESSION,
    MESSAGE_CONTENT,
    RECONNECT,
    Gateway,
    GatewaySession,
    dumps,
)
from sandbox.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    CHANNEL,
    MENTIONABLE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    ROLE,
    USER,
    SandboxInteraction,
    infer_option_type,
)
from sandbox.models import (
    GUILD_CATEGORY,
    GUILD_TEXT,
    GUILD_VOICE,
    JSON,
    Ban,
    Channel,
    Guild,
    Invite,
    Member,
    Message,
    Role,
    SandboxBot,
    User,
    VoiceState,
    iso,
)
from sandbox.permissions import Overwrite
from sandbox.rest import Fault, RecordedRequest, RestApi, Upload
from sandbox.state import EPHEMERAL, LOADING, SandboxState, log

SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


class DiscordSandbox(SandboxState):
    """A fake Discord for end-to-end tests, demos and benchmarks.

    Build the world with ``create_*``/``add_*``, act as users with ``post_message``, ``send_dm``,
    ``run_slash_command``, ``click_button``..., and assert on ``requests``, ``guilds[...]`` and friends.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.log = log
        self.gateway = Gateway(self)
        self.rest = RestApi(self)
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.deleted_messages: list[Message] = []
        #: seconds (real time) a bot has to answer an interaction; None disables the check
        self.interaction_deadline: float | None = 3.0
        #: PUT /incident-actions replaces both fields (an omitted one becomes null) like a PUT should
        self.incident_actions_replace = True
        self.base_url = ""
        self.api_base = ""
        self.gateway_url = ""
        self._runner: web.AppRunner | None = None
        self._blobs: dict[int, bytes] = {}

    # ------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/v{version}/{tail:.*}", self.rest.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._serve_attachment)
        app.router.add_get("/", self.gateway.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        self.api_base = f"{self.base_url}/api/v10"
        self.gateway_url = f"ws://{host}:{bound_port}/"
        log.info("sandbox: listening on %s", self.base_url)

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordSandbox:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _serve_attachment(self, request: web.Request) -> web.StreamResponse:
        blob = self._blobs.get(int(request.match_info["attachment_id"]))
        if blob is None:
            return web.Response(status=404)
        return web.Response(body=blob, content_type="application/octet-stream")

    async def flush(self) -> None:
        """Wait until every queued gateway event was written to the sockets."""
        await self.gateway.drain()

    # ------------------------------------------------------------------ building the world
    def create_user(
        self,
        name: str,
        *,
        bot: bool = False,
        avatar: str | None = "a1b2",
        created_at: datetime | None = None,
        global_name: str | None = None,
    ) -> int:
        """A user account (``created_at`` backdates its snowflake, i.e. the account age)."""
        user_id = self.ids.at(created_at) if created_at is not None else self.new_id()
        self.users[user_id] = User(user_id, name, global_name=global_name, avatar=avatar, bot=bot)
        return user_id

    def create_bot(self, name: str = "Happy Mood", *, app_id: int | None = None) -> SandboxBot:
        """A bot application with its user, an owner user and a token."""
        user_id = self.create_user(name, bot=True, avatar=None)
        owner_id = self.create_user(f"{name} owner")
        prefix = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
        token = f"{prefix}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"
        bot = SandboxBot(user_id, app_id or user_id, token, name, owner_id)
        self.bots[user_id] = bot
        self._bots_by_token[token] = bot
        return bot

    def set_dms_open(self, user_id: int, open_: bool = True) -> None:
        """``False``: the user blocks DMs from servers (bots get 403 50007)."""
        self.users[user_id].dms_open = open_

    def create_guild(self, name: str, *, owner_id: int, preferred_locale: str = "nl") -> int:
        """A guild with @everyone (default permissions) and #general as system channel; the owner is a member."""
        guild_id = self.new_id()
        guild = Guild(id=guild_id, name=name, owner_id=owner_id, preferred_locale=preferred_locale)
        guild.roles[guild_id] = Role(guild_id, guild_id, "@everyone", permissions=P.DEFAULT_EVERYONE_PERMISSIONS)
        self.guilds[guild_id] = guild
        general = self.add_text_channel(guild_id, "general")
        guild.system_channel_id = general
        guild.members[owner_id] = Member(owner_id, guild_id, joined_at=self.now())
        return guild_id

    def add_role(
        self,
        guild_id: int,
        name: str,
        *,
        permissions: int = 0,
        position: int | None = None,
        hoist: bool = False,
        managed: bool = False,
        mentionable: bool = False,
        color: int = 0,
    ) -> int:
        """A role; on top of the hierarchy unless ``position`` is given (roles at or above it move up)."""
        guild = self.guilds[guild_id]
        others = [r for r in guild.roles.values() if r.id != guild_id]
        if position is None:
            position = max((r.position for r in others), default=0) + 1
        else:
            for other in others:
                if other.position >= position:
                    other.position += 1
                    self.dispatch_role("GUILD_ROLE_UPDATE", guild, other)
        role = Role(
            self.new_id(),
            guild_id,
            name,
            permissions=permissions,
            position=position,
            hoist=hoist,
            managed=managed,
            mentionable=mentionable,
            color=color,
        )
        guild.roles[role.id] = role
        self.dispatch_role("GUILD_ROLE_CREATE", guild, role)
        return role.id

    def _new_channel(
        self,
        guild_id: int,
        name: str,
        ctype: int,
        parent_id: int | None,
        overwrites: Iterable[Mapping[str, Any]],
        rate_limit_per_user: int = 0,
    ) -> int:
        guild = self.guilds[guild_id]
        given = list(overwrites)
        if not given and parent_id is not None:
            # like the Discord UI: a new channel in a category starts synced with it
            given = [ow.payload() for ow in self.channels[parent_id].overwrites.values()]
        channel = Channel(
            id=self.new_id(),
            type=ctype,
            guild_id=guild_id,
            name=name,
            position=sum(1 for c in guild.channels.values() if not c.is_thread),
            parent_id=parent_id,
            rate_limit_per_user=rate_limit_per_user,
            overwrites={
                int(o["id"]): Overwrite(
                    int(o["id"]), int(o.get("type", 0)), int(o.get("allow", 0)), int(o.get("deny", 0))
                )
                for o in given
            },
        )
        self.register_channel(guild, channel)
        return channel.id

    def add_category(self, guild_id: int, name: str, *, overwrites: Iterable[Mapping[str, Any]] = ()) -> int:
        return self._new_channel(guild_id, name, GUILD_CATEGORY, None, overwrites)

    def add_text_channel(
        self,
        guild_id: int,
        name: str,
        *,
        parent_id: int | None = None,
        overwrites: Iterable[Mapping[str, Any]] = (),
        rate_limit_per_user: int = 0,
    ) -> int:
        return self._new_channel(guild_id, name, GUILD_TEXT, parent_id, overwrites, rate_limit_per_user)

    def add_voice_channel(self, guild_id: int, name: str, *, parent_id: int | None = None) -> int:
        return self._new_channel(guild_id, name, GUILD_VOICE, parent_id, ())

    def set_overwrite(self, channel_id: int, target_id: int, *, type: int = 0, allow: int = 0, deny: int = 0) -> None:
        """Change a channel overwrite as a server admin would (dispatches CHANNEL_UPDATE)."""
        channel = self.channels[channel_id]
        channel.overwrites[target_id] = Overwrite(target_id, type, allow, deny)
        self.dispatch_channel("CHANNEL_UPDATE", channel)

    def _add_member(
        self,
        guild: Guild,
        user_id: int,
        roles: Iterable[int] = (),
        joined_at: datetime | None = None,
        *,
        notify_self: bool = True,
    ) -> Member:
        if user_id not in self.users:
            raise KeyError(f"unknown user {user_id}")
        member = Member(user_id, guild.id, joined_at=joined_at or self.now(), roles=list(roles))
        guild.members[user_id] = member
        others = None if notify_self else [b for b in self.bots if b != user_id]
        self.dispatch_simple(
            "GUILD_MEMBER_ADD",
            self.member_payload(member, guild_id=True),
            guild_id=guild.id,
            intent=GUILD_MEMBERS,
            bots=others,
        )
        return member

    async def add_member(
        self, guild_id: int, user_id: int, *, roles: Iterable[int] = (), joined_at: datetime | None = None
    ) -> None:
        """The user joins (GUILD_MEMBER_ADD)."""
        self._add_member(self.guilds[guild_id], user_id, roles, joined_at)
        await self.flush()

    def populate_guild(
        self,
        guild_id: int,
        count: int,
        *,
        prefix: str = "member",
        roles: Iterable[int] = (),
        created_at: datetime | None = None,
        joined_at: datetime | None = None,
    ) -> list[int]:
        """Create ``count`` users and make them members (fast; for big-guild tests and benchmarks).

        ``created_at``/``joined_at`` backdate the accounts (default: now, i.e. brand-new accounts).
        """
        guild = self.guilds[guild_id]
        role_list = list(roles)
        ids: list[int] = []
        for index in range(count):
            user_id = self.create_user(f"{prefix}{index}", created_at=created_at)
            self._add_member(guild, user_id, role_list, joined_at)
            ids.append(user_id)
        return ids

    async def add_bot_to_guild(
        self, guild_id: int, bot: SandboxBot, *, permissions: int, position: int | None = None
    ) -> int:
        """Invite the bot: its managed role (returned) goes on top unless ``position``; it gets GUILD_CREATE."""
        guild = self.guilds[guild_id]
        role_id = self.add_role(guild_id, bot.name, permissions=permissions, position=position, managed=True)
        guild.roles[role_id].bot_id = bot.user_id
        self._add_member(guild, bot.user_id, [role_id], notify_self=False)
        for session in self.gateway.sessions_of(bot):
            if session.handles_guild(guild_id) and session.intents & GUILDS:
                session.push("GUILD_CREATE", dumps(self._guild_create_payload(guild, session, joined=True)))
        await self.flush()
        return role_id

    async def remove_member(self, guild_id: int, user_id: int, *, flush: bool = True) -> None:
        """The user leaves / is kicked (GUILD_MEMBER_REMOVE; a removed bot gets GUILD_DELETE)."""
        guild = self.guilds[guild_id]
        if user_id not in guild.members:
            return
        if user_id in self.bots:
            self.dispatch_simple("GUILD_DELETE", {"id": str(guild_id)}, guild_id=guild_id, bots=[user_id])
        del guild.members[user_id]
        guild.voice_states.pop(user_id, None)
        for thread in guild.threads:
            thread.thread_members.pop(user_id, None)
        self.dispatch_simple(
            "GUILD_MEMBER_REMOVE",
            {"guild_id": str(guild_id), "user": self.user_payload(user_id)},
            guild_id=guild_id,
            intent=GUILD_MEMBERS,
        )
        if flush:
            await self.flush()

    async def edit_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: Iterable[int] | None = None,
        nick: str | None = None,
        timed_out_until: datetime | None = None,
    ) -> None:
        """A moderator changes a member in the Discord UI (GUILD_MEMBER_UPDATE)."""
        guild = self.guilds[guild_id]
        member = guild.members[user_id]
        if roles is not None:
            member.roles = list(roles)
        if nick is not None:
            member.nick = nick or None
        if timed_out_until is not None:
            member.communication_disabled_until = timed_out_until
        self.dispatch_member_update(guild, member)
        await self.flush()

    def create_invite(self, channel_id: int, inviter_id: int | None = None, *, max_age: int = 86400) -> str:
        """An invite made by a user (INVITE_CREATE); returns its code."""
        return self.add_invite(channel_id, inviter_id, max_age=max_age).code

    def seed_bot_message(
        self,
        channel_id: int,
        bot: SandboxBot,
        content: str,
        *,
        components: Iterable[JSON] = (),
        embeds: Iterable[JSON] = (),
    ) -> int:
        """A message the bot posted earlier (e.g. a persistent panel from a previous run); no event."""
        message = self.new_message(
            self.channels[channel_id], bot.user_id, content, components=list(components), embeds=list(embeds)
        )
        return message.id

    # ------------------------------------------------------------------ users acting
    def _require_member(self, guild: Guild | None, user_id: int) -> None:
        if guild is not None and user_id not in guild.members:
            raise ValueError(f"user {user_id} is not a member of guild {guild.id}")

    def _user_message(
        self,
        channel_id: int,
        author_id: int,
        content: str,
        *,
        mentions: Iterable[int] = (),
        mention_roles: Iterable[int] = (),
        mention_everyone: bool = False,
        attachments: int = 0,
        embeds: Iterable[JSON] = (),
        reply_to: int | None = None,
        created_at: datetime | None = None,
    ) -> Message:
        channel = self.channels[channel_id]
        guild = self.guild_of(channel)
        self._require_member(guild, author_id)
        replied = self.message_index.get(reply_to) if reply_to is not None else None
        users, roles, everyone = self.resolve_mentions(
            guild, channel, author_id, content, allowed=None, reply_to=replied, everyone=mention_everyone
        )
        users += [u for u in mentions if u not in users]
        roles += [r for r in mention_roles if r not in roles]
        reference = None
        if replied is not None:
            reference = {
                "type": 0,
                "message_id": str(replied.id),
                "channel_id": str(replied.channel_id),
                "guild_id": None if replied.guild_id is None else str(replied.guild_id),
            }
        fake_files = [
            {
                "id": str(self.new_id()),
                "filename": f"upload{i}.png",
                "size": 1024,
                "url": f"{self.base_url}/attachments/{channel_id}/{i}/upload{i}.png",
                "proxy_url": f"{self.base_url}/attachments/{channel_id}/{i}/upload{i}.png",
                "content_type": "image/png",
                "width": 64,
                "height": 64,
            }
            for i in range(attachments)
        ]
        if channel.is_thread and author_id not in channel.thread_members:
            channel.thread_members[author_id] = self.now()
        return self.new_message(
            channel,
            author_id,
            content,
            timestamp=created_at,
            type=19 if replied is not None else 0,
            embeds=list(embeds),
            attachments=fake_files,
            mention_ids=users,
            mention_role_ids=roles,
            mention_everyone=everyone or mention_everyone,
            message_reference=reference,
        )

    async def post_message(
        self,
        channel_id: int,
        author_id: int,
        content: str,
        *,
        mentions: Iterable[int] = (),
        mention_roles: Iterable[int] = (),
        mention_everyone: bool = False,
        attachments: int = 0,
        embeds: Iterable[JSON] = (),
        reply_to: int | None = None,
        created_at: datetime | None = None,
    ) -> JSON:
        """A user posts in a channel or thread (MESSAGE_CREATE); returns the gateway message payload."""
        message = self._user_message(
            channel_id,
            author_id,
            content,
            mentions=mentions,
            mention_roles=mention_roles,
            mention_everyone=mention_everyone,
            attachments=attachments,
            embeds=embeds,
            reply_to=reply_to,
            created_at=created_at,
        )
        self.dispatch_message_create(message)
        await self.flush()
        return self.message_payload(message, gateway=True)

    async def post_messages_bulk(self, channel_id: int, items: Iterable[Any]) -> list[int]:
        """Many user posts at once; items are ``(author_id, content)`` or dicts of ``post_message`` kwargs.

        Events are queued without awaiting each write; the call returns the new message ids once all
        of them have been written to the sockets.
        """
        ids: list[int] = []
        for item in items:
            if isinstance(item, Mapping):
                kwargs = dict(item)
                author_id = kwargs.pop("author_id")
                content = kwargs.pop("content")
            else:
                author_id, content = item
                kwargs = {}
            message = self._user_message(channel_id, author_id, content, **kwargs)
            self.dispatch_message_create(message)
            ids.append(message.id)
        await self.flush()
        return ids

    async def edit_user_message(self, message_id: int, content: str) -> None:
        """The author edits their message (MESSAGE_UPDATE)."""
        message = self.message_index[message_id]
        message.content = content
        message.edited_timestamp = self.now()
        self.dispatch_message_update(message)
        await self.flush()

    async def delete_user_message(self, message_id: int) -> None:
        """The author (or a moderator in the UI) deletes a message (MESSAGE_DELETE)."""
        await self.delete_messages([self.message_index[message_id]])

    async def add_reaction(self, message_id: int, user_id: int, emoji: str) -> None:
        """A user reacts (MESSAGE_REACTION_ADD); ``emoji`` is a unicode emoji or ``name:id``."""
        message = self.message_index[message_id]
        users = message.reactions.setdefault(emoji, [])
        if user_id not in users:
            users.append(user_id)
            self.dispatch_reaction("MESSAGE_REACTION_ADD", message, emoji, user_id)
        await self.flush()

    async def send_dm(self, user_id: int, bot: SandboxBot, content: str) -> JSON:
        """The user DMs the bot (MESSAGE_CREATE without guild_id)."""
        channel = self.dm_channel(user_id, bot.user_id)
        message = self.new_message(channel, user_id, content)
        self.dispatch_message_create(message)
        await self.flush()
        return self.message_payload(message, gateway=True)

    async def join_voice(self, guild_id: int, channel_id: int | None, user_id: int) -> None:
        """The user joins (or with ``None`` leaves) a voice channel (VOICE_STATE_UPDATE)."""
        guild = self.guilds[guild_id]
        self._require_member(guild, user_id)
        if channel_id is None:
            guild.voice_states.pop(user_id, None)
        else:
            guild.voice_states[user_id] = VoiceState(user_id, channel_id, secrets.token_hex(16))
        self.dispatch_simple(
            "VOICE_STATE_UPDATE",
            self.voice_state_payload(guild, user_id, event=True),
            guild_id=guild_id,
            intent=GUILD_VOICE_STATES,
        )
        await self.flush()

    async def set_event_interest(self, guild_id: int, event_id: int, user_id: int, interested: bool = True) -> None:
        """The member presses (or un-presses) *Interested* on an event (GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE)."""
        guild = self.guilds[guild_id]
        self._require_member(guild, user_id)
        event = guild.scheduled_events[event_id]
        users = guild.scheduled_event_users.setdefault(event_id, [])
        if interested == (user_id in users):
            return
        if interested:
            users.append(user_id)
        else:
            users.remove(user_id)
        event["user_count"] = len(users)
        self.dispatch_simple(
            "GUILD_SCHEDULED_EVENT_USER_ADD" if interested else "GUILD_SCHEDULED_EVENT_USER_REMOVE",
            {"guild_scheduled_event_id": str(event_id), "user_id": str(user_id), "guild_id": str(guild_id)},
            guild_id=guild_id,
            intent=GUILD_SCHEDULED_EVENTS,
        )
        await self.flush()

    async def _bot_voice_state(self, bot: SandboxBot, data: JSON) -> None:
        """Gateway op 4 from a bot: record the voice state (no voice server is simulated)."""
        try:
            guild = self.guilds[int(data["guild_id"])]
        except (KeyError, TypeError, ValueError):
            return
        channel_id = data.get("channel_id")
        if channel_id is None:
            guild.voice_states.pop(bot.user_id, None)
        else:
            guild.voice_states[bot.user_id] = VoiceState(
                bot.user_id,
                int(channel_id),
                secrets.token_hex(16),
                bool(data.get("self_mute")),
                bool(data.get("self_deaf")),
            )
        self.dispatch_simple(
            "VOICE_STATE_UPDATE",
            self.voice_state_payload(guild, bot.user_id, event=True),
            guild_id=guild.id,
            intent=GUILD_VOICE_STATES,
        )

    # ------------------------------------------------------------------ interactions
    def interaction_by_token(self, token: str) -> SandboxInteraction | None:
        return self._interactions_by_token.get(token)

    def _pick_bot(self, guild_id: int | None, bot: SandboxBot | None, command: str | None = None) -> SandboxBot:
        if bot is not None:
            return bot
        candidates = [b for b in self.bots.values() if guild_id is None or b.user_id in self.guilds[guild_id].members]
        if command is not None and len(candidates) > 1:
            named = [
                b
                for b in candidates
                if any(c["name"] == command for c in b.global_commands.values())
                or any(c["name"] == command for c in b.guild_commands.get(guild_id or 0, {}).values())
            ]
            candidates = named or candidates
        if len(candidates) != 1:
            raise ValueError("cannot tell which bot should get the interaction; pass bot=")
        return candidates[0]

    def _command_schema(self, bot: SandboxBot, name: str, guild_id: int | None) -> tuple[JSON | None, int | None]:
        if guild_id is not None:
            for command in bot.guild_commands.get(guild_id, {}).values():
                if command["name"] == name and command["type"] == 1:
                    return command, guild_id
        for command in bot.global_commands.values():
            if command["name"] == name and command["type"] == 1:
                return command, None
        return None, None

    def _build_options(
        self, values: Mapping[str, Any], schema: list[JSON] | None, guild: Guild | None, channel: Channel
    ) -> tuple[list[JSON], JSON]:
        by_name = {o["name"]: o for o in schema or []}
        resolved: dict[str, dict[str, Any]] = {}
        options: list[JSON] = []
        for name, raw in values.items():
            if isinstance(raw, Mapping) and "value" in raw:
                otype = int(raw.get("type") or infer_option_type(raw["value"]))
                value = raw["value"]
            else:
                otype = int(by_name[name]["type"]) if name in by_name else infer_option_type(raw)
                value = raw
            if otype in (USER, CHANNEL, ROLE, MENTIONABLE):
                snowflake = int(value)
                self._resolve(resolved, otype, snowflake, guild, channel)
                value = str(snowflake)
            elif otype == 4:
                value = int(value)
            elif otype == 10:
                value = float(value)
            elif otype == 5:
                value = bool(value)
            else:
                value = str(value)
            options.append({"name": name, "type": otype, "value": value})
        return options, resolved

    def _resolve(
        self, resolved: dict[str, dict[str, Any]], otype: int, snowflake: int, guild: Guild | None, channel: Channel
    ) -> None:
        if otype in (USER, MENTIONABLE) and snowflake in self.users:
            resolved.setdefault("users", {})[str(snowflake)] = self.user_payload(snowflake)
            if guild is not None and snowflake in guild.members:
                member = guild.members[snowflake].partial_payload()
                member["permissions"] = str(self.permissions(guild, snowflake, channel))
                resolved.setdefault("members", {})[str(snowflake)] = member
        elif otype in (ROLE, MENTIONABLE) and guild is not None and snowflake in guild.roles:
            resolved.setdefault("roles", {})[str(snowflake)] = guild.roles[snowflake].payload()
        elif otype == CHANNEL and snowflake in self.channels:
            target = self.channels[snowflake]
            data = self.channel_payload(target)
            data["permissions"] = str(self.permissions(guild, snowflake, target) if guild else 0)
            resolved.setdefault("channels", {})[str(snowflake)] = data
        else:
            # Discord's own client cannot do this; discord.py then hands the command a bare discord.Object
            log.info("sandbox: option refers to unknown snowflake %s; it is left out of 'resolved'", snowflake)

    async def run_slash_command(
        self,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        name: str,
        *,
        options: Mapping[str, Any] | None = None,
        subcommand: str | None = None,
        group: str | None = None,
        locale: str = "nl",
        dm: bool = False,
        bot: SandboxBot | None = None,
        guild_command: bool | None = None,
    ) -> SandboxInteraction:
        """A user runs ``/name [group] [subcommand] options...``; option types come from the synced schema.

        Without a synced schema types are inferred from the Python values; pass ``{"type": 6, "value": id}``
        to force one. ``guild_command`` overrides whether ``data.guild_id`` is set (default: from the schema).
        """
        return await self._command_interaction(
            APPLICATION_COMMAND,
            guild_id,
            channel_id,
            user_id,
            name,
            options or {},
            subcommand,
            group,
            locale,
            dm,
            bot,
            guild_command,
            focused=None,
        )

    async def run_autocomplete(
        self,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        name: str,
        *,
        focused: str,
        options: Mapping[str, Any] | None = None,
        subcommand: str | None = None,
        group: str | None = None,
        locale: str = "nl",
        dm: bool = False,
        bot: SandboxBot | None = None,
    ) -> SandboxInteraction:
        """The user is typing option ``focused`` (its partial value in ``options``); the bot answers type 8."""
        return await self._command_interaction(
            AUTOCOMPLETE,
            guild_id,
            channel_id,
            user_id,
            name,
            options or {},
            subcommand,
            group,
            locale,
            dm,
            bot,
            None,
            focused=focused,
        )

    async def _command_interaction(
        self,
        itype: int,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        name: str,
        options: Mapping[str, Any],
        subcommand: str | None,
        group: str | None,
        locale: str,
        dm: bool,
        bot: SandboxBot | None,
        guild_command: bool | None,
        *,
        focused: str | None,
    ) -> SandboxInteraction:
        bot = self._pick_bot(None if dm else guild_id, bot, name)
        if dm:
            guild = None
            channel = self.dm_channel(user_id, bot.user_id)
        else:
            if guild_id is None or channel_id is None:
                raise ValueError("guild_id and channel_id are required unless dm=True")
            guild = self.guilds[guild_id]
            channel = self.channels[channel_id]
        schema, scope = self._command_schema(bot, name, None if guild is None else guild.id)
        opt_schema = schema.get("options") if schema else None
        for level in (group, subcommand):
            if level is not None and opt_schema is not None:
                opt_schema = next((o.get("options") for o in opt_schema if o["name"] == level), None)
        built, resolved = self._build_options(options, opt_schema, guild, channel)
        for option in built:
            if option["name"] == focused:
                option["focused"] = True
        if group is not None:
            if subcommand is None:
                raise ValueError("a group needs a subcommand")
            top = [{"type": 2, "name": group, "options": [{"type": 1, "name": subcommand, "options": built}]}]
        elif subcommand is not None:
            top = [{"type": 1, "name": subcommand, "options": built}]
        else:
            top = built
        data: JSON = {"id": schema["id"] if schema else str(self.new_id()), "name": name, "type": 1, "options": top}
        if resolved:
            data["resolved"] = resolved
        if guild_command is True and guild is not None:
            scope = guild.id
        elif guild_command is False:
            scope = None
        if scope is not None:
            data["guild_id"] = str(scope)
        return await self._send_interaction(bot, itype, data, guild, channel, user_id, locale)

    async def click_button(
        self,
        message_id: int,
        custom_id: str,
        user_id: int,
        *,
        locale: str = "nl",
        values: Iterable[str] | None = None,
    ) -> SandboxInteraction:
        """A user clicks a button (or picks ``values`` in a select menu) on a bot message."""
        message = self.message_index.get(message_id)
        if message is None or message.deleted:
            raise ValueError(f"unknown message {message_id}")
        component = _find_component(message.components, custom_id)
        if component is None:
            raise ValueError(f"message {message_id} has no component {custom_id!r}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        bot = self.bots.get(message.author_id)
        if bot is None:
            raise ValueError("only bot messages have interactive components")
        channel = self.channels[message.channel_id]
        guild = self.guild_of(channel)
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in SELECT_TYPES:
            data["values"] = [str(v) for v in values or []]
        return await self._send_interaction(
            bot, MESSAGE_COMPONENT, data, guild, channel, user_id, locale, message=message
        )

    async def select_menu(
        self, message_id: int, custom_id: str, user_id: int, values: Iterable[str], *, locale: str = "nl"
    ) -> SandboxInteraction:
        return await self.click_button(message_id, custom_id, user_id, locale=locale, values=values)

    async def submit_modal(
        self, interaction: SandboxInteraction, values: Mapping[str, str], *, locale: str = "nl"
    ) -> SandboxInteraction:
        """The user fills in the modal the bot answered ``interaction`` with and submits it."""
        modal = next((r for r in interaction.responses if r.get("type") == 9), None)
        if modal is None:
            raise ValueError("the bot did not answer with a modal")
        mdata = modal["data"]
        components: list[JSON] = []
        for comp in mdata.get("components") or []:
            if comp.get("type") == 1:
                components.append(
                    {"type": 1, "components": [_submitted(c, values) for c in comp.get("components") or []]}
                )
            elif comp.get("type") == 18 and comp.get("component"):
                components.append(
                    {"type": 18, "id": comp.get("id"), "component": _submitted(comp["component"], values)}
                )
        bot = self.bots[interaction.bot_user_id]
        channel = self.channels[interaction.channel_id]
        guild = self.guild_of(channel)
        message = self.message_index.get(interaction.message_id) if interaction.message_id else None
        data = {"custom_id": mdata["custom_id"], "components": components}
        return await self._send_interaction(
            bot, MODAL_SUBMIT, data, guild, channel, interaction.user_id, locale, message=message, trigger=interaction
        )

    async def _send_interaction(
        self,
        bot: SandboxBot,
        itype: int,
        data: JSON,
        guild: Guild | None,
        channel: Channel,
        user_id: int,
        locale: str,
        *,
        message: Message | None = None,
        trigger: SandboxInteraction | None = None,
    ) -> SandboxInteraction:
        self._require_member(guild, user_id)
        interaction_id = self.new_id()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(bot.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(channel.id),
        }
        channel_data = self.channel_payload(channel)
        if guild is not None:
            channel_data["permissions"] = str(self.permissions(guild, user_id, channel))
            member = self.member_payload(guild.members[user_id])
            member["permissions"] = channel_data["permissions"]
            payload.update(
                guild_id=str(guild.id),
                guild_locale=guild.preferred_locale,
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": list(guild.features)},
                member=member,
                app_permissions=str(self.permissions(guild, bot.user_id, channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=self.user_payload(user_id),
                app_permissions=str(P.DEFAULT_EVERYONE_PERMISSIONS),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        payload["channel"] = channel_data
        if message is not None:
            payload["message"] = self.message_payload(message)
        interaction = SandboxInteraction(
            id=interaction_id,
            token=token,
            type=itype,
            application_id=bot.application_id,
            bot_user_id=bot.user_id,
            guild_id=None if guild is None else guild.id,
            channel_id=channel.id,
            user_id=user_id,
            payload=payload,
            message_id=None if message is None else message.id,
            trigger_id=None if trigger is None else trigger.id,
        )
        self.interactions[interaction_id] = interaction
        self._interactions_by_token[token] = interaction
        sent = self.dispatch_simple(
            "INTERACTION_CREATE", payload, guild_id=None if guild is None else guild.id, bots=[bot.user_id]
        )
        if not sent:
            log.warning("sandbox: %s has no gateway session; the interaction goes nowhere", bot.name)
        await self.flush()
        return interaction

    def interaction_message(
        self, inter: SandboxInteraction, data: JSON, flags: int, files: list[Upload], *, original: bool
    ) -> Message:
        """The message an interaction response or follow-up creates (stored; dispatched unless ephemeral)."""
        channel = self.channels[inter.channel_id]
        guild = self.guild_of(channel)
        content = str(data.get("content") or "")
        users, roles, everyone = self.resolve_mentions(
            guild, channel, inter.bot_user_id, content, allowed=data.get("allowed_mentions")
        )
        metadata = self._interaction_metadata(inter, original=original)
        message = self.new_message(
            channel,
            inter.bot_user_id,
            content,
            type=20 if original and inter.type == APPLICATION_COMMAND else 0,
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            attachments=self.attachments_from(channel, files, data),
            mention_ids=users,
            mention_role_ids=roles,
            mention_everyone=everyone,
            flags=flags,
            tts=bool(data.get("tts", False)),
            allowed_mentions=data.get("allowed_mentions"),
            webhook_id=inter.application_id,
            application_id=inter.application_id,
            interaction_metadata=metadata,
            poll=data.get("poll"),
        )
        self.keep_files(message, files)
        if original:
            inter.original_message_id = message.id
        if not message.ephemeral:
            self.dispatch_message_create(message)
        return message

    def _interaction_metadata(self, inter: SandboxInteraction, *, original: bool) -> JSON:
        """``interaction_metadata`` of a message the interaction created (a modal's names its trigger)."""
        metadata: JSON = {
            "id": str(inter.id),
            "type": inter.type,
            "user": self.user_payload(inter.user_id),
            "authorizing_integration_owners": inter.payload.get("authorizing_integration_owners", {}),
        }
        if inter.type == APPLICATION_COMMAND:
            metadata.update(name=inter.payload["data"]["name"], command_type=1)
        if inter.message_id is not None and inter.type != MODAL_SUBMIT:
            metadata["interacted_message_id"] = str(inter.message_id)
        if not original and inter.original_message_id is not None:
            metadata["original_response_message_id"] = str(inter.original_message_id)
        trigger = self.interactions.get(inter.trigger_id) if inter.trigger_id is not None else None
        if trigger is not None:
            metadata["triggering_interaction_metadata"] = self._interaction_metadata(trigger, original=True)
        return metadata

    # ------------------------------------------------------------------ message plumbing used by REST
    def attachments_from(self, channel: Channel, files: list[Upload], body: JSON) -> list[JSON]:
        meta = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, Mapping)}
        out: list[JSON] = []
        for index, upload in enumerate(files):
            attachment_id = self.new_id()
            info = meta.get(str(index), {})
            filename = info.get("filename") or upload.filename
            url = f"{self.base_url}/attachments/{channel.id}/{attachment_id}/{filename}"
            self._blobs[attachment_id] = upload.data
            out.append(
                {
                    "id": str(attachment_id),
                    "filename": filename,
                    "size": len(upload.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
            if info.get("description") is not None:
                out[-1]["description"] = info["description"]
        return out

    def attachment_data(self, attachment: Mapping[str, Any]) -> bytes | None:
        """The bytes uploaded for an attachment payload (as a test or the demo reads a sent file)."""
        return self._blobs.get(int(attachment["id"]))

    def keep_files(self, message: Message, files: list[Upload]) -> None:
        for attachment in message.attachments:
            blob = self._blobs.get(int(attachment["id"]))
            if blob is not None:
                message.files[int(attachment["id"])] = blob

    async def edit_message(self, message: Message, body: JSON, files: list[Upload], *, by: int) -> None:
        channel = self.channels[message.channel_id]
        if "content" in body:
            message.content = str(body["content"] or "")
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            message.components = list(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            message.flags = (message.flags & (EPHEMERAL | LOADING | (1 << 5))) | (
                int(body["flags"]) & ((1 << 2) | (1 << 12) | (1 << 15))
            )
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "poll" in body:
            message.poll = body["poll"]
        if "attachments" in body and body["attachments"] is not None:
            keep = {str(a.get("id")) for a in body["attachments"] if isinstance(a, Mapping)}
            message.attachments = [a for a in message.attachments if a["id"] in keep]
        if files:
            message.attachments += self.attachments_from(channel, files, body)
            self.keep_files(message, files)
        if "content" in body:
            guild = self.guild_of(channel)
            users, roles, everyone = self.resolve_mentions(
                guild, channel, by, message.content, allowed=message.allowed_mentions
            )
            message.mention_ids, message.mention_role_ids, message.mention_everyone = users, roles, everyone
        if message.flags & LOADING:
            message.flags &= ~LOADING
        else:
            message.edited_timestamp = self.now()
        if not message.ephemeral:
            self.dispatch_message_update(message)
        await self.flush()

    def _delete_messages(self, messages: list[Message], *, bulk: bool = False) -> None:
        by_channel: dict[int, list[Message]] = {}
        for message in messages:
            if message.deleted:
                continue
            channel = self.channels.get(message.channel_id)
            if channel is not None:
                channel.remove_message(message.id)
                channel.pins = [(m, t) for m, t in channel.pins if m != message.id]
            message.deleted = True
            self.deleted_messages.append(message)
            if not message.ephemeral:
                by_channel.setdefault(message.channel_id, []).append(message)
        for channel_id, gone in by_channel.items():
            channel = self.channels[channel_id]
            guild_id = channel.guild_id
            intent = GUILD_MESSAGES if guild_id is not None else DIRECT_MESSAGES
            base: JSON = {"channel_id": str(channel_id)}
            if guild_id is not None:
                base["guild_id"] = str(guild_id)
            if bulk and len(gone) > 1:
                self.dispatch_simple(
                    "MESSAGE_DELETE_BULK",
                    {**base, "ids": [str(m.id) for m in gone]},
                    guild_id=guild_id,
                    intent=intent,
                    channel=channel,
                )
            else:
                for message in gone:
                    self.dispatch_simple(
                        "MESSAGE_DELETE",
                        {**base, "id": str(message.id)},
                        guild_id=guild_id,
                        intent=intent,
                        channel=channel,
                    )

    async def delete_messages(self, messages: list[Message], *, bulk: bool = False) -> None:
        self._delete_messages(messages, bulk=bulk)
        await self.flush()

    # ------------------------------------------------------------------ channel / thread / invite plumbing
    def register_channel(self, guild: Guild, channel: Channel) -> None:
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.dispatch_channel("CHANNEL_CREATE", channel)

    async def delete_channel(self, channel: Channel) -> None:
        guild = self.guild_of(channel)
        doomed = [channel] + [c for c in self.channels.values() if c.is_thread and c.parent_id == channel.id]
        for gone in doomed:
            if gone.is_thread:
                self.dispatch_thread(
                    "THREAD_DELETE",
                    gone,
                    payload={
                        "id": str(gone.id),
                        "guild_id": str(gone.guild_id),
                        "parent_id": str(gone.parent_id),
                        "type": gone.type,
                    },
                )
            else:
                self.dispatch_channel("CHANNEL_DELETE", gone)
            for message in gone.messages.values():
                message.deleted = True
            self.channels.pop(gone.id, None)
            if guild is not None:
                guild.channels.pop(gone.id, None)
        await self.flush()

    def create_thread(
        self,
        guild: Guild,
        parent: Channel,
        name: str,
        ttype: int,
        *,
        owner_id: int,
        auto_archive_duration: int = 4320,
        rate_limit_per_user: int = 0,
        invitable: bool = True,
        thread_id: int | None = None,
    ) -> Channel:
        now = self.now()
        thread = Channel(
            id=thread_id or self.new_id(),
            type=ttype,
            guild_id=guild.id,
            name=name,
            parent_id=parent.id,
            owner_id=owner_id,
            auto_archive_duration=auto_archive_duration,
            rate_limit_per_user=rate_limit_per_user,
            invitable=invitable,
            create_timestamp=now,
            archive_timestamp=now,
            thread_members={owner_id: now},
        )
        guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        self.dispatch_thread("THREAD_CREATE", thread, extra={"newly_created": True})
        return thread

    async def add_thread_members(self, thread: Channel, user_ids: Iterable[int]) -> None:
        guild = self.guilds[thread.guild_id or 0]
        added = [u for u in user_ids if u not in thread.thread_members]
        for user_id in added:
            thread.thread_members[user_id] = self.now()
            if user_id in self.bots and thread.type == 12:
                self.dispatch_thread("THREAD_CREATE", thread, bots=[user_id])
        if not added:
            return
        members = []
        for user_id in added:
            entry = self.thread_member_payload(thread, user_id, with_member=True)
            entry["presence"] = None
            members.append(entry)
        body = {
            "id": str(thread.id),
            "guild_id": str(guild.id),
            "member_count": min(len(thread.thread_members), 50),
            "added_members": members,
        }
        self.dispatch_simple("THREAD_MEMBERS_UPDATE", body, guild_id=guild.id, intent=GUILD_MEMBERS, channel=thread)
        await self.flush()

    async def remove_thread_member(self, thread: Channel, user_id: int) -> None:
        thread.thread_members.pop(user_id, None)
        body = {
            "id": str(thread.id),
            "guild_id": str(thread.guild_id),
            "member_count": min(len(thread.thread_members), 50),
            "removed_member_ids": [str(user_id)],
        }
        self.dispatch_simple("THREAD_MEMBERS_UPDATE", body, guild_id=thread.guild_id, intent=GUILD_MEMBERS)
        await self.flush()

    def add_invite(
        self,
        channel_id: int,
        inviter_id: int | None,
        *,
        max_age: int = 86400,
        max_uses: int = 0,
        temporary: bool = False,
    ) -> Invite:
        channel = self.channels[channel_id]
        guild = self.guilds[channel.guild_id or 0]
        code = secrets.token_urlsafe(6).replace("-", "a").replace("_", "b")[:8]
        invite = Invite(code, guild.id, channel_id, inviter_id, self.now(), max_age, max_uses, temporary)
        guild.invites[code] = invite
        self.invites[code] = invite
        body: JSON = {
            "channel_id": str(channel_id),
            "guild_id": str(guild.id),
            "code": code,
            "created_at": iso(invite.created_at),
            "max_age": max_age,
            "max_uses": max_uses,
            "temporary": temporary,
            "uses": 0,
            "type": 0,
        }
        if inviter_id is not None:
            body["inviter"] = self.user_payload(inviter_id)
        self.dispatch_simple("INVITE_CREATE", body, guild_id=guild.id, intent=GUILD_INVITES)
        return invite

    def remove_invite(self, invite: Invite) -> None:
        self.invites.pop(invite.code, None)
        self.guilds[invite.guild_id].invites.pop(invite.code, None)
        self.dispatch_simple(
            "INVITE_DELETE",
            {"channel_id": str(invite.channel_id), "guild_id": str(invite.guild_id), "code": invite.code},
            guild_id=invite.guild_id,
            intent=GUILD_INVITES,
        )

    def audit(self, guild: Guild, action_type: int, user_id: int, target_id: int | None, reason: str | None) -> None:
        guild.audit_log.append(
            {
                "id": str(self.new_id()),
                "user_id": str(user_id),
                "target_id": None if target_id is None else str(target_id),
                "action_type": action_type,
                "reason": reason,
                "changes": [],
            }
        )

    async def ban_user(
        self, guild: Guild, user_id: int, *, reason: str | None, delete_seconds: int, by: int, flush: bool = True
    ) -> None:
        if user_id in guild.bans:
            return
        guild.bans[user_id] = Ban(user_id, reason)
        self.audit(guild, 22, by, user_id, reason)
        if delete_seconds:
            cutoff = self.now() - timedelta(seconds=delete_seconds)
            for channel in list(guild.channels.values()):
                doomed = [m for m in channel.visible_messages() if m.author_id == user_id and m.timestamp >= cutoff]
                if doomed:
                    self._delete_messages(doomed, bulk=True)
        self.dispatch_simple(
            "GUILD_BAN_ADD",
            {"guild_id": str(guild.id), "user": self.user_payload(user_id)},
            guild_id=guild.id,
            intent=GUILD_MODERATION,
        )
        await self.remove_member(guild.id, user_id, flush=False)
        if flush:
            await self.flush()

    # ------------------------------------------------------------------ dispatching
    def dispatch_simple(
        self,
        event: str,
        data: JSON,
        *,
        guild_id: int | None = None,
        intent: int | None = None,
        channel: Channel | None = None,
        bots: Iterable[int] | None = None,
        about_user: int | None = None,
    ) -> int:
        """Send a dispatch to every session that should see it (membership, shard, intent, visibility)."""
        sessions = self.gateway.sessions
        if not sessions:
            return 0
        only = None if bots is None else set(bots)
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        text: str | None = None
        visible: dict[int, bool] = {}
        count = 0
        for session in list(sessions.values()):
            bot_id = session.bot.user_id
            if only is not None and bot_id not in only:
                continue
            if guild_id is not None and (guild is None or bot_id not in guild.members):
                continue
            if not session.handles_guild(guild_id):
                continue
            if intent is not None and not session.intents & intent and about_user != bot_id:
                continue
            if channel is not None:
                seen = visible.get(bot_id)
                if seen is None:
                    seen = visible[bot_id] = self.can_view(channel, bot_id)
                if not seen:
                    continue
            if text is None:
                text = dumps(data)
            session.push(event, text)
            count += 1
        return count

    def _dispatch_message(self, event: str, message: Message) -> None:
        sessions = self.gateway.sessions
        if not sessions or message.ephemeral:
            return
        channel = self.channels[message.channel_id]
        guild_id = message.guild_id
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        intent = GUILD_MESSAGES if guild_id is not None else DIRECT_MESSAGES
        full: str | None = None
        stripped: str | None = None
        visible: dict[int, bool] = {}
        for session in list(sessions.values()):
            bot_id = session.bot.user_id
            if guild is not None and bot_id not in guild.members:
                continue
            if not session.handles_guild(guild_id) or not session.intents & intent:
                continue
            seen = visible.get(bot_id)
            if seen is None:
                seen = visible[bot_id] = self.can_view(channel, bot_id)
            if not seen:
                continue
            sees_content = (
                guild_id is None
                or session.intents & MESSAGE_CONTENT
                or message.author_id == bot_id
                or bot_id in message.mention_ids
            )
            if sees_content:
                if full is None:
                    full = dumps(self.message_payload(message, gateway=True))
                session.push(event, full)
            else:
                if stripped is None:
                    payload = self.message_payload(message, gateway=True)
                    payload.update(content="", embeds=[], attachments=[], components=[])
                    payload.pop("poll", None)
                    stripped = dumps(payload)
                session.push(event, stripped)

    def dispatch_message_create(self, message: Message) -> None:
        self._dispatch_message("MESSAGE_CREATE", message)

    def dispatch_message_update(self, message: Message) -> None:
        self._dispatch_message("MESSAGE_UPDATE", message)

    def dispatch_channel(self, event: str, channel: Channel) -> None:
        self.dispatch_simple(event, self.channel_payload(channel), guild_id=channel.guild_id, intent=GUILDS)

    def dispatch_thread(
        self,
        event: str,
        thread: Channel,
        *,
        extra: JSON | None = None,
        payload: JSON | None = None,
        bots: Iterable[int] | None = None,
    ) -> None:
        data = payload if payload is not None else self.channel_payload(thread)
        if extra:
            data.update(extra)
        self.dispatch_simple(event, data, guild_id=thread.guild_id, intent=GUILDS, channel=thread, bots=bots)

    def dispatch_role(self, event: str, guild: Guild, role: Role) -> None:
        self.dispatch_simple(
            event, {"guild_id": str(guild.id), "role": role.payload()}, guild_id=guild.id, intent=GUILDS
        )

    def dispatch_member_update(self, guild: Guild, member: Member) -> None:
        self.dispatch_simple(
            "GUILD_MEMBER_UPDATE",
            self.member_payload(member, guild_id=True),
            guild_id=guild.id,
            intent=GUILD_MEMBERS,
            about_user=member.user_id,
        )

    def dispatch_guild_update(self, guild: Guild) -> None:
        self.dispatch_simple("GUILD_UPDATE", self.guild_payload(guild), guild_id=guild.id, intent=GUILDS)

    def dispatch_reaction(self, event: str, message: Message, emoji: str, user_id: int) -> None:
        name, _, emoji_id = emoji.partition(":")
        data: JSON = {
            "user_id": str(user_id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": {"id": emoji_id or None, "name": name},
            "burst": False,
            "type": 0,
        }
        guild = self.guilds.get(message.guild_id) if message.guild_id else None
        if guild is not None:
            data["guild_id"] = str(guild.id)
            if event.endswith("ADD"):
                data["message_author_id"] = str(message.author_id)
                if user_id in guild.members:
                    data["member"] = self.member_payload(guild.members[user_id])
        self.dispatch_simple(
            event,
            data,
            guild_id=message.guild_id,
            intent=GUILD_MESSAGE_REACTIONS if guild is not None else DIRECT_MESSAGE_REACTIONS,
            channel=self.channels.get(message.channel_id),
        )

    # ------------------------------------------------------------------ gateway helpers
    def _guild_create_payload(self, guild: Guild, session: GatewaySession, *, joined: bool = False) -> JSON:
        """GUILD_CREATE as sent after READY, or (``joined``) when the bot was just added: no ``unavailable``."""
        me = session.bot.user_id
        data = self.guild_payload(guild)
        count = len(guild.members)
        large = count > session.large_threshold
        if session.intents & GUILD_PRESENCES and not large:
            members = list(guild.members.values())
        else:
            wanted = {me, *guild.voice_states}
            members = [guild.members[u] for u in wanted if u in guild.members]
        data.update(
            joined_at=iso(guild.members[me].joined_at),
            large=large,
            unavailable=False,
            member_count=count,
            lazy=True,
            voice_states=[self.voice_state_payload(guild, u) for u in guild.voice_states]
            if session.intents & GUILD_VOICE_STATES
            else [],
            members=[self.member_payload(m) for m in members],
            channels=[self.channel_payload(c) for c in guild.channels.values() if not c.is_thread],
            threads=[self.channel_payload(t) for t in guild.threads if not t.archived and self.can_view(t, me)],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=list(guild.scheduled_events.values()),
            soundboard_sounds=[],
            embedded_activities=[],
            application_command_counts={},
        )
        if joined:
            del data["unavailable"]
        return data

    def _send_ready(self, session: GatewaySession) -> None:
        bot = session.bot
        user = self.user_payload(bot.user_id)
        user.update(verified=True, mfa_enabled=False, email=None)
        guilds = [g for g in self.guilds.values() if bot.user_id in g.members and session.handles_guild(g.id)]
        ready: JSON = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(bot.application_id), "flags": bot.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ['["sandbox"]'],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        session.push("READY", dumps(ready))
        if session.intents & GUILDS:
            for guild in guilds:
                session.push("GUILD_CREATE", dumps(self._guild_create_payload(guild, session)))

    # ------------------------------------------------------------------ test controls
    async def disconnect_gateway(self, bot: SandboxBot | None = None, *, code: int = 4000) -> int:
        """Close the bot's sockets with a resumable code (the client RESUMEs); returns how many closed."""
        return await self.gateway.disconnect(bot, code)

    def request_reconnect(self, bot: SandboxBot) -> None:
        """Send op 7 RECONNECT (the client reconnects and resumes)."""
        self.gateway.send_op(bot, RECONNECT)

    def invalidate_session(self, bot: SandboxBot, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION (``resumable=False`` makes the client identify again)."""
        if not resumable:
            for session in self.gateway.sessions_of(bot):
                self.gateway.sessions.pop(session.session_id, None)
                if session.conn is not None:
                    session.conn.enqueue(dumps({"op": INVALID_SESSION, "d": False}))
            return
        self.gateway.send_op(bot, INVALID_SESSION, True)

    def inject_429(
        self, *, route: str | None = None, ratio: float = 0.5, retry_after: float = 0.05, scope: str = "user"
    ) -> None:
        """Answer a deterministic share of calls (matching ``route`` like ``"POST /channels/{channel_id}/messages"``,
        or all) with 429; ``ratio=0.5`` hits every second call."""
        if scope not in ("user", "shared", "global"):
            raise ValueError("scope must be user, shared or global")
        if not 0 < ratio <= 1:
            raise ValueError("ratio must be in (0, 1]")
        self.rest.faults.append(Fault(route, ratio, retry_after, scope))

    def clear_faults(self) -> None:
        self.rest.faults.clear()

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], timeout: float = 5.0, *, since: int = 0
    ) -> RecordedRequest:
        """The first recorded request (from index ``since`` on, including past ones) matching ``predicate``."""
        return await self.rest.wait_for(predicate, timeout, since)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """Recorded requests for a route template such as ``"PATCH /guilds/{guild_id}/roles/{role_id}"``."""
        return [r for r in self.requests if r.route == route]

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of sandbox bugs hit while serving requests (should stay empty)."""
        return self.rest.internal_errors


def _find_component(components: Iterable[JSON], custom_id: str) -> JSON | None:
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        for key in ("components", "accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                child = [child]
            if isinstance(child, list):
                found = _find_component(child, custom_id)
                if found is not None:
                    return found
    return None


def _submitted(component: JSON, values: Mapping[str, Any]) -> JSON:
    custom_id = component.get("custom_id", "")
    value = values.get(custom_id, component.get("value") or "")
    data: JSON = {"type": component.get("type", 4), "custom_id": custom_id}
    if component.get("type", 4) == 4:
        data["value"] = str(value)
    else:
        data["values"] = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
    return data
