from datetime import UTC

import pytest

from bot.domain.ledger import canonical_tags, group_moments, hour_bucket, moment_key, parse_tags

from .factories import BRUSSELS, local, row, utc


def test_canonical_tags_sorted_and_empty() -> None:
    assert canonical_tags({"theme": "school", "category": "stress"}) == "category=stress;theme=school"
    assert canonical_tags({}) == ""
    assert parse_tags("category=stress;theme=school") == {"category": "stress", "theme": "school"}
    assert parse_tags("") == {}


@pytest.mark.parametrize(
    ("tags", "named"),
    [
        ({"message": "hallo"}, "message"),
        ({"theme": "Ik ben Jan en ik woon in de Kerkstraat"}, "theme"),
        ({"theme": "School"}, "theme"),
        ({"session": "a" * 41}, "session"),
        ({"place": "park;theme=x"}, "place"),
        ({"category": "a=b"}, "category"),
        ({"theme": ""}, "theme"),
        ({"theme": 42}, "theme"),
        ({"user_id": "123"}, "user_id"),
    ],
)
def test_tag_validation_rejects_free_text(tags: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        canonical_tags(tags)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=named):
        row("desk", "2026-03-02 19:00", "p", **tags)  # type: ignore[arg-type]


def test_parse_tags_rejects_non_canonical_context() -> None:
    for bad in ("theme=school;category=stress", "theme", "theme=a;theme=a", "name=jan"):
        with pytest.raises(ValueError):
            parse_tags(bad)


def test_hour_bucket_is_utc_truncated() -> None:
    assert hour_bucket(local("2026-10-20 18:45:12.5")) == utc(2026, 10, 20, 16)
    with pytest.raises(ValueError):
        hour_bucket(local("2026-10-20 18:45").replace(tzinfo=None))


def test_moment_key_format() -> None:
    at = utc(2026, 3, 2, 18)
    assert moment_key("p1", "desk", "theme=x", at, BRUSSELS, "day") == "p1|desk|theme=x|2026-03-02"
    assert moment_key("p1", "desk", "", at, BRUSSELS, "hour") == "p1|desk||2026-03-02T19+0100"
    assert moment_key("p1", "desk", "", at, BRUSSELS, "week") == "p1|desk||2026-W10"


def test_chatty_evening_is_one_moment() -> None:
    times = ["2026-11-10 18:05", "2026-11-10 19:59", "2026-11-10 21:30", "2026-11-10 22:45"]
    rows = [row("desk", times[i % 4], "p1", theme="school") for i in range(200)]
    moments = group_moments(rows, BRUSSELS)
    assert len(moments) == 1
    assert moments[0].first_bucket == utc(2026, 11, 10, 17)
    assert moments[0].theme == "school"


def test_same_youth_two_kinds_or_contexts_are_separate_moments() -> None:
    rows = [
        row("desk", "2026-11-10 18:05", "p1"),
        row("public_exchange", "2026-11-10 18:10", "p1"),
        row("desk", "2026-11-10 20:00", "p1", theme="school"),
        row("desk", "2026-11-10 20:00", "p2"),
    ]
    assert len(group_moments(rows, BRUSSELS)) == 4


def test_local_midnight_splits_moments_even_on_one_utc_date() -> None:
    late = row("desk", utc(2026, 11, 10, 22, 30), "p1")  # 23:30 local
    early = row("desk", utc(2026, 11, 10, 23, 30), "p1")  # 00:30 local, next day
    assert late.hour_bucket.date() == early.hour_bucket.date()
    assert len(group_moments([late, early], BRUSSELS)) == 2
    assert len(group_moments([late, early], UTC)) == 1


def test_hour_and_week_granularity() -> None:
    rows = [row("desk", f"2026-11-10 {h}:00", "p1") for h in (18, 19, 20)]
    assert len(group_moments(rows, BRUSSELS, "hour")) == 3
    week = [row("desk", "2026-11-09 10:00", "p1"), row("desk", "2026-11-15 23:00", "p1")]
    assert len(group_moments(week, BRUSSELS, "week")) == 1
    assert len(group_moments(week, BRUSSELS, "day")) == 2


def test_repeated_hour_at_end_of_summer_time_is_two_hour_moments() -> None:
    first = row("desk", utc(2026, 10, 25, 0), "p1")  # 02:00 +02:00
    second = row("desk", utc(2026, 10, 25, 1), "p1")  # 02:00 +01:00
    assert len(group_moments([first, second], BRUSSELS, "hour")) == 2
    assert len(group_moments([first, second], BRUSSELS, "day")) == 1
