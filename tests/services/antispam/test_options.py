"""What a moderator types is checked against the policy's own ranges before anything is stored."""

from __future__ import annotations

import pytest

from bot.services.antispam.options import OptionError, parse_setting, threshold_change
from bot.services.antispam.settings import AntispamSettings


def test_a_threshold_change_becomes_a_dotted_key_with_a_checked_value() -> None:
    assert threshold_change("burst_max", 9, "nacht") == ("night.burst_max", 9)
    assert threshold_change("cluster_similarity", 0.75, "day") == ("day.cluster_similarity", 0.75)


@pytest.mark.parametrize(
    ("name", "value", "profile", "key", "params"),
    [
        ("burst_max", 1, "day", "antispam.threshold.out_of_range", {"value": "1", "min": "2", "max": "50"}),
        ("burst_max", 51, "day", "antispam.threshold.out_of_range", {"value": "51", "min": "2", "max": "50"}),
        ("burst_max", 7.5, "day", "antispam.threshold.whole_number", {"value": "7.5"}),
        ("burst_max", float("nan"), "day", "antispam.threshold.out_of_range", {"value": "nan"}),
        ("nope", 3, "day", "antispam.threshold.unknown", {"name": "nope"}),
        ("burst_max", 3, "ochtend", "antispam.threshold.unknown_profile", {"profile": "ochtend"}),
    ],
)
def test_bad_threshold_input_is_refused_with_what_is_allowed(
    name: str, value: float, profile: str, key: str, params: dict[str, str]
) -> None:
    with pytest.raises(OptionError) as refused:
        threshold_change(name, value, profile)
    assert refused.value.key == key
    assert params.items() <= refused.value.params.items()


def test_settings_accept_dutch_and_english_words_and_times() -> None:
    assert parse_setting("ping_at_night", "Ja") is True
    assert parse_setting("pause_dms", "uit") is False
    assert parse_setting("morning_summary_time", "07:30") == "07:30"
    assert parse_setting("action", "BAN") == "ban"
    assert parse_setting("quiet_minutes", " 45 ") == 45
    for name, text, key in (
        ("ping_at_night", "misschien", "antispam.setting.need_bool"),
        ("night_start", "middernacht", "antispam.setting.need_time"),
        ("action", "kick", "antispam.setting.need_action"),
        ("quiet_minutes", "veel", "antispam.setting.need_number"),
        ("token", "x", "antispam.setting.unknown"),
    ):
        with pytest.raises(OptionError) as refused:
            parse_setting(name, text)
        assert refused.value.key == key


def test_the_morning_summary_falls_at_the_next_local_wall_time() -> None:
    from datetime import UTC, datetime

    settings = AntispamSettings()
    assert settings.next_morning(datetime(2026, 12, 2, 23, 0, tzinfo=UTC)) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert settings.next_morning(datetime(2026, 7, 1, 6, 0, tzinfo=UTC)) == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    assert settings.next_morning(datetime(2026, 7, 1, 5, 59, tzinfo=UTC)) == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
