"""The rules of a check-in, pure and with the clock passed in: consent interval, when a reminder is due,
when something may be sent (office hours, the 21:00 boundary), the nudge limit and the proposal expiry.

Quiet days are counted in the guild's wall time: "14 days after Tuesday 15:00" is Tuesday 15:00 two weeks
later also across a daylight-saving change (aware ``ZoneInfo`` arithmetic is wall-clock arithmetic).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.checkins.config import CheckinsConfig
from bot.domain.errors import UserFacingError
from bot.domain.hours import WEEKDAYS, OfficeHours


class CheckinRefused(UserFacingError):
    """A request that changes nothing; ``key`` is the catalog message explaining why."""


def interval(days: int | None, config: CheckinsConfig) -> int:
    """The consent interval: the default when none is given, else ``days`` if it is within the bounds."""
    if days is None:
        return config.default_interval_days
    if not config.min_interval_days <= days <= config.max_interval_days:
        raise CheckinRefused("checkins.err.interval", low=config.min_interval_days, high=config.max_interval_days)
    return days


def after_days(at: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``days`` days after ``at`` at the same local wall time (DST-correct), in UTC."""
    return (at.astimezone(tz) + timedelta(days=days)).astimezone(UTC)


def open_at(want: datetime, hours: OfficeHours) -> datetime | None:
    """``want`` if the team is open then, else the next opening; None when the desk never opens again."""
    return hours.next_opening(want)


def reminder_due(last_contact: datetime, interval_days: int, hours: OfficeHours) -> datetime | None:
    """When the team is reminded: ``interval_days`` quiet days after the last contact, in office hours."""
    return open_at(after_days(last_contact, interval_days, hours.tz), hours)


def send_at(now: datetime, hours: OfficeHours, margin: timedelta) -> datetime | None:
    """When a check-in approved ``now`` goes out: now if it lands at least ``margin`` before closing,
    else at the next opening (a check-in approved at 20:55 does not reach a youth after 21:00)."""
    start = hours.next_opening(now)
    while start is not None:
        closing = hours.next_closing(start)
        if closing is None or closing - start >= margin:
            return start
        start = hours.next_opening(closing)
    return None


def given_up(unanswered: int, config: CheckinsConfig) -> bool:
    """After ``nudge_limit`` unanswered check-ins the bot stops following up."""
    return unanswered >= config.nudge_limit


def proposal_expires(sent: datetime, config: CheckinsConfig) -> datetime:
    """An unanswered proposal means no after ``proposal_days``."""
    return sent + timedelta(days=config.proposal_days)


def weekly_list_at(now: datetime, hours: OfficeHours, config: CheckinsConfig) -> datetime | None:
    """The first opening on the configured weekday after ``now`` (the weekly list of check-ins)."""
    day = hours.local(now).date()
    wanted = WEEKDAYS.index(config.weekly_list_day)
    for offset in range(1, 7 * 8):
        candidate = day + timedelta(days=offset)
        if candidate.weekday() != wanted:
            continue
        midnight = datetime(candidate.year, candidate.month, candidate.day, tzinfo=hours.tz)
        opening = hours.next_opening(midnight)
        if opening is not None and hours.local(opening).date() == candidate:
            return opening
    return None
