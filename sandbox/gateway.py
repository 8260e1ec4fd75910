"""Gateway: websocket sessions, sequence numbers, zlib-stream, resume replay, intents and chunking."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from sandbox.models import JSON, SandboxBot

if TYPE_CHECKING:
    from sandbox.server import DiscordSandbox

log = logging.getLogger("happymood.sandbox")

# Opcodes
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE_UPDATE = 3
VOICE_STATE_UPDATE = 4
RESUME = 6
RECONNECT = 7
REQUEST_GUILD_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

# Intents
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MODERATION = 1 << 2
GUILD_EXPRESSIONS = 1 << 3
GUILD_INTEGRATIONS = 1 << 4
GUILD_WEBHOOKS = 1 << 5
GUILD_INVITES = 1 << 6
GUILD_VOICE_STATES = 1 << 7
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
GUILD_MESSAGE_TYPING = 1 << 11
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
DIRECT_MESSAGE_TYPING = 1 << 14
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16
AUTO_MODERATION_CONFIGURATION = 1 << 20
AUTO_MODERATION_EXECUTION = 1 << 21
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
ALL_INTENTS = (1 << 26) - 1

#: Gateway close codes the sandbox uses.
CLOSE_UNKNOWN_ERROR = 4000
CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010
CLOSE_INVALID_INTENTS = 4013
CLOSE_DISALLOWED_INTENTS = 4014

#: How many dispatches a session keeps for RESUME replay.
REPLAY_LIMIT = 200_000
CHUNK_SIZE = 1000

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(data: Any) -> str:
    return _dumps(data)


class GatewayConnection:
    """One websocket: an ordered outgoing queue drained by a writer task (compression happens there)."""

    def __init__(self, ws: web.WebSocketResponse, *, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._queue: deque[str] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.session: GatewaySession | None = None
        self.closed = False
        self.sent = 0
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def enqueue(self, text: str) -> None:
        if self.closed:
            return
        self._queue.append(text)
        self._idle.clear()
        self._wake.set()

    async def _write_loop(self) -> None:
        ws = self.ws
        queue = self._queue
        try:
            while not self.closed:
                await self._wake.wait()
                self._wake.clear()
                while queue:
                    text = queue.popleft()
                    if self._zlib is not None:
                        raw = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                        await ws.send_bytes(raw)
                    else:
                        await ws.send_str(text)
                    self.sent += 1
                self._idle.set()
        except (ConnectionError, RuntimeError) as exc:
            log.debug("sandbox gateway: writer stopped: %s", exc)
        finally:
            self.closed = True
            self._idle.set()

    async def drained(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far was written to the socket."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def close(self, code: int) -> None:
        if not self.closed:
            await self.drained(2.0)
        self.closed = True
        self._wake.set()
        self._writer.cancel()
        with contextlib.suppress(BaseException):
            await self._writer
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code=code), 5.0)


@dataclass
class GatewaySession:
    """A gateway session (survives disconnects until invalidated, so RESUME can replay)."""

    session_id: str
    bot: SandboxBot
    intents: int
    shard: tuple[int, int] | None
    large_threshold: int = 50
    seq: int = 0
    log: deque[tuple[int, str]] = field(default_factory=deque)
    conn: GatewayConnection | None = None
    dispatched: int = 0

    def handles_guild(self, guild_id: int | None) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id

    def push(self, event: str, d_json: str) -> None:
        self.seq += 1
        text = f'{{"op":0,"s":{self.seq},"t":"{event}","d":{d_json}}}'
        self.log.append((self.seq, text))
        if len(self.log) > REPLAY_LIMIT:
            self.log.popleft()
        self.dispatched += 1
        if self.conn is not None:
            self.conn.enqueue(text)

    def replay_after(self, seq: int) -> list[str] | None:
        """Events after ``seq`` or None if some of them were already forgotten."""
        if self.log and self.log[0][0] > seq + 1:
            return None
        return [text for s, text in self.log if s > seq]

    def trim(self, acked: int) -> None:
        while self.log and self.log[0][0] <= acked:
            self.log.popleft()


class Gateway:
    """The websocket endpoint and the sessions it keeps for one sandbox."""

    def __init__(self, sandbox: DiscordSandbox) -> None:
        self.sandbox = sandbox
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.heartbeat_interval_ms = 41250
        self.identifies: list[JSON] = []
        #: every non-heartbeat op a client sent, as (op, data), in order
        self.received: list[tuple[int, Any]] = []

    def sessions_of(self, bot: SandboxBot) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.bot is bot]

    # ------------------------------------------------------------------ websocket
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=0, autoping=True)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="sandbox gateway: websocket upgrade expected")
        await ws.prepare(request)
        compress = request.query.get("compress")
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=CLOSE_DECODE_ERROR, message=b"sandbox supports encoding=json only")
            return ws
        conn = GatewayConnection(ws, compress=compress if compress == "zlib-stream" else None)
        self.connections.add(conn)
        conn.enqueue(dumps({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}))
        client_code: int | None = None
        try:
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    raw = msg.data if isinstance(msg.data, str) else msg.data.decode()
                    try:
                        payload = json.loads(raw)
                    except ValueError:
                        await self._close(conn, CLOSE_DECODE_ERROR)
                        break
                    if not await self._on_message(conn, payload):
                        break
                elif msg.type == WSMsgType.ERROR:
                    break
            client_code = ws.close_code
        finally:
            await self._detach(conn, client_code)
        return ws

    async def _detach(self, conn: GatewayConnection, client_code: int | None) -> None:
        self.connections.discard(conn)
        conn.closed = True
        conn._wake.set()
        session = conn.session
        if session is not None and session.conn is conn:
            session.conn = None
            if client_code in (1000, 1001):
                # a clean close by the client ends the session (Discord does the same)
                self.sessions.pop(session.session_id, None)
                log.debug("sandbox gateway: session %s closed by client", session.session_id)

    async def _close(self, conn: GatewayConnection, code: int) -> None:
        log.warning("sandbox gateway: closing connection with %s", code)
        if conn.session is not None and conn.session.conn is conn:
            conn.session.conn = None
            if code in (CLOSE_AUTHENTICATION_FAILED, CLOSE_INVALID_SHARD, CLOSE_DISALLOWED_INTENTS):
                self.sessions.pop(conn.session.session_id, None)
        await conn.close(code)

    async def _on_message(self, conn: GatewayConnection, payload: JSON) -> bool:
        op = payload.get("op")
        data = payload.get("d")
        if op != HEARTBEAT and isinstance(op, int):
            self.received.append((op, data))
        if op == HEARTBEAT:
            if conn.session is not None and isinstance(data, int):
                conn.session.trim(min(data, conn.session.seq) - 1)
            conn.enqueue(dumps({"op": HEARTBEAT_ACK}))
            return True
        if op == IDENTIFY:
            if conn.session is not None:
                await self._close(conn, CLOSE_ALREADY_AUTHENTICATED)
                return False
            return await self._identify(conn, data or {})
        if op == RESUME:
            return await self._resume(conn, data or {})
        session = conn.session
        if session is None:
            await self._close(conn, CLOSE_NOT_AUTHENTICATED)
            return False
        if op == REQUEST_GUILD_MEMBERS:
            self._request_members(session, data or {})
            return True
        if op == PRESENCE_UPDATE:
            return True
        if op == VOICE_STATE_UPDATE:
            await self.sandbox._bot_voice_state(session.bot, data or {})
            return True
        await self._close(conn, CLOSE_UNKNOWN_OPCODE)
        return False

    async def _identify(self, conn: GatewayConnection, data: JSON) -> bool:
        self.identifies.append(data)
        bot = self.sandbox.bot_for_token(str(data.get("token", "")).removeprefix("Bot "))
        if bot is None:
            await self._close(conn, CLOSE_AUTHENTICATION_FAILED)
            return False
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents & ~ALL_INTENTS:
            await self._close(conn, CLOSE_INVALID_INTENTS)
            return False
        if intents & PRIVILEGED_INTENTS & ~bot.privileged_intents:
            await self._close(conn, CLOSE_DISALLOWED_INTENTS)
            return False
        shard: tuple[int, int] | None = None
        if data.get("shard") is not None:
            try:
                shard_id, count = (int(x) for x in data["shard"])
            except (TypeError, ValueError):
                shard_id, count = -1, 0
            if count < 1 or not 0 <= shard_id < count:
                await self._close(conn, CLOSE_INVALID_SHARD)
                return False
            shard = (shard_id, count)
        for old in self.sessions_of(bot):
            if old.shard == shard and old.conn is None:
                self.sessions.pop(old.session_id, None)
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            bot=bot,
            intents=intents,
            shard=shard,
            large_threshold=max(50, min(250, int(data.get("large_threshold") or 50))),
        )
        session.conn = conn
        conn.session = session
        self.sessions[session.session_id] = session
        self.sandbox._send_ready(session)
        log.debug("sandbox gateway: %s identified (shard %s, intents %s)", bot.name, shard, intents)
        return True

    async def _resume(self, conn: GatewayConnection, data: JSON) -> bool:
        session = self.sessions.get(str(data.get("session_id")))
        token = str(data.get("token", "")).removeprefix("Bot ")
        seq = data.get("seq") or 0
        events = None if session is None or session.bot.token != token else session.replay_after(int(seq))
        if session is None or events is None:
            log.info("sandbox gateway: RESUME refused, invalid session")
            conn.enqueue(dumps({"op": INVALID_SESSION, "d": False}))
            return True
        if session.conn is not None and session.conn is not conn:
            old = session.conn
            session.conn = None
            await old.close(CLOSE_UNKNOWN_ERROR)
        session.conn = conn
        conn.session = session
        for text in events:
            conn.enqueue(text)
        session.push("RESUMED", "{}")
        log.debug("sandbox gateway: session %s resumed, replayed %d events", session.session_id, len(events))
        return True

    def _request_members(self, session: GatewaySession, data: JSON) -> None:
        sandbox = self.sandbox
        try:
            guild_id = int(data["guild_id"])
        except (KeyError, TypeError, ValueError):
            return
        guild = sandbox.guilds.get(guild_id)
        if guild is None or session.bot.user_id not in guild.members or not session.handles_guild(guild_id):
            return
        nonce = data.get("nonce")
        query = data.get("query")
        limit = int(data.get("limit") or 0)
        user_ids = data.get("user_ids")
        not_found: list[str] = []
        if user_ids is not None:
            ids = [int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])][:100]
            members = [guild.members[u] for u in ids if u in guild.members]
            not_found = [str(u) for u in ids if u not in guild.members]
        else:
            if not session.intents & GUILD_MEMBERS and (query == "" and limit == 0):
                log.warning("sandbox gateway: full member request without GUILD_MEMBERS intent")
                members = []
            else:
                q = (query or "").lower()
                members = [
                    m
                    for m in guild.members.values()
                    if not q
                    or sandbox.users[m.user_id].username.lower().startswith(q)
                    or (m.nick or "").lower().startswith(q)
                ]
                if q:
                    members = members[: min(limit or 100, 100)]
                elif limit:
                    members = members[:limit]
        chunks = [members[i : i + CHUNK_SIZE] for i in range(0, len(members), CHUNK_SIZE)] or [[]]
        for index, chunk in enumerate(chunks):
            body: JSON = {
                "guild_id": str(guild_id),
                "members": [sandbox.member_payload(m) for m in chunk],
                "chunk_index": index,
                "chunk_count": len(chunks),
            }
            if index == 0 and not_found:
                body["not_found"] = not_found
            if data.get("presences"):
                body["presences"] = []
            if nonce is not None:
                body["nonce"] = nonce
            session.push("GUILD_MEMBERS_CHUNK", dumps(body))

    async def disconnect(self, bot: SandboxBot | None, code: int = CLOSE_UNKNOWN_ERROR) -> int:
        """Close the sockets (of ``bot`` or all) keeping sessions resumable unless the code says otherwise."""
        closed = 0
        for conn in list(self.connections):
            if bot is not None and (conn.session is None or conn.session.bot is not bot):
                continue
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            await conn.close(code)
            closed += 1
        return closed

    def send_op(self, bot: SandboxBot, op: int, d: Any = None) -> None:
        for session in self.sessions_of(bot):
            if session.conn is not None:
                session.conn.enqueue(dumps({"op": op, "d": d}))

    async def drain(self) -> None:
        await asyncio.gather(*(c.drained() for c in list(self.connections)))

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.close(1001)
        self.connections.clear()
        self.sessions.clear()
