"""Small validated value types shared by configuration models: links, time zones and languages."""

from __future__ import annotations

from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
"""The catalog languages, Dutch (nl-BE) first: everything a youth reads is Dutch first."""

MAX_ZONE_LENGTH = 64  # the longest IANA name is 32 characters; anything longer is not a zone (nor a file name)


def _web_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{url!r} must start with https://")
    return url


WebUrl = Annotated[str, AfterValidator(_web_url)]
"""A link shown to youths: only http(s), so config cannot smuggle in another scheme."""


def check_zone(name: str) -> str:
    """``name`` if it is an IANA time zone such as Europe/Brussels, else ValueError (never OSError)."""
    problem = ValueError(f"{name[:40]!r} is not an IANA time zone such as Europe/Brussels")
    if not name or len(name) > MAX_ZONE_LENGTH or not name.isascii() or name.startswith(("/", ".")):
        raise problem
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise problem from None
    return name


TimeZone = Annotated[str, AfterValidator(check_zone)]
"""An IANA time zone name, validated in this one place."""
