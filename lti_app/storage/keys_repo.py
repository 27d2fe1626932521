"""Queries for the tool's own signing keys (crypto lives in lti/keys.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_app.storage.models import ToolKey


def list_keys(session: Session) -> Sequence[ToolKey]:
    return session.scalars(select(ToolKey).order_by(ToolKey.signing_from, ToolKey.id)).all()


def published_keys(session: Session, now: datetime) -> Sequence[ToolKey]:
    """Keys in the JWKS: not yet retired (includes keys published ahead of signing)."""
    return session.scalars(
        select(ToolKey)
        .where(or_(ToolKey.retired_at.is_(None), ToolKey.retired_at > now))
        .order_by(ToolKey.signing_from, ToolKey.id)
    ).all()


def signing_key(session: Session, now: datetime) -> ToolKey | None:
    """The newest key that may sign now."""
    return session.scalars(
        select(ToolKey)
        .where(ToolKey.signing_from <= now)
        .where(or_(ToolKey.retired_at.is_(None), ToolKey.retired_at > now))
        .order_by(ToolKey.signing_from.desc(), ToolKey.id.desc())
        .limit(1)
    ).one_or_none()


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
) -> ToolKey:
    key = ToolKey(
        kid=kid,
        private_pem=private_pem,
        public_jwk=public_jwk,
        created_at=created_at,
        signing_from=signing_from,
    )
    session.add(key)
    session.flush()
    return key


def schedule_retirement(session: Session, keep: ToolKey, retire_at: datetime) -> list[ToolKey]:
    """Retire every other unretired key at ``retire_at``; return them."""
    others = session.scalars(
        select(ToolKey).where(ToolKey.id != keep.id, ToolKey.retired_at.is_(None))
    ).all()
    for key in others:
        key.retired_at = retire_at
    session.flush()
    return list(others)
