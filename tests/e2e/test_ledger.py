"""The contact ledger end to end: counting from gateway events, /stats, /moment, /privacy, /vergeet-mij,
the whole demo leaving nothing personal in the database, and a SIGTERM in the middle of a burst."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, inspect, select, text

import bot.demo
from bot.db.engine import Database
from bot.db.models import LedgerContact, LedgerKey, LedgerOffline
from bot.demo import run_demo
from bot.demo.world import BOT_PERMISSIONS, World, build_world
from bot.domain.ledger import LedgerConfig, new_key, pseudonym
from bot.services.ledger import LedgerService
from bot.services.ledger.keys import KeyRing
from sandbox import DiscordSandbox
from sandbox.interactions import AUTOCOMPLETE
from tests.support.checks import present

EPHEMERAL = 64
LEDGER_TABLES = ("ledger_contacts", "ledger_keys", "ledger_offline", "ledger_weekly")


def ledger(world: World) -> LedgerService:
    assert world.runtime is not None
    return world.runtime.services.ledger


async def kinds(world: World) -> dict[str, int]:
    await ledger(world).flush()
    assert world.runtime is not None
    async with world.runtime.db.session() as session:
        result = await session.execute(
            select(LedgerContact.kind, func.count()).group_by(LedgerContact.kind).order_by(LedgerContact.kind)
        )
        return {kind: n for kind, n in result.all()}


async def join(world: World, name: str, roles: tuple[str, ...] = ()) -> int:
    user = world.sandbox.create_user(name)
    world.users[name] = user
    await world.sandbox.add_member(world.guild_id, user, roles=[world.roles[r] for r in roles])
    return user


async def test_joins_and_public_exchanges_are_counted_from_the_gateway(world: World) -> None:
    await join(world, "newbie")
    await join(world, "newstaff", ("outreacher",))
    await world.say("youth1", "general", "heeft iemand zin om te gamen vanavond")
    await world.say("youth1", "general", "of morgen?")
    await world.at(world.clock.now() + timedelta(minutes=3))
    await world.say("sam", "general", "leuk idee, in #chill is er plaats")  # answers youth1
    await world.say("youth1", "general", "top")  # same moment again
    await world.say("youth2", "chill", "niemand hier?")  # no staff in #chill
    await world.at(world.clock.now() + timedelta(minutes=20))
    await world.say("youth3", "general", "hallo?")  # Sam wrote 20 minutes ago: no exchange
    await world.say("lien", "general", "dag youth3!")  # the coordinator answers within the window
    await world.settle(10)
    assert await kinds(world) == {"join": 1, "public_exchange": 2}


async def test_stats_is_refused_server_side_to_non_coordinators(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[Any] = []
    service = ledger(world)
    real = service.report

    async def spy(*args: Any, **kwargs: Any) -> Any:
        computed.append(args)
        return await real(*args, **kwargs)

    monkeypatch.setattr(service, "report", spy)
    before = len(world.sandbox.requests)
    for user, locale, expected in (
        ("youth1", "nl", "Dit mag enkel de coördinator"),
        ("sam", "en-GB", "Only the coordinator"),
        ("noor", "nl", "Dit mag enkel de coördinator"),
    ):
        i = await world.slash(user, "stats", options={"periode": "year"}, locale=locale)
        body = await i.wait_response()
        assert body["data"]["flags"] & EPHEMERAL
        assert expected in body["data"]["content"]
        await world.settle()
        assert i.followups == []
    assert computed == []
    routes = {r.route for r in world.sandbox.requests[before:]}
    assert all(present(route).startswith("POST /interactions/") for route in routes)


async def _download(url: str) -> bytes:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return await response.read()


async def test_coordinator_gets_the_week_as_text_csv_and_png(world: World) -> None:
    for n in range(7):
        await join(world, f"joiner{n}")
    i = await world.slash("lien", "stats", options={"periode": "week"}, locale="en-US")
    assert (await i.wait_response())["data"]["flags"] & EPHEMERAL  # deferred, privately
    answer = await i.wait_followup(timeout=15)
    assert answer["flags"] & EPHEMERAL
    assert "Contact moments 2026-11-30 – 2026-12-06" in answer["content"]
    # seven people only joined: that is reach (new members), not seven contacts or seven youths
    summary = dict(re.findall(r"^(\S[^|\n]*?) +\| +(\S+)$", answer["content"], re.M))
    assert (summary["contact moments"], summary["unique youths"]) == ("0", "0")
    assert summary["new members of the server (reach: not a contact)"] == "7"
    files = {a["filename"]: a["url"] for a in answer["attachments"]}
    assert sorted(files) == ["happymood-2026-11-30-2026-12-06.csv", "happymood-2026-11-30-2026-12-06.png"]
    csv_text = (await _download(files["happymood-2026-11-30-2026-12-06.csv"])).decode()
    assert "new members of the server (reach: not a contact),7" in csv_text
    assert (await _download(files["happymood-2026-11-30-2026-12-06.png"])).startswith(b"\x89PNG")

    bad = await world.slash("lien", "stats", options={"van": "31/02/2026"}, locale="nl")
    body = await bad.wait_response()
    assert body["data"]["flags"] & EPHEMERAL and "31/02/2026" in body["data"]["content"]


async def test_moment_is_for_outreachers_and_stores_only_counts(world: World) -> None:
    world.settings = world.settings.model_copy(update={"ledger": LedgerConfig(places=["atheneum", "jeugdhuis-x"])})
    await world.restart()
    options = {"soort": "school", "plek": "atheneum", "aantal": 12, "datum": "01/12/2026"}
    for user, expected in (("youth1", "enkel een outreacher"), ("noor", "enkel een outreacher")):
        body = await (await world.slash(user, "moment", options=options)).wait_response()
        assert body["data"]["flags"] & EPHEMERAL and expected in body["data"]["content"]
    body = await (await world.slash("sam", "moment", options=options)).wait_response()
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith("Genoteerd: 12 jongere(n) op 01/12/2026, school – atheneum.")
    future = await world.slash("sam", "moment", options={**options, "datum": "24/12/2026"})
    assert "in de toekomst" in (await future.wait_response())["data"]["content"]
    assert world.runtime is not None
    async with world.runtime.db.session() as session:
        stored = [(o.place, o.youth_count) for o in (await session.scalars(select(LedgerOffline))).all()]
    assert stored == [("atheneum", 12)]

    # autocomplete of the place (sent the way Discord does while the outreacher types)
    schema = next(c for c in world.app.global_commands.values() if c["name"] == "moment")
    data = {
        "id": schema["id"],
        "name": "moment",
        "type": 1,
        "options": [{"name": "plek", "type": 3, "value": "jeugd", "focused": True}],
    }
    guild = world.sandbox.guilds[world.guild_id]
    channel = world.sandbox.channels[world.channels["general"]]
    auto = await world.sandbox._send_interaction(
        world.app, AUTOCOMPLETE, data, guild, channel, world.users["sam"], "nl"
    )
    choices = (await auto.wait_response())["data"]["choices"]
    assert choices == [{"name": "jeugdhuis-x", "value": "jeugdhuis-x"}]


async def test_privacy_is_dutch_first_then_english(world: World) -> None:
    body = await (await world.slash("youth1", "privacy", locale="en-GB")).wait_response()
    content = body["data"]["content"]
    assert body["data"]["flags"] & EPHEMERAL
    assert content.index("Wat houdt Happy Mood bij?") < content.index("What does Happy Mood keep?")
    assert "na 730 dagen" in content.lower() and "onder 5" in content and "elk jaar" in content
    assert "90 dagen na het einde van het incident" in content and "90 days after the incident ended" in content
    assert len(content) <= 2000


async def test_forget_me_asks_for_confirmation_then_unlinks(world: World) -> None:
    forgotten: list[tuple[int, int]] = []

    async def feature_forget(guild_id: int, user_id: int) -> None:
        forgotten.append((guild_id, user_id))

    ledger(world).forget_registry.register("test-feature", feature_forget)
    user = await join(world, "leaving")
    await world.say("leaving", "general", "hoi allemaal")
    await world.say("sam", "general", "welkom!")
    await world.settle(10)
    assert await kinds(world) == {"join": 1, "public_exchange": 1}

    ask = await (await world.slash("leaving", "vergeet-mij")).wait_response()
    assert ask["data"]["flags"] & EPHEMERAL
    assert ask["data"]["content"].index("Zeker?") < ask["data"]["content"].index("Sure?")
    assert forgotten == []

    i = await world.slash("leaving", "vergeet-mij", options={"bevestig": True})
    done = await i.wait_followup()
    assert done["flags"] & EPHEMERAL and done["content"].startswith("Klaar.")
    assert forgotten == [(world.guild_id, user)]
    assert world.runtime is not None
    async with world.runtime.db.session() as session:
        secrets = (await session.scalars(select(LedgerKey.secret))).all()
        aliases = set((await session.scalars(select(LedgerContact.pseudonym))).all())
    assert len(aliases) == 1  # one random pseudonym for both of their moments
    assert not aliases & {pseudonym(user, s) for s in secrets}
    assert await kinds(world) == {"join": 1, "public_exchange": 1}  # the counts stay


# --------------------------------------------------------------------------- the whole demo, scanned


async def _dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the database, as plain Python values."""
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            dump: dict[str, list[dict[str, Any]]] = {}
            for table in tables:
                result = await conn.execute(text(f'SELECT * FROM "{table}"'))
                dump[table] = [dict(row._mapping) for row in result]
        return dump
    finally:
        await db.dispose()


