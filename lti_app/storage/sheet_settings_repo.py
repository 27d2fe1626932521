"""A sign-up sheet's own settings: its default time zone and whether the worker cancels
sessions still under their minimum size at their deadline (else it only flags them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.signup_models import SignupSheet
from lti_app.storage.signups_repo import SheetNotFound


@dataclass(frozen=True, slots=True)
class SheetSettings:
    timezone: str
    cancel_under_minimum: bool


def _row(session: Session, scope: CourseScope, sheet_id: int) -> SignupSheet:
    row = session.scalar(
        select(SignupSheet).where(
            SignupSheet.tenant_id == scope.tenant_id,
            SignupSheet.course_id == scope.course_id,
            SignupSheet.id == sheet_id,
        )
    )
    if row is None:
        raise SheetNotFound(f"sheet {sheet_id} not in {scope}")
    return row


def get_settings(session: Session, scope: CourseScope, sheet_id: int) -> SheetSettings:
    row = _row(session, scope, sheet_id)
    return SheetSettings(row.timezone, bool(row.cancel_under_minimum))


def save_settings(
    session: Session, scope: CourseScope, sheet_id: int, settings: SheetSettings, now: datetime
) -> SheetSettings:
    """Store settings the caller checked (a known zone name)."""
    row = _row(session, scope, sheet_id)
    if (row.timezone, row.cancel_under_minimum) != (
        settings.timezone,
        settings.cancel_under_minimum,
    ):
        row.timezone, row.cancel_under_minimum = settings.timezone, settings.cancel_under_minimum
        row.updated_at = now
        session.flush()
    return SheetSettings(row.timezone, bool(row.cancel_under_minimum))
