"""The contact desk: DMs relayed to private staff threads, the 21:00 boundary both ways, a safety net at any hour."""

from bot.services.desk.core import DeskInputError
from bot.services.desk.port import Button, DeskPort, FetchedMessage, MemberInfo
from bot.services.desk.service import DeskService
from bot.services.desk.text import DeskText, UiKeys

__all__ = ["Button", "DeskInputError", "DeskPort", "DeskService", "DeskText", "FetchedMessage", "MemberInfo", "UiKeys"]
