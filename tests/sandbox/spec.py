"""Judges recorded sandbox traffic against Discord's published OpenAPI description (``discord-api-spec``).

The spec is read from ``../shared/discord-api-spec/openapi.json`` beside the repository (CI lays it there) or
``/work/shared/discord-api-spec``; it is never copied into the project. The leniencies its README lists are
applied and nothing else: snowflakes may be JSON integers, permission bitfields are strings that parse as
integers (the spec already says so) and boolean query values may be ``1``/``0``; message content is held to
2,000 characters (stricter than the spec's 4,000).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = (ROOT.parent / "shared" / "discord-api-spec", Path("/work/shared/discord-api-spec"))
MAX_CONTENT = 2000
INTEGER = re.compile(r"^-?\d+$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
QUERY_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
#: body fields discord.py 2.7 sends as query parameters instead (Discord honours them there): they are
#: checked against the body's schema, and the body they replace may then be absent
QUERY_AS_BODY = {"PUT /guilds/{guild_id}/bans/{user_id}": frozenset({"delete_message_seconds"})}


def spec_dir() -> Path | None:
    """Where Discord's spec lies, or None if this machine has none."""
    return next((d for d in CANDIDATES if (d / "openapi.json").is_file()), None)


@dataclass
class Operation:
    method: str
    template: str
    data: dict[str, Any]
    parameters: list[dict[str, Any]]

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


@dataclass
class Report:
    """Problems found in one exchange (empty: it conforms)."""

    exchange: str
    problems: list[str] = field(default_factory=list)


