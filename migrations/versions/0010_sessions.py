"""sessions tables: planned sessions, followers, presence while running, anonymous questions (no text), feedback totals

Revision ID: 0010_sessions
Revises: 0001_core
Create Date: 2026-12-02 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0010_sessions"
down_revision: str | None = "0001_core"
branch_labels: Sequence[str] | None = ("sessions",)
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        sa.Column("start_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("room_kind", sa.String(length=8), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("weekly", sa.Boolean(), nullable=False),
        sa.Column("min_band", sa.String(length=32), nullable=True),
        sa.Column("expert_id", sa.BigInteger(), nullable=True),
        sa.Column("host_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("saved_overwrites", sa.JSON(), nullable=True),
        sa.Column("expert_role_added", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_guild_start", ["guild_id", "start_at"], unique=False)
    op.create_table(
        "session_presence",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("wrote", sa.Boolean(), nullable=False),
        sa.Column("voice_seconds", sa.Integer(), nullable=False),
        sa.Column("voice_since", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_session_presence")),
    )
    op.create_table(
        "session_followers",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_session_followers")),
    )
    op.create_table(
        "session_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_questions")),
    )
    op.create_table(
        "session_feedback",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("good", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("bad", sa.Integer(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_feedback")),
    )
    op.create_table(
        "session_voters",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_session_voters")),
    )


def downgrade() -> None:
    op.drop_table("session_voters")
    op.drop_table("session_feedback")
    op.drop_table("session_questions")
    op.drop_table("session_followers")
    op.drop_table("session_presence")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_guild_start")
    op.drop_table("sessions")
