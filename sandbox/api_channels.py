"""REST: channels, overwrites, messages, reactions, pins, threads and invites."""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sandbox import errors
from sandbox import permissions as P
from sandbox.errors import ApiError
from sandbox.models import (
    ANNOUNCEMENT_THREAD,
    DM,
    GUILD_ANNOUNCEMENT,
    GUILD_FORUM,
    GUILD_TEXT,
    JSON,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Guild,
    Invite,
    Message,
)
from sandbox.permissions import Overwrite
from sandbox.rest import Reply, RestRequest, routes
from sandbox.snowflake import snowflake_time

if TYPE_CHECKING:
    from sandbox.server import DiscordSandbox

HAS_THREAD = 1 << 5
SUPPRESS_EMBEDS = 1 << 2
#: flags a bot may set on an ordinary channel message
MESSAGE_FLAGS = SUPPRESS_EMBEDS | (1 << 12) | (1 << 15)
BULK_DELETE_MAX_AGE = timedelta(days=14)
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def visible_channel(sb: DiscordSandbox, req: RestRequest) -> tuple[Channel, Guild | None]:
    """The path's channel, 404 if unknown and 403 Missing Access if the bot cannot see it."""
    channel = sb.channel_or_404(req.params["channel_id"])
    me = req.bot_user_id
    if channel.type == DM:
        if me not in channel.recipients:
            raise errors.missing_access()
        return channel, None
    guild = sb.guild_of(channel)
    if guild is None or me not in guild.members or not sb.permissions(guild, me, channel) & P.VIEW_CHANNEL:
        raise errors.missing_access()
    return channel, guild


def guild_channel(sb: DiscordSandbox, req: RestRequest, needed: int) -> tuple[Channel, Guild]:
    """The path's channel, which must be a guild channel where the bot has ``needed`` (400 for a DM)."""
    channel, guild = visible_channel(sb, req)
    if guild is None:
        raise ApiError(400, 50003, "Cannot execute action on a DM channel")
    sb.require(guild, req.bot_user_id, needed, channel)
    return channel, guild


