"""The desk glue's small pure helpers: durations, dates, hour spans, notes, "stop" and message packing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.desk.config import DeskConfig, DeskGuildOptions, is_note, is_stop, parse_day, parse_duration
from bot.services.desk.hours import HoursInputError, parse_spans
from bot.services.desk.text import UiKeys, pack


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("12u", timedelta(hours=12)),
        ("12H", timedelta(hours=12)),
        ("7d", timedelta(days=7)),
        (" 2 w ", timedelta(weeks=2)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "eeuwig", "0d", "7", "3 jaar", "-1d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_days() -> None:
    assert parse_day("2026-12-24") == parse_day("24/12/2026") == parse_day("24-12-2026") == date(2026, 12, 24)
    for bad in ("31/02/2026", "morgen", "2026/12/24"):
        with pytest.raises(ValueError):
            parse_day(bad)


def test_spans_are_normalised_and_checked() -> None:
    assert parse_spans(" 15:00-20:00 , 09:00-12:00", "21:00") == ["09:00-12:00", "15:00-20:00"]
    assert parse_spans("Gesloten", "21:00") == []
    assert parse_spans("20:00-23:00", None) == ["20:00-23:00"]
    cases = {
        "10:00-22:00": UiKeys.ERR_TIMES_LATE,
        "10-21": UiKeys.ERR_TIMES,
        "21:00-10:00": UiKeys.ERR_TIMES,
        "10:00-14:00, 13:00-20:00": UiKeys.ERR_TIMES_OVERLAP,
        ",": UiKeys.ERR_TIMES,
    }
    for text, key in cases.items():
        with pytest.raises(HoursInputError) as caught:
            parse_spans(text, "21:00")
        assert caught.value.key == key, text


def test_notes_and_stop() -> None:
    prefixes = DeskConfig().note_prefixes
    assert is_note("// intern", prefixes) and is_note("  !NOTE x", prefixes)
    assert not is_note("Hoi // niet intern", prefixes)
    assert is_stop("stop") and is_stop(" STOP! ") and is_stop("Stop.")
    assert not is_stop("stop met pesten") and not is_stop("stoppen")


def test_guild_options_fall_back_to_the_deployment() -> None:
    defaults = DeskConfig(welcome_mode="dm", allow_first_names=True)
    assert DeskGuildOptions().resolve(defaults) == ("dm", True)
    assert DeskGuildOptions(welcome_mode="off", allow_first_names=False).resolve(defaults) == ("off", False)
    with pytest.raises(ValueError):
        DeskConfig(block_durations=["altijd"])


def test_pack_keeps_posts_under_the_limit() -> None:
    assert pack(["a", "b"], 10) == ["a\n\nb"]
    assert pack(["aaaa", "bbbb"], 8) == ["aaaa", "bbbb"]
    long = "\n".join(f"line {i:03d}" for i in range(50))
    pieces = pack([long], 100)
    assert all(len(p) <= 100 for p in pieces) and "\n".join(pieces) == long
    assert pack(["x" * 25], 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert pack(["", "  "], 10) == []
