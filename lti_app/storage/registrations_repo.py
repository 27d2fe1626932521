"""Queries for platform registrations and their deployments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lti_app.storage.models import Deployment, Registration


class RegistrationExists(ValueError):
    """(issuer, client_id) is already registered."""


def find_registration(session: Session, issuer: str, client_id: str | None) -> Registration | None:
    """By (issuer, client_id); without a client id only when the issuer has exactly one."""
    query = (
        select(Registration)
        .where(Registration.issuer == issuer)
        .options(selectinload(Registration.deployments))
    )
    if client_id is not None:
        return session.scalars(query.where(Registration.client_id == client_id)).one_or_none()
    candidates = session.scalars(query.limit(2)).all()
    return candidates[0] if len(candidates) == 1 else None


def find_deployment(
    session: Session, issuer: str, client_id: str | None, deployment_id: str
) -> Deployment | None:
    registration = find_registration(session, issuer, client_id)
    if registration is None:
        return None
    return session.scalars(
        select(Deployment).where(
            Deployment.registration_id == registration.id,
            Deployment.deployment_id == deployment_id,
        )
    ).one_or_none()


def list_registrations(session: Session) -> Sequence[Registration]:
    return session.scalars(
        select(Registration)
        .options(selectinload(Registration.deployments))
        .order_by(Registration.issuer, Registration.client_id)
    ).all()


def add_registration(
    session: Session,
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: Iterable[str],
    auth_audience: str | None = None,
    frame_origins: Iterable[str] = (),
    title: str | None = None,
) -> Registration:
    """Insert a registration with its deployments; raise :class:`RegistrationExists` if known."""
    if find_registration(session, issuer, client_id) is not None:
        raise RegistrationExists(f"issuer {issuer!r} with client id {client_id!r}")
    registration = Registration(
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_login_url,
        auth_token_url=auth_token_url,
        auth_audience=auth_audience,
        jwks_url=jwks_url,
        frame_origins=list(dict.fromkeys(frame_origins)),
        title=title,
    )
    registration.deployments = [Deployment(deployment_id=d) for d in dict.fromkeys(deployment_ids)]
    session.add(registration)
    session.flush()
    return registration


def add_deployments(
    session: Session, registration: Registration, deployment_ids: Iterable[str]
) -> list[str]:
    """Add the deployment ids not yet known; return the ones added."""
    known = set(registration.deployment_ids)
    added = [d for d in dict.fromkeys(deployment_ids) if d not in known]
    registration.deployments.extend(Deployment(deployment_id=d) for d in added)
    session.flush()
    return added


def remove_registration(session: Session, issuer: str, client_id: str) -> bool:
    registration = find_registration(session, issuer, client_id)
    if registration is None:
        return False
    session.delete(registration)
    session.flush()
    return True
