"""The sandbox refuses what Discord refuses and answers what Discord documents.

Judged against Discord's own OpenAPI description (``../shared/discord-api-spec``; skipped with the reason
where this machine has none) with the leniencies its README lists:

* every invalid request below is answered 400 with Discord's error body and changes nothing, and the spec
  agrees that each one is invalid (except the limits Discord keeps that the spec leaves out);
* the whole demo (the real bot, every chapter) runs against the sandbox and each request the bot made and
  each response it got conforms: no unknown route, no invalid body or query, no undocumented status;
* whatever the end-to-end tests of this pytest session recorded (``HAPPYMOOD_SANDBOX_TRAFFIC``, set by
  ``tests/conftest.py``) conforms the same way.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox import DiscordSandbox
from sandbox.rest import TRAFFIC_ENV, routes
from sandbox.validation import RULES
from tests.sandbox.spec import DiscordSpec, spec_dir
from tests.sandbox.support import World

SPEC_DIR = spec_dir()
needs_spec = pytest.mark.skipif(SPEC_DIR is None, reason="Discord's spec (../shared/discord-api-spec) is not here")


@pytest.fixture(scope="module")
def spec() -> DiscordSpec:
    assert SPEC_DIR is not None
    return DiscordSpec(SPEC_DIR)


@dataclass(frozen=True)
class Bad:
    """One invalid request: where it goes, what it sends, and the error-tree path that must name it."""

    name: str
    method: str
    path: str
    body: Any = None
    query: dict[str, str] | None = None
    errors_at: tuple[str, ...] = ()
    #: False for Discord limits neither the spec nor its README states (6,000 characters of embeds, …)
    in_spec: bool = True
    #: the spec's schema for the body when its route takes an ``anyOf`` a looser variant would match
    #: (``PATCH /channels/{id}`` also accepts a DM's body)
    schema: str | None = None


LONG = "x" * 257
GUILD_CHANNEL = "UpdateGuildChannelRequestPartial"
BAD: list[Bad] = [
    # the eleven the issue found accepted
    Bad("content as an object", "POST", "/channels/{general}/messages", {"content": {"a": 1}}, errors_at=("content",)),
    Bad("257-char embed title", "POST", "/channels/{general}/messages", {"embeds": [{"title": LONG}]},
        errors_at=("embeds", "0", "title")),
    Bad("embed colour > 0xFFFFFF", "POST", "/channels/{general}/messages", {"embeds": [{"color": 0x1000000}]},
        errors_at=("embeds", "0", "color")),
    Bad("unknown allowed_mentions.parse", "POST", "/channels/{general}/messages",
        {"content": "hi", "allowed_mentions": {"parse": ["users", "admins"]}},
        errors_at=("allowed_mentions", "parse", "1")),
    Bad("26-char nonce", "POST", "/channels/{general}/messages", {"content": "hi", "nonce": "n" * 26},
        errors_at=("nonce",)),
    Bad("rate_limit_per_user 21601", "PATCH", "/channels/{general}", {"rate_limit_per_user": 21601},
        errors_at=("rate_limit_per_user",), schema=GUILD_CHANNEL),
    Bad("duplicate member roles", "PATCH", "/guilds/{guild}/members/{alice}",
        {"roles": ["{helper_role}", "{helper_role}"]}, errors_at=("roles",)),
    Bad("mute 'yes'", "PATCH", "/guilds/{guild}/members/{alice}", {"mute": "yes"}, errors_at=("mute",)),
    Bad("hoist 'yes'", "POST", "/guilds/{guild}/roles", {"name": "x", "hoist": "yes"}, errors_at=("hoist",)),
    Bad("role colour > 0xFFFFFF", "POST", "/guilds/{guild}/roles", {"name": "x", "color": 0x1000000},
        errors_at=("color",)),
    Bad("with_counts=maybe", "GET", "/guilds/{guild}", query={"with_counts": "maybe"}, errors_at=("with_counts",)),
    # messages
    Bad("2,001 characters of content", "POST", "/channels/{general}/messages", {"content": "x" * 2001},
        errors_at=("content",)),  # the README's limit for bots (the schema says 4,000)
    Bad("11 embeds", "POST", "/channels/{general}/messages", {"embeds": [{"title": "t"}] * 11},
        errors_at=("embeds",)),
    Bad("embed field without value", "POST", "/channels/{general}/messages",
        {"embeds": [{"fields": [{"name": "n"}]}]}, errors_at=("embeds", "0", "fields", "0", "value")),
    Bad("4,097-char embed description", "POST", "/channels/{general}/messages",
        {"embeds": [{"description": "d" * 4097}]}, errors_at=("embeds", "0", "description")),
    Bad("6,001 characters of embeds", "POST", "/channels/{general}/messages",
        {"embeds": [{"description": "d" * 3000}, {"description": "d" * 3001}]}, errors_at=("embeds",), in_spec=False),
    Bad("81-char button label", "POST", "/channels/{general}/messages",
        {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "a", "label": "l" * 81}]}]},
        errors_at=("components", "0", "components", "0", "label")),
    Bad("six buttons in a row", "POST", "/channels/{general}/messages",
        {"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "custom_id": f"b{i}", "label": "l"} for i in range(6)]}]},
        errors_at=("components", "0", "components")),
    Bad("tts 'yes'", "POST", "/channels/{general}/messages", {"content": "hi", "tts": "yes"}, errors_at=("tts",)),
    Bad("reply without message_id", "POST", "/channels/{general}/messages",
        {"content": "hi", "message_reference": {"channel_id": "{general}"}},
        errors_at=("message_reference", "message_id")),
    Bad("edit: content as a list", "PATCH", "/channels/{general}/messages/{seeded}", {"content": ["x"]},
        errors_at=("content",)),
    Bad("history limit=101", "GET", "/channels/{general}/messages", query={"limit": "101"}, errors_at=("limit",)),
    Bad("history limit=abc", "GET", "/channels/{general}/messages", query={"limit": "abc"}, errors_at=("limit",)),
    Bad("history before=abc", "GET", "/channels/{general}/messages", query={"before": "abc"}, errors_at=("before",)),
    Bad("bulk delete of one message", "POST", "/channels/{general}/messages/bulk-delete",
        {"messages": ["{seeded}"]}, errors_at=("messages",)),
    Bad("pins limit=51", "GET", "/channels/{general}/messages/pins", query={"limit": "51"}, errors_at=("limit",)),
    Bad("channel id not a snowflake", "GET", "/channels/abc", errors_at=("channel_id",)),
    # channels and threads
    Bad("1,025-char topic", "PATCH", "/channels/{general}", {"topic": "t" * 1025}, errors_at=("topic",),
        in_spec=False),
    Bad("nsfw 'no'", "PATCH", "/channels/{general}", {"nsfw": "no"}, errors_at=("nsfw",), schema=GUILD_CHANNEL),
    Bad("channel without a name", "POST", "/guilds/{guild}/channels", {"type": 0}, errors_at=("name",)),
    Bad("channel of type 99", "POST", "/guilds/{guild}/channels", {"name": "x", "type": 99}, errors_at=("type",)),
    Bad("overwrite of type 2", "PUT", "/channels/{general}/permissions/{alice}", {"type": 2, "allow": "0"},
        errors_at=("type",)),
    Bad("overwrite allow 'lots'", "PUT", "/channels/{general}/permissions/{alice}", {"type": 1, "allow": "lots"},
        errors_at=("allow",)),
    Bad("thread archive after 61 minutes", "POST", "/channels/{general}/threads",
        {"name": "t", "type": 12, "auto_archive_duration": 61}, errors_at=("auto_archive_duration",)),
    Bad("101-char thread name", "POST", "/channels/{general}/threads", {"name": "t" * 101, "type": 12},
        errors_at=("name",)),
    Bad("thread of type 0", "POST", "/channels/{general}/threads", {"name": "t", "type": 0}, errors_at=("type",)),
    Bad("invite for 101 uses", "POST", "/channels/{general}/invites", {"max_uses": 101}, errors_at=("max_uses",),
        schema="CreateGuildInviteRequest"),
    # guild, roles, members, bans
    Bad("one-char guild name", "PATCH", "/guilds/{guild}", {"name": "x"}, errors_at=("name",)),
    Bad("unknown locale", "PATCH", "/guilds/{guild}", {"preferred_locale": "xx"}, errors_at=("preferred_locale",)),
    Bad("role permissions 'all'", "POST", "/guilds/{guild}/roles", {"name": "x", "permissions": "all"},
        errors_at=("permissions",)),
    Bad("empty role name", "PATCH", "/guilds/{guild}/roles/{helper_role}", {"name": ""}, errors_at=("name",)),
    Bad("33-char nickname", "PATCH", "/guilds/{guild}/members/{alice}", {"nick": "n" * 33}, errors_at=("nick",)),
    Bad("timeout as a number", "PATCH", "/guilds/{guild}/members/{alice}",
        {"communication_disabled_until": 1234}, errors_at=("communication_disabled_until",)),
    Bad("members limit=1001", "GET", "/guilds/{guild}/members", query={"limit": "1001"}, errors_at=("limit",)),
    Bad("member search without query", "GET", "/guilds/{guild}/members/search", query={"limit": "5"},
        errors_at=("query",)),
    Bad("ban deleting 8 days", "PUT", "/guilds/{guild}/bans/{alice}", {"delete_message_seconds": 691200},
        errors_at=("delete_message_seconds",)),
    Bad("bulk ban of one user twice", "POST", "/guilds/{guild}/bulk-ban", {"user_ids": ["{alice}", "{alice}"]},
        errors_at=("user_ids",)),
    Bad("audit log limit=0", "GET", "/guilds/{guild}/audit-logs", query={"limit": "0"}, errors_at=("limit",)),
    Bad("incident action as a number", "PUT", "/guilds/{guild}/incident-actions", {"invites_disabled_until": 5},
        errors_at=("invites_disabled_until",)),
    Bad("public scheduled event", "POST", "/guilds/{guild}/scheduled-events",
        {"name": "e", "scheduled_start_time": "2030-01-01T10:00:00+00:00", "privacy_level": 1, "entity_type": 3,
         "entity_metadata": {"location": "x"}, "scheduled_end_time": "2030-01-01T11:00:00+00:00"},
        errors_at=("privacy_level",)),
    # application, commands, user
    Bad("33-char command name", "PUT", "/applications/{app}/commands", [{"name": "c" * 33, "description": "d"}],
        errors_at=("0", "name")),
    Bad("command permissions 'staff'", "POST", "/applications/{app}/commands",
        {"name": "c", "description": "d", "default_member_permissions": "staff"},
        errors_at=("default_member_permissions",)),
    Bad("one-char username", "PATCH", "/users/@me", {"username": "x"}, errors_at=("username",)),
    Bad("DM without recipient", "POST", "/users/@me/channels", {}, errors_at=("recipient_id",), in_spec=False),
]  # fmt: skip


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _ids(w: World, seeded: int) -> dict[str, str]:
    return {
        "general": str(w.general),
        "guild": str(w.guild),
        "alice": str(w.alice),
        "helper_role": str(w.helper_role),
        "app": str(w.bot.application_id),
        "seeded": str(seeded),
    }


def _error_node(errors: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = errors
    for part in path:
        assert part in node, f"no error at {'.'.join(path)} in {json.dumps(errors)[:400]}"
        node = node[part]
    return node


def _snapshot(sb: DiscordSandbox, w: World) -> Any:
    guild = sb.guilds[w.guild]
    general = sb.channels[w.general]
    return (
        len(sb.message_index),
        [(r.id, r.name, r.color, r.hoist) for r in guild.roles.values()],
        [(m.user_id, tuple(m.roles), m.nick, m.mute) for m in guild.members.values()],
        (general.name, general.topic, general.rate_limit_per_user, general.nsfw, dict(general.overwrites)),
        len(guild.channels),
        len(guild.bans),
        (guild.name, guild.preferred_locale, dict(guild.incidents_data)),
        len(guild.scheduled_events),
        dict(w.bot.global_commands),
        sb.users[w.bot.user_id].username,
    )


async def test_every_route_has_a_validation_rule() -> None:
    assert set(routes.all()) == set(RULES)


async def test_invalid_requests_are_refused_like_discord(world: World) -> None:
    w = world
    sb = w.sb
    seeded = sb.seed_bot_message(w.general, w.bot, "an earlier panel")
    ids = _ids(w, seeded)
    spec = DiscordSpec(SPEC_DIR) if SPEC_DIR is not None else None
    before = _snapshot(sb, w)
    refused: list[str] = []
    auth = {"Authorization": f"Bot {w.bot.token}"}
    async with aiohttp.ClientSession() as session:
        for bad in BAD:
            path = _fill(bad.path, ids)
            body = _fill(bad.body, ids)
            kwargs: dict[str, Any] = {"params": bad.query} if bad.query else {}
            if body is not None:
                kwargs["json"] = body
            async with session.request(bad.method, sb.api_base + path, headers=auth, **kwargs) as resp:
                answer = await resp.json()
                assert resp.status == 400, f"{bad.name}: {resp.status} {answer}"
            assert answer["code"] == 50035 and answer["message"] == "Invalid Form Body", (bad.name, answer)
            node = _error_node(answer["errors"], bad.errors_at)
            assert node["_errors"], bad.name
            assert all(isinstance(e["code"], str) and e["message"] for e in node["_errors"]), (bad.name, node)
            if spec is not None:
                assert spec.check_response(bad.method, path, 400, answer) == [], bad.name
                problems = spec.check_request(bad.method, path, bad.query or {}, body)
                if bad.schema is not None:
                    problems = spec.errors({"$ref": f"#/components/schemas/{bad.schema}"}, body, "body")
                assert bool(problems) == bad.in_spec, f"{bad.name}: the spec says {problems or 'valid'}"
            refused.append(bad.name)
    assert refused == [b.name for b in BAD]
    assert _snapshot(sb, w) == before  # nothing changed
    assert sb.internal_errors == []


async def test_the_edges_of_valid_are_accepted(world: World) -> None:
    w = world
    sb = w.sb
    auth = {"Authorization": f"Bot {w.bot.token}"}
    message = {
        "content": "x" * 2000,
        "nonce": "n" * 25,
        "embeds": [{"title": "t" * 256, "color": 0xFFFFFF, "fields": [{"name": "n", "value": "v", "inline": True}]}],
        "allowed_mentions": {"parse": ["users"], "replied_user": False},
        "components": [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "ok", "label": "l" * 80}]}],
    }
    commands = [
        {"name": "staff", "description": "d", "default_member_permissions": 1 << 5},
        {"name": "open", "description": "d", "default_member_permissions": None, "name_localizations": {"en-US": "o"}},
    ]
    async with aiohttp.ClientSession() as session:
        calls = [
            ("POST", f"/channels/{w.general}/messages", message, None, 200),
            ("PATCH", f"/channels/{w.general}", {"rate_limit_per_user": 21600}, None, 200),
            (
                "PATCH",
                f"/guilds/{w.guild}/members/{w.alice}",
                {"roles": [w.helper_role], "communication_disabled_until": None},
                None,
                200,
            ),
            ("POST", f"/guilds/{w.guild}/roles", {"name": "r", "hoist": True, "color": 0xFFFFFF}, None, 200),
            ("GET", f"/guilds/{w.guild}", None, {"with_counts": "1"}, 200),
            ("GET", f"/guilds/{w.guild}", None, {"with_counts": "true"}, 200),
            ("POST", f"/channels/{w.general}/threads", {"name": "t", "type": 12}, None, 201),
            ("PUT", f"/applications/{w.bot.application_id}/commands", commands, None, 200),
        ]
        for method, path, body, query, status in calls:
            kwargs: dict[str, Any] = {"params": query} if query else {}
            if body is not None:
                kwargs["json"] = body
            async with session.request(method, sb.api_base + path, headers=auth, **kwargs) as resp:
                assert resp.status == status, (method, path, await resp.text())
                answer = await resp.json()
            if SPEC_DIR is not None:
                spec = DiscordSpec(SPEC_DIR)
                assert spec.check_request(method, path, query or {}, body) == []
                assert spec.check_response(method, path, status, answer) == [], (method, path)
    synced = {c["name"]: c["default_member_permissions"] for c in w.bot.global_commands.values()}
    assert synced == {"staff": "32", "open": None}  # a string, as Discord answers it
    sent = sb.channel_messages(w.general)[-1]
    payload = sb.message_payload(sent)
    assert payload["embeds"][0]["type"] == "rich"
    assert payload["components"][0]["id"] == 1 and payload["components"][0]["components"][0]["id"] == 2


def _conformance(spec: DiscordSpec, exchanges: list[dict[str, Any]]) -> tuple[int, list[str]]:
    return len(exchanges), spec.check_many(exchanges)


@needs_spec
async def test_the_demo_traffic_conforms_to_discords_spec(spec: DiscordSpec, tmp_path: Path) -> None:
    """The real bot runs every demo chapter; each request it made and each response it got must conform."""
    from bot.demo.chapters import CHAPTERS
    from bot.demo.timeline import Timeline
    from bot.demo.world import build_world, close_world

    world = await build_world(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}", tmp_path)
    try:
        timeline = Timeline(io.StringIO(), world.clock, world.sandbox)
        for chapter in CHAPTERS:
            await chapter(world, timeline)
        exchanges = [r.as_json() for r in world.sandbox.requests]
        assert world.sandbox.unknown_routes == []
        assert world.sandbox.internal_errors == []
    finally:
        await close_world(world)
    total, problems = _conformance(spec, exchanges)
    assert total > 50
    assert [e["path"] for e in exchanges if e["status"] == 400] == []  # the bot sent nothing Discord refuses
    assert problems == [], "\n".join(problems[:40])


@needs_spec
def test_traffic_recorded_this_session_conforms(spec: DiscordSpec) -> None:
    """Everything the sandbox saw in this pytest session (e2e tests included), request and response."""
    path = os.environ.get(TRAFFIC_ENV)
    if not path or not Path(path).exists():
        pytest.skip(f"no traffic recorded ({TRAFFIC_ENV} unset or empty)")
    exchanges = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    # requests a test sent on purpose to see them refused are judged by their answer only
    deliberate = [e for e in exchanges if e["status"] == 400 and (e.get("response") or {}).get("code") == 50035]
    total, problems = _conformance(spec, [e for e in exchanges if e not in deliberate])
    problems += spec.check_many(deliberate, request=False)
    assert problems == [], f"{len(problems)} problems in {total} exchanges:\n" + "\n".join(problems[:40])


async def test_the_recorder_writes_one_line_per_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "traffic.jsonl"
    monkeypatch.setenv(TRAFFIC_ENV, str(target))
    async with DiscordSandbox() as sb:
        bot = sb.create_bot()
        auth = {"Authorization": f"Bot {bot.token}"}
        async with aiohttp.ClientSession() as session:
            for path in ("/users/@me", "/channels/abc"):
                async with session.get(sb.api_base + path, headers=auth) as resp:
                    await resp.read()
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [(e["route"], e["status"]) for e in lines] == [("GET /users/@me", 200), ("GET /channels/{channel_id}", 400)]
    assert lines[0]["response"]["id"] == str(bot.user_id)


GARBAGE: list[Any] = [
    [],
    "text",
    7,
    {"name": {}, "content": 5, "type": "x", "roles": "x", "permissions": [], "id": {}, "position": "top"},
    {"user_ids": [{}], "messages": "all", "embeds": {}, "components": [7], "data": [], "options": [1]},
    [{"id": "x", "position": {}}, 3],
]
PATH_IDS = {"channel_id": "general", "guild_id": "guild", "user_id": "alice", "role_id": "helper_role",
            "message_id": "seeded", "application_id": "app", "overwrite_id": "alice"}  # fmt: skip


async def test_no_body_makes_a_handler_crash(world: World) -> None:
    """Garbage bodies and queries to every route: refused or ignored like Discord does, never a handler error."""
    w = world
    sb = w.sb
    ids = _ids(w, sb.seed_bot_message(w.general, w.bot, "an earlier panel"))
    auth = {"Authorization": f"Bot {w.bot.token}"}
    garbage_query = {k: "x" for k in ("limit", "after", "before", "around", "with_counts", "with_member", "query")}
    async with aiohttp.ClientSession() as session:
        for route in routes.all():
            method, template = route.split(" ", 1)
            path = "/".join(
                ids[PATH_IDS[s[1:-1]]] if s[1:-1] in PATH_IDS else ("1" if s.startswith("{") else s)
                for s in template.split("/")
            )
            if method == "GET":
                async with session.get(sb.api_base + path, headers=auth, params=garbage_query) as resp:
                    assert resp.status < 500, (route, resp.status)
                assert sb.internal_errors == [], route
            if method not in ("POST", "PUT", "PATCH"):
                continue
            for body in GARBAGE:
                async with session.request(method, sb.api_base + path, headers=auth, json=body) as resp:
                    assert resp.status < 500, (route, body, resp.status)
                assert sb.internal_errors == [], (route, body)


async def test_invalid_interaction_responses_are_refused(world: World) -> None:
    """Callbacks, follow-ups and edits of ``@original`` go through the same message rules."""
    w = world
    sb = w.sb
    inter = await sb.run_slash_command(w.guild, w.general, w.alice, "ping")
    app, token = w.bot.application_id, inter.token
    callback = f"/interactions/{inter.id}/{token}/callback"
    cases: list[tuple[str, str, Any, tuple[str, ...]]] = [
        ("POST", callback, {"type": 99}, ("type",)),
        ("POST", callback, {"type": 4, "data": {"content": {"a": 1}}}, ("data", "content")),
        ("POST", callback, {"type": 4, "data": {"embeds": [{"color": -1}]}}, ("data", "embeds", "0", "color")),
        ("POST", callback, {"type": 9, "data": {"custom_id": "m", "title": "t" * 46, "components": [{}]}},
         ("data", "title")),
    ]  # fmt: skip
    auth = {"Authorization": f"Bot {w.bot.token}"}
    async with aiohttp.ClientSession() as session:
        for method, path, body, at in cases:
            async with session.request(method, sb.api_base + path, headers=auth, json=body) as resp:
                answer = await resp.json()
                assert resp.status == 400, (body, answer)
            assert answer["code"] == 50035 and _error_node(answer["errors"], at)["_errors"]
        assert inter.responses == []  # none of them counted as the response
        async with session.post(sb.api_base + callback, json={"type": 4, "data": {"content": "ok"}}) as resp:
            assert resp.status == 204
        webhook = f"/webhooks/{app}/{token}"
        for method, path, body, at in [
            ("POST", webhook, {"content": "x" * 2001}, ("content",)),
            ("PATCH", f"{webhook}/messages/@original", {"allowed_mentions": {"parse": "users"}},
             ("allowed_mentions", "parse")),
        ]:  # fmt: skip
            async with session.request(method, sb.api_base + path, json=body) as resp:
                answer = await resp.json()
                assert resp.status == 400, (body, answer)
            assert _error_node(answer["errors"], at)["_errors"]
    assert inter.followups == [] and inter.edits == []
