"""Find or create the tenant, course and user rows a launch names (django-lti does the same).

Rows are keyed by what the platform guarantees stable: tenant = (issuer, client_id,
deployment_id), course = (tenant, context id), user = (issuer, sub). Names and titles are
refreshed when they change. A returning user costs one SELECT per row; a first launch inserts
inside a SAVEPOINT, so two first launches racing on a UNIQUE constraint both succeed (the loser
reads the winner's row) without aborting the surrounding launch transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, Select, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.storage.models import CourseContext, LtiUser, Tenant, utc_now


@dataclass(frozen=True)
class LaunchIdentity:
    """The launch's claims that name rows (already length-limited by the caller)."""

    issuer: str
    client_id: str
    deployment_id: str
    subject: str
    name: str | None
    email: str | None
    context_id: str | None
    context_title: str | None


@dataclass(frozen=True)
class LaunchRows:
    tenant_id: int
    course_id: int | None
    course_title: str
    user_id: int
    user_name: str
    user_email: str


def _find_or_insert(session: Session, find: Select[Any], add: Insert) -> Any:
    row = session.execute(find).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.execute(add)
    except IntegrityError:
        pass  # a concurrent first launch inserted it: read the winner's row
    return session.execute(find).one()


def _tenant_id(session: Session, who: LaunchIdentity) -> int:
    values = {"issuer": who.issuer, "client_id": who.client_id, "deployment_id": who.deployment_id}
    row = _find_or_insert(
        session,
        select(Tenant.id).where(
            Tenant.issuer == who.issuer,
            Tenant.client_id == who.client_id,
            Tenant.deployment_id == who.deployment_id,
        ),
        insert(Tenant).values(**values, created_at=utc_now()),
    )
    return int(row.id)


def _course(session: Session, tenant_id: int, who: LaunchIdentity) -> tuple[int, str] | None:
    if who.context_id is None:
        return None
    row = _find_or_insert(
        session,
        select(CourseContext.id, CourseContext.title).where(
            CourseContext.tenant_id == tenant_id, CourseContext.context_id == who.context_id
        ),
        insert(CourseContext).values(
            tenant_id=tenant_id,
            context_id=who.context_id,
            title=who.context_title,
            created_at=utc_now(),
        ),
    )
    title = row.title
    if who.context_title and title != who.context_title:
        session.execute(
            update(CourseContext).where(CourseContext.id == row.id).values(title=who.context_title)
        )
        title = who.context_title
    return int(row.id), title or ""


def _user_id(session: Session, who: LaunchIdentity) -> int:
    now = utc_now()
    row = _find_or_insert(
        session,
        select(LtiUser.id, LtiUser.name, LtiUser.email).where(
            LtiUser.issuer == who.issuer, LtiUser.sub == who.subject
        ),
        insert(LtiUser).values(
            issuer=who.issuer, sub=who.subject, name=who.name, email=who.email, updated_at=now
        ),
    )
    # Only what the platform shares now: a platform that stops sharing names clears them.
    if row.name != who.name or row.email != who.email:
        session.execute(
            update(LtiUser)
            .where(LtiUser.id == row.id)
            .values(name=who.name, email=who.email, updated_at=now)
        )
    return int(row.id)


def upsert_launch_rows(session: Session, who: LaunchIdentity) -> LaunchRows:
    """Inside the launch's write transaction: the rows' ids (created or refreshed)."""
    tenant_id = _tenant_id(session, who)
    course = _course(session, tenant_id, who)
    user_id = _user_id(session, who)
    return LaunchRows(
        tenant_id=tenant_id,
        course_id=course[0] if course else None,
        course_title=course[1] if course else "",
        user_id=user_id,
        user_name=who.name or "",
        user_email=who.email or "",
    )
