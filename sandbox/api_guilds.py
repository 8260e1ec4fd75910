"""REST: guilds, roles, members, bans, incident actions, audit log, auto-moderation and scheduled events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sandbox import errors
from sandbox import permissions as P
from sandbox.api_channels import apply_channel_fields, normalise_channel_name
from sandbox.errors import ApiError
from sandbox.gateway import AUTO_MODERATION_CONFIGURATION, GUILD_SCHEDULED_EVENTS
from sandbox.models import GUILD_CATEGORY, GUILD_TEXT, GUILD_VOICE, JSON, Channel, Guild, Member, Role
from sandbox.rest import Reply, RestRequest, routes

if TYPE_CHECKING:
    from sandbox.server import DiscordSandbox

MAX_TIMEOUT = timedelta(days=28)
MAX_INCIDENT_ACTION = timedelta(hours=24)
#: clock skew Discord tolerates on "at most N in the future" checks
SKEW = timedelta(seconds=5)
MAX_BULK_BAN = 200
#: per-guild limits of auto-moderation rules by trigger type
AUTOMOD_LIMITS = {1: 6, 3: 1, 4: 1, 5: 1, 6: 1}


def _require_below(sb: DiscordSandbox, guild: Guild, me: int, role: Role) -> None:
    """Discord's hierarchy: the bot may only manage or assign roles below its own highest role."""
    if not sb.role_below(guild, me, role):
        sb.log.info("sandbox: role %s is not below the bot's highest role", role.name)
        raise errors.missing_permissions()


def _guild_member(sb: DiscordSandbox, req: RestRequest) -> Guild:
    guild = sb.guild_or_404(req.params["guild_id"])
    if req.bot_user_id not in guild.members:
        raise errors.missing_access()
    return guild


def _parse_time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise errors.invalid_form(field, "Could not parse timestamp.", "DATE_TIME_TYPE_PARSE") from None
    if parsed.tzinfo is None:
        raise errors.invalid_form(field, "Timestamp needs a timezone.", "DATE_TIME_TYPE_PARSE")
    return parsed


