"""The private calendar feed: a person's token (only its hash is stored), and what the token
opens, with no launch (the token is the scope)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import BookingRecord, SessionRecord

FEED_TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class Feed:
    """Whose feed a token opens and what is in it: their own sessions and bookings only."""

    scope: CourseScope
    user_id: int
    entries: tuple[tuple[SessionRecord, BookingRecord], ...]


def feed_token_hash(token: str) -> str:
    """Only this is stored: a leaked database does not open anyone's feed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(scope: CourseScope, *, user_id: int, now: datetime) -> str:
    """A new private feed URL token for this person in this course; the old one stops working
    (shown once: only its hash is kept)."""
    token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    with db.write_transaction() as session:
        signups_repo.revoke_feed_tokens(session, scope, user_id, now)
        signups_repo.add_feed_token(session, scope, user_id, feed_token_hash(token), now)
    return token


def revoke_feed(scope: CourseScope, *, user_id: int, now: datetime) -> int:
    with db.write_transaction() as session:
        return signups_repo.revoke_feed_tokens(session, scope, user_id, now)


def open_feed(token: str, now: datetime) -> Feed | None:
    """The feed a token opens (no launch: the token is the scope), or None when unknown or
    revoked."""
    with db.write_transaction() as session:
        found = signups_repo.find_feed_token(session, feed_token_hash(token), now)
        if found is None:
            return None
        entries = signups_repo.person_sessions(session, found.scope, found.user_id)
    return Feed(found.scope, found.user_id, entries)
