"""exercise phase plan and follow-ups: deadlines set per exercise; the follow-up of a plan

``exercise.phase_plan`` (JSON, one entry per phase: a date-time in UTC or minutes after the
round's start) and ``exercise.phase_plan_zone`` (the instructor's time zone) replace the fixed
"two days per phase" new asynchronous and hybrid groups got; existing exercises keep None and
their groups keep the deadlines they have. ``exercise_follow_up`` holds the case-bringer's
answer, in a later round of the same group, to what they tried of their action plan:
UNIQUE(plan_id), one answer per plan.

Revision ID: 0007_exercise_schedule_follow_up
Revises: 0006_exercises
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_exercise_schedule_follow_up"
down_revision: str | None = "0006_exercises"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exercise") as batch:
        batch.add_column(sa.Column("phase_plan", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("phase_plan_zone", sa.String(length=64), nullable=True))
    op.create_table(
        "exercise_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_follow_up_author_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_follow_up_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "tenant_id", "course_id"],
            ["exercise_group.id", "exercise_group.tenant_id", "exercise_group.course_id"],
            name=op.f("fk_exercise_follow_up_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_follow_up_plan_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_follow_up_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_follow_up")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_exercise_follow_up_plan_id")),
    )
    with op.batch_alter_table("exercise_follow_up") as batch:
        batch.create_index("ix_exercise_follow_up_group", ["group_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exercise_follow_up") as batch:
        batch.drop_index("ix_exercise_follow_up_group")
    op.drop_table("exercise_follow_up")
    with op.batch_alter_table("exercise") as batch:
        batch.drop_column("phase_plan_zone")
        batch.drop_column("phase_plan")
