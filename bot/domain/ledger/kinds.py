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

#: The kinds that are contact moments, in report order.
CONTACT_KINDS: tuple[ContactKind, ...] = tuple(kind for kind in ContactKind if kind not in REACH_KINDS)

#: A youth "sought further online contact" when they have a row of one of these kinds in the range.
FURTHER_CONTACT_KINDS: frozenset[ContactKind] = frozenset({ContactKind.DESK})

#: Only rows of these kinds count for "wrote after hours".
AFTER_HOURS_KINDS: frozenset[ContactKind] = frozenset({ContactKind.DESK})

Period = Literal["year", "half", "quarter"]
Granularity = Literal["day", "hour", "week"]
