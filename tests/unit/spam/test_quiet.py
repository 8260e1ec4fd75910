"""The one definition of "quiet", used by the quiet timer, the alert text and the detector."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.spam.quiet import is_quiet, quiet_at

START = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)


def test_quiet_comes_quiet_minutes_after_the_latest_moment() -> None:
    last_spam = START + timedelta(minutes=7)
    assert quiet_at((last_spam, START, None), 30) == START + timedelta(minutes=37)
    assert not is_quiet(START + timedelta(minutes=36, seconds=59), (START, last_spam), 30)
    assert is_quiet(START + timedelta(minutes=37), (START, last_spam), 30)


def test_nothing_seen_is_quiet_but_has_no_instant() -> None:
    assert is_quiet(START, (None,), 30)
    with pytest.raises(ValueError):
        quiet_at((None, None), 30)
