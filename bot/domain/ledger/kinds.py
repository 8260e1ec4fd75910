"""What a contact is: its kind (online) and, for offline moments, the type of place."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class ContactKind(StrEnum):
    """The kinds of online contact the bot counts."""

    DESK = "desk"
    SAFE_SPACE = "safe_space"
    STUDY = "study"
    HAPPY_MONDAY = "happy_monday"
    CHECKIN_REPLY = "checkin_reply"
    CHECKIN_SENT = "checkin_sent"
    CHECKIN_LET_GO = "checkin_let_go"
    PUBLIC_EXCHANGE = "public_exchange"
    JOIN = "join"


class PlaceType(StrEnum):
    """Where an offline (in person) moment took place."""

    SCHOOL = "school"
    YOUTH_WORK = "youth_work"
    PUBLIC_SPACE = "public_space"
    EVENT = "event"


#: Kinds that measure *reach*, not contact: a join is counted as "new members" only, never as a contact
#: moment or a unique youth.
REACH_KINDS: frozenset[ContactKind] = frozenset({ContactKind.JOIN})

#: What the *team* did, not a contact: a check-in sent, a follow-up let go. Counted only in the check-in
#: figures of the report (never as a contact moment, a youth or a new member).
TEAM_KINDS: frozenset[ContactKind] = frozenset({ContactKind.CHECKIN_SENT, ContactKind.CHECKIN_LET_GO})

#: Kinds that are not contact moments.
NOT_CONTACT_KINDS: frozenset[ContactKind] = REACH_KINDS | TEAM_KINDS

#: The kinds that are contact moments, in report order.
CONTACT_KINDS: tuple[ContactKind, ...] = tuple(kind for kind in ContactKind if kind not in NOT_CONTACT_KINDS)

#: A youth "sought further online contact" when they have a row of one of these kinds in the range.
FURTHER_CONTACT_KINDS: frozenset[ContactKind] = frozenset({ContactKind.DESK})

#: Only rows of these kinds count for "wrote after hours".
AFTER_HOURS_KINDS: frozenset[ContactKind] = frozenset({ContactKind.DESK})

Period = Literal["year", "half", "quarter"]
Granularity = Literal["day", "hour", "week"]
