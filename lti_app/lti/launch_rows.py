"""Upsert the tenant, course and user rows a launch names (django-lti does the same).

Rows are keyed by what the platform guarantees stable: tenant = (issuer, client_id,
deployment_id), course = (tenant, context id), user = (issuer, sub). Names and titles are
refreshed on each launch. Two first launches racing each other hit the UNIQUE constraints; the
loser retries once and finds the winner's row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.lti.launch import CourseRef, LaunchClaims, TenantRef, UserRef
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LtiUser, Tenant


def _tenant(session: Session, claims: LaunchClaims) -> Tenant:
    tenant = session.scalar(
        select(Tenant).where(
            Tenant.issuer == claims.issuer,
            Tenant.client_id == claims.client_id,
            Tenant.deployment_id == claims.deployment_id,
        )
    )
    if tenant is None:
        tenant = Tenant(
            issuer=claims.issuer, client_id=claims.client_id, deployment_id=claims.deployment_id
        )
        session.add(tenant)
        session.flush()
    return tenant


def _course(session: Session, tenant: Tenant, claims: LaunchClaims) -> CourseContext | None:
    if claims.context_id is None:
        return None
    course = session.scalar(
        select(CourseContext).where(
            CourseContext.tenant_id == tenant.id, CourseContext.context_id == claims.context_id
        )
    )
    if course is None:
        course = CourseContext(tenant_id=tenant.id, context_id=claims.context_id)
        session.add(course)
    title = claims.context_title or claims.context_label or None
    if title and course.title != title:
        course.title = title
    session.flush()
    return course


def _user(session: Session, claims: LaunchClaims) -> LtiUser:
    user = session.scalar(
        select(LtiUser).where(LtiUser.issuer == claims.issuer, LtiUser.sub == claims.subject)
    )
    if user is None:
        user = LtiUser(issuer=claims.issuer, sub=claims.subject)
        session.add(user)
    # Only what the platform shares now: a platform that stops sharing names clears them.
    user.name = claims.name or None
    user.email = claims.email or None
    session.flush()
    return user


def upsert_launch_rows(claims: LaunchClaims) -> tuple[TenantRef, CourseRef | None, UserRef]:
    """Create or refresh the rows; returns immutable references for the Launch object."""
    for attempt in (1, 2):
        try:
            with db.write_transaction() as session:
                tenant = _tenant(session, claims)
                course = _course(session, tenant, claims)
                user = _user(session, claims)
                return (
                    TenantRef(tenant.id, tenant.issuer, tenant.client_id, tenant.deployment_id),
                    (
                        CourseRef(
                            course.id, course.context_id, course.title or "", claims.context_label
                        )
                        if course is not None
                        else None
                    ),
                    UserRef(user.id, user.sub, user.name or "", user.email or ""),
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
