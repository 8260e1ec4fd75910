"""Information messages and the nl/en catalogs: every key exists in both, renders, and fits Discord."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from bot.domain.crisis import DEFAULT_HELP_LINES, CrisisDetector
from bot.domain.desk import (
    ConversationState,
    DeskPolicy,
    Keys,
    Localized,
    Msg,
    WaitingConversation,
    about,
    help_info,
    hours_info,
    referral_reply,
    signature,
    week_params,
    welcome,
)
from bot.domain.desk.messages import LANGS
from bot.domain.hours import OfficeHours, OfficeHoursConfig
from bot.domain.referrals import ReferralDirectory, Service

from ._util import local

LOCALES = Path(__file__).resolve().parents[3] / "bot" / "i18n" / "locales"
JAC = Service(name="JAC", description_nl="Jongerenonthaal.", description_en="Youth drop-in.", phone="09 123")


def catalog(lang: str) -> dict[str, str]:
    return tomllib.loads((LOCALES / lang / "desk.toml").read_text(encoding="utf-8"))


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_catalogs_hold_exactly_the_keys() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert set(nl) == set(en) == Keys.all()
    assert all(isinstance(value, str) and value.strip() for value in (*nl.values(), *en.values()))


def test_placeholders_match_between_languages() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert {key: placeholders(nl[key]) for key in nl} == {key: placeholders(en[key]) for key in nl}


def test_no_key_is_a_table_of_another() -> None:
    names = Keys.all()
    assert [a for a in names for b in names if b.startswith(a + ".")] == []


def produced_messages() -> list[Msg]:
    """One of every message the desk produces, with the params the glue adds where noted."""
    hours = OfficeHours()
    policy = DeskPolicy(hours, CrisisDetector())
    shut = DeskPolicy(OfficeHours(OfficeHoursConfig(schedule={})), CrisisDetector())
    day, night = local(2026, 12, 1, 15, 0), local(2026, 12, 1, 23, 0)
    new, blocked = ConversationState(), ConversationState(blocked_until=local(2026, 12, 8))
    forever = ConversationState(blocked_until=local(2030, 1, 1))
    decisions = [
        policy.on_youth_message(day, "hoi", new),
        policy.on_youth_message(night, "hoi", new),
        policy.on_youth_message(day, "zelfmoord", new),
        policy.on_youth_message(night, "zelfmoord", new),
        policy.on_youth_message(night, "zelfmoord", policy.on_youth_message(night, "kms", new).apply(new)),
        policy.on_youth_message(day, "hoi", blocked),
        policy.on_youth_message(day, "hoi", forever),
        policy.on_youth_message(night, "kms", blocked),
        shut.on_youth_message(day, "hoi", new),
        shut.on_youth_message(day, "kms", new),
    ]
    staff = [policy.on_staff_reply(night), policy.on_staff_reply(night, True), shut.on_staff_reply(day)]
    digest = policy.opening_digest(
        [WaitingConversation(7, 2, True, night, night), WaitingConversation(8, 1, False, night, night)],
        local(2026, 12, 2, 10, 0),
    )
    directory = ReferralDirectory({"Sint-Niklaas": [JAC]})
    messages = [
        *(m for d in decisions for m in (*d.replies, *d.staff_notes)),
        *(m for s in staff for m in (s.worker_notice, s.log_line) if m is not None),
        *digest.messages(),
        *policy.opening_digest([], day).messages(),
        policy.mention_reply(night),
        shut.mention_reply(night),
        signature(False, None),
        signature(True, "Sara"),
        about(),
        help_info(DEFAULT_HELP_LINES),
        *hours_info(hours, local(2026, 12, 20)),
        referral_reply(directory, "sint niklaas"),
        referral_reply(directory, "Sint-Niklas"),
        referral_reply(directory, "Gent"),
        Msg(Keys.STAFF_URGENT_TAG),  # thread-name tag, used by the glue as is
    ]
    return [m.with_params(worker="Sara", thread_id=7) if m.key == Keys.STAFF_OVERRIDE_LOG else m for m in messages]


def test_every_key_is_produced_and_renders_in_both_languages() -> None:
    messages = produced_messages()
    assert {m.key for m in messages} == Keys.all()
    for lang in LANGS:
        templates = catalog(lang)
        for message in messages:
            params = message.params_for(lang)
            assert placeholders(templates[message.key]) == set(params), message.key
            text = templates[message.key].format(**params)
            assert not re.search(r"\{\w+\}", text), message.key
            assert len(text) <= 2000, (message.key, len(text))


def test_welcome_has_week_and_help_lines() -> None:
    message = welcome(OfficeHours(), DEFAULT_HELP_LINES)
    assert message.key == Keys.WELCOME
    assert (message.params["mon"], message.params["sun"]) == ("10:00–21:00", "14:00–21:00")
    lines = message.params["help_lines"]
    assert isinstance(lines, Localized)
    assert "Zelfmoordlijn 1813" in lines.nl and "Tele-Onthaal" in lines.en
    rendered = catalog("nl")[Keys.WELCOME].format(**message.params_for("nl"))
    assert "maandag: 10:00–21:00" in rendered and "werkaccount" in rendered


def test_week_params_closed_day_and_split_day() -> None:
    hours = OfficeHours(OfficeHoursConfig(schedule={"wed": ["10:00-12:00", "14:00-21:00"]}))
    params = week_params(hours)
    assert params["wed"] == "10:00–12:00, 14:00–21:00"
    assert params["mon"] == "—"


def test_hours_info_lists_upcoming_closures() -> None:
    hours = OfficeHours()
    week, closures = hours_info(hours, local(2026, 12, 20), days=14)
    assert week.key == Keys.HOURS_WEEK
    assert closures == Msg(Keys.HOURS_CLOSURES, {"dates": "25/12, 01/01"})
    assert hours_info(hours, local(2026, 12, 1), days=7) == (week,)


def test_referral_reply_variants() -> None:
    directory = ReferralDirectory({"Sint-Niklaas": [JAC], "Lokeren": []})
    card = referral_reply(directory, "sint niklaas")
    assert card.key == Keys.REFERRAL_CARD
    assert card.params_for("en") == {
        "municipality": "Sint-Niklaas",
        "services": "• **JAC**: Youth drop-in.\n  ☎ 09 123",
    }
    assert referral_reply(directory, "Lokren") == Msg(
        Keys.REFERRAL_SUGGEST, {"query": "Lokren", "suggestions": "Lokeren"}
    )
    assert referral_reply(directory, "Gent") == Msg(Keys.REFERRAL_NOT_FOUND, {"query": "Gent"})


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_avoids_the_21_hour_contradiction(lang: str) -> None:
    """The texts promise no answers after 21:00 / 9 pm, matching the default closing time."""
    texts = catalog(lang)
    promise = "21:00" if lang == "nl" else "9 pm"
    assert promise in texts[Keys.HOURS_WEEK] and promise in texts[Keys.WELCOME]
    assert OfficeHoursConfig().latest_closing == "21:00"


def test_renders_with_the_i18n_layer() -> None:
    """The glue's recipe: ``t(m.key, lang, **m.params_for(lang))`` per language, Dutch first."""
    from bot.i18n import LANGUAGES, I18n

    i18n = I18n()
    message = DeskPolicy(OfficeHours(), CrisisDetector()).on_staff_reply(local(2026, 12, 1, 22, 0)).worker_notice
    assert message is not None
    rendered = [i18n.t(message.key, lang, **message.params_for(lang)) for lang in LANGUAGES]
    assert rendered == [
        "Het is na de openingsuren. Je antwoord wordt verstuurd op **02/12 om 10:00**. Tijd voor jezelf! "
        "Echt dringend? Kies „nu versturen — dringend”.",
        "It's after opening hours. Your answer will be sent on **02/12 at 10:00**. Time for yourself! "
        'Really urgent? Choose "send now — urgent".',
    ]


def test_whole_days_end_at_the_same_local_time_across_dst() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.domain.desk.config import ends_at, parse_duration

    bxl = ZoneInfo("Europe/Brussels")
    spring = datetime(2027, 3, 27, 12, 0, tzinfo=bxl)  # the clocks go forward on Sunday 28 March
    assert ends_at(spring, parse_duration("7d"), bxl).astimezone(bxl) == datetime(2027, 4, 3, 12, 0, tzinfo=bxl)
    autumn = datetime(2026, 10, 24, 20, 0, tzinfo=bxl)  # and back on Sunday 25 October
    assert ends_at(autumn, parse_duration("1w"), bxl).astimezone(bxl) == datetime(2026, 10, 31, 20, 0, tzinfo=bxl)
    assert ends_at(spring, parse_duration("12u"), bxl) == spring.astimezone(UTC) + timedelta(hours=12)  # exact
