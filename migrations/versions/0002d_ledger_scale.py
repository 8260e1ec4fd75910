"""ledger at scale: each pseudonym's first contact, and a context index for long ranges

Revision ID: 0002d_ledger_scale
Revises: 0002c_ledger_daily
Create Date: 2026-12-03 14:20:00

``ledger_first_contacts`` is derived from ``ledger_contacts`` (the earliest hour of a row that is a
contact: not a join, not a check-in sent or let go), filled here from the rows already stored and kept
in step by the ledger's store: "new youths" of any range becomes one range count instead of a probe per
youth. ``ix_ledger_contacts_context`` (guild, context, kind, pseudonym, hour) lets a year be counted per
(context, kind) in index order, without sorting the year's rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0002d_ledger_scale"
down_revision: str | None = "0002c_ledger_daily"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

#: the kinds that were not contacts when this revision was written (frozen here, as migrations are)
NOT_CONTACT = ("checkin_let_go", "checkin_sent", "join")


CONTEXT = ["guild_id", "context", "kind", "pseudonym", "hour_bucket"]


def upgrade() -> None:
    op.create_index("ix_ledger_contacts_context", "ledger_contacts", CONTEXT, unique=False)
    op.create_table(
        "ledger_first_contacts",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("first_contact", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "pseudonym", name=op.f("pk_ledger_first_contacts")),
    )
    op.create_index("ix_ledger_first_contacts_first", "ledger_first_contacts", ["guild_id", "first_contact"])
    contacts = sa.table(
        "ledger_contacts", sa.column("guild_id"), sa.column("pseudonym"), sa.column("kind"), sa.column("hour_bucket")
    )
    first = sa.table("ledger_first_contacts", sa.column("guild_id"), sa.column("pseudonym"), sa.column("first_contact"))
    earliest = (
        sa.select(contacts.c.guild_id, contacts.c.pseudonym, sa.func.min(contacts.c.hour_bucket))
        .where(contacts.c.kind.not_in(NOT_CONTACT))
        .group_by(contacts.c.guild_id, contacts.c.pseudonym)
    )
    op.execute(first.insert().from_select(["guild_id", "pseudonym", "first_contact"], earliest))


def downgrade() -> None:
    op.drop_index("ix_ledger_contacts_context", table_name="ledger_contacts")
    op.drop_index("ix_ledger_first_contacts_first", table_name="ledger_first_contacts")
    op.drop_table("ledger_first_contacts")
