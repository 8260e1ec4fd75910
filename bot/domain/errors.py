"""The one user-facing error: a refusal the person can act on, answered in their language.

Every layer raises it (or a subclass naming where it comes from) with a catalog ``key`` and the
``params`` that fill the message; nothing was changed. The adapters map it once for slash commands
(``bot.adapters.tree``) and once for every button, select and modal (``bot.adapters.components``).
"""

from __future__ import annotations

from typing import Any


class UserFacingError(ValueError):
    """Bad input or a refused request: ``key`` is a catalog message, ``params`` fill it; nothing changed."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


class UserText(str):
    """Text someone typed, quoted back in an error message: the adapters escape it (markdown, mentions)
    before it is shown, and only it, so a role mention or a formatted figure among the params stays."""

    __slots__ = ()


def typed(text: str, limit: int = 40) -> UserText:
    """``text`` as typed (cut to ``limit`` characters), to be echoed safely in a :class:`UserFacingError`."""
    return UserText(text[:limit])
