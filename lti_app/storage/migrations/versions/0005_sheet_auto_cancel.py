"""signup_sheet.cancel_under_minimum: the course chose to cancel sessions under their minimum

False for every existing sheet (the worker only flagged until now); the instructor turns it on
on the sheet's settings page, and the worker then cancels a session still under its minimum
size at its deadline, with everyone informed.

Revision ID: 0005_sheet_auto_cancel
Revises: 0004_notifications
Create Date: 2026-12-03 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_sheet_auto_cancel"
down_revision: str | None = "0004_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signup_sheet") as batch:
        batch.add_column(
            sa.Column(
                "cancel_under_minimum",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("signup_sheet") as batch:
        batch.drop_column("cancel_under_minimum")
