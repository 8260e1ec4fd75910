"""A 30-second PostgreSQL outage while contacts keep coming: nothing is lost.

A small TCP proxy on 127.0.0.1 sits between the service and the machine's PostgreSQL; cutting it drops
every open connection and refuses new ones, restoring it listens again on the same port. The real
PostgreSQL server is never touched (other tests use it).
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.db.models import LedgerContact
from bot.domain.guild_config import GuildConfig
from bot.domain.ledger import ContactKind, LedgerConfig
from bot.services.contacts import Person
from bot.services.guild_settings import GuildSettingsService
from bot.services.ledger import LedgerService
from tests.conftest import create_pg_database, drop_pg_database

OUTAGE_SECONDS = 30.0
GUILD = 77


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; :meth:`cut` kills it, :meth:`restore` brings it back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            if writer.transport is not None:
                writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def restore(self) -> None:
        await self.start()


async def _count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerContact)) or 0)


async def test_thirty_second_postgres_outage_loses_no_contact() -> None:
    url = await create_pg_database()  # skips (or fails under HAPPYMOOD_REQUIRE_POSTGRES=1) without PostgreSQL
    direct = Database(url)
    proxy = TcpProxy("127.0.0.1", int(url.rsplit(":", 1)[1].split("/", 1)[0]))
    proxied: Database | None = None
    try:
        await upgrade(direct)
        await proxy.start()
        proxied = Database(url.replace(":5432/", f":{proxy.port}/"))
        clock = SystemClock()
        settings = GuildSettingsService(proxied, clock)

        async def core(guild_id: int) -> GuildConfig:
            return await settings.get(guild_id, "core", GuildConfig())

        config = LedgerConfig(flush_interval_seconds=0.2)
        ledger = LedgerService(proxied, clock, config, guild_config=core, close_timeout=15)
        sent = 0
        running = True

        async def contacts() -> None:
            nonlocal sent
            while running:
                sent += await ledger.record(GUILD, Person(10_000 + sent), ContactKind.JOIN)
                await asyncio.sleep(0.05)

        producer = asyncio.create_task(contacts())
        await asyncio.sleep(1.5)
        assert await _count(direct) > 0  # flushing normally
        await proxy.cut()
        cut_at = sent
        await asyncio.sleep(OUTAGE_SECONDS)
        held, during = len(ledger.buffer), sent - cut_at
        await proxy.restore()
        await asyncio.sleep(2.0)
        running = False
        await producer
        await ledger.close()

        assert during > 400  # contacts kept coming during the outage
        assert held >= during  # ... and were all held in the buffer
        assert ledger.flush_failures > 0
        assert await _count(direct) == sent
        assert len(ledger.buffer) == 0
    finally:
        if proxied is not None:
            await proxied.dispose()
        await direct.dispose()
        with contextlib.suppress(Exception):
            await proxy.cut()
        await drop_pg_database(url)
