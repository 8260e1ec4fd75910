"""Logs are one JSON line per event and never carry a token."""

from __future__ import annotations

import io
import json
import logging

from bot.logging_setup import setup_logging

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"


def test_json_lines_with_extras_and_token_redacted() -> None:
    stream = io.StringIO()
    setup_logging("INFO", "json", stream)
    log = logging.getLogger("happymood.test")
    log.info("lockdown applied", extra={"guild_id": 42, "steps": 3})
    log.warning("oops %s", TOKEN)
    try:
        raise RuntimeError(f"Authorization: Bot {TOKEN}")
    except RuntimeError:
        log.exception("failed")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["event"] == "lockdown applied" and lines[0]["guild_id"] == 42 and lines[0]["steps"] == 3
    assert TOKEN not in stream.getvalue()
    assert "[token]" in lines[1]["event"] and "[token]" in lines[2]["exc"]
    logging.getLogger().handlers.clear()
