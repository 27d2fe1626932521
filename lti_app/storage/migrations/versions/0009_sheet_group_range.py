"""signup_sheet.group_size_min/max: the size range an instructor last formed or moved groups with

Kept per sheet (it lived in the instructor's session cookie only, so another browser, another
instructor or an expired session lost it); NULL until groups are first formed or moved.

Revision ID: 0009_sheet_group_range
Revises: 0008_registration_invites
Create Date: 2026-12-03 11:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_sheet_group_range"
down_revision: str | None = "0008_registration_invites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signup_sheet") as batch:
        batch.add_column(sa.Column("group_size_min", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("group_size_max", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signup_sheet") as batch:
        batch.drop_column("group_size_max")
        batch.drop_column("group_size_min")