class DiscordSpec:
    """Discord's OpenAPI 3.1 document with its README's leniencies, ready to validate exchanges."""

    def __init__(self, path: Path) -> None:
        raw = json.loads((path / "openapi.json").read_text())
        self.doc = _lenient(raw)
        self.components = self.doc["components"]
        self._validators: dict[str, Draft202012Validator] = {}

    @cached_property
    def operations(self) -> dict[tuple[str, int], list[tuple[tuple[str, ...], Operation]]]:
        table: dict[tuple[str, int], list[tuple[tuple[str, ...], Operation]]] = {}
        for template, item in self.doc["paths"].items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                segments = tuple(template.strip("/").split("/"))
                params = [*shared, *op.get("parameters", [])]
                entry = (segments, Operation(method.upper(), template, op, [self.resolve(p) for p in params]))
                table.setdefault((method.upper(), len(segments)), []).append(entry)
        for bucket in table.values():  # most literal segments first: /members/@me before /members/{user_id}
            bucket.sort(key=lambda e: -sum(1 for s in e[0] if not s.startswith("{")))
        return table

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        parts = path.strip("/").split("/")
        for segments, op in self.operations.get((method, len(parts)), []):
            params: dict[str, str] = {}
            for seg, part in zip(segments, parts, strict=True):
                if seg.startswith("{"):
                    params[seg[1:-1]] = part
                elif seg != part:
                    break
            else:
                return op, params
        return None

    def validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        key = json.dumps(schema, sort_keys=True)
        found = self._validators.get(key)
        if found is None:
            found = Draft202012Validator({"allOf": [schema], "components": self.components})
            self._validators[key] = found
        return found

    def errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        out = []
        for err in self.validator(schema).iter_errors(instance):
            best = err
            message = best.message[:200]
            while best.context:  # no branch of an anyOf fits: name the closest branch's own error
                best = _closest(best.context)
                message = best.message[:200]
            loc = "/".join(str(p) for p in best.absolute_path)
            out.append(f"{where}{'/' + loc if loc else ''}: {message}")
        return out[:5]

    # ------------------------------------------------------------------ exchanges
    def check_request(self, method: str, path: str, query: dict[str, str], body: Any) -> list[str]:
        """What is wrong with a request (unknown route, parameters, body) by the spec; [] if nothing."""
        found = self.find(method, path)
        if found is None:
            return [f"unknown route {method} {path}"]
        op, path_params = found
        problems: list[str] = []
        declared = {p["name"]: p for p in op.parameters}
        for name, value in path_params.items():
            param = declared.get(name)
            if param is not None:
                problems += self.errors(param.get("schema", {}), _path_value(value), f"path {name}")
        moved = QUERY_AS_BODY.get(op.key, frozenset())
        if moved & query.keys():
            as_body = {k: int(v) if INTEGER.match(v) else v for k, v in query.items() if k in moved}
            body = {**as_body, **(body if isinstance(body, dict) else {})}
        for name, value in query.items():
            if name in moved:
                continue
            param = declared.get(name)
            if param is None or param.get("in") != "query":
                problems.append(f"query {name}: not a parameter of {op.key}")
                continue
            problems += self.errors(param.get("schema", {}), self._query_value(param, value), f"query {name}")
        for name, param in declared.items():
            if param.get("in") == "query" and param.get("required") and name not in query:
                problems.append(f"query {name}: required")
        problems += self._check_body(op, body)
        return problems

    def _query_value(self, param: dict[str, Any], value: str) -> Any:
        types = _types(self.resolve(param.get("schema", {})))
        if "integer" in types and INTEGER.match(value):
            return int(value)
        if "boolean" in types and value in QUERY_BOOLEANS:
            return QUERY_BOOLEANS[value]
        return value

    def _check_body(self, op: Operation, body: Any) -> list[str]:
        request = op.data.get("requestBody")
        if request is None:
            return [] if body in (None, {}) else [f"body: {op.key} takes no body"]
        request = self.resolve(request)
        if body is None:
            return ["body: required"] if request.get("required") else []
        schema = request.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return []
        problems = self.errors(schema, body, "body")
        if isinstance(body, dict) and isinstance(body.get("content"), str) and len(body["content"]) > MAX_CONTENT:
            problems.append(f"body/content: longer than {MAX_CONTENT} characters")
        return problems

    def check_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """What is wrong with a response (status not documented, body not of the documented shape)."""
        found = self.find(method, path)
        if found is None:
            return [f"unknown route {method} {path}"]
        op, _ = found
        responses = op.data.get("responses", {})
        spec_status = _status_key(responses, status)
        if spec_status is None:
            return [f"status {status} not documented for {op.key} (documented: {sorted(responses)})"]
        response = self.resolve(responses[spec_status])
        content = response.get("content")
        if not content:
            return [] if body is None else [f"status {status}: documented without a body, got one"]
        if body is None:
            return [f"status {status}: documented with a body, got none"]
        schema = content.get("application/json", {}).get("schema")
        return [] if schema is None else self.errors(schema, body, f"response {status}")

    def check_many(self, exchanges: list[dict[str, Any]], *, request: bool = True) -> list[str]:
        """Every exchange's problems, each prefixed with the exchange (alike exchanges are judged once)."""
        verdicts: dict[str, list[str]] = {}
        problems: list[str] = []
        for exchange in exchanges:
            key = json.dumps(
                [exchange["method"], _shape(exchange["path"].split("/")), _shape(exchange.get("query") or {}),
                 _shape(exchange.get("json")), exchange["status"], _shape(exchange.get("response"))],
                sort_keys=True,
            )  # fmt: skip
            if key not in verdicts:
                verdicts[key] = self.check(exchange, request=request).problems
            problems += [f"{exchange['method']} {exchange['path']} → {exchange['status']}: {p}" for p in verdicts[key]]
        return problems

    def check(self, exchange: dict[str, Any], *, request: bool = True) -> Report:
        """One recorded exchange (``RecordedRequest.as_json()``), request and response."""
        method, path = exchange["method"], exchange["path"]
        report = Report(f"{method} {path} → {exchange['status']}")
        if request:
            report.problems += self.check_request(method, path, exchange.get("query") or {}, exchange.get("json"))
        report.problems += self.check_response(method, path, exchange["status"], exchange.get("response"))
        return report


