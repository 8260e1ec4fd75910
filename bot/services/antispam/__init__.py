"""Anti-spam and automatic lockdown: detectors per guild, one response pipeline, exact restore, summaries."""

from bot.services.antispam.alerts import MORNING
from bot.services.antispam.port import LOCK_BITS, Alert, AlertMessage, Blocked, GuildPort, GuildState
from bot.services.antispam.service import PURGE, QUIET, RENEW, AntispamService
from bot.services.antispam.settings import SECTION, AntispamSettings

__all__ = [
    "LOCK_BITS",
    "MORNING",
    "PURGE",
    "QUIET",
    "RENEW",
    "SECTION",
    "Alert",
    "AlertMessage",
    "AntispamService",
    "AntispamSettings",
    "Blocked",
    "GuildPort",
    "GuildState",
]
