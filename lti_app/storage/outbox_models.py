"""Scores waiting to reach the LMS gradebook (AGS): stored first, delivered with retries.

A row is written in the same request that records the learner's progress, so a slow or
failing LMS never loses a grade; ``intervision outbox flush`` and the post-completion attempt
deliver it. ``lease_until`` lets one worker claim a row with a guarded UPDATE, so two workers
never post the same score at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.storage.models import ID_LENGTH, URL_LENGTH, Base, utc_now

STATUS_PENDING = "pending"
STATUS_DELIVERED = "delivered"
STATUS_FAILED = "failed"  # the LMS refused it for good (4xx) or retries ran out
STATUS_SUPERSEDED = "superseded"  # a newer score for the same learner and line item exists


class ScoreOutboxEntry(Base):
    __tablename__ = "score_outbox"
    __table_args__ = (Index("ix_score_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_context.id", ondelete="CASCADE"), default=None
    )
    user_sub: Mapped[str] = mapped_column(String(ID_LENGTH))
    lineitem_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(32))
    grading_progress: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    scored_at: Mapped[datetime] = mapped_column(default=utc_now)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utc_now)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
