"""Period keys: read or created in ``ledger_keys`` once, then cached; destroyed for good at retention.

A pseudonym is ``HMAC(key of the guild's key period, pepper + user id)`` (see
:mod:`bot.domain.ledger.pseudonym`). The optional pepper lives in a secrets file, not in the database,
so a copy of the database alone cannot link pseudonyms to user IDs even while a key exists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from bot.clock import Clock
from bot.db.engine import Database
from bot.domain.ledger import new_key, period_range, pseudonym
from bot.services.ledger import store


class KeyRing:
    def __init__(self, db: Database, clock: Clock, pepper: bytes = b"") -> None:
        self._db = db
        self._clock = clock
        self._pepper = pepper
        self._cache: dict[tuple[int, str], bytes] = {}

    async def key(self, guild_id: int, period_id: str) -> bytes:
        cached = self._cache.get((guild_id, period_id))
        if cached is not None:
            return cached
        async with self._db.session() as session:
            secret = await store.read_key(session, guild_id, period_id)
            if secret is None:
                secret = await store.create_key(session, guild_id, period_id, new_key(), self._clock.now())
        self._cache[(guild_id, period_id)] = secret
        return secret

    def pseudonym(self, user_id: int, secret: bytes) -> str:
        return pseudonym(user_id, secret, self._pepper)

    async def pseudonyms_of(self, guild_id: int, user_id: int) -> dict[str, str]:
        """The user's pseudonym in every key period of the guild whose key still exists."""
        async with self._db.session() as session:
            keys = await store.keys_of(session, guild_id)
        return {period_id: self.pseudonym(user_id, secret) for period_id, secret in keys.items()}

    async def destroy_ended(self, guild_id: int, cutoff: datetime, tz: tzinfo) -> list[str]:
        """Delete the keys of periods that ended before ``cutoff`` (their rows are past retention)."""
        async with self._db.session() as session:
            keys = await store.keys_of(session, guild_id)
            ended = [p for p in keys if period_end(p, tz) <= cutoff]
            await store.destroy_keys(session, guild_id, ended)
        for period_id in ended:
            self._cache.pop((guild_id, period_id), None)
        return sorted(ended)


def period_end(period_id: str, tz: tzinfo) -> datetime:
    """The instant a key period ends: local midnight after its last day."""
    last: date = period_range(period_id)[1]
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
