"""Age bands: which bands a minimum admits, and the host's roster."""

from __future__ import annotations

import pytest

from bot.domain.guild_config import GuildRoles
from bot.domain.sessions.bands import BANDS, NO_BAND, band_of, band_roles, qualifying, roster


def test_a_minimum_admits_that_band_and_older() -> None:
    assert qualifying(None) == BANDS
    assert qualifying("age_15_17") == ("age_15_17", "age_18_22")
    assert qualifying("age_18_22") == ("age_18_22",)
    with pytest.raises(ValueError):
        qualifying("age_99")


def test_roster_groups_names_per_band_and_those_without_one() -> None:
    roles = band_roles(GuildRoles(age_12_14=1, age_15_17=2, age_18_22=3))
    assert band_of({2, 3}, roles) == "age_15_17"
    assert band_of({9}, roles) == NO_BAND
    people = [("zoë", frozenset({1})), ("Bram", frozenset({1})), ("Ali", frozenset()), ("Lise", frozenset({3}))]
    assert roster(people, roles) == {
        "age_12_14": ["Bram", "zoë"],
        "age_15_17": [],
        "age_18_22": ["Lise"],
        NO_BAND: ["Ali"],
    }


def test_unconfigured_bands_are_left_out() -> None:
    assert band_roles(GuildRoles(age_15_17=2)) == {"age_15_17": 2}


def test_choosing_a_band_swaps_the_band_roles_only() -> None:
    from bot.domain.sessions.bands import band_change

    roles = band_roles(GuildRoles(age_12_14=1, age_15_17=2, age_18_22=3))
    assert band_change("age_15_17", {1, 7}, roles) == ({2}, {1})
    assert band_change("age_15_17", {2}, roles) == (set(), set())
    with pytest.raises(ValueError):
        band_change("age_18_22", set(), band_roles(GuildRoles(age_12_14=1)))
