"""The wire protocol without discord.py: zlib-stream framing, sequence numbers, close codes, REST headers."""

from __future__ import annotations

import json
import zlib
from typing import Any

import aiohttp
import pytest

from sandbox import DiscordSandbox
from sandbox import permissions as P


async def _world(sb: DiscordSandbox) -> tuple[Any, int]:
    owner = sb.create_user("owner")
    bot = sb.create_bot()
    gid = sb.create_guild("Proto", owner_id=owner)
    await sb.add_bot_to_guild(gid, bot, permissions=P.VIEW_CHANNEL)
    return bot, gid


class Reader:
    """Decodes frames like discord.py does (one zlib context per connection)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflate = zlib.decompressobj()
        self.binary_frames = 0

    async def next(self) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=5)
        if msg.type == aiohttp.WSMsgType.BINARY:
            self.binary_frames += 1
            assert msg.data[-4:] == b"\x00\x00\xff\xff"
            payload: dict[str, Any] = json.loads(self.inflate.decompress(msg.data))
            return payload
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        payload = json.loads(msg.data)
        return payload


@pytest.mark.parametrize("compress", [True, False])
async def test_hello_identify_ready_heartbeat(compress: bool) -> None:
    async with DiscordSandbox() as sb:
        sb.gateway.heartbeat_interval_ms = 45000
        bot, gid = await _world(sb)
        query = "?v=10&encoding=json" + ("&compress=zlib-stream" if compress else "")
        async with aiohttp.ClientSession() as session, session.ws_connect(sb.gateway_url + query) as ws:
            reader = Reader(ws)
            hello = await reader.next()
            assert hello == {"op": 10, "d": {"heartbeat_interval": 45000}}
            await ws.send_json({"op": 2, "d": {"token": bot.token, "intents": 1, "properties": {}}})
            ready = await reader.next()
            assert (ready["op"], ready["t"], ready["s"]) == (0, "READY", 1)
            assert ready["d"]["guilds"] == [{"id": str(gid), "unavailable": True}]
            assert ready["d"]["resume_gateway_url"] == sb.gateway_url
            create = await reader.next()
            assert (create["t"], create["s"], create["d"]["id"]) == ("GUILD_CREATE", 2, str(gid))
            assert create["d"]["member_count"] == 2 and create["d"]["large"] is False
            await ws.send_json({"op": 1, "d": 2})
            assert await reader.next() == {"op": 11}
            assert reader.binary_frames == (4 if compress else 0)


@pytest.mark.parametrize(
    ("identify", "code"),
    [
        ({"token": "nope", "intents": 1}, 4004),
        ({"token": None, "intents": -1}, 4013),
        ({"token": None, "intents": 1 << 15}, 4014),
        ({"token": None, "intents": 1, "shard": [2, 2]}, 4010),
    ],
)
async def test_identify_errors_close_the_socket(identify: dict[str, Any], code: int) -> None:
    async with DiscordSandbox() as sb:
        bot, _ = await _world(sb)
        bot.privileged_intents = 0
        payload = {**identify, "token": identify["token"] or bot.token}
        async with aiohttp.ClientSession() as session, session.ws_connect(sb.gateway_url + "?v=10&encoding=json") as ws:
            await ws.receive(timeout=5)  # HELLO
            await ws.send_json({"op": 2, "d": payload})
            msg = await ws.receive(timeout=5)
            assert msg.type == aiohttp.WSMsgType.CLOSE
            assert ws.close_code == code


async def test_rest_headers_and_injected_429_shape() -> None:
    async with DiscordSandbox() as sb:
        bot, _ = await _world(sb)
        auth = {"Authorization": f"Bot {bot.token}"}
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{sb.api_base}/users/@me", headers=auth) as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"] == "application/json"
                assert resp.headers["X-RateLimit-Remaining"] == "49"
                assert (await resp.json())["id"] == str(bot.user_id)
            async with session.get(f"{sb.api_base}/users/@me") as resp:
                assert resp.status == 401
            sb.inject_429(ratio=1.0, retry_after=0.25, scope="shared")
            async with session.get(f"{sb.api_base}/users/@me", headers=auth) as resp:
                assert resp.status == 429
                assert resp.headers["Via"] == "1.1 google"
                assert resp.headers["X-RateLimit-Scope"] == "shared"
                assert resp.headers["Retry-After"] == "1"
                assert await resp.json() == {
                    "code": 0,
                    "message": "You are being rate limited.",
                    "retry_after": 0.25,
                    "global": False,
                }
        assert [r.status for r in sb.requests] == [200, 401, 429]
