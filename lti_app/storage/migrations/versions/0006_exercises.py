"""exercises: peer-feedback exercises, their method versions, groups, posts and logs

Every table carries tenant_id and course_id; rows hanging off a group, contribution or
exercise point at it with a composite foreign key that includes both, so the database refuses
a row whose course differs from its parent's. UNIQUE(group_id, author_id, client_token) makes
a double submit post once; UNIQUE(rater_id, target_id), UNIQUE(target_id) on marks and
UNIQUE(flagger_id, contribution_id) keep one rating, mark and flag each.

Revision ID: 0006_exercises
Revises: 0005_sheet_auto_cancel
Create Date: 2026-12-03 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_exercises"
down_revision: str | None = "0005_sheet_auto_cancel"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exercise_method_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("method_slug", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_method_version_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["lti_user.id"],
            name=op.f("fk_exercise_method_version_created_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_method_version_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_method_version")),
        sa.UniqueConstraint(
            "id",
            "tenant_id",
            "course_id",
            name=op.f("uq_exercise_method_version_id_tenant_id_course_id"),
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "course_id",
            "method_slug",
            "version",
            name="uq_exercise_method_version_slug_version",
        ),
    )
    op.create_table(
        "exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("lineitem_url", sa.String(length=2048), nullable=True),
        sa.Column("activity_id", sa.String(length=255), nullable=True),
        sa.Column("method_slug", sa.String(length=64), nullable=True),
        sa.Column("method_version_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("group_source", sa.String(length=16), nullable=True),
        sa.Column("anonymity", sa.String(length=16), nullable=True),
        sa.Column("case_access", sa.String(length=16), nullable=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("grading", sa.String(length=16), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("stable_group_id", sa.Integer(), nullable=True),
        sa.Column("size_min", sa.Integer(), nullable=True),
        sa.Column("size_max", sa.Integer(), nullable=True),
        sa.Column("pseudonym_key", sa.String(length=64), nullable=False),
        sa.Column("first_learner_access_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["lti_user.id"],
            name=op.f("fk_exercise_created_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["method_version_id", "tenant_id", "course_id"],
            [
                "exercise_method_version.id",
                "exercise_method_version.tenant_id",
                "exercise_method_version.course_id",
            ],
            name=op.f("fk_exercise_method_version_id_exercise_method_version"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise")),
        sa.UniqueConstraint(
            "id", "tenant_id", "course_id", name=op.f("uq_exercise_id_tenant_id_course_id")
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "course_id",
            "resource_link_id",
            name=op.f("uq_exercise_tenant_id_course_id_resource_link_id"),
        ),
    )
    op.create_table(
        "exercise_ground_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_ground_rules_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id", "tenant_id", "course_id"],
            ["exercise.id", "exercise.tenant_id", "exercise.course_id"],
            name=op.f("fk_exercise_ground_rules_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_ground_rules_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_ground_rules_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_ground_rules")),
        sa.UniqueConstraint(
            "exercise_id",
            "user_id",
            "version",
            name=op.f("uq_exercise_ground_rules_exercise_id_user_id_version"),
        ),
    )
    op.create_table(
        "exercise_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("signup_session_id", sa.Integer(), nullable=True),
        sa.Column("session_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phase_index", sa.Integer(), nullable=True),
        sa.Column("phase_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phase_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadlines", sa.JSON(), nullable=False),
        sa.Column("case_status", sa.String(length=16), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("purge_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_group_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id", "tenant_id", "course_id"],
            ["exercise.id", "exercise.tenant_id", "exercise.course_id"],
            name=op.f("fk_exercise_group_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_group_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_group")),
        sa.UniqueConstraint(
            "id",
            "exercise_id",
            "tenant_id",
            "course_id",
            name=op.f("uq_exercise_group_id_exercise_id_tenant_id_course_id"),
        ),
        sa.UniqueConstraint(
            "id", "tenant_id", "course_id", name=op.f("uq_exercise_group_id_tenant_id_course_id")
        ),
    )
    with op.batch_alter_table("exercise_group", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_group_exercise", ["exercise_id", "id"], unique=False)
        batch_op.create_index(
            "ix_exercise_group_purge_due", ["purged_at", "purge_at"], unique=False
        )

    op.create_table(
        "exercise_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_consent_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "tenant_id", "course_id"],
            ["exercise_group.id", "exercise_group.tenant_id", "exercise_group.course_id"],
            name=op.f("fk_exercise_consent_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_consent_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_consent_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_consent")),
    )
    with op.batch_alter_table("exercise_consent", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_consent_group", ["group_id", "id"], unique=False)

    op.create_table(
        "exercise_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("phase_index", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("client_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_contribution_author_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_contribution_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "tenant_id", "course_id"],
            ["exercise_group.id", "exercise_group.tenant_id", "exercise_group.course_id"],
            name=op.f("fk_exercise_contribution_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_contribution_target_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_contribution_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_contribution")),
        sa.UniqueConstraint(
            "group_id",
            "author_id",
            "client_token",
            name=op.f("uq_exercise_contribution_group_id_author_id_client_token"),
        ),
        sa.UniqueConstraint(
            "id",
            "tenant_id",
            "course_id",
            name=op.f("uq_exercise_contribution_id_tenant_id_course_id"),
        ),
    )
    with op.batch_alter_table("exercise_contribution", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_contribution_group", ["group_id", "id"], unique=False)

    op.create_table(
        "exercise_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("duties", sa.JSON(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_group_member_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "exercise_id", "tenant_id", "course_id"],
            [
                "exercise_group.id",
                "exercise_group.exercise_id",
                "exercise_group.tenant_id",
                "exercise_group.course_id",
            ],
            name=op.f("fk_exercise_group_member_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_group_member_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_group_member_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_group_member")),
        sa.UniqueConstraint(
            "exercise_id", "user_id", name=op.f("uq_exercise_group_member_exercise_id_user_id")
        ),
    )
    with op.batch_alter_table("exercise_group_member", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_group_member_group", ["group_id", "id"], unique=False)

    op.create_table(
        "exercise_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("own_role", sa.Text(), nullable=False),
        sa.Column("key_question", sa.Text(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_case_author_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_case_contribution_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_case_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "tenant_id", "course_id"],
            ["exercise_group.id", "exercise_group.tenant_id", "exercise_group.course_id"],
            name=op.f("fk_exercise_case_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_case_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_case")),
        sa.UniqueConstraint("group_id", name=op.f("uq_exercise_case_group_id")),
    )
    op.create_table(
        "exercise_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("flagger_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_flag_contribution_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_flag_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flagger_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_flag_flagger_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "tenant_id", "course_id"],
            ["exercise_group.id", "exercise_group.tenant_id", "exercise_group.course_id"],
            name=op.f("fk_exercise_flag_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_flag_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_flag")),
        sa.UniqueConstraint(
            "flagger_id",
            "contribution_id",
            name=op.f("uq_exercise_flag_flagger_id_contribution_id"),
        ),
    )
    with op.batch_alter_table("exercise_flag", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_flag_group", ["group_id", "id"], unique=False)

    op.create_table(
        "exercise_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_mark_contribution_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_mark_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_mark_target_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_mark_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_mark")),
        sa.UniqueConstraint("target_id", name=op.f("uq_exercise_mark_target_id")),
    )
    op.create_table(
        "exercise_moderation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("by_instructor", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_moderation_actor_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_moderation_contribution_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_moderation_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "tenant_id", "course_id"],
            ["exercise_group.id", "exercise_group.tenant_id", "exercise_group.course_id"],
            name=op.f("fk_exercise_moderation_group_id_exercise_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_moderation_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_moderation")),
    )
    with op.batch_alter_table("exercise_moderation", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_moderation_group", ["group_id", "id"], unique=False)

    op.create_table(
        "exercise_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_rating_contribution_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_exercise_rating_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rater_id"],
            ["lti_user.id"],
            name=op.f("fk_exercise_rating_rater_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id", "tenant_id", "course_id"],
            [
                "exercise_contribution.id",
                "exercise_contribution.tenant_id",
                "exercise_contribution.course_id",
            ],
            name=op.f("fk_exercise_rating_target_id_exercise_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_exercise_rating_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_rating")),
        sa.UniqueConstraint(
            "rater_id", "target_id", name=op.f("uq_exercise_rating_rater_id_target_id")
        ),
    )
    with op.batch_alter_table("exercise_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exercise_rating_target_id"), ["target_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exercise_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_rating_target_id"))

    op.drop_table("exercise_rating")
    with op.batch_alter_table("exercise_moderation", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_moderation_group")

    op.drop_table("exercise_moderation")
    op.drop_table("exercise_mark")
    with op.batch_alter_table("exercise_flag", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_flag_group")

    op.drop_table("exercise_flag")
    op.drop_table("exercise_case")
    with op.batch_alter_table("exercise_group_member", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_group_member_group")

    op.drop_table("exercise_group_member")
    with op.batch_alter_table("exercise_contribution", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_contribution_group")

    op.drop_table("exercise_contribution")
    with op.batch_alter_table("exercise_consent", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_consent_group")

    op.drop_table("exercise_consent")
    with op.batch_alter_table("exercise_group", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_group_purge_due")
        batch_op.drop_index("ix_exercise_group_exercise")

    op.drop_table("exercise_group")
    op.drop_table("exercise_ground_rules")
    op.drop_table("exercise")
    op.drop_table("exercise_method_version")
