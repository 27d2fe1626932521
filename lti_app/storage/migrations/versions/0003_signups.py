"""sign-ups: sheets, series, sessions, bookings, audit, calendar feed tokens, stable groups

Rows of one course carry tenant_id and course_id; child rows reference their parent with a
composite key that includes both, so the database refuses a row that crosses courses.

Revision ID: 0003_signups
Revises: 0002_advantage
Create Date: 2026-12-03 08:33:18.779982
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_signups"
down_revision: str | None = "0002_advantage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_calendar_feed_token_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_calendar_feed_token_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_calendar_feed_token_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_token_hash")),
    )
    with op.batch_alter_table("calendar_feed_token", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_feed_token_person", ["tenant_id", "course_id", "user_id"], unique=False
        )

    op.create_table(
        "signup_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("activity_id", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("lineitem_url", sa.String(length=2048), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_sheet_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_sheet_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_sheet")),
        sa.UniqueConstraint(
            "id", "tenant_id", "course_id", name=op.f("uq_signup_sheet_id_tenant_id_course_id")
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "course_id",
            "resource_link_id",
            name=op.f("uq_signup_sheet_tenant_id_course_id_resource_link_id"),
        ),
    )
    op.create_table(
        "signup_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_group_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id", "tenant_id", "course_id"],
            ["signup_sheet.id", "signup_sheet.tenant_id", "signup_sheet.course_id"],
            name=op.f("fk_signup_group_sheet_id_signup_sheet"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_group_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_group")),
        sa.UniqueConstraint(
            "id",
            "sheet_id",
            "tenant_id",
            "course_id",
            name=op.f("uq_signup_group_id_sheet_id_tenant_id_course_id"),
        ),
        sa.UniqueConstraint("sheet_id", "name", name=op.f("uq_signup_group_sheet_id_name")),
    )
    op.create_table(
        "signup_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.String(length=16), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("first_local_start", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_series_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id", "tenant_id", "course_id"],
            ["signup_sheet.id", "signup_sheet.tenant_id", "signup_sheet.course_id"],
            name=op.f("fk_signup_series_sheet_id_signup_sheet"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_series_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_series")),
        sa.UniqueConstraint(
            "id", "tenant_id", "course_id", name=op.f("uq_signup_series_id_tenant_id_course_id")
        ),
    )
    with op.batch_alter_table("signup_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signup_series_sheet_id"), ["sheet_id"], unique=False)

    op.create_table(
        "signup_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_group_member_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "sheet_id", "tenant_id", "course_id"],
            [
                "signup_group.id",
                "signup_group.sheet_id",
                "signup_group.tenant_id",
                "signup_group.course_id",
            ],
            name=op.f("fk_signup_group_member_group_id_signup_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_group_member_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_signup_group_member_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_group_member")),
        sa.UniqueConstraint(
            "sheet_id", "user_id", name=op.f("uq_signup_group_member_sheet_id_user_id")
        ),
    )
    with op.batch_alter_table("signup_group_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signup_group_member_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "signup_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("occurrence_key", sa.String(length=32), nullable=True),
        sa.Column("detached", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=255), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=510), nullable=False),
        sa.Column("online_url", sa.String(length=2048), nullable=False),
        sa.Column("seats_max", sa.Integer(), nullable=False),
        sa.Column("seats_min", sa.Integer(), nullable=False),
        sa.Column("case_bringer_places", sa.Integer(), nullable=False),
        sa.Column("signup_opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signup_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("min_size_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minimum_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("timekeeper_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_session_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id", "sheet_id", "tenant_id", "course_id"],
            [
                "signup_group.id",
                "signup_group.sheet_id",
                "signup_group.tenant_id",
                "signup_group.course_id",
            ],
            name=op.f("fk_signup_session_group_id_signup_group"),
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["lti_user.id"],
            name=op.f("fk_signup_session_moderator_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id", "tenant_id", "course_id"],
            ["signup_series.id", "signup_series.tenant_id", "signup_series.course_id"],
            name=op.f("fk_signup_session_series_id_signup_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id", "tenant_id", "course_id"],
            ["signup_sheet.id", "signup_sheet.tenant_id", "signup_sheet.course_id"],
            name=op.f("fk_signup_session_sheet_id_signup_sheet"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_session_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["timekeeper_id"],
            ["lti_user.id"],
            name=op.f("fk_signup_session_timekeeper_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_session")),
        sa.UniqueConstraint(
            "id", "tenant_id", "course_id", name=op.f("uq_signup_session_id_tenant_id_course_id")
        ),
        sa.UniqueConstraint(
            "series_id", "occurrence_key", name=op.f("uq_signup_session_series_id_occurrence_key")
        ),
    )
    with op.batch_alter_table("signup_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signup_session_minimum_due", ["minimum_checked_at", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_signup_session_sheet_starts", ["sheet_id", "starts_at"], unique=False
        )

    op.create_table(
        "signup_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["lti_user.id"],
            name=op.f("fk_signup_audit_actor_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_audit_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id", "tenant_id", "course_id"],
            ["signup_session.id", "signup_session.tenant_id", "signup_session.course_id"],
            name=op.f("fk_signup_audit_session_id_signup_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_user_id"],
            ["lti_user.id"],
            name=op.f("fk_signup_audit_subject_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_audit_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_audit")),
    )
    with op.batch_alter_table("signup_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signup_audit_course_id"), ["course_id"], unique=False)
        batch_op.create_index("ix_signup_audit_session", ["session_id", "created_at"], unique=False)

    op.create_table(
        "signup_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("arrival", sa.Integer(), nullable=False),
        sa.Column("override_by", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cancelled_by"],
            ["lti_user.id"],
            name=op.f("fk_signup_booking_cancelled_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course_context.id"],
            name=op.f("fk_signup_booking_course_id_course_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["override_by"],
            ["lti_user.id"],
            name=op.f("fk_signup_booking_override_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id", "tenant_id", "course_id"],
            ["signup_session.id", "signup_session.tenant_id", "signup_session.course_id"],
            name=op.f("fk_signup_booking_session_id_signup_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_signup_booking_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_signup_booking_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_booking")),
        sa.UniqueConstraint(
            "session_id", "arrival", name=op.f("uq_signup_booking_session_id_arrival")
        ),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_signup_booking_session_id_user_id")
        ),
    )
    with op.batch_alter_table("signup_booking", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signup_booking_person", ["tenant_id", "course_id", "user_id"], unique=False
        )
        batch_op.create_index(
            "ix_signup_booking_session_status", ["session_id", "status", "arrival"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signup_booking", schema=None) as batch_op:
        batch_op.drop_index("ix_signup_booking_session_status")
        batch_op.drop_index("ix_signup_booking_person")

    op.drop_table("signup_booking")
    with op.batch_alter_table("signup_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_signup_audit_session")
        batch_op.drop_index(batch_op.f("ix_signup_audit_course_id"))

    op.drop_table("signup_audit")
    with op.batch_alter_table("signup_session", schema=None) as batch_op:
        batch_op.drop_index("ix_signup_session_sheet_starts")
        batch_op.drop_index("ix_signup_session_minimum_due")

    op.drop_table("signup_session")
    with op.batch_alter_table("signup_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signup_group_member_group_id"))

    op.drop_table("signup_group_member")
    with op.batch_alter_table("signup_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signup_series_sheet_id"))

    op.drop_table("signup_series")
    op.drop_table("signup_group")
    op.drop_table("signup_sheet")
    with op.batch_alter_table("calendar_feed_token", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_feed_token_person")

    op.drop_table("calendar_feed_token")
