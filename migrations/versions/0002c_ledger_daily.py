"""ledger: retention rolls up per local day (ledger_daily), so week, month and year totals never change

Revision ID: 0002c_ledger_daily
Revises: 0002b_ledger_report_indexes
Create Date: 2026-12-02 11:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002c_ledger_daily"
down_revision: str | None = "0002b_ledger_report_indexes"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_daily",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("moments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "day", "kind", "theme", name=op.f("pk_ledger_daily")),
    )


def downgrade() -> None:
    op.drop_table("ledger_daily")
