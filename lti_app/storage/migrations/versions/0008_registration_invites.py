"""registration_invite: admin-issued, single-use, expiring dynamic registration links

Dynamic registration was open to anyone who could reach the tool; from now on it needs a link
made by `intervision platform invite` (unless INTERVISION_OPEN_REGISTRATION is on). Only the
SHA-256 of each link's secret is stored.

Revision ID: 0008_registration_invites
Revises: 0007_exercise_schedule_follow_up
Create Date: 2026-12-03 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_registration_invites"
down_revision: str | None = "0007_exercise_schedule_follow_up"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_issuer", sa.String(length=255), nullable=True),
        sa.Column("used_client_id", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_registration_invite_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("registration_invite")
