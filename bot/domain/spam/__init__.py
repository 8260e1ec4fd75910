"""Anti-spam and raid detection as plain Python: events in, verdicts out (no Discord, no clock)."""

from bot.domain.spam.detector import Reason, SpamDetector, Verdict, VerdictKind
from bot.domain.spam.events import JoinEvent, MessageEvent
from bot.domain.spam.normalize import NormalizedContent, link_keys, normalize, similarity, skeleton
from bot.domain.spam.policy import SpamPolicy, SpamThresholds

__all__ = [
    "JoinEvent",
    "MessageEvent",
    "NormalizedContent",
    "Reason",
    "SpamDetector",
    "SpamPolicy",
    "SpamThresholds",
    "Verdict",
    "VerdictKind",
    "link_keys",
    "normalize",
    "similarity",
    "skeleton",
]
