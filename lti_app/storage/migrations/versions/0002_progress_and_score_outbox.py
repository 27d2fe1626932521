"""module completions (Mark as done) and the AGS score outbox

Revision ID: 0002_advantage
Revises: 0001
Create Date: 2026-11-26 10:07:36.347274
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_advantage"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "module_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_slug", sa.String(length=255), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_module_completion_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_module_completion_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_module_completion_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_completion")),
        sa.UniqueConstraint(
            "tenant_id",
            "course_id",
            "user_id",
            "module_slug",
            name=op.f("uq_module_completion_tenant_id_course_id_user_id_module_slug"),
        ),
    )
    with op.batch_alter_table("module_completion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_module_completion_course_id"), ["course_id"], unique=False
        )

    op.create_table(
        "score_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("user_sub", sa.String(length=255), nullable=False),
        sa.Column("lineitem_url", sa.String(length=2048), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("activity_progress", sa.String(length=32), nullable=False),
        sa.Column("grading_progress", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_score_outbox_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_score_outbox_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_outbox")),
    )
    with op.batch_alter_table("score_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_score_outbox_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("score_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_score_outbox_due")

    op.drop_table("score_outbox")
    with op.batch_alter_table("module_completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_module_completion_course_id"))

    op.drop_table("module_completion")
