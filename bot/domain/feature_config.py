"""The configuration tables each feature declares, gathered so :mod:`bot.settings` composes them once."""

from __future__ import annotations

from pydantic import BaseModel


class FeatureSettings(BaseModel):
    """Feature sections of the deployment settings; each feature's own model holds its defaults."""
