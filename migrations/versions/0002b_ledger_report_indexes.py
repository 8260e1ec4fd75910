"""ledger: covering indexes so reports are counted by the database (GROUP BY / COUNT DISTINCT)

Revision ID: 0002b_ledger_report_indexes
Revises: 0002_ledger
Create Date: 2026-12-02 11:15:00

``ix_ledger_contacts_report`` (guild, hour, kind, context, pseudonym, after_hours) serves every
range query of a report from the index alone; ``ix_ledger_contacts_pseudonym_kind`` (guild, pseudonym,
hour, kind, after_hours) answers "was this youth seen before / in the range" with one probe each.
Each replaces the narrower index it starts with.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002b_ledger_report_indexes"
down_revision: str | None = "0002_ledger"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

REPORT = ["guild_id", "hour_bucket", "kind", "context", "pseudonym", "after_hours"]
SEEN = ["guild_id", "pseudonym", "hour_bucket", "kind", "after_hours"]


def upgrade() -> None:
    with op.batch_alter_table("ledger_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_contacts_report", REPORT, unique=False)
        batch_op.create_index("ix_ledger_contacts_pseudonym_kind", SEEN, unique=False)
        batch_op.drop_index("ix_ledger_contacts_guild_hour")
        batch_op.drop_index("ix_ledger_contacts_guild_pseudonym")


def downgrade() -> None:
    with op.batch_alter_table("ledger_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_contacts_guild_hour", ["guild_id", "hour_bucket"], unique=False)
        batch_op.create_index(
            "ix_ledger_contacts_guild_pseudonym", ["guild_id", "pseudonym", "hour_bucket"], unique=False
        )
        batch_op.drop_index("ix_ledger_contacts_pseudonym_kind")
        batch_op.drop_index("ix_ledger_contacts_report")
