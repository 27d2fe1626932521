"""Sheets: the sheet of a launched resource link and its list of sessions."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import SessionSummary, SheetLink, SheetRecord


def open_sheet(scope: CourseScope, link: SheetLink, now: datetime) -> SheetRecord:
    """The sheet of a launched resource link (made on its first launch)."""
    with db.write_transaction() as session:
        return signups_repo.ensure_sheet(session, scope, link, now)


def sheet_sessions(scope: CourseScope, sheet_id: int) -> tuple[SessionSummary, ...]:
    with db.transaction() as session:
        return signups_repo.list_sessions(session, scope, sheet_id)
