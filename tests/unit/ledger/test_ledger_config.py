from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.domain.ledger import LedgerConfig, Targets


def test_defaults() -> None:
    config = LedgerConfig()
    assert (config.period, config.retention_days, config.moment_granularity, config.suppression_k) == (
        "year",
        730,
        "day",
        5,
    )
    assert config.targets == Targets()
    assert config.targets.contact_moments_per_year == 1000
    assert config.targets.unique_youths_per_year == 500
    assert config.targets.moments_per_week == 3
    assert config.targets.happy_place_moments_per_year == 30
    assert config.targets.sessions_per_year == 30
    assert config.targets.further_contact_youths_per_year is None
    assert (config.public_exchange_window_minutes, config.flush_interval_seconds, config.buffer_max) == (
        10,
        2.0,
        10_000,
    )
    assert config.places == [] and config.pepper_file is None
    assert config.read_pepper() == b""


@pytest.mark.parametrize(
    "bad",
    [
        {"suppression_k": 1},
        {"suppression_k": 51},
        {"period": "month"},
        {"moment_granularity": "minute"},
        {"places": ["Jeugdhuis De Kelder"]},
        {"places": ["park", "park"]},
        {"targets": {"contact_moments_per_year": -1}},
        {"targets": {"typo": 1}},
        {"unknown": True},
    ],
)
def test_invalid_settings_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LedgerConfig.model_validate(bad)


def test_valid_settings() -> None:
    config = LedgerConfig.model_validate(
        {"suppression_k": 10, "period": "quarter", "places": ["jc-west", "park"], "targets": {"sessions_per_year": 40}}
    )
    assert config.places == ["jc-west", "park"]
    assert config.report_options() == {
        "k": 10,
        "granularity": "day",
        "period": "quarter",
        "happy_places": frozenset({"jc-west", "park"}),
    }
    assert config.targets.sessions_per_year == 40 and config.targets.moments_per_week == 3


def test_pepper_file(tmp_path: Path) -> None:
    path = tmp_path / "pepper"
    path.write_bytes(b"0123456789abcdef-pepper\n")
    assert LedgerConfig(pepper_file=path).read_pepper() == b"0123456789abcdef-pepper"
    path.write_bytes(b"short\n")
    with pytest.raises(ValueError):
        LedgerConfig(pepper_file=path).read_pepper()
