"""The composition root's typed half: every feature service of one process, and the hooks between them.

A feature's cog builds its service in its ``setup`` (the cog owns the Discord port the service talks
through) and puts it on ``runtime.services``. Once every cog is loaded, :func:`wire` joins the features
with typed calls, in one place: who forgets what on ``/vergeet-mij``, who hears of every recorded contact,
who counts the sessions' feedback, who drops a raid account's contacts. Adding a feature: a domain
package, a service, a cog that sets its field here, and its hooks in :func:`wire`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.antispam import AntispamService
    from bot.services.checkins.service import CheckinsService
    from bot.services.desk.service import DeskService
    from bot.services.ledger import LedgerService
    from bot.services.sessions import SessionsService
    from bot.services.study.service import StudyService


@dataclass
class Services:
    """The feature services of this process; a feature whose cog is not loaded stays ``None``."""

    ledger: LedgerService
    desk: DeskService | None = None
    antispam: AntispamService | None = None
    sessions: SessionsService | None = None
    study: StudyService | None = None
    checkins: CheckinsService | None = None

    def loaded(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


def wire(services: Services) -> None:
    """Join the loaded features (idempotent: a hook registered twice is registered once)."""
    ledger = services.ledger
    forget = ledger.forget_registry
    if services.desk is not None:
        forget.register("desk", services.desk.forget)
    if services.sessions is not None:
        forget.register("sessions", services.sessions.forget)
        ledger.count_feedback_with(services.sessions.store.feedback_totals)
    if services.study is not None:
        forget.register("study", services.study.forget)
    if services.checkins is not None:
        checkins = services.checkins
        forget.register("checkins", checkins.forget)
        ledger.observe_contacts(checkins.on_contact)  # the one "last contact" call (desk, sessions, study)
        if services.desk is not None:
            services.desk.core.add_stop_hook("checkins", checkins.stop_hook)
    if services.antispam is not None:
        services.antispam.not_a_youth = ledger.discard_newcomer  # raid accounts leave the ledger's counts
