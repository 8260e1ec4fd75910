"""study tables: study rooms (main and group), the help queue, joins (to count once), weekly plans

Revision ID: 0011_study
Revises: 0010_sessions
Create Date: 2026-12-02 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0011_study"
down_revision: str | None = "0010_sessions"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "study_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("host_id", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("text_id", sa.BigInteger(), nullable=False),
        sa.Column("voice_id", sa.BigInteger(), nullable=True),
        sa.Column("panel_id", sa.BigInteger(), nullable=True),
        sa.Column("start_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_reason", sa.String(length=16), nullable=True),
        sa.Column("last_active_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_notified_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("timer_focus", sa.Integer(), nullable=True),
        sa.Column("timer_break", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_rooms")),
    )
    with op.batch_alter_table("study_rooms", schema=None) as batch_op:
        batch_op.create_index("ix_study_rooms_guild_status", ["guild_id", "status"], unique=False)
    op.create_table(
        "study_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("asked_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_queue")),
    )
    with op.batch_alter_table("study_queue", schema=None) as batch_op:
        batch_op.create_index("ix_study_queue_room_status", ["room_id", "status"], unique=False)
    op.create_table(
        "study_joins",
        sa.Column("room_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_study_joins")),
    )
    op.create_table(
        "study_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("host_id", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("days", sa.String(length=7), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.Column("until", sa.String(length=10), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_plans")),
    )


def downgrade() -> None:
    op.drop_table("study_plans")
    op.drop_table("study_joins")
    with op.batch_alter_table("study_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_study_queue_room_status")
    op.drop_table("study_queue")
    with op.batch_alter_table("study_rooms", schema=None) as batch_op:
        batch_op.drop_index("ix_study_rooms_guild_status")
    op.drop_table("study_rooms")
