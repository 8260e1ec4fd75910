"""REST: users, gateway discovery, application info and commands, interaction callbacks and webhooks."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.interactions import APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, SandboxInteraction
from sandbox.models import JSON, Message
from sandbox.rest import Reply, RestRequest, routes
from sandbox.state import EPHEMERAL, LOADING

if TYPE_CHECKING:
    from sandbox.server import DiscordSandbox

VALID_LOCALES = frozenset(
    {
        *("id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no"),
        *("pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th"),
        *("zh-CN", "ja", "zh-TW", "ko"),
    }
)
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
#: follow-up / edit tokens stay valid this long (real seconds)
INTERACTION_TOKEN_TTL = 15 * 60
#: message flags a bot may set when sending
SENDABLE_FLAGS = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 15)


# ---------------------------------------------------------------------- users & discovery
@routes.get("/users/@me")
async def get_me(sb: DiscordSandbox, req: RestRequest) -> Any:
    data = sb.user_payload(req.bot_user_id)
    data.update(verified=True, mfa_enabled=False, email=None, locale="en-US", premium_type=0)
    return data


@routes.patch("/users/@me")
async def edit_me(sb: DiscordSandbox, req: RestRequest) -> Any:
    body = req.json()
    user = sb.users[req.bot_user_id]
    if "username" in body:
        user.username = str(body["username"])
    sb.dispatch_simple("USER_UPDATE", user.payload(), bots=[user.id])
    return await get_me(sb, req)


@routes.get("/users/{user_id}")
async def get_user(sb: DiscordSandbox, req: RestRequest) -> Any:
    return sb.user_or_404(req.params["user_id"]).payload()


@routes.post("/users/@me/channels")
async def open_dm(sb: DiscordSandbox, req: RestRequest) -> Any:
    body = req.json()
    if "recipient_id" not in body:
        raise errors.invalid_form("recipient_id", "This field is required", "BASE_TYPE_REQUIRED")
    user = sb.user_or_404(body["recipient_id"])
    channel = sb.dm_channel(user.id, req.bot_user_id)
    return sb.channel_payload(channel)


@routes.get("/users/@me/guilds")
async def my_guilds(sb: DiscordSandbox, req: RestRequest) -> Any:
    me = req.bot_user_id
    return [
        {
            "id": str(g.id),
            "name": g.name,
            "icon": None,
            "banner": None,
            "owner": g.owner_id == me,
            "permissions": str(sb.permissions(g, me)),
            "features": list(g.features),
        }
        for g in sb.guilds.values()
        if me in g.members
    ]


@routes.delete("/users/@me/guilds/{guild_id}")
async def leave_guild(sb: DiscordSandbox, req: RestRequest) -> Any:
    guild = sb.guild_or_404(req.params["guild_id"])
    sb.member_or_404(guild, req.bot_user_id)
    await sb.remove_member(guild.id, req.bot_user_id)
    return None


@routes.get("/gateway", auth=False)
async def get_gateway(sb: DiscordSandbox, req: RestRequest) -> Any:
    return {"url": sb.gateway_url}


@routes.get("/gateway/bot")
async def get_gateway_bot(sb: DiscordSandbox, req: RestRequest) -> Any:
    assert req.bot is not None
    return {
        "url": sb.gateway_url,
        "shards": req.bot.recommended_shards,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
    }


@routes.get("/oauth2/applications/@me")
@routes.get("/applications/@me")
async def get_application(sb: DiscordSandbox, req: RestRequest) -> Any:
    bot = req.bot
    assert bot is not None
    return {
        "id": str(bot.application_id),
        "name": bot.name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": sb.user_payload(bot.user_id),
        "owner": sb.user_payload(bot.owner_id),
        "team": None,
        "verify_key": "0" * 64,
        "flags": bot.application_flags,
        "flags_new": str(bot.application_flags),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": sum(1 for g in sb.guilds.values() if bot.user_id in g.members),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
        "integration_types_config": {"0": {}},
    }


# ---------------------------------------------------------------------- application commands
def _check_app(sb: DiscordSandbox, req: RestRequest) -> None:
    assert req.bot is not None
    if str(req.bot.application_id) != req.params["application_id"]:
        raise errors.missing_access()


def _normalise_command(sb: DiscordSandbox, app_id: int, raw: Any, guild_id: int | None, old: dict[int, JSON]) -> JSON:
    if not isinstance(raw, dict):
        raise errors.invalid_form("_root", "Expected an object.", "DICT_TYPE_CONVERT")
    ctype = int(raw.get("type") or 1)
    name = str(raw.get("name") or "")
    if not COMMAND_NAME.match(name) or (ctype == 1 and name != name.lower()):
        raise errors.invalid_form("name", f"Command name is invalid: {name!r}", "APPLICATION_COMMAND_INVALID_NAME")
    description = str(raw.get("description") or "")
    if ctype == 1 and not 1 <= len(description) <= 100:
        raise errors.invalid_form("description", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    for key in ("name_localizations", "description_localizations"):
        for locale in raw.get(key) or {}:
            if locale not in VALID_LOCALES:
                raise errors.invalid_form(key, f"Invalid locale {locale!r}", "INVALID_LOCALE")
    _check_options(raw.get("options") or [], depth=0)
    existing = next((c for c in old.values() if c["name"] == name and c["type"] == ctype), None)
    command_id = int(existing["id"]) if existing else sb.new_id()
    data: JSON = {
        "id": str(command_id),
        "application_id": str(app_id),
        "version": str(sb.new_id()),
        "type": ctype,
        "name": name,
        "description": description,
        "options": raw.get("options") or [],
        "default_member_permissions": _bitfield(raw.get("default_member_permissions")),
        "dm_permission": raw.get("dm_permission", True),
        "contexts": raw.get("contexts"),
        "integration_types": raw.get("integration_types") or [0],
        "nsfw": bool(raw.get("nsfw", False)),
        "name_localizations": raw.get("name_localizations"),
        "description_localizations": raw.get("description_localizations"),
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def _bitfield(value: Any) -> str | None:
    """Permission bitfields are answered as strings (``None`` stays ``None``)."""
    return None if value is None else str(int(value))


def _check_options(options: list[JSON], depth: int) -> None:
    if len(options) > 25:
        raise errors.invalid_form("options", "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    seen_optional = False
    for opt in options:
        name = str(opt.get("name") or "")
        if not COMMAND_NAME.match(name) or name != name.lower():
            raise errors.invalid_form(
                "options", f"Option name is invalid: {name!r}", "APPLICATION_COMMAND_INVALID_NAME"
            )
        if not 1 <= len(str(opt.get("description") or "")) <= 100:
            raise errors.invalid_form("options", "Option description must be 1-100 long.", "BASE_TYPE_BAD_LENGTH")
        for key in ("name_localizations", "description_localizations"):
            for locale in opt.get(key) or {}:
                if locale not in VALID_LOCALES:
                    raise errors.invalid_form(key, f"Invalid locale {locale!r}", "INVALID_LOCALE")
        if opt.get("type") in (1, 2):
            if depth >= 2:
                raise errors.invalid_form("options", "Subcommands nested too deeply.", "APPLICATION_COMMAND_TOO_DEEP")
            _check_options(opt.get("options") or [], depth + 1)
        elif opt.get("required"):
            if seen_optional:
                raise errors.invalid_form(
                    "options",
                    "Required options must be placed before non-required options",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                )
        else:
            seen_optional = True


def _command_store(sb: DiscordSandbox, req: RestRequest) -> tuple[dict[int, JSON], int | None]:
    _check_app(sb, req)
    bot = req.bot
    assert bot is not None
    gid = req.params.get("guild_id")
    if gid is None:
        return bot.global_commands, None
    guild = sb.guild_or_404(gid)
    return bot.guild_commands.setdefault(guild.id, {}), guild.id


@routes.get("/applications/{application_id}/commands")
@routes.get("/applications/{application_id}/guilds/{guild_id}/commands")
async def list_commands(sb: DiscordSandbox, req: RestRequest) -> Any:
    store, _ = _command_store(sb, req)
    return list(store.values())


@routes.put("/applications/{application_id}/commands")
@routes.put("/applications/{application_id}/guilds/{guild_id}/commands")
async def bulk_overwrite_commands(sb: DiscordSandbox, req: RestRequest) -> Any:
    store, guild_id = _command_store(sb, req)
    body = req.body if req.body is not None else []
    if not isinstance(body, list):
        raise errors.invalid_form("_root", "Expected a list.", "LIST_TYPE_CONVERT")
    if len(body) > 100:
        raise errors.invalid_form("_root", "Must be 100 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    assert req.bot is not None
    new = [_normalise_command(sb, req.bot.application_id, raw, guild_id, store) for raw in body]
    names = [(c["type"], c["name"]) for c in new]
    if len(set(names)) != len(names):
        raise errors.invalid_form(
            "_root", "Application command names must be unique", "APPLICATION_COMMANDS_DUPLICATE_NAME"
        )
    store.clear()
    store.update({int(c["id"]): c for c in new})
    return new


@routes.post("/applications/{application_id}/commands")
@routes.post("/applications/{application_id}/guilds/{guild_id}/commands")
async def upsert_command(sb: DiscordSandbox, req: RestRequest) -> Any:
    store, guild_id = _command_store(sb, req)
    assert req.bot is not None
    command = _normalise_command(sb, req.bot.application_id, req.json(), guild_id, store)
    created = int(command["id"]) not in store
    store[int(command["id"])] = command
    return Reply(201 if created else 200, command)


def _command_or_404(store: dict[int, JSON], raw_id: str) -> JSON:
    try:
        return store[int(raw_id)]
    except (KeyError, ValueError):
        raise errors.unknown("application command", errors.UNKNOWN_COMMAND) from None


@routes.get("/applications/{application_id}/commands/{command_id}")
@routes.get("/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
async def get_command(sb: DiscordSandbox, req: RestRequest) -> Any:
    store, _ = _command_store(sb, req)
    return _command_or_404(store, req.params["command_id"])


@routes.patch("/applications/{application_id}/commands/{command_id}")
@routes.patch("/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
async def edit_command(sb: DiscordSandbox, req: RestRequest) -> Any:
    store, guild_id = _command_store(sb, req)
    current = _command_or_404(store, req.params["command_id"])
    merged = {**current, **req.json()}
    assert req.bot is not None
    others = {k: v for k, v in store.items() if k != int(current["id"])}
    command = _normalise_command(sb, req.bot.application_id, merged, guild_id, others)
    command["id"] = current["id"]
    store[int(current["id"])] = command
    return command


@routes.delete("/applications/{application_id}/commands/{command_id}")
@routes.delete("/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
async def delete_command(sb: DiscordSandbox, req: RestRequest) -> Any:
    store, _ = _command_store(sb, req)
    command = _command_or_404(store, req.params["command_id"])
    del store[int(command["id"])]
    return None


@routes.get("/applications/{application_id}/guilds/{guild_id}/commands/permissions")
async def command_permissions(sb: DiscordSandbox, req: RestRequest) -> Any:
    _command_store(sb, req)
    return []


# ---------------------------------------------------------------------- interactions
def _interaction(sb: DiscordSandbox, interaction_id: str, token: str) -> SandboxInteraction:
    try:
        inter = sb.interactions.get(int(interaction_id))
    except ValueError:
        inter = None
    if inter is None or inter.token != token:
        raise errors.unknown("interaction", errors.UNKNOWN_INTERACTION)
    return inter


def _by_token(sb: DiscordSandbox, app_id: str, token: str) -> SandboxInteraction:
    inter = sb.interaction_by_token(token)
    if inter is None or str(inter.application_id) != app_id:
        raise errors.unknown("Webhook", errors.UNKNOWN_WEBHOOK)
    if time.monotonic() - inter.created > INTERACTION_TOKEN_TTL:
        raise ApiError(401, 50027, "Invalid Webhook Token")
    return inter


@routes.post("/interactions/{interaction_id}/{token}/callback", auth=False)
async def interaction_callback(sb: DiscordSandbox, req: RestRequest) -> Any:
    inter = _interaction(sb, req.params["interaction_id"], req.params["token"])
    deadline = sb.interaction_deadline
    if deadline is not None and time.monotonic() - inter.created > deadline:
        sb.log.warning("sandbox: interaction %s answered after %.1fs (Discord allows 3s)", inter.id, deadline)
        raise errors.unknown("interaction", errors.UNKNOWN_INTERACTION)
    if inter.responses:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    body = req.json()
    rtype = int(body.get("type") or 0)
    data: JSON = body.get("data") or {}
    allowed = {
        APPLICATION_COMMAND: {4, 5, 9},
        MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
        AUTOCOMPLETE: {8},
        5: {4, 5, 6, 7},
    }.get(inter.type, set())
    if rtype not in allowed:
        raise errors.invalid_form(
            "type", f"Interaction response type {rtype} is not valid here", "INTERACTION_RESPONSE_TYPE_INVALID"
        )
    message: Message | None = None
    if rtype == 4:
        sb.validate_outgoing(data, has_files=bool(req.files))
        flags = int(data.get("flags") or 0) & SENDABLE_FLAGS
        message = sb.interaction_message(inter, data, flags, req.files, original=True)
    elif rtype == 5:
        flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
        message = sb.interaction_message(inter, {"content": ""}, flags, [], original=True)
    elif rtype == 7:
        if inter.message_id is None:
            raise errors.invalid_form("type", "No message to update", "INTERACTION_RESPONSE_TYPE_INVALID")
        message = sb.message_index.get(inter.message_id)
        if message is not None:
            await sb.edit_message(message, data, req.files, by=inter.bot_user_id)
    elif rtype == 9:
        for key in ("custom_id", "title", "components"):
            if not data.get(key):
                raise errors.invalid_form(key, "This field is required", "BASE_TYPE_REQUIRED")
    inter.responses.append(body)
    inter._notify()
    if req.query.get("with_response") not in ("1", "true", "True"):
        return None
    info: JSON = {"id": str(inter.id), "type": inter.type}
    result: JSON = {"interaction": info}
    if message is not None:
        info.update(
            response_message_id=str(message.id),
            response_message_loading=rtype == 5,
            response_message_ephemeral=message.ephemeral,
        )
        if rtype in (4, 7):  # Discord returns the resource only for the types that send or update a message
            result["resource"] = {"type": rtype, "message": sb.message_payload(message)}
    return result


def _webhook_message(sb: DiscordSandbox, inter: SandboxInteraction, message_id: str) -> Message:
    if message_id == "@original":
        mid = inter.original_message_id
    else:
        try:
            mid = int(message_id)
        except ValueError:
            mid = None
    message = sb.message_index.get(mid) if mid is not None else None
    if message is None or message.deleted:
        raise errors.unknown("Message", errors.UNKNOWN_MESSAGE)
    if (
        message_id != "@original"
        and message.id != inter.original_message_id
        and not any(f["id"] == str(message.id) for f in inter.followups)
    ):
        raise errors.unknown("Message", errors.UNKNOWN_MESSAGE)
    return message


@routes.post("/webhooks/{webhook_id}/{webhook_token}", auth=False)
async def execute_webhook(sb: DiscordSandbox, req: RestRequest) -> Any:
    inter = _by_token(sb, req.params["webhook_id"], req.params["webhook_token"])
    if not inter.responses:
        raise errors.unknown("Webhook", errors.UNKNOWN_WEBHOOK)
    body = req.json()
    sb.validate_outgoing(body, has_files=bool(req.files))
    flags = int(body.get("flags") or 0) & SENDABLE_FLAGS
    message = sb.interaction_message(inter, body, flags, req.files, original=False)
    payload = sb.message_payload(message)
    inter.followups.append(payload)
    inter._notify()
    if req.query.get("wait") in ("1", "true", "True"):
        return payload
    return None


@routes.get("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", auth=False)
async def get_webhook_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    inter = _by_token(sb, req.params["webhook_id"], req.params["webhook_token"])
    return sb.message_payload(_webhook_message(sb, inter, req.params["message_id"]))


@routes.patch("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", auth=False)
async def edit_webhook_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    inter = _by_token(sb, req.params["webhook_id"], req.params["webhook_token"])
    message = _webhook_message(sb, inter, req.params["message_id"])
    body = req.json()
    if body.get("content") is not None or body.get("embeds"):
        sb.validate_outgoing(body, has_files=bool(req.files))
    await sb.edit_message(message, body, req.files, by=inter.bot_user_id)
    if message.id == inter.original_message_id:
        inter.edits.append(body)
    inter._notify()
    return sb.message_payload(message)


@routes.delete("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", auth=False)
async def delete_webhook_message(sb: DiscordSandbox, req: RestRequest) -> Any:
    inter = _by_token(sb, req.params["webhook_id"], req.params["webhook_token"])
    message = _webhook_message(sb, inter, req.params["message_id"])
    await sb.delete_messages([message])
    return None


@routes.get("/webhooks/{webhook_id}/{webhook_token}", auth=False)
async def get_webhook_with_token(sb: DiscordSandbox, req: RestRequest) -> Any:
    inter = _by_token(sb, req.params["webhook_id"], req.params["webhook_token"])
    return {
        "id": str(inter.application_id),
        "type": 3,
        "name": sb.users[inter.bot_user_id].username,
        "avatar": None,
        "channel_id": str(inter.channel_id),
        "guild_id": None if inter.guild_id is None else str(inter.guild_id),
        "application_id": str(inter.application_id),
        "token": inter.token,
    }
