"""Lockdown plan, apply and restore against an in-memory guild: exact undo, refused steps, concurrent changes."""

from __future__ import annotations

from datetime import timedelta

from bot.services.antispam import LOCK_BITS
from bot.services.antispam.lockdown import PAUSE_AHEAD, apply, plan, renew, restore
from bot.services.antispam.port import ADD_REACTIONS, SEND_MESSAGES
from bot.services.antispam.settings import AntispamSettings

from .fakes import CHILL, EVERYONE, GENERAL, MIDNIGHT, STUDY, FakeGuild, FakePort

EMBED = 1 << 14
SETTINGS = AntispamSettings(slowmode_seconds=30, slowmode_channel_ids=frozenset({GENERAL, CHILL}))


def guild() -> FakeGuild:
    g = FakeGuild()
    g.overwrites = {
        GENERAL: (EMBED, 0),  # no lock bit allowed: left alone
        CHILL: (SEND_MESSAGES | ADD_REACTIONS | EMBED, 1 << 15),  # explicitly allows posting: neutralised
        STUDY: (0, SEND_MESSAGES),  # already denies: left alone
    }
    return g


async def test_plan_records_exactly_what_will_change() -> None:
    g = guild()
    port = FakePort(g)
    lock = plan(await port.read_state(fresh=False), SETTINGS, MIDNIGHT)
    assert lock.everyone_permissions == EVERYONE
    assert lock.removed == LOCK_BITS
    assert [(c.channel_id, c.allow, c.deny, c.removed) for c in lock.channels if c.allow is not None] == [
        (CHILL, SEND_MESSAGES | ADD_REACTIONS | EMBED, 1 << 15, SEND_MESSAGES | ADD_REACTIONS)
    ]
    # CHILL already has 5 s slowmode, GENERAL none: both get 30 s and remember what they had.
    assert {c.channel_id: (c.slowmode_before, c.slowmode_set) for c in lock.channels} == {
        GENERAL: (0, 30),
        CHILL: (5, 30),
    }
    assert lock.paused_until == MIDNIGHT + PAUSE_AHEAD
    assert timedelta(hours=23, minutes=59) == PAUSE_AHEAD  # at most 24 h ahead, as Discord requires


async def test_apply_then_restore_gives_back_the_exact_state() -> None:
    g = guild()
    before = g.snapshot()
    port = FakePort(g)
    state = await port.read_state(fresh=False)
    lock = plan(state, SETTINGS, MIDNIGHT)
    assert await apply(port, lock, state, "raid") == []
    assert port.calls[1] == ("role", EVERYONE & ~LOCK_BITS)  # the role edit goes first
    assert g.everyone & LOCK_BITS == 0
    assert g.overwrites[CHILL] == (EMBED, 1 << 15)
    assert g.overwrites[GENERAL] == (EMBED, 0) and g.overwrites[STUDY] == (0, SEND_MESSAGES)
    assert g.slowmode[GENERAL] == 30 and g.slowmode[CHILL] == 30
    assert g.invites_until == g.dms_until == MIDNIGHT + PAUSE_AHEAD

    later = MIDNIGHT + timedelta(minutes=40)
    assert await restore(port, lock, await port.read_state(fresh=True), later, "quiet") == []
    assert g.snapshot() == before


async def test_restore_keeps_what_a_moderator_changed_meanwhile_and_an_earlier_pause() -> None:
    g = guild()
    earlier_pause = MIDNIGHT + timedelta(hours=2)
    g.invites_until = earlier_pause
    port = FakePort(g)
    state = await port.read_state(fresh=False)
    lock = plan(state, SETTINGS, MIDNIGHT)
    await apply(port, lock, state, "raid")
    g.everyone |= 1 << 20  # a moderator grants "connect" during the lockdown
    g.slowmode[GENERAL] = 60  # and sets another slowmode by hand
    await restore(port, lock, await port.read_state(fresh=True), MIDNIGHT + timedelta(minutes=31), "quiet")
    assert g.everyone == EVERYONE | (1 << 20)
    assert g.slowmode == {GENERAL: 60, CHILL: 5, STUDY: 0, 14: 0, 15: 0}
    assert g.invites_until == earlier_pause  # still in the future: given back
    assert g.dms_until is None


async def test_a_refused_step_is_reported_and_the_others_still_happen() -> None:
    g = guild()
    port = FakePort(g)
    port.forbid = {"invites_dms", "overwrite"}
    state = await port.read_state(fresh=False)
    lock = plan(state, SETTINGS, MIDNIGHT)
    blocked = await apply(port, lock, state, "raid")
    assert sorted((b.step, b.permission, b.target) for b in blocked) == [
        ("invites_dms", "manage_guild", None),
        ("overwrite", "manage_roles", CHILL),
    ]
    assert g.everyone & LOCK_BITS == 0 and g.slowmode[GENERAL] == 30
    assert g.invites_until is None


async def test_renew_moves_only_the_paused_value_forward() -> None:
    g = guild()
    g.dms_until = MIDNIGHT + timedelta(hours=1)
    port = FakePort(g)
    state = await port.read_state(fresh=False)
    lock = plan(state, AntispamSettings(pause_dms=False), MIDNIGHT)
    await apply(port, lock, state, "raid")
    assert (g.invites_until, g.dms_until) == (MIDNIGHT + PAUSE_AHEAD, MIDNIGHT + timedelta(hours=1))
    until = MIDNIGHT + timedelta(hours=6) + PAUSE_AHEAD
    await renew(port, lock, until, "renew")
    assert (g.invites_until, g.dms_until) == (until, MIDNIGHT + timedelta(hours=1))
