"""Queries for the tool's own signing keys (crypto lives in lti/keys.py).

Callers get frozen :class:`KeyRecord` snapshots; the ``ToolKey`` rows stay in this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_app.storage.models import ToolKey

DbSession: TypeAlias = Session
"""The session type, for callers outside storage/ that pass one through (lti/keys.py)."""


@dataclass(frozen=True)
class KeyRecord:
    """One tool key pair, detached from any database session."""

    id: int
    kid: str
    private_pem: str
    public_jwk: dict[str, Any]
    created_at: datetime
    signing_from: datetime
    retired_at: datetime | None

    def is_published(self, now: datetime) -> bool:
        return self.retired_at is None or self.retired_at > now

    def can_sign(self, now: datetime) -> bool:
        return self.signing_from <= now and self.is_published(now)


def _record(key: ToolKey) -> KeyRecord:
    return KeyRecord(
        id=key.id,
        kid=key.kid,
        private_pem=key.private_pem,
        public_jwk=dict(key.public_jwk),
        created_at=key.created_at,
        signing_from=key.signing_from,
        retired_at=key.retired_at,
    )


def list_keys(session: Session) -> list[KeyRecord]:
    keys = session.scalars(select(ToolKey).order_by(ToolKey.signing_from, ToolKey.id))
    return [_record(key) for key in keys]


def published_keys(session: Session, now: datetime) -> list[KeyRecord]:
    """Keys in the JWKS: not yet retired (includes keys published ahead of signing)."""
    keys = session.scalars(
        select(ToolKey)
        .where(or_(ToolKey.retired_at.is_(None), ToolKey.retired_at > now))
        .order_by(ToolKey.signing_from, ToolKey.id)
    )
    return [_record(key) for key in keys]


def signing_key(session: Session, now: datetime) -> KeyRecord | None:
    """The newest key that may sign now."""
    key = session.scalars(
        select(ToolKey)
        .where(ToolKey.signing_from <= now)
        .where(or_(ToolKey.retired_at.is_(None), ToolKey.retired_at > now))
        .order_by(ToolKey.signing_from.desc(), ToolKey.id.desc())
        .limit(1)
    ).one_or_none()
    return _record(key) if key is not None else None


def next_change_after(session: Session, now: datetime) -> datetime | None:
    """The next moment a key starts signing or retires: a cached signing key expires then."""
    moments = [
        moment
        for key in session.scalars(select(ToolKey))
        for moment in (key.signing_from, key.retired_at)
        if moment is not None and moment > now
    ]
    return min(moments, default=None)


def add_key(
    session: Session,
    *,
    kid: str,
    private_pem: str,
    public_jwk: dict[str, Any],
    created_at: datetime,
    signing_from: datetime,
) -> KeyRecord:
    key = ToolKey(
        kid=kid,
        private_pem=private_pem,
        public_jwk=public_jwk,
        created_at=created_at,
        signing_from=signing_from,
    )
    session.add(key)
    session.flush()
    return _record(key)


def store_private_pem(session: Session, key_id: int, private_pem: str) -> None:
    """Replace the stored private key text (encrypted or decrypted, by lti/keys.py)."""
    key = session.get(ToolKey, key_id)
    if key is None:
        raise LookupError(f"no tool key with id {key_id}")
    key.private_pem = private_pem
    session.flush()


def schedule_retirement(session: Session, keep: KeyRecord, retire_at: datetime) -> list[KeyRecord]:
    """Retire every other unretired key at ``retire_at``; return them."""
    others = session.scalars(
        select(ToolKey).where(ToolKey.id != keep.id, ToolKey.retired_at.is_(None))
    ).all()
    for key in others:
        key.retired_at = retire_at
    session.flush()
    return [_record(key) for key in others]
