"""REST plumbing: route table, bot auth, request recording, rate-limit headers and injected 429s."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import os
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from sandbox import errors, validation
from sandbox.errors import ApiError
from sandbox.models import SandboxBot

if TYPE_CHECKING:
    from sandbox.server import DiscordSandbox

log = logging.getLogger("happymood.sandbox")

#: when set, every REST exchange is appended to this file as one JSON line (the conformance test reads it)
TRAFFIC_ENV = "HAPPYMOOD_SANDBOX_TRAFFIC"

Handler = Callable[["DiscordSandbox", "RestRequest"], Awaitable[Any]]


@dataclass
class Upload:
    """A file sent as multipart ``files[n]``."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    """One REST call as it reached the sandbox."""

    method: str
    route: str | None
    path: str
    json: Any
    status: int
    time: float
    sandbox_time: datetime
    query: dict[str, str] = field(default_factory=dict)
    bot_user_id: int | None = None
    reason: str | None = None
    response: Any = None
    files: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The exchange as one JSON object (what the traffic recorder writes)."""
        return {
            "method": self.method,
            "route": self.route,
            "path": self.path,
            "query": self.query,
            "json": self.json,
            "files": self.files,
            "status": self.status,
            "response": self.response,
        }

    @property
    def params(self) -> dict[str, str]:
        """Path parameters by name (e.g. ``{"channel_id": "123"}``)."""
        if self.route is None:
            return {}
        template = self.route.split(" ", 1)[1].strip("/").split("/")
        actual = self.path.strip("/").split("/")
        return {t[1:-1]: unquote(a) for t, a in zip(template, actual, strict=False) if t.startswith("{")}


