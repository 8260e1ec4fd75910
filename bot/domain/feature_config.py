"""The configuration tables each feature declares, gathered so :mod:`bot.settings` composes them once.

Each table's model (and its defaults) lives with its feature in ``bot/domain``; a feature adds one field here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.domain.checkins.config import CheckinsConfig
from bot.domain.crisis import SafetyConfig
from bot.domain.desk.config import DeskConfig
from bot.domain.hours import OfficeHoursConfig
from bot.domain.ledger.config import LedgerConfig
from bot.domain.referrals import ReferralConfig
from bot.domain.sessions.config import SessionsConfig
from bot.domain.spam import SpamPolicy
from bot.domain.study.config import StudyConfig


class FeatureSettings(BaseModel):
    """Feature sections of the deployment settings."""

    hours: OfficeHoursConfig = Field(default_factory=OfficeHoursConfig)
    safety: SafetyConfig = Field(default_factory=SafetyConfig)
    referrals: ReferralConfig = Field(default_factory=ReferralConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)
    ledger: LedgerConfig = Field(default_factory=LedgerConfig)
    antispam: SpamPolicy = Field(default_factory=SpamPolicy)
    sessions: SessionsConfig = Field(default_factory=SessionsConfig)
    checkins: CheckinsConfig = Field(default_factory=CheckinsConfig)
    study: StudyConfig = Field(default_factory=StudyConfig)