# ---------------------------------------------------------------------- guild
@routes.get("/guilds/{guild_id}")
async def get_guild(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    return sb.guild_payload(guild, counts=req.query.get("with_counts") in ("1", "true", "True"))


@routes.patch("/guilds/{guild_id}")
async def edit_guild(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    body = req.json()
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    if "name" in body:
        name = str(body["name"] or "")
        if not 2 <= len(name) <= 100:
            raise errors.invalid_form("name", "Must be between 2 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
        guild.name = name
    if "description" in body:
        guild.description = body["description"]
    if body.get("preferred_locale"):
        guild.preferred_locale = str(body["preferred_locale"])
    if "features" in body and body["features"] is not None:
        guild.features = [str(f) for f in body["features"]]
    if "system_channel_id" in body:
        guild.system_channel_id = None if body["system_channel_id"] is None else int(body["system_channel_id"])
    if "rules_channel_id" in body:
        guild.rules_channel_id = None if body["rules_channel_id"] is None else int(body["rules_channel_id"])
    if "verification_level" in body and body["verification_level"] is not None:
        guild.verification_level = int(body["verification_level"])
    if body:
        sb.dispatch_guild_update(guild)
        await sb.flush()
    return sb.guild_payload(guild)


@routes.put("/guilds/{guild_id}/incident-actions")
async def incident_actions(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    body = req.json()
    limit = sb.now() + MAX_INCIDENT_ACTION + SKEW
    new = dict(guild.incidents_data)
    for key in ("invites_disabled_until", "dms_disabled_until"):
        if key not in body and not sb.incident_actions_replace:
            continue
        when = _parse_time(body.get(key), key)
        if when is not None and when > limit:
            raise errors.invalid_form(key, "Must be at most 24 hours in the future.", "BASE_TYPE_BAD_REQUEST")
        new[key] = None if when is None else when.isoformat()
    guild.incidents_data = new
    guild.incident_actions.append(dict(body))
    sb.dispatch_guild_update(guild)
    await sb.flush()
    return dict(new)


@routes.get("/guilds/{guild_id}/audit-logs")
async def audit_logs(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.VIEW_AUDIT_LOG)
    entries = list(reversed(guild.audit_log))[: req.int_query("limit", 50, low=1, high=100)]
    user_ids = {int(e[k]) for e in entries for k in ("user_id", "target_id") if e.get(k)}
    return {
        "audit_log_entries": entries,
        "users": [sb.user_payload(u) for u in sorted(user_ids) if u in sb.users],
        "integrations": [],
        "webhooks": [],
        "guild_scheduled_events": [],
        "threads": [],
        "application_commands": [],
        "auto_moderation_rules": [],
    }


@routes.get("/guilds/{guild_id}/webhooks")
async def guild_webhooks(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_WEBHOOKS)
    return [w for c in guild.channels.values() for w in c.webhooks]


# ---------------------------------------------------------------------- channels
@routes.get("/guilds/{guild_id}/channels")
async def guild_channels(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    return [sb.channel_payload(c) for c in guild.channels.values() if not c.is_thread and sb.can_view(c, me)]


@routes.post("/guilds/{guild_id}/channels")
async def create_channel(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_CHANNELS)
    body = req.json()
    ctype = int(body.get("type") or GUILD_TEXT)
    if ctype not in (GUILD_TEXT, GUILD_VOICE, GUILD_CATEGORY, 5, 13, 15):
        raise errors.invalid_form("type", "Invalid channel type.", "BASE_TYPE_CHOICES")
    channel = Channel(
        id=sb.new_id(),
        type=ctype,
        guild_id=guild.id,
        name=normalise_channel_name(body.get("name"), ctype),
        position=len(guild.channels),
    )
    if body.get("permission_overwrites"):
        sb.require(guild, me, P.MANAGE_ROLES)
    elif body.get("parent_id") is not None and int(body["parent_id"]) in guild.channels:
        # no overwrites given: the channel starts synced with its category
        channel.overwrites = dict(guild.channels[int(body["parent_id"])].overwrites)
    skip = ("name", "type") if body.get("permission_overwrites") else ("name", "type", "permission_overwrites")
    apply_channel_fields(sb, guild, channel, {k: v for k, v in body.items() if k not in skip}, me)
    sb.register_channel(guild, channel)
    await sb.flush()
    return Reply(201, sb.channel_payload(channel))


@routes.patch("/guilds/{guild_id}/channels")
async def channel_positions(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_CHANNELS)
    body = req.body if isinstance(req.body, list) else []
    for item in body:
        channel = guild.channels.get(int(item["id"]))
        if channel is None:
            raise errors.unknown("Channel", errors.UNKNOWN_CHANNEL)
        if item.get("position") is not None:
            channel.position = int(item["position"])
        if "parent_id" in item:
            channel.parent_id = None if item["parent_id"] is None else int(item["parent_id"])
        sb.dispatch_channel("CHANNEL_UPDATE", channel)
    await sb.flush()
    return None


# ---------------------------------------------------------------------- roles
def _role_fields(sb: DiscordSandbox, guild: Guild, role: Role, body: JSON, me: int) -> None:
    if "permissions" in body and body["permissions"] is not None:
        new = int(body["permissions"])
        mine = sb.permissions(guild, me)
        added = new & ~role.permissions
        if mine != P.ALL_PERMISSIONS and added & ~mine:
            sb.log.info("sandbox: role edit would grant %s the bot lacks", P.names(added & ~mine))
            raise errors.missing_permissions()
        role.permissions = new
    if "name" in body and body["name"] is not None:
        name = str(body["name"])
        if not 1 <= len(name) <= 100:
            raise errors.invalid_form("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
        role.name = name
    if body.get("colors"):
        role.color = int(body["colors"].get("primary_color") or 0)
    elif "color" in body and body["color"] is not None:
        role.color = int(body["color"])
    if "hoist" in body:
        role.hoist = bool(body["hoist"])
    if "mentionable" in body:
        role.mentionable = bool(body["mentionable"])
    if "unicode_emoji" in body:
        role.unicode_emoji = body["unicode_emoji"]


@routes.get("/guilds/{guild_id}/roles")
async def list_roles(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    return [r.payload() for r in sorted(guild.roles.values(), key=lambda r: P.role_rank(r, guild.id))]


@routes.get("/guilds/{guild_id}/roles/{role_id}")
async def get_role(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    return sb.role_or_404(guild, req.params["role_id"]).payload()


@routes.post("/guilds/{guild_id}/roles")
async def create_role(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_ROLES)
    if len(guild.roles) >= 250:
        raise ApiError(400, 30005, "Maximum number of guild roles reached (250)")
    body = req.json()
    role = Role(id=sb.new_id(), guild_id=guild.id, name="new role", position=1)
    _role_fields(sb, guild, role, body, me)
    moved = [r for r in guild.roles.values() if r.id != guild.id and r.position >= 1]
    for other in moved:
        other.position += 1
    guild.roles[role.id] = role
    sb.dispatch_role("GUILD_ROLE_CREATE", guild, role)
    for other in moved:
        sb.dispatch_role("GUILD_ROLE_UPDATE", guild, other)
    await sb.flush()
    return role.payload()


@routes.patch("/guilds/{guild_id}/roles/{role_id}")
async def edit_role(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_ROLES)
    role = sb.role_or_404(guild, req.params["role_id"])
    _require_below(sb, guild, me, role)
    _role_fields(sb, guild, role, req.json(), me)
    sb.dispatch_role("GUILD_ROLE_UPDATE", guild, role)
    await sb.flush()
    return role.payload()


@routes.patch("/guilds/{guild_id}/roles")
async def role_positions(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_ROLES)
    if not isinstance(req.body, list):
        raise errors.invalid_form("_root", "Expected a list.", "LIST_TYPE_CONVERT")
    my_rank = sb.rank(guild, me)
    requested: dict[int, int] = {}
    for item in req.body:
        role = sb.role_or_404(guild, item.get("id"))
        if role.id == guild.id:
            raise errors.invalid_form("id", "Cannot move the @everyone role.", "BASE_TYPE_BAD_REQUEST")
        position = int(item.get("position") or 0)
        if position < 1:
            raise errors.invalid_form("position", "Must be at least 1.", "NUMBER_TYPE_MIN")
        target_rank = (1, position, -role.id)
        if guild.owner_id != me and (not sb.role_below(guild, me, role) or target_rank >= my_rank):
            raise errors.missing_permissions()
        requested[role.id] = position
    before = {r.id: r.position for r in guild.roles.values()}
    for rid, position in requested.items():
        guild.roles[rid].position = position
    others = sorted(
        (r for r in guild.roles.values() if r.id != guild.id),
        key=lambda r: (r.position, 0 if r.id in requested else 1, -r.id),
    )
    for index, role in enumerate(others, start=1):
        role.position = index
    for role in guild.roles.values():
        if before[role.id] != role.position:
            sb.dispatch_role("GUILD_ROLE_UPDATE", guild, role)
    await sb.flush()
    return [r.payload() for r in sorted(guild.roles.values(), key=lambda r: P.role_rank(r, guild.id))]


@routes.delete("/guilds/{guild_id}/roles/{role_id}")
async def delete_role(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_ROLES)
    role = sb.role_or_404(guild, req.params["role_id"])
    if role.id == guild.id or role.managed:
        raise ApiError(400, 50028, "Invalid Role")
    if not sb.role_below(guild, me, role):
        raise errors.missing_permissions()
    del guild.roles[role.id]
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    sb.dispatch_simple("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)}, guild_id=guild.id)
    await sb.flush()
    return None


# ---------------------------------------------------------------------- members
@routes.get("/guilds/{guild_id}/members/{user_id}")
async def get_member(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    return sb.member_payload(sb.member_or_404(guild, req.params["user_id"]))


@routes.get("/guilds/{guild_id}/members")
async def list_members(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    assert req.bot is not None
    if not req.bot.privileged_intents & (1 << 1):
        raise errors.missing_access()
    limit = req.int_query("limit", 1, low=1, high=1000)
    after = int(req.query.get("after") or 0)
    ids = sorted(u for u in guild.members if u > after)[:limit]
    return [sb.member_payload(guild.members[u]) for u in ids]


@routes.get("/guilds/{guild_id}/members/search")
async def search_members(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    query = (req.query.get("query") or "").lower()
    limit = req.int_query("limit", 1, low=1, high=1000)
    found = [
        m
        for m in guild.members.values()
        if sb.users[m.user_id].username.lower().startswith(query) or (m.nick or "").lower().startswith(query)
    ]
    return [sb.member_payload(m) for m in found[:limit]]


def _check_moderate(sb: DiscordSandbox, guild: Guild, me: int, target: Member) -> None:
    """Timeouts: never the owner, never an administrator, only members strictly below the bot."""
    if target.user_id == guild.owner_id or sb.permissions(guild, target.user_id) & P.ADMINISTRATOR:
        raise errors.missing_permissions()
    if not sb.outranks(guild, me, target.user_id):
        raise errors.missing_permissions()


@routes.patch("/guilds/{guild_id}/members/{user_id}")
async def edit_member(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    target_raw = req.params["user_id"]
    target = sb.member_or_404(guild, me if target_raw == "@me" else target_raw)
    body = req.json()
    await _apply_member_edit(sb, guild, me, target, body)
    return sb.member_payload(target)


async def _apply_member_edit(sb: DiscordSandbox, guild: Guild, me: int, target: Member, body: JSON) -> None:
    perms = sb.permissions(guild, me)
    changed = False
    if "nick" in body:
        if target.user_id == me:
            if not perms & (P.CHANGE_NICKNAME | P.MANAGE_NICKNAMES):
                raise errors.missing_permissions()
        else:
            sb.require(guild, me, P.MANAGE_NICKNAMES)
            if not sb.outranks(guild, me, target.user_id):
                raise errors.missing_permissions()
        nick = body["nick"] or None
        if nick is not None and len(nick) > 32:
            raise errors.invalid_form("nick", "Must be 32 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        target.nick = nick
        changed = True
    if "roles" in body and body["roles"] is not None:
        sb.require(guild, me, P.MANAGE_ROLES)
        new = [int(r) for r in body["roles"] if int(r) != guild.id]
        for rid in set(new) ^ set(target.roles):
            role = sb.role_or_404(guild, rid)
            if role.managed:
                raise ApiError(400, 50028, "Invalid Role")
            _require_below(sb, guild, me, role)
        target.roles = list(dict.fromkeys(new))
        changed = True
    if "communication_disabled_until" in body:
        sb.require(guild, me, P.MODERATE_MEMBERS)
        _check_moderate(sb, guild, me, target)
        until = _parse_time(body["communication_disabled_until"], "communication_disabled_until")
        if until is not None and until > sb.now() + MAX_TIMEOUT + SKEW:
            raise errors.invalid_form(
                "communication_disabled_until", "Must be at most 28 days in the future.", "BASE_TYPE_BAD_REQUEST"
            )
        target.communication_disabled_until = until
        changed = True
    if "mute" in body:
        sb.require(guild, me, P.MUTE_MEMBERS)
        target.mute = bool(body["mute"])
        changed = True
    if "deaf" in body:
        sb.require(guild, me, P.DEAFEN_MEMBERS)
        target.deaf = bool(body["deaf"])
        changed = True
    if "channel_id" in body:
        sb.require(guild, me, P.MOVE_MEMBERS)
        await sb.join_voice(guild.id, None if body["channel_id"] is None else int(body["channel_id"]), target.user_id)
    if changed:
        sb.dispatch_member_update(guild, target)
        await sb.flush()


@routes.patch("/guilds/{guild_id}/members/@me")
async def edit_me(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    target = sb.member_or_404(guild, me)
    await _apply_member_edit(sb, guild, me, target, {k: v for k, v in req.json().items() if k == "nick"})
    return sb.member_payload(target)


async def _change_role(sb: DiscordSandbox, req: RestRequest, add: bool) -> None:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_ROLES)
    target = sb.member_or_404(guild, req.params["user_id"])
    role = sb.role_or_404(guild, req.params["role_id"])
    if role.managed or role.id == guild.id:
        raise ApiError(400, 50028, "Invalid Role")
    _require_below(sb, guild, me, role)
    if add and role.id not in target.roles:
        target.roles.append(role.id)
    elif not add and role.id in target.roles:
        target.roles.remove(role.id)
    else:
        return
    sb.dispatch_member_update(guild, target)
    await sb.flush()


@routes.put("/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def add_member_role(sb: DiscordSandbox, req: RestRequest) -> Any:
    await _change_role(sb, req, True)
    return None


@routes.delete("/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def remove_member_role(sb: DiscordSandbox, req: RestRequest) -> Any:
    await _change_role(sb, req, False)
    return None


@routes.delete("/guilds/{guild_id}/members/{user_id}")
async def kick_member(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.KICK_MEMBERS)
    target = sb.member_or_404(guild, req.params["user_id"])
    if not sb.outranks(guild, me, target.user_id):
        raise errors.missing_permissions()
    sb.audit(guild, 20, me, target.user_id, req.reason)
    await sb.remove_member(guild.id, target.user_id)
    return None


# ---------------------------------------------------------------------- bans
def _ban_blocker(sb: DiscordSandbox, guild: Guild, me: int, user_id: int) -> ApiError | None:
    if user_id not in sb.users:
        return errors.unknown("User", errors.UNKNOWN_USER)
    if user_id == guild.owner_id or user_id == me:
        return errors.missing_permissions()
    if user_id in guild.members and not sb.outranks(guild, me, user_id):
        return errors.missing_permissions()
    return None


def _delete_seconds(body: JSON, query: dict[str, str] | None = None) -> int:
    if query and query.get("delete_message_seconds") is not None:  # how discord.py sends it
        return int(query["delete_message_seconds"])
    if body.get("delete_message_seconds") is not None:
        seconds = int(body["delete_message_seconds"])
    else:
        seconds = int(body.get("delete_message_days") or 0) * 86400
    if not 0 <= seconds <= 604800:
        raise errors.invalid_form("delete_message_seconds", "Must be between 0 and 604800.", "NUMBER_TYPE_MAX")
    return seconds


@routes.put("/guilds/{guild_id}/bans/{user_id}")
async def ban(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.BAN_MEMBERS)
    user_id = int(req.params["user_id"])
    blocker = _ban_blocker(sb, guild, me, user_id)
    if blocker is not None:
        raise blocker
    await sb.ban_user(guild, user_id, reason=req.reason, delete_seconds=_delete_seconds(req.json(), req.query), by=me)
    return None


@routes.post("/guilds/{guild_id}/bulk-ban")
async def bulk_ban(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.BAN_MEMBERS | P.MANAGE_GUILD)
    body = req.json()
    user_ids = body.get("user_ids")
    if not isinstance(user_ids, list) or not 1 <= len(user_ids) <= MAX_BULK_BAN:
        raise errors.invalid_form("user_ids", "Must be between 1 and 200 in length.", "BASE_TYPE_BAD_LENGTH")
    seconds = _delete_seconds(body)
    banned: list[str] = []
    failed: list[str] = []
    for raw in user_ids:
        uid = int(raw)
        if uid in guild.bans or _ban_blocker(sb, guild, me, uid) is not None:
            failed.append(str(uid))
            continue
        await sb.ban_user(guild, uid, reason=req.reason, delete_seconds=seconds, by=me, flush=False)
        banned.append(str(uid))
    await sb.flush()
    if not banned:
        raise ApiError(403, 500000, "Failed to ban users")
    return {"banned_users": banned, "failed_users": failed}


@routes.delete("/guilds/{guild_id}/bans/{user_id}")
async def unban(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.BAN_MEMBERS)
    user_id = int(req.params["user_id"])
    if guild.bans.pop(user_id, None) is None:
        raise errors.unknown("Ban", errors.UNKNOWN_BAN)
    sb.audit(guild, 23, me, user_id, req.reason)
    sb.dispatch_simple(
        "GUILD_BAN_REMOVE",
        {"guild_id": str(guild.id), "user": sb.user_payload(user_id)},
        guild_id=guild.id,
        intent=1 << 2,
    )
    await sb.flush()
    return None


@routes.get("/guilds/{guild_id}/bans")
async def list_bans(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.BAN_MEMBERS)
    limit = req.int_query("limit", 1000, low=1, high=1000)
    ids = sorted(guild.bans)
    if "before" in req.query:
        ids = [i for i in ids if i < int(req.query["before"])][-limit:]
    else:
        ids = [i for i in ids if i > int(req.query.get("after") or 0)][:limit]
    return [{"reason": guild.bans[i].reason, "user": sb.user_payload(i)} for i in ids]


@routes.get("/guilds/{guild_id}/bans/{user_id}")
async def get_ban(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.BAN_MEMBERS)
    ban_ = guild.bans.get(int(req.params["user_id"]))
    if ban_ is None:
        raise errors.unknown("Ban", errors.UNKNOWN_BAN)
    return {"reason": ban_.reason, "user": sb.user_payload(ban_.user_id)}


# ---------------------------------------------------------------------- auto-moderation
def _rule_or_404(guild: Guild, rule_id: str) -> JSON:
    try:
        return guild.automod_rules[int(rule_id)]
    except (KeyError, ValueError):
        raise errors.unknown("auto moderation rule", errors.UNKNOWN_AUTOMOD_RULE) from None


def _rule_fields(rule: JSON, body: JSON) -> None:
    for key in ("name", "event_type", "trigger_metadata", "actions", "enabled"):
        if key in body:
            rule[key] = body[key]
    for key in ("exempt_roles", "exempt_channels"):
        if key in body:
            rule[key] = [str(x) for x in body[key] or []]
    if not rule.get("name"):
        raise errors.invalid_form("name", "This field is required", "BASE_TYPE_REQUIRED")
    if not rule.get("actions"):
        raise errors.invalid_form("actions", "This field is required", "BASE_TYPE_REQUIRED")
    keywords = (rule.get("trigger_metadata") or {}).get("keyword_filter") or []
    if len(keywords) > 1000 or any(len(str(k)) > 60 for k in keywords):
        raise errors.invalid_form("trigger_metadata", "Too many or too long keywords.", "BASE_TYPE_MAX_LENGTH")


@routes.get("/guilds/{guild_id}/auto-moderation/rules")
async def list_rules(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    return list(guild.automod_rules.values())


@routes.get("/guilds/{guild_id}/auto-moderation/rules/{rule_id}")
async def get_rule(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    return _rule_or_404(guild, req.params["rule_id"])


@routes.post("/guilds/{guild_id}/auto-moderation/rules")
async def create_rule(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    sb.require(guild, me, P.MANAGE_GUILD)
    body = req.json()
    trigger = int(body.get("trigger_type") or 0)
    if trigger not in AUTOMOD_LIMITS:
        raise errors.invalid_form("trigger_type", "Invalid trigger type.", "BASE_TYPE_CHOICES")
    if sum(1 for r in guild.automod_rules.values() if r["trigger_type"] == trigger) >= AUTOMOD_LIMITS[trigger]:
        raise ApiError(400, 30035, "Maximum number of rules of this type reached")
    rule: JSON = {
        "id": str(sb.new_id()),
        "guild_id": str(guild.id),
        "creator_id": str(me),
        "trigger_type": trigger,
        "event_type": 1,
        "trigger_metadata": {},
        "enabled": False,
        "exempt_roles": [],
        "exempt_channels": [],
    }
    _rule_fields(rule, body)
    guild.automod_rules[int(rule["id"])] = rule
    sb.dispatch_simple("AUTO_MODERATION_RULE_CREATE", rule, guild_id=guild.id, intent=AUTO_MODERATION_CONFIGURATION)
    await sb.flush()
    return rule


@routes.patch("/guilds/{guild_id}/auto-moderation/rules/{rule_id}")
async def edit_rule(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    rule = _rule_or_404(guild, req.params["rule_id"])
    _rule_fields(rule, req.json())
    sb.dispatch_simple("AUTO_MODERATION_RULE_UPDATE", rule, guild_id=guild.id, intent=AUTO_MODERATION_CONFIGURATION)
    await sb.flush()
    return rule


@routes.delete("/guilds/{guild_id}/auto-moderation/rules/{rule_id}")
async def delete_rule(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    sb.require(guild, req.bot_user_id, P.MANAGE_GUILD)
    rule = _rule_or_404(guild, req.params["rule_id"])
    del guild.automod_rules[int(rule["id"])]
    sb.dispatch_simple("AUTO_MODERATION_RULE_DELETE", rule, guild_id=guild.id, intent=AUTO_MODERATION_CONFIGURATION)
    await sb.flush()
    return None


# ---------------------------------------------------------------------- scheduled events
def _event_or_404(guild: Guild, event_id: str) -> JSON:
    try:
        return guild.scheduled_events[int(event_id)]
    except (KeyError, ValueError):
        raise errors.unknown("Guild Scheduled Event", errors.UNKNOWN_SCHEDULED_EVENT) from None


def _event_fields(sb: DiscordSandbox, guild: Guild, event: JSON, body: JSON, *, creating: bool) -> None:
    for key in ("name", "description", "privacy_level", "entity_type", "entity_metadata", "status", "image"):
        if key in body:
            event[key] = body[key]
    if "channel_id" in body:
        event["channel_id"] = None if body["channel_id"] is None else str(body["channel_id"])
    for key in ("scheduled_start_time", "scheduled_end_time"):
        if key in body:
            when = _parse_time(body[key], key)
            event[key] = None if when is None else when.isoformat()
    if not event.get("name") or len(str(event["name"])) > 100:
        raise errors.invalid_form("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    start = _parse_time(event.get("scheduled_start_time"), "scheduled_start_time")
    if start is None:
        raise errors.invalid_form("scheduled_start_time", "This field is required", "BASE_TYPE_REQUIRED")
    if creating and start < sb.now():
        raise errors.invalid_form(
            "scheduled_start_time", "Cannot schedule event in the past.", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST"
        )
    end = _parse_time(event.get("scheduled_end_time"), "scheduled_end_time")
    if end is not None and end <= start:
        raise errors.invalid_form("scheduled_end_time", "End must be after start.", "BASE_TYPE_BAD_REQUEST")
    if event.get("entity_type") == 3:
        if end is None or not (event.get("entity_metadata") or {}).get("location"):
            raise errors.invalid_form(
                "entity_metadata", "External events need a location and an end time.", "BASE_TYPE_REQUIRED"
            )
        event["channel_id"] = None
    elif event.get("channel_id") is None or int(event["channel_id"]) not in guild.channels:
        raise errors.invalid_form("channel_id", "A stage or voice channel is required.", "BASE_TYPE_REQUIRED")


@routes.get("/guilds/{guild_id}/scheduled-events")
async def list_events(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    return list(guild.scheduled_events.values())


@routes.get("/guilds/{guild_id}/scheduled-events/{event_id}")
async def get_event(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    return _event_or_404(guild, req.params["event_id"])


@routes.post("/guilds/{guild_id}/scheduled-events")
async def create_event(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    perms = sb.permissions(guild, me)
    if not perms & (P.MANAGE_EVENTS | P.CREATE_EVENTS):
        raise errors.missing_permissions()
    if len(guild.scheduled_events) >= 100:
        raise ApiError(400, 30038, "Maximum number of guild scheduled events reached (100)")
    event: JSON = {
        "id": str(sb.new_id()),
        "guild_id": str(guild.id),
        "channel_id": None,
        "creator_id": str(me),
        "creator": sb.user_payload(me),
        "name": "",
        "description": None,
        "scheduled_start_time": None,
        "scheduled_end_time": None,
        "privacy_level": 2,
        "status": 1,
        "entity_type": 3,
        "entity_id": None,
        "entity_metadata": None,
        "user_count": 0,
        "image": None,
        "recurrence_rule": None,
        "guild_scheduled_event_exceptions": [],
    }
    _event_fields(sb, guild, event, req.json(), creating=True)
    guild.scheduled_events[int(event["id"])] = event
    sb.dispatch_simple("GUILD_SCHEDULED_EVENT_CREATE", event, guild_id=guild.id, intent=GUILD_SCHEDULED_EVENTS)
    await sb.flush()
    return event


def _manageable_event(sb: DiscordSandbox, req: RestRequest) -> tuple[Guild, JSON]:
    """The event, if the bot may change it: MANAGE_EVENTS, or CREATE_EVENTS on an event it created."""
    guild = _guild_member(sb, req)
    me = req.bot_user_id
    event = _event_or_404(guild, req.params["event_id"])
    perms = sb.permissions(guild, me)
    if not (perms & P.MANAGE_EVENTS or (perms & P.CREATE_EVENTS and event["creator_id"] == str(me))):
        raise errors.missing_permissions()
    return guild, event


@routes.patch("/guilds/{guild_id}/scheduled-events/{event_id}")
async def edit_event(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild, event = _manageable_event(sb, req)
    _event_fields(sb, guild, event, req.json(), creating=False)
    sb.dispatch_simple("GUILD_SCHEDULED_EVENT_UPDATE", event, guild_id=guild.id, intent=GUILD_SCHEDULED_EVENTS)
    await sb.flush()
    return event


@routes.delete("/guilds/{guild_id}/scheduled-events/{event_id}")
async def delete_event(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild, event = _manageable_event(sb, req)
    del guild.scheduled_events[int(event["id"])]
    sb.dispatch_simple("GUILD_SCHEDULED_EVENT_DELETE", event, guild_id=guild.id, intent=GUILD_SCHEDULED_EVENTS)
    await sb.flush()
    return None


@routes.get("/guilds/{guild_id}/scheduled-events/{event_id}/users")
async def event_users(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = _guild_member(sb, req)
    event = _event_or_404(guild, req.params["event_id"])
    try:
        limit = int(req.query.get("limit", 100))
    except ValueError:
        raise errors.invalid_form("limit", "Value is not int.", "NUMBER_TYPE_COERCE") from None
    if not 1 <= limit <= 100:
        raise errors.invalid_form("limit", "int value should be between 1 and 100.", "NUMBER_TYPE_MAX")
    after = int(req.query.get("after", 0) or 0)
    users = sorted(u for u in guild.scheduled_event_users.get(int(event["id"]), []) if u > after)[:limit]
    return [
        {"guild_scheduled_event_id": event["id"], "user_id": str(u), "user": sb.user_payload(u), "response": 1}
        for u in users
    ]
