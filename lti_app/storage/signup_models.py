"""Sign-up sheets, sessions, bookings and what goes with them (audit, calendar feed, groups).

Every row belongs to one course and carries ``tenant_id`` and ``course_id``, and the rows that
hang off another course row point at it with a *composite* foreign key that includes both
(``(session_id, tenant_id, course_id)`` → ``signup_session``): the database itself refuses a
booking whose course differs from its session's, on top of the repositories' filters.

Seats are decided by ``domain.signups.booking`` on the bookings read under the session row's
lock (``storage.locking``); ``UNIQUE(session_id, user_id)`` and ``UNIQUE(session_id, arrival)``
are the last line of defence. All instants are UTC (``models.UTCDateTime``); the one wall-clock
value, a series' first local start, is stored naive next to its zone name on purpose.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.storage.models import ID_LENGTH, URL_LENGTH, Base, utc_now
from lti_app.storage.scoped_columns import course as _course
from lti_app.storage.scoped_columns import course_fk
from lti_app.storage.scoped_columns import person as _person
from lti_app.storage.scoped_columns import tenant as _tenant

ZONE_LENGTH = 64
SLUG_LENGTH = 32

SESSION_SCHEDULED = "scheduled"
SESSION_CANCELLED = "cancelled"


class SignupSheet(Base):
    """One sign-up sheet: an LTI resource link in a course (deep linked or a plain sheet)."""

    __tablename__ = "signup_sheet"
    __table_args__ = (
        UniqueConstraint("tenant_id", "course_id", "resource_link_id"),
        # Target of the composite foreign keys below (the id alone is already unique).
        UniqueConstraint("id", "tenant_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    resource_link_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    activity_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    title: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    lineitem_url: Mapped[str | None] = mapped_column(String(URL_LENGTH), default=None)
    timezone: Mapped[str] = mapped_column(String(ZONE_LENGTH), default="UTC")
    # The instructor's choice: the worker cancels a session still under its minimum size at
    # its deadline (everyone informed), instead of only flagging it (``domain.signups.minimum``).
    cancel_under_minimum: Mapped[bool] = mapped_column(Boolean, default=False)
    # The group size range last formed or moved with (the groups page's default); None: never.
    group_size_min: Mapped[int | None] = mapped_column(Integer, default=None)
    group_size_max: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class SignupSeries(Base):
    """A recurring series as the instructor typed it (``domain.signups.recurrence.SeriesPlan``):
    a preset ``repeat`` with ``count`` or ``until``, or a raw RRULE in ``rule``, expanded in
    ``timezone`` from the wall-clock ``first_local_start`` (18:00 stays 18:00 across DST)."""

    __tablename__ = "signup_series"
    __table_args__ = (
        course_fk("sheet_id", "signup_sheet"),
        UniqueConstraint("id", "tenant_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    sheet_id: Mapped[int] = mapped_column(Integer, index=True)
    repeat: Mapped[str | None] = mapped_column(String(16), default=None)
    rule: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int | None] = mapped_column(Integer, default=None)
    until: Mapped[date | None] = mapped_column(Date, default=None)
    timezone: Mapped[str] = mapped_column(String(ZONE_LENGTH))
    first_local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)


class SignupGroup(Base):
    """A stable intervision group on a sheet; a session with ``group_id`` is that group's."""

    __tablename__ = "signup_group"
    __table_args__ = (
        course_fk("sheet_id", "signup_sheet"),
        UniqueConstraint("sheet_id", "name"),
        # Members and sessions point here with their sheet too: a group never spans sheets.
        UniqueConstraint("id", "sheet_id", "tenant_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    sheet_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class SignupGroupMember(Base):
    """A person in a stable group; one group per person per sheet."""

    __tablename__ = "signup_group_member"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "sheet_id", "tenant_id", "course_id"],
            [
                "signup_group.id",
                "signup_group.sheet_id",
                "signup_group.tenant_id",
                "signup_group.course_id",
            ],
            ondelete="CASCADE",
        ),
        UniqueConstraint("sheet_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    sheet_id: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int] = _person()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class SignupSession(Base):
    """One session on a sheet. ``version`` grows with every edit: optimistic edits compare it,
    and it is the ICS ``SEQUENCE``. ``occurrence_key`` names a series occurrence (its local date,
    ``recurrence.occurrence_key``), so moving one keeps its identity (``RECURRENCE-ID``)."""

    __tablename__ = "signup_session"
    __table_args__ = (
        course_fk("sheet_id", "signup_sheet"),
        course_fk("series_id", "signup_series"),
        # No ON DELETE: a group with sessions is not deleted (SET NULL would null the course).
        ForeignKeyConstraint(
            ["group_id", "sheet_id", "tenant_id", "course_id"],
            [
                "signup_group.id",
                "signup_group.sheet_id",
                "signup_group.tenant_id",
                "signup_group.course_id",
            ],
        ),
        UniqueConstraint("id", "tenant_id", "course_id"),
        UniqueConstraint("series_id", "occurrence_key"),
        Index("ix_signup_session_sheet_starts", "sheet_id", "starts_at"),
        Index("ix_signup_session_minimum_due", "minimum_checked_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    sheet_id: Mapped[int] = mapped_column(Integer)
    series_id: Mapped[int | None] = mapped_column(Integer, default=None)
    occurrence_key: Mapped[str | None] = mapped_column(String(SLUG_LENGTH), default=None)
    # Edited or cancelled on its own: an edit of the whole series leaves it alone.
    detached: Mapped[bool] = mapped_column(Boolean, default=False)
    group_id: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str] = mapped_column(String(ID_LENGTH))
    method: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    starts_at: Mapped[datetime] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(ZONE_LENGTH))
    place: Mapped[str] = mapped_column(String(ID_LENGTH * 2), default="")
    online_url: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    seats_max: Mapped[int] = mapped_column(Integer)
    seats_min: Mapped[int] = mapped_column(Integer, default=0)
    case_bringer_places: Mapped[int] = mapped_column(Integer, default=0)
    signup_opens_at: Mapped[datetime | None] = mapped_column(default=None)
    signup_closes_at: Mapped[datetime | None] = mapped_column(default=None)
    cancel_deadline: Mapped[datetime | None] = mapped_column(default=None)
    min_size_deadline: Mapped[datetime | None] = mapped_column(default=None)
    # When the worker last judged the minimum size (``domain.signups.minimum``); None: not yet.
    minimum_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default=SESSION_SCHEDULED)
    version: Mapped[int] = mapped_column(Integer, default=1)
    moderator_id: Mapped[int | None] = _person(nullable=True)
    timekeeper_id: Mapped[int | None] = _person(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)


