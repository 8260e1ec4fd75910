"""Checking what a moderator types in ``/antispam drempel`` and ``/antispam instelling`` before anything is stored.

Ranges come from the policy models themselves (their ``ge``/``le``), so the error can say what is allowed.
"""

from __future__ import annotations

import math
from datetime import time
from typing import Any

from annotated_types import Ge, Le

from bot.domain.errors import UserFacingError, typed
from bot.domain.spam import SpamThresholds

THRESHOLD_NAMES: tuple[str, ...] = tuple(SpamThresholds.model_fields)
SETTING_NAMES: tuple[str, ...] = (
    "action",
    "timeout_minutes",
    "member_timeout_minutes",
    "quiet_minutes",
    "night_start",
    "night_end",
    "ping_at_night",
    "morning_summary_time",
    "lockdown_on_raid",
    "lockdown_on_join_burst",
    "pause_invites",
    "pause_dms",
    "slowmode_seconds",
)
PROFILE_KEYS = {"day": "day", "night": "night", "dag": "day", "nacht": "night"}
TRUE_WORDS = {"ja", "aan", "yes", "on", "true", "1"}
FALSE_WORDS = {"nee", "uit", "no", "off", "false", "0"}
BOOL_SETTINGS = {"ping_at_night", "lockdown_on_raid", "lockdown_on_join_burst", "pause_invites", "pause_dms"}
TIME_SETTINGS = {"night_start", "night_end", "morning_summary_time"}


class OptionError(UserFacingError):
    """Bad input: ``key`` is the catalog message, ``params`` fill it. Nothing was stored."""


def _bounds(name: str) -> tuple[float | None, float | None]:
    low = high = None
    for item in SpamThresholds.model_fields[name].metadata:
        if isinstance(item, Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Le):
            high = float(item.le)  # type: ignore[arg-type]
    return low, high


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def threshold_change(name: str, value: float, profile: str) -> tuple[str, int | float]:
    """The dotted settings key and the checked value for one threshold, or :class:`OptionError`."""
    if name not in SpamThresholds.model_fields:
        raise OptionError("antispam.threshold.unknown", name=typed(name, 60))
    if profile not in PROFILE_KEYS:
        raise OptionError("antispam.threshold.unknown_profile", profile=typed(profile, 20))
    low, high = _bounds(name)
    is_int = SpamThresholds.model_fields[name].annotation is int
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise OptionError(
            "antispam.threshold.out_of_range",
            name=name,
            value=_shown(value) if math.isfinite(value) else str(value),
            min=_shown(low) if low is not None else "-",
            max=_shown(high) if high is not None else "-",
        )
    if is_int and not float(value).is_integer():
        raise OptionError("antispam.threshold.whole_number", name=name, value=_shown(value))
    return f"{PROFILE_KEYS[profile]}.{name}", int(value) if is_int else float(value)


def parse_setting(name: str, text: str) -> Any:
    """Turn typed text into a value for a response setting (range checks follow in the model)."""
    raw = text.strip().lower()
    if name not in SETTING_NAMES:
        raise OptionError("antispam.setting.unknown", name=typed(name, 60))
    if name in BOOL_SETTINGS:
        if raw in TRUE_WORDS or raw in FALSE_WORDS:
            return raw in TRUE_WORDS
        raise OptionError("antispam.setting.need_bool", name=name)
    if name in TIME_SETTINGS:
        try:
            return time.fromisoformat(raw).replace(tzinfo=None).isoformat(timespec="minutes")
        except ValueError:
            raise OptionError("antispam.setting.need_time", name=name) from None
    if name == "action":
        if raw not in ("timeout", "ban"):
            raise OptionError("antispam.setting.need_action")
        return raw
    try:
        return int(raw)
    except ValueError:
        raise OptionError("antispam.setting.need_number", name=name) from None