@dataclass
class RestRequest:
    """What a handler gets: parsed path params, query, JSON body, uploads and the authenticated bot."""

    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[Upload]
    bot: SandboxBot | None
    reason: str | None

    @property
    def bot_user_id(self) -> int:
        if self.bot is None:
            raise ApiError(401, 0, "401: Unauthorized")
        return self.bot.user_id

    def json(self) -> dict[str, Any]:
        """The body as an object (400 if it is something else)."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise errors.invalid_form("_root", "Expected an object.", "DICT_TYPE_CONVERT")
        return self.body

    def int_query(self, name: str, default: int, *, low: int, high: int) -> int:
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise errors.invalid_form(name, "Value is not int.", "NUMBER_TYPE_COERCE") from None
        if not low <= value <= high:
            raise errors.invalid_form(name, f"Int value should be between {low} and {high}.", "NUMBER_TYPE_MAX")
        return value


@dataclass
class Reply:
    """A handler result with an explicit status."""

    status: int
    body: Any = None


@dataclass
class Route:
    method: str
    template: str
    segments: tuple[str, ...]
    handler: Handler
    auth: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for seg, part in zip(self.segments, parts, strict=True):
            if seg.startswith("{"):
                if not part:
                    return None
                params[seg[1:-1]] = unquote(part)
            elif seg != part:
                return None
        return params

    @property
    def literals(self) -> int:
        return sum(1 for s in self.segments if not s.startswith("{"))


class RouteTable:
    """Routes registered by the ``api_*`` modules with ``@routes.get(...)`` etc."""

    def __init__(self) -> None:
        self._by_shape: dict[tuple[str, int], list[Route]] = {}

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        segments = tuple(template.strip("/").split("/"))
        route = Route(method, template, segments, handler, auth)
        bucket = self._by_shape.setdefault((method, len(segments)), [])
        bucket.append(route)
        bucket.sort(key=lambda r: -r.literals)

    def _decorator(self, method: str, template: str, auth: bool) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(method, template, handler, auth=auth)
            return handler

        return register

    def get(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self._decorator("GET", template, auth)

    def post(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self._decorator("POST", template, auth)

    def put(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self._decorator("PUT", template, auth)

    def patch(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self._decorator("PATCH", template, auth)

    def delete(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self._decorator("DELETE", template, auth)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        parts = path.strip("/").split("/")
        for route in self._by_shape.get((method, len(parts)), ()):
            params = route.match(parts)
            if params is not None:
                return route, params
        return None

    def all(self) -> list[str]:
        return sorted(r.key for rs in self._by_shape.values() for r in rs)


routes = RouteTable()


@dataclass
class Fault:
    """Deterministic 429 injection: a fraction ``ratio`` of matching calls, evenly spread (every Nth)."""

    route: str | None
    ratio: float
    retry_after: float
    scope: str
    _credit: float = 0.0
    hits: int = 0

    def fires(self, route_key: str) -> bool:
        if self.route is not None and self.route != route_key:
            return False
        self._credit += self.ratio
        if self._credit >= 1.0 - 1e-9:
            self._credit -= 1.0
            self.hits += 1
            return True
        return False


def _bucket(route_key: str) -> str:
    return hashlib.sha1(route_key.encode()).hexdigest()[:16]


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    all_headers = dict(headers or {})
    if status == 204 or body is None:
        return web.Response(status=204 if body is None and status < 300 else status, headers=all_headers)
    all_headers["Content-Type"] = "application/json"
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


class RestApi:
    """The aiohttp side of the REST API for one sandbox."""

    def __init__(self, sandbox: DiscordSandbox) -> None:
        self.sandbox = sandbox
        self.faults: list[Fault] = []
        self.internal_errors: list[str] = []
        self._waiters: list[tuple[Callable[[RecordedRequest], bool], asyncio.Future[RecordedRequest]]] = []

    def record(self, rec: RecordedRequest) -> None:
        self.sandbox.requests.append(rec)
        traffic = os.environ.get(TRAFFIC_ENV)
        if traffic:
            with open(traffic, "a", encoding="utf-8") as out:
                out.write(json.dumps(rec.as_json(), default=str) + "\n")
        for waiter in list(self._waiters):
            predicate, future = waiter
            if future.done():
                self._waiters.remove(waiter)
                continue
            try:
                if predicate(rec):
                    future.set_result(rec)
                    self._waiters.remove(waiter)
            except Exception as exc:  # a broken predicate must fail the waiting test, not the server
                future.set_exception(exc)
                self._waiters.remove(waiter)

    async def wait_for(
        self, predicate: Callable[[RecordedRequest], bool], timeout: float, since: int
    ) -> RecordedRequest:
        for rec in self.sandbox.requests[since:]:
            if predicate(rec):
                return rec
        future: asyncio.Future[RecordedRequest] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        sandbox = self.sandbox
        method = request.method
        path = "/" + request.match_info.get("tail", "")
        started = time.monotonic()
        query = {k: v for k, v in request.query.items()}
        reason_header = request.headers.get("X-Audit-Log-Reason")
        reason = unquote(reason_header) if reason_header else None
        auth = request.headers.get("Authorization", "")
        bot = sandbox.bot_for_token(auth[4:]) if auth.startswith("Bot ") else None

        def finish(status: int, body: Any, route_key: str | None, parsed: Any, files: list[Upload]) -> None:
            self.record(
                RecordedRequest(
                    method=method,
                    route=route_key,
                    path=path,
                    json=parsed,
                    status=status,
                    time=started,
                    sandbox_time=sandbox.now(),
                    query=query,
                    bot_user_id=bot.user_id if bot else None,
                    reason=reason,
                    response=body,
                    files=[f.filename for f in files],
                )
            )

        try:
            parsed, files = await _read_body(request)
        except ApiError as exc:
            finish(exc.status, exc.body(), None, None, [])
            return _json_response(exc.status, exc.body())

        found = routes.match(method, path)
        if found is None:
            entry = f"{method} {path}"
            log.warning("sandbox: unknown route %s (add it to sandbox if the bot needs it)", entry)
            sandbox.unknown_routes.append(entry)
            body = {"message": f"404: Not Found (sandbox: unknown route {method} {path})", "code": 0}
            finish(404, body, None, parsed, files)
            return _json_response(404, body)
        route, params = found
        key = route.key
        rl_headers = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": _bucket(key),
        }

        if route.auth and bot is None:
            body = {"message": "401: Unauthorized", "code": 0}
            finish(401, body, key, parsed, files)
            return _json_response(401, body)

        for fault in self.faults:
            if fault.fires(key):
                body = {
                    "code": 0,
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": fault.scope == "global",
                }
                headers = {
                    "Retry-After": str(max(1, math.ceil(fault.retry_after))),
                    "X-RateLimit-Scope": fault.scope,
                    "Via": "1.1 google",
                }
                if fault.scope == "global":
                    headers["X-RateLimit-Global"] = "true"
                else:
                    headers.update(
                        {
                            "X-RateLimit-Limit": "50",
                            "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                            "X-RateLimit-Bucket": _bucket(key),
                        }
                    )
                finish(429, body, key, parsed, files)
                return _json_response(429, body, headers)

        req = RestRequest(method, path, key, params, query, parsed, files, bot, reason)
        try:
            validation.validate(key, parsed, query, params)
            result = await route.handler(sandbox, req)
        except ApiError as exc:
            finish(exc.status, exc.body(), key, parsed, files)
            return _json_response(exc.status, exc.body(), rl_headers)
        except Exception as exc:
            # 400 rather than 500: discord.py would silently retry a 500 for ~25 s
            log.exception("sandbox: internal error in %s", key)
            self.internal_errors.append(f"{key}: {traceback.format_exc()}")
            body = {"message": f"sandbox internal error: {exc!r}", "code": 0}
            finish(400, body, key, parsed, files)
            return _json_response(400, body, rl_headers)
        status, body = (result.status, result.body) if isinstance(result, Reply) else (200, result)
        if body is None:
            status = 204 if status < 300 else status
        finish(status, body, key, parsed, files)
        return _json_response(status, body, rl_headers)


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    if not request.body_exists:
        return None, []
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        payload: Any = None
        files: list[Upload] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            assert isinstance(part, BodyPartReader), "nested multipart bodies are not supported"
            name = getattr(part, "name", None) or ""
            data = await part.read()
            filename = getattr(part, "filename", None)
            if name == "payload_json":
                payload = _loads(bytes(data))
            elif filename is not None or name.startswith("files["):
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files.append(Upload(name, filename or name, content_type, bytes(data)))
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    return _loads(raw), []


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
