"""Request validation like Discord's: every route's body and query checked before its handler runs.

``RULES`` names, for every route the sandbox serves, the model (or check function) for its body and its
query; a request that does not fit is answered ``400 {"code": 50035, "message": "Invalid Form Body",
"errors": {...}}`` with Discord's nested error tree, and the handler never sees it. Routes without a
documented body ignore one (as Discord does); unknown fields and query parameters are ignored too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.validation import applications as A
from sandbox.validation import channels as C
from sandbox.validation import guilds as G
from sandbox.validation import messages as M
from sandbox.validation.base import Body, check, field_error

Check = type[Body] | Callable[[Any], None]


@dataclass(frozen=True)
class Rule:
    body: Check | None = None
    query: type[Body] | None = None


NONE = Rule()

RULES: dict[str, Rule] = {
    # users, gateway, application
    "GET /users/@me": NONE,
    "PATCH /users/@me": Rule(A.MeEdit),
    "GET /users/{user_id}": NONE,
    "POST /users/@me/channels": Rule(A.OpenDM),
    "GET /users/@me/guilds": NONE,
    "DELETE /users/@me/guilds/{guild_id}": NONE,
    "GET /gateway": NONE,
    "GET /gateway/bot": NONE,
    "GET /applications/@me": NONE,
    "GET /oauth2/applications/@me": NONE,
    # commands
    "GET /applications/{application_id}/commands": NONE,
    "GET /applications/{application_id}/guilds/{guild_id}/commands": NONE,
    "PUT /applications/{application_id}/commands": Rule(A.check_commands),
    "PUT /applications/{application_id}/guilds/{guild_id}/commands": Rule(A.check_commands),
    "POST /applications/{application_id}/commands": Rule(A.check_command),
    "POST /applications/{application_id}/guilds/{guild_id}/commands": Rule(A.check_command),
    "GET /applications/{application_id}/commands/{command_id}": NONE,
    "GET /applications/{application_id}/guilds/{guild_id}/commands/{command_id}": NONE,
    "PATCH /applications/{application_id}/commands/{command_id}": Rule(A.check_command_edit),
    "PATCH /applications/{application_id}/guilds/{guild_id}/commands/{command_id}": Rule(A.check_command_edit),
    "DELETE /applications/{application_id}/commands/{command_id}": NONE,
    "DELETE /applications/{application_id}/guilds/{guild_id}/commands/{command_id}": NONE,
    "GET /applications/{application_id}/guilds/{guild_id}/commands/permissions": NONE,
    # interactions and their webhooks
    "POST /interactions/{interaction_id}/{token}/callback": Rule(A.check_callback, A.CallbackQuery),
    "POST /webhooks/{webhook_id}/{webhook_token}": Rule(A.check_webhook_message, A.WebhookQuery),
    "GET /webhooks/{webhook_id}/{webhook_token}": NONE,
    "GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": Rule(query=A.WebhookQuery),
    "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": Rule(A.check_webhook_edit, A.WebhookQuery),
    "DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": Rule(query=A.WebhookQuery),
    # channels
    "GET /channels/{channel_id}": NONE,
    "PATCH /channels/{channel_id}": Rule(C.ChannelEdit),
    "DELETE /channels/{channel_id}": NONE,
    "PUT /channels/{channel_id}/permissions/{overwrite_id}": Rule(C.OverwriteEdit),
    "DELETE /channels/{channel_id}/permissions/{overwrite_id}": NONE,
    "POST /channels/{channel_id}/typing": NONE,
    "GET /channels/{channel_id}/webhooks": NONE,
    "GET /channels/{channel_id}/invites": NONE,
    "POST /channels/{channel_id}/invites": Rule(C.InviteCreate),
    # messages
    "GET /channels/{channel_id}/messages": Rule(query=M.HistoryQuery),
    "GET /channels/{channel_id}/messages/{message_id}": NONE,
    "POST /channels/{channel_id}/messages": Rule(M.check_message),
    "PATCH /channels/{channel_id}/messages/{message_id}": Rule(M.check_message_edit),
    "DELETE /channels/{channel_id}/messages/{message_id}": NONE,
    "POST /channels/{channel_id}/messages/bulk-delete": Rule(M.BulkDelete),
    "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me": NONE,
    "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}": NONE,
    "DELETE /channels/{channel_id}/messages/{message_id}/reactions": NONE,
    "GET /channels/{channel_id}/messages/pins": Rule(query=C.PinsQuery),
    "GET /channels/{channel_id}/pins": NONE,
    "PUT /channels/{channel_id}/messages/pins/{message_id}": NONE,
    "PUT /channels/{channel_id}/pins/{message_id}": NONE,
    "DELETE /channels/{channel_id}/messages/pins/{message_id}": NONE,
    "DELETE /channels/{channel_id}/pins/{message_id}": NONE,
    # threads
    "POST /channels/{channel_id}/threads": Rule(C.ThreadCreate),
    "POST /channels/{channel_id}/messages/{message_id}/threads": Rule(C.ThreadFromMessage),
    "PUT /channels/{channel_id}/thread-members/{user_id}": NONE,
    "DELETE /channels/{channel_id}/thread-members/{user_id}": NONE,
    "GET /channels/{channel_id}/thread-members": Rule(query=C.ThreadMembersQuery),
    "GET /channels/{channel_id}/thread-members/{user_id}": Rule(query=C.ThreadMembersQuery),
    "GET /channels/{channel_id}/threads/archived/public": Rule(query=C.ArchivedThreadsQuery),
    "GET /channels/{channel_id}/threads/archived/private": Rule(query=C.ArchivedThreadsQuery),
    "GET /guilds/{guild_id}/threads/active": NONE,
    # invites
    "GET /guilds/{guild_id}/invites": NONE,
    "GET /invites/{invite_code}": Rule(query=C.InviteQuery),
    "DELETE /invites/{invite_code}": NONE,
    # guilds
    "GET /guilds/{guild_id}": Rule(query=G.GuildQuery),
    "PATCH /guilds/{guild_id}": Rule(G.GuildEdit),
    "PUT /guilds/{guild_id}/incident-actions": Rule(G.IncidentActions),
    "GET /guilds/{guild_id}/audit-logs": Rule(query=G.AuditLogQuery),
    "GET /guilds/{guild_id}/webhooks": NONE,
    "GET /guilds/{guild_id}/channels": NONE,
    "POST /guilds/{guild_id}/channels": Rule(C.ChannelCreate),
    "PATCH /guilds/{guild_id}/channels": Rule(lambda body: _each(C.ChannelPosition, body)),
    # roles
    "GET /guilds/{guild_id}/roles": NONE,
    "GET /guilds/{guild_id}/roles/{role_id}": NONE,
    "POST /guilds/{guild_id}/roles": Rule(G.RoleFields),
    "PATCH /guilds/{guild_id}/roles/{role_id}": Rule(G.RoleFields),
    "PATCH /guilds/{guild_id}/roles": Rule(lambda body: _each(G.RolePosition, body)),
    "DELETE /guilds/{guild_id}/roles/{role_id}": NONE,
    # members
    "GET /guilds/{guild_id}/members/{user_id}": NONE,
    "GET /guilds/{guild_id}/members": Rule(query=G.MembersQuery),
    "GET /guilds/{guild_id}/members/search": Rule(query=G.MemberSearchQuery),
    "PATCH /guilds/{guild_id}/members/{user_id}": Rule(G.MemberEdit),
    "PATCH /guilds/{guild_id}/members/@me": Rule(G.MyMemberEdit),
    "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}": NONE,
    "DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}": NONE,
    "DELETE /guilds/{guild_id}/members/{user_id}": NONE,
    # bans
    "PUT /guilds/{guild_id}/bans/{user_id}": Rule(G.Ban, G.BanQuery),
    "POST /guilds/{guild_id}/bulk-ban": Rule(G.BulkBan),
    "DELETE /guilds/{guild_id}/bans/{user_id}": NONE,
    "GET /guilds/{guild_id}/bans": Rule(query=G.BansQuery),
    "GET /guilds/{guild_id}/bans/{user_id}": NONE,
    # auto-moderation
    "GET /guilds/{guild_id}/auto-moderation/rules": NONE,
    "GET /guilds/{guild_id}/auto-moderation/rules/{rule_id}": NONE,
    "POST /guilds/{guild_id}/auto-moderation/rules": Rule(G.AutomodRuleCreate),
    "PATCH /guilds/{guild_id}/auto-moderation/rules/{rule_id}": Rule(G.AutomodRuleFields),
    "DELETE /guilds/{guild_id}/auto-moderation/rules/{rule_id}": NONE,
    # scheduled events
    "GET /guilds/{guild_id}/scheduled-events": Rule(query=G.EventsQuery),
    "GET /guilds/{guild_id}/scheduled-events/{event_id}": Rule(query=G.EventsQuery),
    "POST /guilds/{guild_id}/scheduled-events": Rule(G.EventCreate),
    "PATCH /guilds/{guild_id}/scheduled-events/{event_id}": Rule(G.EventFields),
    "DELETE /guilds/{guild_id}/scheduled-events/{event_id}": NONE,
    "GET /guilds/{guild_id}/scheduled-events/{event_id}/users": Rule(query=G.EventUsersQuery),
}


def _each(model: type[Body], body: Any) -> None:
    """A JSON array of ``model`` objects (position updates)."""
    if not isinstance(body, list):
        check(model, body)  # answers with the type error at the root
        return
    for index, item in enumerate(body):
        check(model, item, (index,))


def _run(rule: Check, data: Any) -> None:
    if isinstance(rule, type):
        check(rule, data if data is not None else {})
        return
    rule(data)


#: path parameters that are not snowflakes, and the words Discord accepts in place of an id
NOT_SNOWFLAKES = frozenset({"token", "webhook_token", "emoji", "invite_code"})
ALIASES = frozenset({"@me", "@original"})


def check_path(params: dict[str, str]) -> None:
    """Ids in the path must be snowflakes (``/channels/abc`` is a 400, as on Discord)."""
    for name, value in params.items():
        if name in NOT_SNOWFLAKES or value in ALIASES:
            continue
        if not value.isdigit() or int(value) >= 1 << 64:
            raise field_error((name,), "NUMBER_TYPE_COERCE", f'Value "{value[:50]}" is not snowflake.')


def validate(route_key: str, body: Any, query: dict[str, str], params: dict[str, str] | None = None) -> None:
    """Raise the 400 Discord would answer for this route's path, body or query; nothing if all fit."""
    check_path(params or {})
    rule = RULES.get(route_key, NONE)
    if rule.query is not None:
        _run(rule.query, query)
    if rule.body is not None:
        _run(rule.body, body)
