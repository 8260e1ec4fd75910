"""check-ins: one consent row per youth who said yes (no row for anyone else)

Revision ID: 0012_checkins
Revises: 0011_study
Create Date: 2026-12-02 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0012_checkins"
down_revision: str | None = "0011_study"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("consented_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("outreacher_id", sa.BigInteger(), nullable=True),
        sa.Column("last_contact_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_consents")),
        sa.UniqueConstraint("guild_id", "user_id", name="uq_checkin_consents_guild_user"),
    )


def downgrade() -> None:
    op.drop_table("checkin_consents")
