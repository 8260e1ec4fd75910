"""``happymood stats`` reads the configured database and prints the suppressed report."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import main
from bot.cli_stats import FORMATS as CLI_FORMATS
from bot.domain.ledger import ContactKind
from bot.services.ledger import FORMATS, LedgerService

from .conftest import GUILD, local, youth


@pytest.fixture
async def filled(ledger: LedgerService, db_url: str, monkeypatch: pytest.MonkeyPatch) -> LedgerService:
    monkeypatch.setenv("HAPPYMOOD_DATABASE__URL", db_url)
    monkeypatch.delenv("HAPPYMOOD_CONFIG", raising=False)
    for who in range(1, 8):
        await ledger.record(GUILD, youth(who), ContactKind.CHECKIN_REPLY, at=local("2026-11-25 14:00"))
    await ledger.record(GUILD, youth(8), ContactKind.DESK, at=local("2026-11-26 15:00"))
    await ledger.flush()
    return ledger


async def _cli(*args: str) -> int:
    return await asyncio.to_thread(main, ["stats", *args])  # the CLI runs its own event loop


async def test_json_table_csv_and_png(
    filled: LedgerService, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await _cli("--range", "2026-W48", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["range"] == {"start": "2026-11-23", "end": "2026-11-29"}
    assert data["summary"]["contact_moments"] == 8
    assert data["breakdowns"]["by_kind"]["cells"]["checkin_reply"] == "*"  # 8 - 7 gives the desk youth away
    assert data["breakdowns"]["by_kind"]["cells"]["desk"] == "<5"

    assert await _cli("--from", "23/11/2026", "--to", "2026-11-29", "--format", "table", "--lang", "en") == 0
    table = capsys.readouterr().out
    assert table.startswith("Contact moments 2026-11-23 – 2026-11-29\n")
    assert "check-in reply" in table

    assert await _cli("--range", "2026-W48", "--format", "csv") == 0
    assert "antwoord op check-in,*" in capsys.readouterr().out  # the guild's language: Dutch

    out = tmp_path / "week.png"
    assert await _cli("--range", "2026-W48", "--format", "png", "--out", str(out), "--guild", str(GUILD)) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


async def test_usage_errors_exit_2(filled: LedgerService, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _cli("--format", "png", "--lang", "en") == 2
    assert "needs --out" in capsys.readouterr().err
    assert await _cli("--from", "31/02/2026") == 2
    assert "31/02/2026" in capsys.readouterr().err
    await filled.record(GUILD + 1, youth(1), ContactKind.DESK, at=local("2026-11-25 14:00"))
    await filled.flush()
    assert await _cli("--range", "2026-W48") == 2
    assert f"--guild ({GUILD}, {GUILD + 1})" in capsys.readouterr().err


def test_cli_formats_match_the_service() -> None:
    assert CLI_FORMATS == FORMATS


async def test_messages_speak_the_chosen_language_without_markdown(
    filled: LedgerService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _cli("--format", "png", "--lang", "nl") == 2
    assert "heeft --out BESTAND nodig" in capsys.readouterr().err
    assert await _cli("--range", "someday", "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "someday is not a period I know" in err and "**" not in err
    assert await _cli("--range", "someday", "--lang", "nl") == 2
    assert "someday is geen periode die ik ken" in capsys.readouterr().err


async def test_a_future_to_is_clipped_to_today_with_a_note(
    filled: LedgerService, capsys: pytest.CaptureFixture[str]
) -> None:
    today = datetime.now(ZoneInfo("Europe/Brussels")).date()  # the CLI runs on the real clock
    assert await _cli("--from", "23/11/2026", "--to", "31/12/2099", "--format", "json", "--lang", "en") == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["range"] == {"start": "2026-11-23", "end": today.isoformat()}
    assert f"the report runs up to today, {today.strftime('%d/%m/%Y')}" in out.err
