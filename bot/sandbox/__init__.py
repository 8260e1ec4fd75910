"""A local Discord-compatible server (REST v10 + gateway) for end-to-end tests, demos and benchmarks."""

from bot.sandbox import permissions
from bot.sandbox.errors import ApiError
from bot.sandbox.harness import configure_discord, connected, wait_for
from bot.sandbox.interactions import SandboxInteraction
from bot.sandbox.models import Channel, Guild, Member, Message, Role, SandboxBot, User
from bot.sandbox.rest import RecordedRequest
from bot.sandbox.server import DiscordSandbox

__all__ = [
    "ApiError",
    "Channel",
    "DiscordSandbox",
    "Guild",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "SandboxBot",
    "SandboxInteraction",
    "User",
    "configure_discord",
    "connected",
    "permissions",
    "wait_for",
]
