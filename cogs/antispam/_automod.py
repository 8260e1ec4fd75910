"""Discord's native AutoMod as the first line: install the rules a youth server needs, never twice.

Existing rules are recognised by trigger type where Discord allows only one per guild (mention spam, spam,
keyword presets) and by name for our keyword list, so running ``/setup automod`` again changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from bot.domain.guild_config import STAFF_ROLES, GuildConfig
from bot.services.antispam.settings import AntispamSettings

log = logging.getLogger("happymood.antispam")

T = discord.AutoModRuleTriggerType
SINGLE_PER_GUILD = (T.mention_spam, T.spam, T.keyword_preset)


@dataclass(frozen=True)
class RuleSpec:
    key: str
    """``mention_spam``, ``spam``, ``presets`` or ``keywords`` (catalog: ``antispam.automod.rule.<key>``)."""
    trigger: discord.AutoModTrigger
    alert: bool = True


@dataclass(frozen=True)
class RuleOutcome:
    key: str
    status: str  # created | exists | blocked | failed | skipped


def desired_rules(settings: AntispamSettings) -> list[RuleSpec]:
    rules = [
        RuleSpec(
            "mention_spam",
            discord.AutoModTrigger(
                type=T.mention_spam,
                mention_limit=settings.day.mentions_per_message_max,
                mention_raid_protection=True,
            ),
        ),
        RuleSpec("spam", discord.AutoModTrigger(type=T.spam)),
        RuleSpec(
            "presets",
            discord.AutoModTrigger(
                type=T.keyword_preset, presets=discord.AutoModPresets(profanity=True, sexual_content=True, slurs=True)
            ),
        ),
    ]
    if settings.automod_keywords:
        rules.append(
            RuleSpec("keywords", discord.AutoModTrigger(type=T.keyword, keyword_filter=list(settings.automod_keywords)))
        )
    return rules


def find_existing(spec: RuleSpec, name: str, rules: list[discord.AutoModRule]) -> discord.AutoModRule | None:
    for rule in rules:
        if spec.trigger.type in SINGLE_PER_GUILD and rule.trigger.type == spec.trigger.type:
            return rule
        if rule.trigger.type == spec.trigger.type and rule.name == name:
            return rule
    return None


def _actions(spec: RuleSpec, alert_channel: int | None) -> list[discord.AutoModRuleAction]:
    actions = [discord.AutoModRuleAction(type=discord.AutoModRuleActionType.block_message)]
    if spec.alert and alert_channel is not None:
        actions.append(discord.AutoModRuleAction(channel_id=alert_channel))
    return actions


async def install(
    guild: discord.Guild, settings: AntispamSettings, config: GuildConfig, names: dict[str, str], reason: str
) -> list[RuleOutcome]:
    """Create the missing rules; ``names`` maps each rule key to its (localized) rule name."""
    try:
        existing = await guild.fetch_automod_rules()
    except discord.Forbidden:
        return [RuleOutcome(spec.key, "blocked") for spec in desired_rules(settings)]
    exempt: list[Any] = [discord.Object(r) for r in config.role_ids(STAFF_ROLES)]
    exempt_channels: list[Any] = [discord.Object(c) for c in settings.exempt_channel_ids]
    outcomes: list[RuleOutcome] = []
    for spec in desired_rules(settings):
        if find_existing(spec, names[spec.key], existing) is not None:
            outcomes.append(RuleOutcome(spec.key, "exists"))
            continue
        try:
            rule = await guild.create_automod_rule(
                name=names[spec.key],
                event_type=discord.AutoModRuleEventType.message_send,
                trigger=spec.trigger,
                actions=_actions(spec, config.channels.mod_log),
                enabled=True,
                exempt_roles=exempt,
                exempt_channels=exempt_channels,
                reason=reason,
            )
        except discord.Forbidden:
            outcomes.append(RuleOutcome(spec.key, "blocked"))
        except discord.HTTPException as exc:
            log.warning("automod rule not created", extra={"guild_id": guild.id, "status": exc.status})
            outcomes.append(RuleOutcome(spec.key, "failed"))
        else:
            existing.append(rule)
            outcomes.append(RuleOutcome(spec.key, "created"))
    return outcomes
