"""Chapter 1: the bot joins, an administrator sets it up, a youth cannot, and a restart forgets nothing."""

from __future__ import annotations

from bot.demo.timeline import Timeline, first_line
from bot.demo.world import World
from sandbox import SandboxInteraction


async def _answer(world: World, timeline: Timeline, interaction: SandboxInteraction) -> str:
    body = await interaction.wait_response()
    data = body.get("data") or {}
    private = " (only they see it)" if data.get("flags", 0) & 64 else ""
    content = first_line(data.get("content", ""))
    timeline.bot(f"answers{private}: “{content}”")
    return str(data.get("content", ""))


async def chapter(world: World, timeline: Timeline) -> None:
    timeline.chapter("1. Setting up")
    timeline.story("The Happy Mood server has outreachers Sam, Noor (moderator), Lien (coordinator) and five youths.")
    timeline.bot(f"connected through the gateway and sees {len(world.bot.guilds)} server(s)")
    timeline.calls()

    timeline.story("The owner runs /setup kanaal functie:modlog kanaal:#mod-log")
    i = await world.slash(
        "owner", "setup", subcommand="kanaal", options={"functie": "mod_log", "kanaal": world.channels["mod_log"]}
    )
    await _answer(world, timeline, i)

    timeline.story("A youth tries /setup taal taal:en")
    i = await world.slash("youth1", "setup", subcommand="taal", options={"taal": "en"})
    await _answer(world, timeline, i)

    timeline.story("The coordinator runs /setup check")
    i = await world.slash("lien", "setup", subcommand="check")
    await _answer(world, timeline, i)

    timeline.story("The bot process restarts (clean shutdown, new process, same database)")
    await world.restart()
    timeline.bot("reconnected; the scheduler was rebuilt from the database")
    i = await world.slash("owner", "setup", subcommand="toon")
    content = await _answer(world, timeline, i)
    kept = f"<#{world.channels['mod_log']}>" in content
    timeline.bot("still knows the mod-log channel after the restart" if kept else "FORGOT the mod-log channel")
    if not kept:
        raise RuntimeError("the mod-log setting did not survive the restart")
    timeline.calls()
