"""Policy: validated thresholds, python-discord-like defaults, night hours across midnight and DST."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from pydantic import ValidationError

from bot.domain.spam import SpamPolicy, SpamThresholds

from .factories import local


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("burst_max", 0),
        ("burst_seconds", 0),
        ("duplicates_max", 31),
        ("cluster_min_accounts", 1),
        ("cluster_similarity", 0.1),
        ("cluster_young_fraction", 0.2),
        ("no_avatar_weight", 1.5),
    ],
)
def test_threshold_out_of_range_names_the_field(field: str, value: float) -> None:
    with pytest.raises(ValidationError) as caught:
        SpamThresholds.model_validate({field: value})
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


@pytest.mark.parametrize(
    ("field", "value"),
    [("timeout_minutes", 0), ("timeout_minutes", 40_321), ("quiet_minutes", 0), ("action", "kick")],
)
def test_policy_out_of_range_names_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        SpamPolicy.model_validate({field: value})
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


def test_unknown_zone_and_unknown_field_are_refused() -> None:
    with pytest.raises(ValidationError, match="is not an IANA time zone"):
        SpamPolicy(timezone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="burst_maximum"):
        SpamThresholds(burst_maximum=3)  # type: ignore[call-arg]


def test_defaults() -> None:
    policy = SpamPolicy()
    day, night = policy.day, policy.night
    assert (day.burst_max, day.burst_seconds) == (7, 10)
    assert (day.duplicates_max, day.attachments_max, day.links_max, day.newlines_max) == (3, 6, 10, 100)
    assert (night.burst_max, night.cluster_min_accounts, day.cluster_min_accounts) == (6, 4, 5)
    assert (policy.night_start, policy.night_end, policy.timezone) == (time(23), time(7), "Europe/Brussels")
    assert (policy.timeout_minutes, policy.action, policy.quiet_minutes) == (720, "timeout", 30)
    for name in SpamThresholds.model_fields:
        if name.endswith("_max") and name != "new_member_everyone_max":
            assert getattr(night, name) <= getattr(day, name), name


@pytest.mark.parametrize(
    ("at", "night"),
    [
        (local(2026, 6, 12, 22, 59, 59), False),
        (local(2026, 6, 12, 23, 0, 0), True),
        (local(2026, 6, 13, 0, 0, 0), True),
        (local(2026, 6, 13, 6, 59, 59), True),
        (local(2026, 6, 13, 7, 0, 0), False),
        (local(2026, 6, 13, 12, 0, 0), False),
        # Spring forward, 2027-03-28: 02:00 CET becomes 03:00 CEST (UTC+2 from then on).
        (datetime(2027, 3, 27, 21, 59, 59, tzinfo=UTC), False),  # 22:59:59 CET
        (datetime(2027, 3, 27, 22, 0, 0, tzinfo=UTC), True),  # 23:00 CET
        (datetime(2027, 3, 28, 1, 30, 0, tzinfo=UTC), True),  # 03:30 CEST
        (datetime(2027, 3, 28, 4, 59, 59, tzinfo=UTC), True),  # 06:59:59 CEST
        (datetime(2027, 3, 28, 5, 0, 0, tzinfo=UTC), False),  # 07:00 CEST (would be 06:00 at UTC+1)
        # Fall back, 2026-10-25: 03:00 CEST becomes 02:00 CET (UTC+1 from then on).
        (datetime(2026, 10, 24, 20, 59, 59, tzinfo=UTC), False),  # 22:59:59 CEST
        (datetime(2026, 10, 24, 21, 0, 0, tzinfo=UTC), True),  # 23:00 CEST
        (datetime(2026, 10, 25, 0, 30, 0, tzinfo=UTC), True),  # 02:30 CEST, first pass
        (datetime(2026, 10, 25, 1, 30, 0, tzinfo=UTC), True),  # 02:30 CET, second pass
        (datetime(2026, 10, 25, 5, 59, 59, tzinfo=UTC), True),  # 06:59:59 CET
        (datetime(2026, 10, 25, 6, 0, 0, tzinfo=UTC), False),  # 07:00 CET (would be 08:00 at UTC+2)
    ],
)
def test_night_hours_follow_brussels_wall_clock(at: datetime, night: bool) -> None:
    policy = SpamPolicy()
    assert policy.is_night(at) is night
    assert policy.thresholds_at(at) is (policy.night if night else policy.day)


def test_night_window_inside_one_day_and_other_zone() -> None:
    policy = SpamPolicy(night_start=time(1), night_end=time(5), timezone="America/New_York")
    assert policy.is_night(datetime(2026, 6, 12, 5, 0, tzinfo=UTC))  # 01:00 EDT
    assert not policy.is_night(datetime(2026, 6, 12, 9, 0, tzinfo=UTC))  # 05:00 EDT
    assert not policy.is_night(datetime(2026, 6, 12, 4, 59, tzinfo=UTC))  # 00:59 EDT


def test_exempt_roles_and_channels() -> None:
    policy = SpamPolicy(exempt_role_ids=frozenset({7}), exempt_channel_ids=frozenset({99}))
    assert policy.is_exempt([1, 7], channel_id=5)
    assert policy.is_exempt([], channel_id=99)
    assert not policy.is_exempt([1, 2], channel_id=5)
