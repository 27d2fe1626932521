"""The sign-up storage's vocabulary: the frozen records it returns, the values it takes and the
refusals it raises. Kept apart from the queries so services and views can name a record without
reading how it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeAlias

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from lti_app.domain.errors import IntervisionError, NotFound
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import (
    BookingStatus,
    Intent,
    SeatRules,
    SessionState,
    SignupView,
)
from lti_app.domain.signups.plan import SessionPlan
from lti_app.domain.signups.recurrence import SeriesPlan


class SheetNotFound(NotFound):
    message = "There is no such sign-up sheet in this course."


class SessionNotFound(NotFound):
    message = "There is no such session on this sign-up sheet."


class SeriesNotFound(NotFound):
    message = "There is no such series on this sign-up sheet."


class StaleSession(IntervisionError):
    """The session changed since the form was loaded (optimistic edit check)."""

    status = 409
    title = "The session was changed meanwhile"
    message = (
        "Someone else changed this session after you opened it. Reload the page, check the "
        "session and make your change again."
    )


class BookingConflict(RuntimeError):
    """An insert met UNIQUE(session, user) or UNIQUE(session, arrival): the decision was made
    on a snapshot that is no longer true. Decide again on a fresh :func:`lock_session`."""


@dataclass(frozen=True, slots=True)
class SheetLink:
    """What a launch says about a sheet: its resource link and what the platform sent with it."""

    resource_link_id: str
    title: str = ""
    activity_id: str | None = None
    lineitem_url: str | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class SheetRecord:
    id: int
    resource_link_id: str
    activity_id: str | None
    title: str
    lineitem_url: str | None
    timezone: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    sheet_id: int
    plan: SessionPlan
    cancelled: bool
    version: int
    series_id: int | None = None
    occurrence_key: str | None = None
    detached: bool = False
    group_id: int | None = None
    moderator_id: int | None = None
    timekeeper_id: int | None = None
    minimum_checked_at: datetime | None = None

    @property
    def rules(self) -> SeatRules:
        return SeatRules.from_plan(self.plan, cancelled=self.cancelled)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A session with how many hold a seat and how many wait (for the sheet's list)."""

    session: SessionRecord
    seated: int
    waitlisted: int


DbSession: TypeAlias = Session
DbConnection: TypeAlias = Connection  # a plain connection, for the sign-up hot path
"""The transaction every repository function takes, named for services' type hints (services do not
import SQLAlchemy)."""


@dataclass(frozen=True, slots=True)
class LockedSession:
    """One session and all its bookings, read under the session's lock; for a stable group's
    session also the group's members (``members_only``), read in the same transaction."""

    record: SessionRecord
    state: SessionState
    members_only: frozenset[int] | None = None

    @property
    def rules(self) -> SeatRules:
        return replace(self.record.rules, members_only=self.members_only)


@dataclass(frozen=True, slots=True)
class LockedSignup:
    """One session read under its lock for one person's sign-up: the session and the summary
    of its bookings that a sign-up is decided on (``SignupView``), not every booking."""

    record: SessionRecord
    view: SignupView
    members_only: frozenset[int] | None = None

    @property
    def rules(self) -> SeatRules:
        return replace(self.record.rules, members_only=self.members_only)


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    id: int
    sheet_id: int
    plan: SeriesPlan
    duration: timedelta
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class BookingRecord:
    """A booking with its times, for rosters and a person's own list."""

    id: int
    session_id: int
    user_id: int
    intent: Intent
    status: BookingStatus
    arrival: int
    override_by: int | None
    override_reason: str | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    cancelled_by: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the log: who (``actor_id``) did ``action`` to whom, why, with which facts."""

    action: str
    session_id: int | None
    actor_id: int | None
    subject_user_id: int | None = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    action: str
    session_id: int | None
    actor_id: int | None
    subject_user_id: int | None
    reason: str
    detail: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    sheet_id: int
    name: str
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DueSession:
    """A session whose minimum-size deadline has passed unjudged (for the worker)."""

    scope: CourseScope
    sheet_id: int
    session_id: int


@dataclass(frozen=True, slots=True)
class FeedTokenRecord:
    id: int
    scope: CourseScope
    user_id: int
    created_at: datetime
    revoked_at: datetime | None
