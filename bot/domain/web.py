"""Small validated value types shared by configuration models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _web_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{url!r} must start with https://")
    return url


WebUrl = Annotated[str, AfterValidator(_web_url)]
"""A link shown to youths: only http(s), so config cannot smuggle in another scheme."""
