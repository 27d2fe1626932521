"""Core tables: platform registrations, tool keys, short-lived LTI state, tenants and users.

Feature helpers add their own tables in new modules named ``*_models.py`` in this package (so
Alembic's env finds them); they all derive from :class:`Base` here.
A tenant is (issuer, client_id, deployment_id); a course is a tenant plus the LTI context id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

URL_LENGTH = 2048
ID_LENGTH = 255


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite drops the zone, PostgreSQL keeps it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Registration(Base):
    """A platform (LMS) that may launch the tool, keyed by (issuer, client_id)."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    auth_login_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    auth_token_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    auth_audience: Mapped[str | None] = mapped_column(String(URL_LENGTH), default=None)
    jwks_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    # Origins allowed to frame the tool (CSP frame-ancestors); never derived from the issuer,
    # because every Canvas Cloud school shares one issuer.
    frame_origins: Mapped[list[str]] = mapped_column(default=list)
    title: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Deployment.id",
    )

    @property
    def deployment_ids(self) -> list[str]:
        return [deployment.deployment_id for deployment in self.deployments]


class Deployment(Base):
    """One installation of a registration (a Moodle tool type, a Canvas account install)."""

    __tablename__ = "deployment"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    registration: Mapped[Registration] = relationship(back_populates="deployments")


class ToolKey(Base):
    """An RSA key pair of the tool; published in the JWKS until ``retired_at``.

    ``signing_from`` lets a new key be published before it signs (platforms cache key sets).
    """

    __tablename__ = "tool_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(128), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    signing_from: Mapped[datetime] = mapped_column(default=utc_now)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class RegistrationInvite(Base):
    """An admin-issued dynamic registration link: single use, expiring, optionally naming the
    issuer it is for. Only the SHA-256 of the link's secret is stored, so a copy of the
    database does not hand out working links."""

    __tablename__ = "registration_invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issuer: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()
    # Set while a registration with the platform is under way, and kept once it succeeded.
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    used_issuer: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    used_client_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)


class OidcState(Base):
    """State issued at OIDC login, checked (and deleted) at launch; bound to target_link_uri."""

    __tablename__ = "oidc_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    nonce: Mapped[str] = mapped_column(String(ID_LENGTH))
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    client_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    target_link_uri: Mapped[str] = mapped_column(String(URL_LENGTH))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UsedNonce(Base):
    """A consumed id_token nonce; the unique constraint makes replay detection atomic."""

    __tablename__ = "used_nonce"
    __table_args__ = (UniqueConstraint("issuer", "nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    nonce: Mapped[str] = mapped_column(String(ID_LENGTH))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LaunchRecord(Base):
    """Validated launch data kept server-side (never in the cookie), found by launch id."""

    __tablename__ = "launch_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    launch_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Tenant(Base):
    """(issuer, client_id, deployment_id): the unit every course row is scoped by."""

    __tablename__ = "tenant"
    __table_args__ = (UniqueConstraint("issuer", "client_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    deployment_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class CourseContext(Base):
    """An LMS course (LTI context) inside one tenant."""

    __tablename__ = "course_context"
    __table_args__ = (UniqueConstraint("tenant_id", "context_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    title: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    tenant: Mapped[Tenant] = relationship()


class LtiUser(Base):
    """A person as the platform knows them: (issuer, sub); name/email only if shared."""

    __tablename__ = "lti_user"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ID_LENGTH))
    sub: Mapped[str] = mapped_column(String(ID_LENGTH))
    name: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    email: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    locale: Mapped[str | None] = mapped_column(String(35), default=None)
    """The language of their last launch that named one (``nl``, ``de``, ``en``): what the
    worker writes their e-mails in (lti_app.i18n.use_locale)."""
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
