"""A local Discord-compatible server (REST v10 + gateway) for end-to-end tests, demos and benchmarks."""

from sandbox import permissions
from sandbox.errors import ApiError
from sandbox.harness import configure_discord, connected, wait_for
from sandbox.interactions import SandboxInteraction
from sandbox.models import Channel, Guild, Member, Message, Role, SandboxBot, User
from sandbox.rest import RecordedRequest
from sandbox.server import DiscordSandbox

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
