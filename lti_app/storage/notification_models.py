"""Notifications about sign-ups: an in-tool notice always, an email when it can be sent.

One row per (person, session, kind, session version): ``UNIQUE(user_id, session_id, kind,
version)`` is the dedupe key, so a reminder or a change notice is *made* once however many
workers scan at once (each insert is ``ON CONFLICT DO NOTHING``), and ``sent_at`` says the
email step is over, so it is *sent* at most once. A worker claims due rows by setting
``claimed_until`` (a lease) in a short write transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and talks to the mail server after it committed.

``subject`` and ``body`` are written when the row is made, from the session's plan only: no
other participant's name and no case content (research §3, principle 6).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.storage import scoped_columns
from lti_app.storage.models import ID_LENGTH, Base, utc_now
from lti_app.storage.scoped_columns import course_fk

KIND_LENGTH = 32

EMAIL_PENDING = "pending"
EMAIL_SENT = "sent"
EMAIL_NONE = "none"  # no address shared, or no SMTP configured: the in-tool notice is all
EMAIL_FAILED = "failed"  # the mail server refused it for good, or retries ran out
EMAIL_INTERRUPTED = "interrupted"  # a worker died while sending: not sent again (at most once)


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        course_fk("session_id", "signup_session"),
        UniqueConstraint("user_id", "session_id", "kind", "version"),
        Index("ix_notification_due", "sent_at", "scheduled_for"),
        Index("ix_notification_person", "tenant_id", "course_id", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = scoped_columns.tenant()
    course_id: Mapped[int] = scoped_columns.course()
    user_id: Mapped[int] = scoped_columns.person()
    session_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(ID_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    scheduled_for: Mapped[datetime] = mapped_column(default=utc_now)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_status: Mapped[str] = mapped_column(String(16), default=EMAIL_PENDING)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
