"""Pure core of the contact desk: decisions, conversation state, digest and message references."""

from bot.domain.desk.content import (
    about,
    help_info,
    help_lines_param,
    hours_info,
    referral_reply,
    signature,
    week_params,
    welcome,
)
from bot.domain.desk.digest import Digest, build_digest
from bot.domain.desk.messages import LANGS, Keys, Localized, Msg, Param, msg, when_params
from bot.domain.desk.policy import DeskPolicy, StaffDecision, YouthDecision
from bot.domain.desk.state import ConversationState, ConversationStatus, WaitingConversation

__all__ = [
    "LANGS",
    "ConversationState",
    "ConversationStatus",
    "DeskPolicy",
    "Digest",
    "Keys",
    "Localized",
    "Msg",
    "Param",
    "StaffDecision",
    "WaitingConversation",
    "YouthDecision",
    "about",
    "build_digest",
    "help_info",
    "help_lines_param",
    "hours_info",
    "msg",
    "referral_reply",
    "signature",
    "week_params",
    "welcome",
    "when_params",
]
