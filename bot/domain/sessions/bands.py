"""Self-chosen age bands: which bands a session's minimum admits, and the host's roster per band.

The bot never stores an age: a youth picks a band role (``/leeftijd``), and only the role says anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.domain.guild_config import GuildRoles

BANDS: tuple[str, ...] = ("age_12_14", "age_15_17", "age_18_22")
"""Youngest first; ``sessions.band.<band>`` is the label, the roles are set with ``/setup rol``."""
NO_BAND = "none"


def band_roles(roles: GuildRoles) -> dict[str, int]:
    """The configured band roles (band → role id), youngest first."""
    return {band: role for band in BANDS if (role := getattr(roles, band)) is not None}


def qualifying(min_band: str | None) -> tuple[str, ...]:
    """The bands a session with this minimum admits (all bands when there is none)."""
    if min_band is None:
        return BANDS
    if min_band not in BANDS:
        raise ValueError(f"unknown age band {min_band!r}")
    return BANDS[BANDS.index(min_band) :]


def band_of(role_ids: Iterable[int], roles: Mapping[str, int]) -> str:
    """A member's band (the youngest if they picked several), or :data:`NO_BAND`."""
    held = set(role_ids)
    return next((band for band, role in roles.items() if role in held), NO_BAND)


def roster(people: Iterable[tuple[str, frozenset[int]]], roles: Mapping[str, int]) -> dict[str, list[str]]:
    """Display names per band (and :data:`NO_BAND`), for the host's eyes only; every band listed, sorted names."""
    found: dict[str, list[str]] = {band: [] for band in (*BANDS, NO_BAND)}
    for name, role_ids in people:
        found[band_of(role_ids, roles)].append(name)
    return {band: sorted(names, key=str.casefold) for band, names in found.items()}


def band_change(chosen: str, held: Iterable[int], roles: Mapping[str, int]) -> tuple[set[int], set[int]]:
    """``(add, remove)`` role ids so that the member holds exactly the chosen band's role."""
    if chosen not in roles:
        raise ValueError(f"age band {chosen!r} is not configured")
    have = set(held)
    add = {roles[chosen]} - have
    remove = {role for band, role in roles.items() if band != chosen and role in have}
    return add, remove
