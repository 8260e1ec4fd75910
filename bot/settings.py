"""Deployment settings: built-in defaults < config.toml < environment (``HAPPYMOOD_``, ``__`` nesting).

Per-guild overrides live in the database (see :mod:`bot.services.guild_settings`); this module only
holds what one deployment decides. The bot token is accepted from the environment or a secrets file,
never from ``config.toml``, and is kept as a :class:`~pydantic.SecretStr` so it never reaches a log.
"""

from __future__ import annotations

import contextvars
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.domain.feature_config import FeatureSettings
from bot.domain.values import Lang, TimeZone

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"
TOKEN_ENV = "HAPPYMOOD_DISCORD__TOKEN"

_config_path: contextvars.ContextVar[Path | None] = contextvars.ContextVar("happymood_config", default=None)


class Section(BaseModel):
    """A settings table: unknown keys are errors, so a typo in config.toml is reported, not ignored."""

    model_config = ConfigDict(extra="forbid")


class DiscordSettings(Section):
    token: SecretStr | None = Field(default=None, description="environment or token_file only")
    token_file: Path | None = None
    api_base: str = DISCORD_API
    gateway_url: str = DISCORD_GATEWAY
    shard_count: int | None = Field(default=None, ge=1, le=1024)
    shard_ids: list[int] | None = None
    guild_ready_timeout: float = Field(default=2.0, ge=0, le=60)
    sync_commands: Literal["auto", "always", "never"] = "auto"

    @field_validator("api_base", "gateway_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must be an http(s):// or ws(s):// URL")
        return value.rstrip("/") if value.startswith("http") else value

    @model_validator(mode="after")
    def _shards(self) -> DiscordSettings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count")
            bad = [s for s in self.shard_ids if not 0 <= s < self.shard_count]
            if bad:
                raise ValueError(f"shard_ids {bad} outside 0..{self.shard_count - 1}")
        return self

    def resolved_token(self) -> SecretStr | None:
        """The token from the environment, else from ``token_file`` (first line)."""
        if self.token is not None and self.token.get_secret_value().strip():
            return self.token
        if self.token_file is not None and self.token_file.is_file():
            text = self.token_file.read_text(encoding="utf-8").strip()
            return SecretStr(text) if text else None
        return None


class DatabaseSettings(Section):
    url: str | None = Field(default=None, description="SQLAlchemy async URL; default: SQLite in data_dir")
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith(("postgres://", "postgresql://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value


class GeneralSettings(Section):
    timezone: TimeZone = "Europe/Brussels"
    language: Lang = "nl"
    data_dir: Path = Path("data")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"


class Settings(FeatureSettings, BaseSettings):
    """Everything one deployment configures; feature tables come from :class:`FeatureSettings`."""

    model_config = SettingsConfigDict(
        env_prefix="HAPPYMOOD_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    general: GeneralSettings = GeneralSettings()
    discord: DiscordSettings = DiscordSettings()
    database: DatabaseSettings = DatabaseSettings()

    @field_validator("hours", "antispam", mode="before")
    @classmethod
    def _one_time_zone(cls, value: Any, info: ValidationInfo) -> Any:
        """The guild's zone has one deployment key: a file still setting a removed one is told which replaced it."""
        if isinstance(value, Mapping) and "timezone" in value:
            raise ValueError(
                f"{info.field_name}.timezone was removed: set general.timezone (one zone for office hours, "
                "the night profile and reports; a server overrides it with /setup tijdzone)"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _config_path.get()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite+aiosqlite:///{(self.general.data_dir / 'happymood.db').as_posix()}"


#: Keys of the effective models that come from the one time-zone rule, never from configuration.
DERIVED_KEYS = frozenset({"hours.timezone", "antispam.timezone"})


class ConfigError(Exception):
    """A configuration problem, phrased for the person who edits config.toml (no traceback)."""


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(str(part) for part in error.get("loc", ()))
    value = error.get("input")
    shown = "" if isinstance(value, dict) else f" = {value!r}"
    return f"{key or '(settings)'}{shown}: {error.get('msg', 'invalid')}"


def load_settings(config: Path | str | None = None) -> Settings:
    """Load and validate settings; raise :class:`ConfigError` naming the key, value and what is allowed."""
    env = os.environ
    path = Path(config) if config else (Path(env["HAPPYMOOD_CONFIG"]) if env.get("HAPPYMOOD_CONFIG") else None)
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        if "token" in data.get("discord", {}):
            raise ConfigError(
                f"discord.token in {path}: the token may not be stored in config.toml; "
                f"set {TOKEN_ENV} or discord.token_file instead"
            )
    token = _config_path.set(path)
    try:
        return Settings()
    except ValidationError as exc:
        lines = [_describe(err) for err in exc.errors()]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
    finally:
        _config_path.reset(token)


def masked(settings: Settings) -> dict[str, Any]:
    """The settings in effect as plain data, secrets masked (for ``happymood check``)."""
    data = settings.model_dump(mode="json")
    token = settings.discord.resolved_token()
    data["discord"]["token"] = "***set***" if token else None
    data["database"]["url"] = _mask_url(settings.database_url)
    return data


def _mask_url(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in creds else ''}@{host}"