_SESSION_COUNTS = ("session_id", "tenant_id", "course_id", "intent", "status", "arrival")


class SignupBooking(Base):
    """One person's booking of one session; attendance is its status (attended / no_show).

    ``arrival`` orders the waitlist (first come, first served); it is assigned under the
    session's lock, so it only grows within a session.
    """

    __tablename__ = "signup_booking"
    __table_args__ = (
        course_fk("session_id", "signup_session"),
        UniqueConstraint("session_id", "user_id"),
        UniqueConstraint("session_id", "arrival"),
        Index("ix_signup_booking_session_status", "session_id", "status", "arrival"),
        Index("ix_signup_booking_person", "tenant_id", "course_id", "user_id"),
        # Leads with the session and covers a sign-up's counts (migration 0013): without it
        # the planners read the whole course's bookings through the person index.
        Index("ix_signup_booking_session_counts", *_SESSION_COUNTS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    session_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = _person()
    intent: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    arrival: Mapped[int] = mapped_column(Integer)
    override_by: Mapped[int | None] = _person(nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by: Mapped[int | None] = _person(nullable=True)  # an instructor took them off


class SignupAudit(Base):
    """Who changed what and why: overrides, moves, capacity changes, instructor cancellations,
    attendance. ``detail`` holds the facts of the change (ids, counts), never case content."""

    __tablename__ = "signup_audit"
    __table_args__ = (
        course_fk("session_id", "signup_session"),
        Index("ix_signup_audit_session", "session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = mapped_column(
        ForeignKey("course_context.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    actor_id: Mapped[int | None] = _person(nullable=True)
    subject_user_id: Mapped[int | None] = _person(nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class CalendarFeedToken(Base):
    """A private .ics feed URL for one person in one course; only the token's hash is kept,
    and revoking sets ``revoked_at`` (the URL stops working, a new one can be made)."""

    __tablename__ = "calendar_feed_token"
    __table_args__ = (Index("ix_calendar_feed_token_person", "tenant_id", "course_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    user_id: Mapped[int] = _person()
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
