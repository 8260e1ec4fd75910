"""Settings: precedence, clear errors naming the key, the token never leaves as plain text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings, masked
from tests.support.checks import present

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"


def test_defaults_then_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[general]\nlanguage = "en"\ntimezone = "Europe/Amsterdam"\n[database]\nurl = "postgresql://u@h/db"\n'
    )
    assert load_settings().general.language == "nl"
    s = load_settings(cfg)
    assert (s.general.language, s.general.timezone) == ("en", "Europe/Amsterdam")
    assert s.database_url == "postgresql+asyncpg://u@h/db"
    monkeypatch.setenv("HAPPYMOOD_GENERAL__LANGUAGE", "nl")
    monkeypatch.setenv("HAPPYMOOD_CONFIG", str(cfg))
    assert load_settings().general.language == "nl"


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[general]\ntimezone = "Mars/Olympus"\n', "general.timezone = 'Mars/Olympus'"),
        ("[discord]\nshard_count = 2\nshard_ids = [0, 5]\n", "shard_ids [5] outside 0..1"),
        ('[database]\nurl = "mysql://x"\n', "database.url = 'mysql://x'"),
        ("[general]\nlangauge = 'nl'\n", "general.langauge"),
        ('[discord]\ntoken = "abc"\n', "discord.token in"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, toml: str, needle: str) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    assert needle in str(err.value)


def test_token_from_file_and_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    monkeypatch.setenv("HAPPYMOOD_DISCORD__TOKEN_FILE", str(secret))
    s = load_settings()
    assert s.discord.resolved_token() is not None
    assert present(s.discord.resolved_token()).get_secret_value() == TOKEN
    shown = json.dumps(masked(s))
    assert TOKEN not in shown and "***set***" in shown
    assert TOKEN not in repr(s) and TOKEN not in str(s.discord)


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith("HAPPYMOOD_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def test_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    result = _cli("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "HAPPYMOOD_DISCORD__TOKEN" in lines[0] and "happymood demo" in lines[0]


def test_bad_config_exits_2_naming_the_key_without_traceback(tmp_path: Path) -> None:
    result = _cli("run", env={"HAPPYMOOD_DISCORD__SHARD_COUNT": "zero"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "discord.shard_count = 'zero'" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_masks_the_token(tmp_path: Path) -> None:
    result = _cli("check", env={"HAPPYMOOD_DISCORD__TOKEN": TOKEN}, cwd=tmp_path)
    assert result.returncode == 0
    assert TOKEN not in result.stdout + result.stderr
    assert json.loads(result.stdout)["discord"]["token"] == "***set***"


def test_run_without_network_reports_one_line_and_exits_3(tmp_path: Path) -> None:
    env = {
        "HAPPYMOOD_DISCORD__TOKEN": "not-a-real-token",
        "HAPPYMOOD_DISCORD__API_BASE": "http://127.0.0.1:9/api/v10",  # the discard port: nothing listens
        "HAPPYMOOD_DISCORD__GATEWAY_URL": "ws://127.0.0.1:9/",
        "HAPPYMOOD_GENERAL__DATA_DIR": str(tmp_path),
    }
    done = _cli("run", env=env, cwd=tmp_path)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("happymood:")]
    assert "could not connect to Discord at http://127.0.0.1:9/api/v10" in line


def test_the_demo_refuses_an_existing_database_file_with_a_clear_line(tmp_path: Path) -> None:
    existing = tmp_path / "demo.db"
    existing.write_bytes(b"")
    done = _cli("demo", "--database", str(existing), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "already exists" in done.stderr and "--database" in done.stderr
