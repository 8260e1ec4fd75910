import hashlib
from datetime import date

import pytest

from bot.domain.ledger import (
    PeriodKey,
    new_key,
    period_for,
    period_id_for_date,
    period_range,
    pseudonym,
    random_pseudonym,
)

from .factories import BRUSSELS, utc

KEY = bytes(range(32))
USER = 123456789012345678


def _rfc2104_hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC built by hand from the RFC 2104 definition, independent of the hmac module."""
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block) + message).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in block) + inner).hexdigest()


def test_pseudonym_matches_hand_computed_hmac() -> None:
    assert pseudonym(USER, KEY) == "1e1c85214dd44a688860c79cb9488e59"
    assert pseudonym(USER, KEY) == _rfc2104_hmac_sha256(KEY, b"user:123456789012345678")[:32]


def test_pepper_is_prepended_to_the_message() -> None:
    pepper = b"pepper-pepper-16"
    assert pseudonym(USER, KEY, pepper) == "859ad0a9c04f9476d03e875c69f4cebc"
    assert pseudonym(USER, KEY, pepper) != pseudonym(USER, KEY)


def test_pseudonym_is_stable_for_one_key_and_32_hex_chars() -> None:
    first = pseudonym(USER, KEY)
    assert first == pseudonym(USER, bytes(KEY))
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert pseudonym(USER + 1, KEY) != first


def test_pseudonym_differs_across_keys_and_periods() -> None:
    other = bytes(reversed(KEY))
    assert pseudonym(USER, other) != pseudonym(USER, KEY)
    y2026, y2027 = PeriodKey.generate("2026"), PeriodKey.generate("2027")
    assert y2026.pseudonym(USER) != y2027.pseudonym(USER)
    assert y2026.pseudonym(USER) == y2026.pseudonym(USER)


def test_pseudonym_is_not_a_plain_hash() -> None:
    for message in (str(USER).encode(), b"user:" + str(USER).encode()):
        digest = hashlib.sha256(message).hexdigest()
        assert pseudonym(USER, KEY) not in (digest, digest[:32])


@pytest.mark.parametrize("bad", [-1, True, "123", 1.5])
def test_pseudonym_rejects_bad_user_ids(bad: object) -> None:
    with pytest.raises(ValueError):
        pseudonym(bad, KEY)  # type: ignore[arg-type]


def test_pseudonym_rejects_short_keys() -> None:
    with pytest.raises(ValueError):
        pseudonym(USER, b"short")
    with pytest.raises(ValueError):
        PeriodKey("2026", b"")


def test_new_key_and_random_pseudonym() -> None:
    assert len(new_key()) == 32
    assert new_key() != new_key()
    first = random_pseudonym()
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != random_pseudonym()


def test_period_key_repr_never_shows_the_key() -> None:
    key = PeriodKey("2026-Q3", KEY)
    assert KEY.hex() not in repr(key)
    assert repr(key) == "PeriodKey(period_id='2026-Q3', key=<redacted>)"


def test_period_for_uses_the_local_date() -> None:
    new_year_eve = utc(2026, 12, 31, 23, 30)  # 00:30 on 1 January 2027 in Brussels
    assert period_for(new_year_eve, BRUSSELS, "year") == "2027"
    assert period_for(new_year_eve, BRUSSELS, "half") == "2027-H1"
    assert period_for(new_year_eve, BRUSSELS, "quarter") == "2027-Q1"
    end_of_june = utc(2026, 6, 30, 22, 30)  # 00:30 on 1 July (summer time)
    assert period_for(end_of_june, BRUSSELS, "half") == "2026-H2"
    assert period_for(end_of_june, BRUSSELS, "quarter") == "2026-Q3"
    assert period_id_for_date(date(2026, 6, 30), "quarter") == "2026-Q2"


def test_period_range() -> None:
    assert period_range("2026") == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_range("2026-H2") == (date(2026, 7, 1), date(2026, 12, 31))
    assert period_range("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_range("2028-Q1") == (date(2028, 1, 1), date(2028, 3, 31))
    for bad in ("26", "2026-Q5", "2026-H3", "2026-X"):
        with pytest.raises(ValueError):
            period_range(bad)