def _closest(context: list[Any]) -> Any:
    """Of the errors of all branches, the deepest of a branch whose ``type`` constant fits the instance."""
    branches: dict[Any, list[Any]] = {}
    for error in context:
        branches.setdefault(error.relative_schema_path[0], []).append(error)
    fitting = [errs for errs in branches.values() if not any(_wrong_kind(e) for e in errs)]
    pool = fitting[0] if len(fitting) == 1 else context
    return max(pool, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))


def _wrong_kind(error: Any) -> bool:
    path = list(error.relative_path)
    return (error.validator in ("enum", "const") and bool(path) and path[-1] == "type") or (
        error.validator == "type" and not path
    )


def _shape(value: Any) -> Any:
    """What the spec can judge of a value: ids and timestamps vary without changing the verdict (the spec
    checks a snowflake's digits and no date-time format), so exchanges alike but for them are judged once."""
    if isinstance(value, str):
        if value.isdigit():
            return "1" if value[0] != "0" or value == "0" else value
        return "2000-01-01T00:00:00+00:00" if TIMESTAMP.match(value) else value
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and value > 1 << 40:
        return 1 << 41
    return value


def _lenient(doc: dict[str, Any]) -> dict[str, Any]:
    """The README's leniencies the schema does not encode, and the error-code type Discord documents.

    * snowflakes may be JSON integers;
    * permission bitfields (``permissions``, ``allow``, ``deny``, ``default_member_permissions``) may be
      strings that parse as integers wherever the spec types them as integers;
    * the ``code`` of a field error inside ``errors`` is a string such as ``BASE_TYPE_REQUIRED`` (Discord's
      "Error Messages" reference); the spec reuses its integer-coded top-level ``Error`` object there.
    """
    doc = _one_of_as_any_of(copy.deepcopy(doc))
    schemas = doc["components"]["schemas"]
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    _bitfields_as_strings(doc)
    schemas["InnerErrors"]["properties"]["_errors"]["items"] = {
        "type": "object",
        "properties": {"code": {"type": ["string", "integer"]}, "message": {"type": "string"}},
        "required": ["code", "message"],
    }
    return doc


def _one_of_as_any_of(node: Any) -> Any:
    """Speed, not leniency: Discord's ``oneOf`` branches are told apart by ``null`` or a constant ``type``,
    so ``anyOf`` judges the same and stops at the first branch that fits instead of trying them all."""
    if isinstance(node, list):
        return [_one_of_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {("anyOf" if k == "oneOf" else k): _one_of_as_any_of(v) for k, v in node.items()}
    if "oneOf" in node and "anyOf" in node:  # both present: keep both meanings
        out["allOf"] = [*out.get("allOf", []), {"anyOf": _one_of_as_any_of(node["oneOf"])}]
        out["anyOf"] = _one_of_as_any_of(node["anyOf"])
    return out


BITFIELDS = frozenset({"permissions", "allow", "deny", "default_member_permissions"})
BITFIELD_STRING = {"type": "string", "pattern": "^[0-9]+$"}


def _bitfields_as_strings(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _bitfields_as_strings(item)
        return
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        for name in BITFIELDS & props.keys():
            if "integer" in _types(props[name]):
                props[name] = {"anyOf": [props[name], BITFIELD_STRING]}
    for value in node.values():
        _bitfields_as_strings(value)


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return set(kind)
    if isinstance(kind, str):
        return {kind}
    out: set[str] = set()
    for sub in schema.get("anyOf", []) + schema.get("oneOf", []):
        out |= _types(sub)
    return out


def _path_value(value: str) -> Any:
    return value


def _status_key(responses: dict[str, Any], status: int) -> str | None:
    if str(status) in responses:
        return str(status)
    if status >= 400 and f"{str(status)[0]}XX" in responses:
        return f"{str(status)[0]}XX"
    return "default" if "default" in responses and status >= 400 else None
