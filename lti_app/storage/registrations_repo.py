"""Queries for platform registrations and their deployments, and the cached snapshots.

Every function that changes registrations marks its session, so this process's cache is
cleared when that transaction commits (``platform_cache`` explains the bound for others).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

from flask import Flask
from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.orm import Session, selectinload

from lti_app.storage import db
from lti_app.storage.models import Deployment, Registration
from lti_app.storage.platform_cache import PlatformRecord


class RegistrationExists(ValueError):
    """(issuer, client_id) is already registered."""


@dataclass(frozen=True)
class PlatformRegistration:
    """What a caller knows about a platform it wants registered (no ORM object)."""

    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    jwks_url: str
    deployment_ids: tuple[str, ...] = ()
    auth_audience: str | None = None
    frame_origins: tuple[str, ...] = ()
    title: str | None = None


# What upsert_registration does when (issuer, client_id) is already registered:
# "refuse" raises RegistrationExists (``platform add``); "add_deployments" only adds the missing
# deployment ids (dynamic registration); "update_endpoints" also overwrites the login, token
# and key-set URLs and the frame origins (the demo LMS, whose port may change between runs).
WhenKnown = Literal["refuse", "add_deployments", "update_endpoints"]


def find_registration(session: Session, issuer: str, client_id: str | None) -> Registration | None:
    """By (issuer, client_id); without a client id only when the issuer has exactly one.

    The live row, for this package (and tests); code outside storage uses :func:`find_platform`.
    """
    query = (
        select(Registration)
        .where(Registration.issuer == issuer)
        .options(selectinload(Registration.deployments))
    )
    if client_id is not None:
        return session.scalars(query.where(Registration.client_id == client_id)).one_or_none()
    candidates = session.scalars(query.limit(2)).all()
    return candidates[0] if len(candidates) == 1 else None


def find_platform(session: Session, issuer: str, client_id: str | None) -> PlatformRecord | None:
    """:func:`find_registration` as a frozen record (for callers outside storage)."""
    found = find_registration(session, issuer, client_id)
    return to_record(found) if found is not None else None


def _mark_changed(session: Session) -> None:
    session.info[db.REGISTRATIONS_CHANGED] = True


def to_record(registration: Registration) -> PlatformRecord:
    return PlatformRecord(
        id=registration.id,
        issuer=registration.issuer,
        client_id=registration.client_id,
        auth_login_url=registration.auth_login_url,
        auth_token_url=registration.auth_token_url,
        auth_audience=registration.auth_audience,
        jwks_url=registration.jwks_url,
        frame_origins=tuple(registration.frame_origins or ()),
        title=registration.title,
        deployment_ids=tuple(registration.deployment_ids),
    )


def cached_platform(
    issuer: str, client_id: str | None, *, refresh: bool = False, app: Flask | None = None
) -> PlatformRecord | None:
    """The registration snapshot from this process's cache (a miss reads the database)."""
    storage = db.get_storage(app)

    def load() -> PlatformRecord | None:
        with storage.sessions() as session:
            found = find_registration(session, issuer, client_id)
            return to_record(found) if found is not None else None

    return storage.registrations.get((issuer, client_id), load, refresh=refresh)


_REGISTRATION = cast(Table, Registration.__table__)
_DEPLOYMENT = cast(Table, Deployment.__table__)
_STILL_REGISTERED = (
    select(_DEPLOYMENT.c.id)
    .join(_REGISTRATION, _DEPLOYMENT.c.registration_id == _REGISTRATION.c.id)
    .where(
        _REGISTRATION.c.id == bindparam("registration_id"),
        _REGISTRATION.c.issuer == bindparam("issuer"),
        _REGISTRATION.c.client_id == bindparam("client_id"),
        _REGISTRATION.c.jwks_url == bindparam("jwks_url"),
        _DEPLOYMENT.c.deployment_id == bindparam("deployment_id"),
    )
)


def is_still_registered(
    connection: Connection, platform: PlatformRecord, deployment_id: str
) -> bool:
    """Inside the launch transaction: does the registration the launch was checked against
    (same row, issuer, client id and key-set URL) still exist with this deployment?"""
    params = {
        "registration_id": platform.id,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "jwks_url": platform.jwks_url,
        "deployment_id": deployment_id,
    }
    return connection.execute(_STILL_REGISTERED, params).first() is not None


def all_frame_origins(session: Session) -> list[str]:
    """Every registered platform's frame origins (error pages before the platform is known)."""
    origins: set[str] = set()
    for frame_origins in session.scalars(select(Registration.frame_origins)):
        origins.update(frame_origins or [])
    return sorted(origins)


def list_registrations(session: Session) -> list[PlatformRecord]:
    registrations = session.scalars(
        select(Registration)
        .options(selectinload(Registration.deployments))
        .order_by(Registration.issuer, Registration.client_id)
    )
    return [to_record(registration) for registration in registrations]


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
    _mark_changed(session)
    return registration


def upsert_registration(
    session: Session, registration: PlatformRegistration, *, when_known: WhenKnown
) -> PlatformRecord:
    """Find by (issuer, client_id), else add; then add the deployment ids not yet known."""
    known = find_registration(session, registration.issuer, registration.client_id)
    if known is None:
        known = add_registration(
            session,
            issuer=registration.issuer,
            client_id=registration.client_id,
            auth_login_url=registration.auth_login_url,
            auth_token_url=registration.auth_token_url,
            jwks_url=registration.jwks_url,
            deployment_ids=registration.deployment_ids,
            auth_audience=registration.auth_audience,
            frame_origins=registration.frame_origins,
            title=registration.title,
        )
        return to_record(known)
    if when_known == "refuse":
        raise RegistrationExists(
            f"issuer {registration.issuer!r} with client id {registration.client_id!r}"
        )
    if when_known == "update_endpoints":
        known.auth_login_url = registration.auth_login_url
        known.auth_token_url = registration.auth_token_url
        known.jwks_url = registration.jwks_url
        known.frame_origins = list(dict.fromkeys(registration.frame_origins))
    add_deployments(session, known, registration.deployment_ids)
    return to_record(known)


def add_deployments(
    session: Session, registration: Registration, deployment_ids: Iterable[str]
) -> list[str]:
    """Add the deployment ids not yet known; return the ones added."""
    known = set(registration.deployment_ids)
    added = [d for d in dict.fromkeys(deployment_ids) if d not in known]
    registration.deployments.extend(Deployment(deployment_id=d) for d in added)
    session.flush()
    _mark_changed(session)
    return added


def add_deployments_to(
    session: Session, issuer: str, client_id: str, deployment_ids: Iterable[str]
) -> list[str] | None:
    """Add deployment ids to a known registration; the ones added, or None if it is unknown."""
    registration = find_registration(session, issuer, client_id)
    if registration is None:
        return None
    return add_deployments(session, registration, deployment_ids)


def remove_registration(session: Session, issuer: str, client_id: str) -> bool:
    registration = find_registration(session, issuer, client_id)
    if registration is None:
        return False
    session.delete(registration)
    session.flush()
    _mark_changed(session)
    return True