# ---------------------------------------------------------------------- channels
@routes.get("/channels/{channel_id}")
async def get_channel(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, _ = visible_channel(sb, req)
    return sb.channel_payload(channel)


def _check_grant(
    sb: DiscordSandbox, guild: Guild, channel: Channel, me: int, old: Overwrite | None, new: Overwrite
) -> None:
    """You cannot allow or deny a permission you do not have yourself (unless administrator/owner)."""
    perms = sb.permissions(guild, me, channel)
    if perms == P.ALL_PERMISSIONS:
        return
    changed = (new.allow | new.deny) & ~((old.allow | old.deny) if old else 0)
    if changed & ~perms:
        sb.log.info("sandbox: overwrite would grant %s the bot lacks", P.names(changed & ~perms))
        raise errors.missing_permissions()


def _parse_overwrite(raw: JSON, target: int | None = None) -> Overwrite:
    try:
        return Overwrite(
            id=int(target if target is not None else raw["id"]),
            type=int(raw.get("type", 0)),
            allow=int(raw.get("allow") or 0),
            deny=int(raw.get("deny") or 0),
        )
    except (KeyError, TypeError, ValueError):
        raise errors.invalid_form("permission_overwrites", "Invalid overwrite.", "BASE_TYPE_BAD_REQUEST") from None


def _check_target(sb: DiscordSandbox, guild: Guild, ow: Overwrite) -> None:
    if ow.type == P.ROLE_OVERWRITE and ow.id not in guild.roles:
        raise errors.unknown("Role", errors.UNKNOWN_ROLE)
    if ow.type == P.MEMBER_OVERWRITE and ow.id not in sb.users:
        raise errors.unknown("User", errors.UNKNOWN_USER)
    if ow.type not in (0, 1):
        raise errors.invalid_form("type", "Value must be one of {0, 1}.", "BASE_TYPE_CHOICES")


def normalise_channel_name(name: Any, ctype: int) -> str:
    text = str(name or "").strip()
    if not 1 <= len(text) <= 100:
        raise errors.invalid_form("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    if ctype in (GUILD_TEXT, GUILD_ANNOUNCEMENT, GUILD_FORUM):
        text = "-".join(text.lower().split())
    return text


def apply_channel_fields(sb: DiscordSandbox, guild: Guild, channel: Channel, body: JSON, me: int) -> None:
    """Shared by PATCH /channels and POST /guilds/{id}/channels (after permission checks)."""
    if "name" in body:
        channel.name = normalise_channel_name(body["name"], channel.type)
    if "topic" in body:
        topic = body["topic"]
        if topic is not None and len(str(topic)) > 1024:
            raise errors.invalid_form("topic", "Must be 1024 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        channel.topic = topic
    if "rate_limit_per_user" in body:
        value = int(body["rate_limit_per_user"] or 0)
        if not 0 <= value <= 21600:
            raise errors.invalid_form("rate_limit_per_user", "Must be between 0 and 21600.", "NUMBER_TYPE_MAX")
        channel.rate_limit_per_user = value
    if "nsfw" in body:
        channel.nsfw = bool(body["nsfw"])
    if "position" in body and body["position"] is not None:
        channel.position = int(body["position"])
    if "parent_id" in body:
        parent = body["parent_id"]
        if parent is not None and int(parent) not in guild.channels:
            raise errors.invalid_form("parent_id", "Unknown category.", "CHANNEL_PARENT_INVALID")
        channel.parent_id = None if parent is None else int(parent)
    if body.get("bitrate"):
        channel.bitrate = int(body["bitrate"])
    if "user_limit" in body and body["user_limit"] is not None:
        channel.user_limit = int(body["user_limit"])
    if body.get("permission_overwrites") is not None:
        new = [_parse_overwrite(raw) for raw in body["permission_overwrites"]]
        for ow in new:
            _check_target(sb, guild, ow)
            _check_grant(sb, guild, channel, me, channel.overwrites.get(ow.id), ow)
        channel.overwrites = {ow.id: ow for ow in new}


@routes.patch("/channels/{channel_id}")
async def edit_channel(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    me = req.bot_user_id
    body = req.json()
    if guild is None:
        raise ApiError(400, 50003, "Cannot execute action on a DM channel")
    if channel.is_thread:
        await _edit_thread(sb, guild, channel, body, me)
        return sb.channel_payload(channel)
    sb.require(guild, me, P.MANAGE_CHANNELS, channel)
    if body.get("permission_overwrites") is not None:
        sb.require(guild, me, P.MANAGE_ROLES, channel)
    apply_channel_fields(sb, guild, channel, body, me)
    sb.dispatch_channel("CHANNEL_UPDATE", channel)
    await sb.flush()
    return sb.channel_payload(channel)


async def _edit_thread(sb: DiscordSandbox, guild: Guild, thread: Channel, body: JSON, me: int) -> None:
    perms = sb.permissions(guild, me, thread)
    manage = bool(perms & P.MANAGE_THREADS)
    owner = thread.owner_id == me
    if "locked" in body and bool(body["locked"]) != thread.locked and not manage:
        raise errors.missing_permissions()
    if "archived" in body:
        archived = bool(body["archived"])
        if archived and not (manage or owner):
            raise errors.missing_permissions()
        if not archived and thread.locked and not manage:
            raise errors.missing_permissions()
    if ({"name", "auto_archive_duration", "rate_limit_per_user", "invitable"} & body.keys()) and not (manage or owner):
        raise errors.missing_permissions()
    if "name" in body:
        thread.name = normalise_channel_name(body["name"], thread.type)
    if "auto_archive_duration" in body:
        if int(body["auto_archive_duration"]) not in ARCHIVE_DURATIONS:
            raise errors.invalid_form("auto_archive_duration", "Invalid duration.", "BASE_TYPE_CHOICES")
        thread.auto_archive_duration = int(body["auto_archive_duration"])
    if "rate_limit_per_user" in body:
        thread.rate_limit_per_user = int(body["rate_limit_per_user"] or 0)
    if "invitable" in body and thread.type == PRIVATE_THREAD:
        thread.invitable = bool(body["invitable"])
    if "locked" in body:
        thread.locked = bool(body["locked"])
    if "archived" in body and bool(body["archived"]) != thread.archived:
        thread.archived = bool(body["archived"])
        thread.archive_timestamp = sb.now()
    sb.dispatch_thread("THREAD_UPDATE", thread)
    await sb.flush()


@routes.delete("/channels/{channel_id}")
async def delete_channel(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    payload = sb.channel_payload(channel)
    if guild is None:
        return payload
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_THREADS if channel.is_thread else P.MANAGE_CHANNELS, channel)
    await sb.delete_channel(channel)
    return payload


@routes.put("/channels/{channel_id}/permissions/{overwrite_id}")
async def put_overwrite(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    if guild is None or channel.is_thread:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_ROLES, channel)
    ow = _parse_overwrite(req.json(), target=int(req.params["overwrite_id"]))
    _check_target(sb, guild, ow)
    _check_grant(sb, guild, channel, me, channel.overwrites.get(ow.id), ow)
    channel.overwrites[ow.id] = ow
    sb.dispatch_channel("CHANNEL_UPDATE", channel)
    await sb.flush()
    return None


@routes.delete("/channels/{channel_id}/permissions/{overwrite_id}")
async def delete_overwrite(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, _guild = guild_channel(sb, req, P.MANAGE_ROLES)
    if channel.overwrites.pop(int(req.params["overwrite_id"]), None) is not None:
        sb.dispatch_channel("CHANNEL_UPDATE", channel)
        await sb.flush()
    return None


@routes.post("/channels/{channel_id}/typing")
async def typing(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    if guild is not None:
        sb.require(
            guild, req.bot_user_id, P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES, channel
        )
    return None


@routes.get("/channels/{channel_id}/webhooks")
async def channel_webhooks(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    if guild is not None:
        sb.require(guild, req.bot_user_id, P.MANAGE_WEBHOOKS, channel)
    return list(channel.webhooks)


# ---------------------------------------------------------------------- messages
def _history_allowed(sb: DiscordSandbox, req: RestRequest) -> tuple[Channel, bool]:
    channel, guild = visible_channel(sb, req)
    if guild is None:
        return channel, True
    return channel, bool(sb.permissions(guild, req.bot_user_id, channel) & P.READ_MESSAGE_HISTORY)


@routes.get("/channels/{channel_id}/messages")
async def history(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, allowed = _history_allowed(sb, req)
    limit = req.int_query("limit", 50, low=1, high=100)
    if not allowed:
        return []
    ids = channel.message_ids
    if "around" in req.query:
        pivot = int(req.query["around"])
        index = bisect.bisect_left(ids, pivot)
        half = limit // 2
        start = max(0, index - half)
        chosen = ids[start : start + limit]
    elif "after" in req.query:
        index = bisect.bisect_right(ids, int(req.query["after"]))
        chosen = ids[index : index + limit]
    else:
        before = req.query.get("before")
        end = bisect.bisect_left(ids, int(before)) if before is not None else len(ids)
        chosen = ids[max(0, end - limit) : end]
    return [sb.message_payload(channel.messages[i]) for i in reversed(chosen)]


@routes.get("/channels/{channel_id}/messages/{message_id}")
async def get_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, allowed = _history_allowed(sb, req)
    if not allowed:
        raise errors.missing_permissions()
    return sb.message_payload(sb.message_or_404(channel, req.params["message_id"]))


def check_components(components: list[JSON], flags: int) -> None:
    """Discord's structural limits for classic action-row components (v2 layouts are not validated)."""
    if flags & (1 << 15):
        return
    if len(components) > 5:
        raise errors.invalid_form("components", "Must be 5 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    seen: set[str] = set()
    for row in components:
        if row.get("type") != 1:
            raise errors.invalid_form(
                "components", "Top-level components must be action rows.", "COMPONENT_LAYOUT_WIDTH_EXCEEDED"
            )
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            raise errors.invalid_form("components", "Action rows hold 1 to 5 components.", "BASE_TYPE_BAD_LENGTH")
        for child in children:
            cid = child.get("custom_id")
            if cid is not None:
                if len(str(cid)) > 100:
                    raise errors.invalid_form("custom_id", "Must be 100 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
                if cid in seen:
                    raise errors.invalid_form(
                        "components", "Component custom id cannot be duplicated", "COMPONENT_CUSTOM_ID_DUPLICATED"
                    )
                seen.add(cid)
            if child.get("label") is not None and len(str(child["label"])) > 80:
                raise errors.invalid_form("label", "Must be 80 or fewer in length.", "BASE_TYPE_MAX_LENGTH")


async def _check_can_post(sb: DiscordSandbox, channel: Channel, guild: Guild | None, me: int, *, files: bool) -> None:
    if guild is None:
        other = sb.dm_recipient(channel, me)
        user = sb.users.get(other) if other is not None else None
        if user is None or user.bot or not user.dms_open or not sb.shares_guild(me, user.id):
            raise ApiError(403, errors.CANNOT_SEND_TO_USER, "Cannot send messages to this user")
        return
    if channel.is_thread:
        perms = sb.require(guild, me, P.SEND_MESSAGES_IN_THREADS, channel)
        if channel.archived:
            if channel.locked and not perms & P.MANAGE_THREADS:
                raise ApiError(403, 160005, "Thread is locked")
            channel.archived = False
            channel.archive_timestamp = sb.now()
            sb.dispatch_thread("THREAD_UPDATE", channel)
    else:
        sb.require(guild, me, P.SEND_MESSAGES, channel)
    if files:
        sb.require(guild, me, P.ATTACH_FILES, channel)


@routes.post("/channels/{channel_id}/messages")
async def create_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    me = req.bot_user_id
    body = req.json()
    await _check_can_post(sb, channel, guild, me, files=bool(req.files))
    sb.validate_outgoing(body, has_files=bool(req.files))
    flags = int(body.get("flags") or 0) & MESSAGE_FLAGS
    components = body.get("components") or []
    check_components(components, flags)
    reference = body.get("message_reference")
    replied: Message | None = None
    stored_ref: JSON | None = None
    mtype = 0
    if reference:
        if guild is not None:
            sb.require(guild, me, P.READ_MESSAGE_HISTORY, channel)
        ref_channel = sb.channels.get(int(reference.get("channel_id") or channel.id))
        replied = ref_channel.messages.get(int(reference["message_id"])) if ref_channel else None
        if replied is None and reference.get("fail_if_not_exists", True):
            raise errors.invalid_form("message_reference", "Unknown message", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE")
        if replied is not None:
            mtype = 19
            stored_ref = {
                "type": 0,
                "message_id": str(replied.id),
                "channel_id": str(replied.channel_id),
                "guild_id": None if replied.guild_id is None else str(replied.guild_id),
            }
    content = str(body.get("content") or "")
    users, roles, everyone = sb.resolve_mentions(
        guild, channel, me, content, allowed=body.get("allowed_mentions"), reply_to=replied
    )
    message = sb.new_message(
        channel,
        me,
        content,
        type=mtype,
        embeds=list(body.get("embeds") or []),
        components=list(components),
        attachments=sb.attachments_from(channel, req.files, body),
        mention_ids=users,
        mention_role_ids=roles,
        mention_everyone=everyone,
        flags=flags,
        tts=bool(body.get("tts", False)),
        message_reference=stored_ref,
        allowed_mentions=body.get("allowed_mentions"),
        nonce=body.get("nonce"),
        poll=body.get("poll"),
    )
    sb.keep_files(message, req.files)
    sb.dispatch_message_create(message)
    await sb.flush()
    return sb.message_payload(message)


@routes.patch("/channels/{channel_id}/messages/{message_id}")
async def edit_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    me = req.bot_user_id
    message = sb.message_or_404(channel, req.params["message_id"])
    body = req.json()
    if message.author_id != me:
        only_flags = set(body.keys()) <= {"flags"}
        if not only_flags:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        if guild is not None:
            sb.require(guild, me, P.MANAGE_MESSAGES, channel)
    if body.get("content") is not None or body.get("embeds"):
        sb.validate_outgoing(body, has_files=bool(req.files) or bool(message.attachments))
    if "components" in body:
        check_components(body.get("components") or [], int(body.get("flags") or message.flags))
    await sb.edit_message(message, body, req.files, by=me)
    return sb.message_payload(message)


@routes.delete("/channels/{channel_id}/messages/{message_id}")
async def delete_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    me = req.bot_user_id
    message = sb.message_or_404(channel, req.params["message_id"])
    if message.author_id != me:
        if guild is None:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        sb.require(guild, me, P.MANAGE_MESSAGES, channel)
    await sb.delete_messages([message])
    return None


@routes.post("/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, _guild = guild_channel(sb, req, P.MANAGE_MESSAGES)
    raw = req.json().get("messages")
    if not isinstance(raw, list) or not 2 <= len(raw) <= 100:
        raise errors.invalid_form("messages", "Must be between 2 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    ids = [int(x) for x in raw]
    if len(set(ids)) != len(ids):
        raise errors.invalid_form("messages", "Duplicate message ids.", "BASE_TYPE_BAD_REQUEST")
    oldest_allowed = sb.now() - BULK_DELETE_MAX_AGE
    if any(snowflake_time(i) < oldest_allowed for i in ids):
        raise ApiError(400, 50034, "You can only bulk delete messages that are under 14 days old.")
    found = [channel.messages[i] for i in ids if i in channel.messages]
    await sb.delete_messages(found, bulk=True)
    return None


# ---------------------------------------------------------------------- reactions & pins
@routes.put("/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def add_reaction(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    me = req.bot_user_id
    message = sb.message_or_404(channel, req.params["message_id"])
    if guild is not None:
        sb.require(guild, me, P.READ_MESSAGE_HISTORY, channel)
        if req.params["emoji"] not in message.reactions:
            sb.require(guild, me, P.ADD_REACTIONS, channel)
    users = message.reactions.setdefault(req.params["emoji"], [])
    if me not in users:
        users.append(me)
        sb.dispatch_reaction("MESSAGE_REACTION_ADD", message, req.params["emoji"], me)
        await sb.flush()
    return None


@routes.delete("/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}")
async def remove_reaction(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    me = req.bot_user_id
    message = sb.message_or_404(channel, req.params["message_id"])
    target = me if req.params["user_id"] == "@me" else int(req.params["user_id"])
    if target != me:
        if guild is None:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        sb.require(guild, me, P.MANAGE_MESSAGES, channel)
    users = message.reactions.get(req.params["emoji"], [])
    if target in users:
        users.remove(target)
        if not users:
            del message.reactions[req.params["emoji"]]
        sb.dispatch_reaction("MESSAGE_REACTION_REMOVE", message, req.params["emoji"], target)
        await sb.flush()
    return None


@routes.delete("/channels/{channel_id}/messages/{message_id}/reactions")
async def clear_reactions(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    if guild is not None:
        sb.require(guild, req.bot_user_id, P.MANAGE_MESSAGES, channel)
    message = sb.message_or_404(channel, req.params["message_id"])
    message.reactions.clear()
    return None


def _pins_payload(sb: DiscordSandbox, channel: Channel) -> JSON:
    return {
        "items": [
            {"pinned_at": when.isoformat(), "message": sb.message_payload(channel.messages[mid])}
            for mid, when in reversed(channel.pins)
            if mid in channel.messages
        ],
        "has_more": False,
    }


@routes.get("/channels/{channel_id}/messages/pins")
async def get_pins(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, _ = visible_channel(sb, req)
    return _pins_payload(sb, channel)


@routes.get("/channels/{channel_id}/pins")
async def get_pins_legacy(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, _ = visible_channel(sb, req)
    return [item["message"] for item in _pins_payload(sb, channel)["items"]]


async def _set_pin(sb: DiscordSandbox, req: RestRequest, pinned: bool) -> None:
    channel, guild = visible_channel(sb, req)
    if guild is not None:
        perms = sb.permissions(guild, req.bot_user_id, channel)
        if not perms & (P.PIN_MESSAGES | P.MANAGE_MESSAGES):
            raise errors.missing_permissions()
    message = sb.message_or_404(channel, req.params["message_id"])
    if message.pinned == pinned:
        return
    message.pinned = pinned
    if pinned:
        if len(channel.pins) >= 250:
            raise ApiError(400, 30003, "Maximum number of pins reached (250)")
        channel.pins.append((message.id, sb.now()))
    else:
        channel.pins = [(m, t) for m, t in channel.pins if m != message.id]
    sb.dispatch_message_update(message)
    await sb.flush()


@routes.put("/channels/{channel_id}/messages/pins/{message_id}")
@routes.put("/channels/{channel_id}/pins/{message_id}")
async def pin(sb: DiscordSandbox, req: RestRequest) -> Any:
    await _set_pin(sb, req, True)
    return None


@routes.delete("/channels/{channel_id}/messages/pins/{message_id}")
@routes.delete("/channels/{channel_id}/pins/{message_id}")
async def unpin(sb: DiscordSandbox, req: RestRequest) -> Any:
    await _set_pin(sb, req, False)
    return None


# ---------------------------------------------------------------------- threads
def _thread_common(body: JSON) -> tuple[str, int, int]:
    name = normalise_channel_name(body.get("name"), PUBLIC_THREAD)
    duration = int(body.get("auto_archive_duration") or 4320)
    if duration not in ARCHIVE_DURATIONS:
        raise errors.invalid_form("auto_archive_duration", "Invalid duration.", "BASE_TYPE_CHOICES")
    rate = int(body.get("rate_limit_per_user") or 0)
    return name, duration, rate


@routes.post("/channels/{channel_id}/threads")
async def start_thread(sb: DiscordSandbox, req: RestRequest) -> Any:
    parent, guild = visible_channel(sb, req)
    if guild is None or parent.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    me = req.bot_user_id
    body = req.json()
    ttype = int(body.get("type") or PRIVATE_THREAD)
    if ttype not in (PUBLIC_THREAD, PRIVATE_THREAD, ANNOUNCEMENT_THREAD):
        raise errors.invalid_form("type", "Invalid thread type.", "BASE_TYPE_CHOICES")
    if ttype == PRIVATE_THREAD and parent.type != GUILD_TEXT:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    sb.require(guild, me, P.CREATE_PRIVATE_THREADS if ttype == PRIVATE_THREAD else P.CREATE_PUBLIC_THREADS, parent)
    name, duration, rate = _thread_common(body)
    thread = sb.create_thread(
        guild,
        parent,
        name,
        ttype,
        owner_id=me,
        auto_archive_duration=duration,
        rate_limit_per_user=rate,
        invitable=bool(body.get("invitable", True)),
    )
    await sb.flush()
    return Reply(201, sb.channel_payload(thread))


@routes.post("/channels/{channel_id}/messages/{message_id}/threads")
async def start_thread_from_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    parent, guild = visible_channel(sb, req)
    if guild is None or parent.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    me = req.bot_user_id
    message = sb.message_or_404(parent, req.params["message_id"])
    sb.require(guild, me, P.CREATE_PUBLIC_THREADS | P.READ_MESSAGE_HISTORY, parent)
    if message.thread_id is not None:
        raise ApiError(400, 160004, "A thread has already been created for this message")
    name, duration, rate = _thread_common(req.json())
    ttype = ANNOUNCEMENT_THREAD if parent.type == GUILD_ANNOUNCEMENT else PUBLIC_THREAD
    thread = sb.create_thread(
        guild,
        parent,
        name,
        ttype,
        owner_id=me,
        auto_archive_duration=duration,
        rate_limit_per_user=rate,
        thread_id=message.id,
    )
    message.thread_id = thread.id
    message.flags |= HAS_THREAD
    sb.dispatch_message_update(message)
    await sb.flush()
    return Reply(201, sb.channel_payload(thread))


def _thread_or_400(sb: DiscordSandbox, req: RestRequest) -> tuple[Channel, Guild]:
    thread, guild = visible_channel(sb, req)
    if guild is None or not thread.is_thread:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    return thread, guild


@routes.put("/channels/{channel_id}/thread-members/{user_id}")
async def add_thread_member(sb: DiscordSandbox, req: RestRequest) -> Any:
    thread, guild = _thread_or_400(sb, req)
    me = req.bot_user_id
    target = me if req.params["user_id"] == "@me" else int(req.params["user_id"])
    if thread.archived:
        raise ApiError(400, 50083, "Thread is archived")
    perms = sb.permissions(guild, me, thread)
    if target != me:
        if not perms & P.SEND_MESSAGES_IN_THREADS:
            raise errors.missing_permissions()
        if (
            thread.type == PRIVATE_THREAD
            and not perms & P.MANAGE_THREADS
            and (me not in thread.thread_members or not thread.invitable)
        ):
            raise errors.missing_permissions()
    sb.member_or_404(guild, target)
    if target not in thread.thread_members:
        await sb.add_thread_members(thread, [target])
    return None


@routes.delete("/channels/{channel_id}/thread-members/{user_id}")
async def remove_thread_member(sb: DiscordSandbox, req: RestRequest) -> Any:
    thread, guild = _thread_or_400(sb, req)
    me = req.bot_user_id
    target = me if req.params["user_id"] == "@me" else int(req.params["user_id"])
    if target != me:
        perms = sb.permissions(guild, me, thread)
        if not (perms & P.MANAGE_THREADS or (thread.type == PRIVATE_THREAD and thread.owner_id == me)):
            raise errors.missing_permissions()
    if target in thread.thread_members:
        await sb.remove_thread_member(thread, target)
    return None


@routes.get("/channels/{channel_id}/thread-members")
async def list_thread_members(sb: DiscordSandbox, req: RestRequest) -> Any:
    thread, _ = _thread_or_400(sb, req)
    with_member = req.query.get("with_member") in ("1", "true", "True")
    return [sb.thread_member_payload(thread, u, with_member=with_member) for u in thread.thread_members]


@routes.get("/channels/{channel_id}/thread-members/{user_id}")
async def get_thread_member(sb: DiscordSandbox, req: RestRequest) -> Any:
    thread, _ = _thread_or_400(sb, req)
    target = int(req.params["user_id"])
    if target not in thread.thread_members:
        raise errors.unknown("Member", errors.UNKNOWN_MEMBER)
    return sb.thread_member_payload(thread, target, with_member=req.query.get("with_member") in ("1", "true"))


def _archived(sb: DiscordSandbox, req: RestRequest, private: bool) -> JSON:
    parent, _guild = visible_channel(sb, req)
    me = req.bot_user_id
    threads = [
        t
        for t in sb.channels.values()
        if t.is_thread
        and t.parent_id == parent.id
        and t.archived
        and (t.type == PRIVATE_THREAD) == private
        and sb.can_view(t, me)
    ]
    return {
        "threads": [sb.channel_payload(t) for t in threads],
        "members": [sb.thread_member_payload(t, me) for t in threads if me in t.thread_members],
        "has_more": False,
    }


@routes.get("/channels/{channel_id}/threads/archived/public")
async def archived_public(sb: DiscordSandbox, req: RestRequest) -> Any:
    return _archived(sb, req, False)


@routes.get("/channels/{channel_id}/threads/archived/private")
async def archived_private(sb: DiscordSandbox, req: RestRequest) -> Any:
    return _archived(sb, req, True)


@routes.get("/guilds/{guild_id}/threads/active")
async def active_threads(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = sb.guild_or_404(req.params["guild_id"])
    me = req.bot_user_id
    sb.member_or_404(guild, me)
    threads = [t for t in guild.threads if not t.archived and sb.can_view(t, me)]
    return {
        "threads": [sb.channel_payload(t) for t in threads],
        "members": [sb.thread_member_payload(t, me) for t in threads if me in t.thread_members],
    }


# ---------------------------------------------------------------------- invites
def invites_paused(sb: DiscordSandbox, guild: Guild) -> bool:
    until = guild.incidents_data.get("invites_disabled_until")
    if "INVITES_DISABLED" in guild.features:
        return True
    if until is None:
        return False
    return datetime.fromisoformat(until) > sb.now()


@routes.post("/channels/{channel_id}/invites")
async def create_invite(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = visible_channel(sb, req)
    if guild is None or channel.is_thread:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    me = req.bot_user_id
    sb.require(guild, me, P.CREATE_INSTANT_INVITE, channel)
    if invites_paused(sb, guild):
        raise ApiError(403, 0, "Invites are currently paused for this server (sandbox approximation)")
    body = req.json()
    max_age = int(body.get("max_age", 86400))
    max_uses = int(body.get("max_uses", 0))
    if not 0 <= max_age <= 604800:
        raise errors.invalid_form("max_age", "Must be between 0 and 604800.", "NUMBER_TYPE_MAX")
    if not 0 <= max_uses <= 100:
        raise errors.invalid_form("max_uses", "Must be between 0 and 100.", "NUMBER_TYPE_MAX")
    invite = sb.add_invite(channel.id, me, max_age=max_age, max_uses=max_uses, temporary=bool(body.get("temporary")))
    await sb.flush()
    return sb.invite_payload(invite)


@routes.get("/channels/{channel_id}/invites")
async def channel_invites(sb: DiscordSandbox, req: RestRequest) -> Any:
    channel, guild = guild_channel(sb, req, P.MANAGE_CHANNELS)
    return [sb.invite_payload(i) for i in guild.invites.values() if i.channel_id == channel.id]


@routes.get("/guilds/{guild_id}/invites")
async def guild_invites(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = sb.guild_or_404(req.params["guild_id"])
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    return [sb.invite_payload(i) for i in guild.invites.values()]


def _invite_or_404(sb: DiscordSandbox, code: str) -> Invite:
    invite = sb.invites.get(code)
    if invite is None:
        raise errors.unknown("Invite", errors.UNKNOWN_INVITE)
    return invite


@routes.get("/invites/{invite_code}")
async def get_invite(sb: DiscordSandbox, req: RestRequest) -> Any:
    invite = _invite_or_404(sb, req.params["invite_code"])
    data = sb.invite_payload(invite, metadata=False)
    if req.query.get("with_counts") in ("1", "true", "True"):
        guild = sb.guilds[invite.guild_id]
        data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return data


@routes.delete("/invites/{invite_code}")
async def delete_invite(sb: DiscordSandbox, req: RestRequest) -> Any:
    invite = _invite_or_404(sb, req.params["invite_code"])
    guild = sb.guilds[invite.guild_id]
    me = req.bot_user_id
    channel = sb.channels[invite.channel_id]
    perms = sb.permissions(guild, me, channel)
    if not perms & (P.MANAGE_CHANNELS | P.MANAGE_GUILD):
        raise errors.missing_permissions()
    payload = sb.invite_payload(invite)
    sb.remove_invite(invite)
    await sb.flush()
    return payload