def _texts(row: dict[str, Any]) -> list[str]:
    out = []
    for value in row.values():
        if isinstance(value, bytes | memoryview):
            out.append(bytes(value).decode("latin-1"))
        elif isinstance(value, dict | list):
            out.append(json.dumps(value, ensure_ascii=False))
        elif value is not None:
            out.append(str(value))
    return out


@pytest.fixture
async def demo_database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[str, World]]:
    captured: list[World] = []
    build = build_world

    async def capture(*args: Any, **kwargs: Any) -> World:
        world = await build(*args, **kwargs)
        captured.append(world)
        return world

    monkeypatch.setattr(bot.demo, "build_world", capture)
    assert await run_demo(database=db_url, out=io.StringIO()) == 0
    yield db_url, captured[0]


async def test_the_demo_leaves_no_content_ids_or_names_in_the_database(
    demo_database: tuple[str, World], tmp_path: Path
) -> None:
    url, world = demo_database
    sandbox = world.sandbox
    people = {uid: u for uid, u in sandbox.users.items() if uid not in sandbox.bots}
    user_ids = {str(uid) for uid in sandbox.users}
    names = {n for u in people.values() for n in (u.username, u.global_name) if n and len(n) >= 3}
    said = [m.content for m in sandbox.message_index.values() if m.author_id in people]
    said += [m.content for m in sandbox.deleted_messages if m.author_id in people]
    contents = {c.strip() for c in said if len(c.strip()) >= 8}
    assert len(contents) >= 5 and len(names) >= 10  # the demo did talk and had people

    dump = await _dump(url)
    assert set(LEDGER_TABLES) <= set(dump)
    assert dump["ledger_contacts"], "the demo counted nobody"
    problems = []
    for table, table_rows in dump.items():
        for row in table_rows:
            for value in _texts(row):
                problems += [f"{table}: message content" for c in contents if c in value]
                problems += [f"{table}: name {n}" for n in names if n in value.split() or f'"{n}"' in value]
                if table in LEDGER_TABLES:  # other features keep IDs on purpose (desk threads, lockdowns)
                    problems += [f"{table}: user id" for uid in user_ids if uid in value]
                    problems += [f"{table}: name {n}" for n in names if n.lower() in value.lower()]
    assert problems == []

    # the pseudonyms link to youths only through the keys table (and never without a key)
    stored = {row["pseudonym"] for row in dump["ledger_contacts"]}
    secrets = [bytes(row["secret"]) for row in dump["ledger_keys"]]
    linked = {pseudonym(int(uid), s) for uid in user_ids for s in secrets} & stored
    assert linked
    guesses = {hashlib.sha256(uid.encode()).hexdigest()[:32] for uid in user_ids}
    guesses |= {pseudonym(int(uid), new_key()) for uid in user_ids}
    assert not guesses & stored

    # destroy the keys (what retention does once a period's retention ended): the link is gone for good
    db = Database(url)
    try:
        ring = KeyRing(db, world.clock)
        await ring.destroy_ended(world.guild_id, datetime(2100, 1, 1, tzinfo=UTC), UTC)
    finally:
        await db.dispose()
    after = await _dump(url)
    assert after["ledger_keys"] == []
    assert {row["pseudonym"] for row in after["ledger_contacts"]} == stored  # the counts stay
    blobs = [bytes(v) for rows in after.values() for r in rows for v in r.values() if isinstance(v, bytes | memoryview)]
    assert not {pseudonym(int(uid), b) for uid in user_ids for b in blobs if len(b) >= 16} & stored


