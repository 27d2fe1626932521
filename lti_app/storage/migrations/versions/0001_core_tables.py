"""core tables: registrations, keys, LTI state, tenants

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:05:32.610892
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "launch_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.String(length=255), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_record")),
        sa.UniqueConstraint("launch_id", name=op.f("uq_launch_record_launch_id")),
    )
    with op.batch_alter_table("launch_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_launch_record_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "lti_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_user")),
        sa.UniqueConstraint("issuer", "sub", name=op.f("uq_lti_user_issuer_sub")),
    )
    op.create_table(
        "oidc_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=255), nullable=False),
        sa.Column("nonce", sa.String(length=255), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=True),
        sa.Column("target_link_uri", sa.String(length=2048), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_state")),
        sa.UniqueConstraint("state", name=op.f("uq_oidc_state_state")),
    )
    with op.batch_alter_table("oidc_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oidc_state_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_login_url", sa.String(length=2048), nullable=False),
        sa.Column("auth_token_url", sa.String(length=2048), nullable=False),
        sa.Column("auth_audience", sa.String(length=2048), nullable=True),
        sa.Column("jwks_url", sa.String(length=2048), nullable=False),
        sa.Column("frame_origins", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_registration_issuer_client_id")),
    )
    op.create_table(
        "tenant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant")),
        sa.UniqueConstraint(
            "issuer",
            "client_id",
            "deployment_id",
            name=op.f("uq_tenant_issuer_client_id_deployment_id"),
        ),
    )
    op.create_table(
        "tool_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=128), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signing_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_key")),
        sa.UniqueConstraint("kid", name=op.f("uq_tool_key_kid")),
    )
    op.create_table(
        "used_nonce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("nonce", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_used_nonce")),
        sa.UniqueConstraint("issuer", "nonce", name=op.f("uq_used_nonce_issuer_nonce")),
    )
    with op.batch_alter_table("used_nonce", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_used_nonce_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "course_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_course_context_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_context")),
        sa.UniqueConstraint(
            "tenant_id", "context_id", name=op.f("uq_course_context_tenant_id_context_id")
        ),
    )
    op.create_table(
        "deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_deployment_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment")),
        sa.UniqueConstraint(
            "registration_id",
            "deployment_id",
            name=op.f("uq_deployment_registration_id_deployment_id"),
        ),
    )
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deployment_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deployment_registration_id"))

    op.drop_table("deployment")
    op.drop_table("course_context")
    with op.batch_alter_table("used_nonce", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_nonce_expires_at"))

    op.drop_table("used_nonce")
    op.drop_table("tool_key")
    op.drop_table("tenant")
    op.drop_table("registration")
    with op.batch_alter_table("oidc_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_state_expires_at"))

    op.drop_table("oidc_state")
    op.drop_table("lti_user")
    with op.batch_alter_table("launch_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_record_expires_at"))

    op.drop_table("launch_record")
