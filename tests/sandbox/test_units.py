"""Pure pieces of the sandbox: the permission algorithm, role ranking and snowflakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sandbox import permissions as P
from sandbox.permissions import Overwrite
from sandbox.snowflake import SnowflakeFactory, snowflake_time

GUILD = 100
MEMBER = 7


@dataclass
class R:
    id: int
    position: int
    permissions: int


ROLES = {
    GUILD: R(GUILD, 0, P.VIEW_CHANNEL | P.SEND_MESSAGES | P.EMBED_LINKS),
    1: R(1, 1, P.MANAGE_MESSAGES),
    2: R(2, 2, P.KICK_MEMBERS),
    3: R(3, 3, P.ADMINISTRATOR),
}


def perms(
    role_ids: list[int],
    overwrites: dict[int, Overwrite] | None = None,
    *,
    owner: bool = False,
    until: datetime | None = None,
    now: datetime | None = None,
) -> int:
    return P.effective_permissions(
        ROLES,
        role_ids,
        guild_id=GUILD,
        member_id=MEMBER,
        is_owner=owner,
        overwrites=overwrites,
        timed_out_until=until,
        now=now,
    )


def test_base_is_everyone_or_roles() -> None:
    assert perms([1]) == P.VIEW_CHANNEL | P.SEND_MESSAGES | P.EMBED_LINKS | P.MANAGE_MESSAGES


def test_administrator_and_owner_get_everything_despite_overwrites() -> None:
    deny_all = {GUILD: Overwrite(GUILD, 0, 0, P.ALL_PERMISSIONS)}
    assert perms([3], deny_all) == P.ALL_PERMISSIONS
    assert perms([], deny_all, owner=True) == P.ALL_PERMISSIONS


def test_overwrite_order_everyone_then_roles_then_member() -> None:
    ows = {
        GUILD: Overwrite(GUILD, 0, 0, P.SEND_MESSAGES),
        1: Overwrite(1, 0, P.SEND_MESSAGES, 0),
        2: Overwrite(2, 0, 0, P.SEND_MESSAGES),
    }
    # role allow and role deny combine: allow wins over the deny of another role
    assert perms([1, 2], ows) & P.SEND_MESSAGES
    assert not perms([2], ows) & P.SEND_MESSAGES
    ows[MEMBER] = Overwrite(MEMBER, 1, 0, P.SEND_MESSAGES)
    assert not perms([1], ows) & P.SEND_MESSAGES


def test_no_view_means_nothing_and_no_send_drops_embeds() -> None:
    assert perms([1], {GUILD: Overwrite(GUILD, 0, 0, P.VIEW_CHANNEL)}) == 0
    result = perms([1], {GUILD: Overwrite(GUILD, 0, 0, P.SEND_MESSAGES)})
    assert result == P.VIEW_CHANNEL | P.MANAGE_MESSAGES


def test_timeout_keeps_only_view_and_history() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert perms([1], until=now + timedelta(minutes=1), now=now) == P.VIEW_CHANNEL
    assert perms([1], until=now - timedelta(minutes=1), now=now) & P.SEND_MESSAGES
    assert perms([3], until=now + timedelta(minutes=1), now=now) == P.ALL_PERMISSIONS


def test_role_rank_breaks_position_ties_by_age() -> None:
    older, newer = R(10, 5, 0), R(20, 5, 0)
    assert P.role_rank(older, GUILD) > P.role_rank(newer, GUILD)
    assert P.top_role(ROLES, [1, 2], GUILD).id == 2
    assert P.top_role(ROLES, [], GUILD).id == GUILD


def test_snowflakes_follow_the_clock_and_stay_unique() -> None:
    factory = SnowflakeFactory()
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    ids = [factory.next(now) for _ in range(5000)]
    assert ids == sorted(set(ids))
    assert snowflake_time(ids[0]) == now
    past = now - timedelta(days=400)
    old = [factory.at(past) for _ in range(3)]
    assert len(set(old)) == 3 and all(snowflake_time(i) == past for i in old)
    assert factory.next(now) > ids[-1]


def test_permission_names() -> None:
    assert P.names(P.SEND_MESSAGES | P.BAN_MEMBERS) == ["BAN_MEMBERS", "SEND_MESSAGES"]