# ------------------------------------------------------------------ SIGTERM in the middle of a burst


async def _collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode(errors="replace"))


async def test_sigterm_during_a_burst_of_joins_loses_no_received_contact(db_url: str, tmp_path: Path) -> None:
    sandbox = DiscordSandbox()
    await sandbox.start()
    app = sandbox.create_bot("Happy Mood")
    owner = sandbox.create_user("owner")
    guild = sandbox.create_guild("Happy Mood", owner_id=owner)
    await sandbox.add_bot_to_guild(guild, app, permissions=BOT_PERMISSIONS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAPPYMOOD_")}
    env.update(
        HAPPYMOOD_DISCORD__API_BASE=sandbox.api_base,
        HAPPYMOOD_DISCORD__GATEWAY_URL=sandbox.gateway_url,
        HAPPYMOOD_DISCORD__TOKEN=app.token,
        HAPPYMOOD_DISCORD__GUILD_READY_TIMEOUT="0.1",
        HAPPYMOOD_DATABASE__URL=db_url,
        HAPPYMOOD_GENERAL__DATA_DIR=str(tmp_path),
        HAPPYMOOD_GENERAL__LOG_FORMAT="json",
        HAPPYMOOD_LEDGER__FLUSH_INTERVAL_SECONDS="300",  # nothing is written before the shutdown flush
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    lines: list[str] = []
    readers = [asyncio.create_task(_collect(s, lines)) for s in (proc.stdout, proc.stderr) if s is not None]
    try:
        deadline = asyncio.get_running_loop().time() + 20
        while not any('"bot ready"' in line for line in lines):
            assert proc.returncode is None, "".join(lines)[-3000:]
            assert asyncio.get_running_loop().time() < deadline, "".join(lines)[-3000:]
            await asyncio.sleep(0.05)
        delivered_before_signal = 0
        joined_before = datetime(2024, 9, 1, tzinfo=UTC)  # accounts with history: a school, not a raid's join flood
        for n in range(300):
            user = sandbox.create_user(f"joiner{n}", created_at=joined_before)
            await sandbox.add_member(guild, user)
            if n == 149:
                await asyncio.sleep(0.2)  # let the bot read what was delivered so far
                delivered_before_signal = n + 1
                proc.send_signal(signal.SIGTERM)
            elif n > 149:
                await asyncio.sleep(0.004)  # the rest of the burst arrives while the bot shuts down
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        await asyncio.gather(*readers)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await sandbox.stop()

    events = [json.loads(line) for line in lines if line.startswith("{")]
    states = [e for e in events if e.get("event") in ("ledger closed", "ledger drained")]
    assert [e["event"] for e in states] == ["ledger closed", "ledger drained"]
    final = states[-1]  # what the bot took in, by the end of its shutdown
    assert (final["pending"], final["dropped"]) == (0, 0)
    accepted = final["accepted"]
    db = Database(db_url)
    try:
        async with db.session() as session:
            stored = await session.scalar(select(func.count()).select_from(LedgerContact))
    finally:
        await db.dispose()
    assert stored == accepted  # every contact the bot took in is in the ledger
    assert delivered_before_signal <= accepted <= 300
