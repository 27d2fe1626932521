"""Queries for dynamic registration invites (the link's secret is hashed in lti/).

Claiming is one guarded ``UPDATE``: two browsers that open the same link at once cannot both
register a platform with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_app.storage.models import Registration, RegistrationInvite


@dataclass(frozen=True)
class InviteRecord:
    """One invite, detached from any database session."""

    id: int
    issuer: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_issuer: str | None
    used_client_id: str | None

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now


def _record(invite: RegistrationInvite) -> InviteRecord:
    return InviteRecord(
        id=invite.id,
        issuer=invite.issuer,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
        used_at=invite.used_at,
        used_issuer=invite.used_issuer,
        used_client_id=invite.used_client_id,
    )


def add_invite(
    session: Session,
    *,
    token_hash: str,
    issuer: str | None,
    created_at: datetime,
    expires_at: datetime,
) -> InviteRecord:
    invite = RegistrationInvite(
        token_hash=token_hash, issuer=issuer, created_at=created_at, expires_at=expires_at
    )
    session.add(invite)
    session.flush()
    return _record(invite)


def find_invite(session: Session, token_hash: str) -> InviteRecord | None:
    invite = session.scalars(
        select(RegistrationInvite).where(RegistrationInvite.token_hash == token_hash)
    ).one_or_none()
    return _record(invite) if invite is not None else None


def list_invites(session: Session) -> list[InviteRecord]:
    invites = session.scalars(select(RegistrationInvite).order_by(RegistrationInvite.id))
    return [_record(invite) for invite in invites]


def claim_invite(session: Session, invite_id: int, now: datetime) -> bool:
    """Mark the invite used if it is still unused and unexpired; False when another request
    got there first (or it expired meanwhile)."""
    claimed = session.execute(
        update(RegistrationInvite)
        .where(
            RegistrationInvite.id == invite_id,
            RegistrationInvite.used_at.is_(None),
            RegistrationInvite.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def release_invite(session: Session, invite_id: int) -> None:
    """The platform refused the registration: the admin's link may be tried again."""
    session.execute(
        update(RegistrationInvite)
        .where(RegistrationInvite.id == invite_id, RegistrationInvite.used_client_id.is_(None))
        .values(used_at=None)
        .execution_options(synchronize_session=False)
    )


def record_use(session: Session, invite_id: int, issuer: str, client_id: str) -> None:
    session.execute(
        update(RegistrationInvite)
        .where(RegistrationInvite.id == invite_id)
        .values(used_issuer=issuer, used_client_id=client_id)
        .execution_options(synchronize_session=False)
    )


def registered_issuers(session: Session) -> list[tuple[str, str]]:
    """(issuer, client_id) of every registration: the table is small, and issuers are compared
    as URLs (``lti/registration_invites.canonical_issuer``), not as strings."""
    rows = session.execute(select(Registration.issuer, Registration.client_id))
    return [(issuer, client_id) for issuer, client_id in rows]
