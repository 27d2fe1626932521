"""exercise_group.stable_group_id: the stable group each exercise group was made from

One exercise link can run the rounds of all of a course's stable groups at once, so the tie
lives on the group, not on the exercise. Existing groups take their exercise's stable group.

Revision ID: 0010_exercise_group_stable_group
Revises: 0009_sheet_group_range
Create Date: 2026-12-03 12:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_exercise_group_stable_group"
down_revision: str | None = "0009_sheet_group_range"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_group") as batch:
        batch.add_column(sa.Column("stable_group_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE exercise_group SET stable_group_id = ("
        " SELECT exercise.stable_group_id FROM exercise"
        " WHERE exercise.id = exercise_group.exercise_id"
        " AND exercise.tenant_id = exercise_group.tenant_id"
        " AND exercise.course_id = exercise_group.course_id)"
        " WHERE stable_group_id IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("exercise_group") as batch:
        batch.drop_column("stable_group_id")
