"""Sign-up sheets: one per launched resource link, made on its first launch, and locked when its
stable groups are edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.locking import locked
from lti_app.storage.signup_models import SignupSheet
from lti_app.storage.signups_repo._common import _in_course, _sheet_record
from lti_app.storage.signups_repo.records import SheetLink, SheetNotFound, SheetRecord


def _find_sheet_row(session: Session, scope: CourseScope, resource_link_id: str) -> Any:
    return session.scalar(
        select(SignupSheet).where(
            *_in_course(SignupSheet, scope), SignupSheet.resource_link_id == resource_link_id
        )
    )


def ensure_sheet(
    session: Session, scope: CourseScope, link: SheetLink, now: datetime
) -> SheetRecord:
    """The sheet of this resource link, created on its first launch; what the platform sends
    later (title, line item) replaces what it sent before. The launch's zone is the sheet's
    only when the sheet is made: after that the zone is the sheet's own setting (the
    instructor's *Sheet settings*), which a later launch does not undo. Two first launches at
    once make one sheet: the unique constraint decides inside a savepoint."""
    row: SignupSheet | None = _find_sheet_row(session, scope, link.resource_link_id)
    if row is None:
        row = SignupSheet(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            resource_link_id=link.resource_link_id,
            activity_id=link.activity_id,
            title=link.title,
            lineitem_url=link.lineitem_url,
            timezone=link.timezone,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
            return _sheet_record(row)
        except IntegrityError:
            row = _find_sheet_row(session, scope, link.resource_link_id)
            assert row is not None
    wanted = (link.title, link.activity_id, link.lineitem_url)
    if (row.title, row.activity_id, row.lineitem_url) != wanted:
        row.title, row.activity_id, row.lineitem_url = wanted
        row.updated_at = now
        session.flush()
    return _sheet_record(row)


def get_sheet(session: Session, scope: CourseScope, sheet_id: int) -> SheetRecord | None:
    row = session.scalar(
        select(SignupSheet).where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id)
    )
    return _sheet_record(row) if row is not None else None


def lock_sheet(session: Session, scope: CourseScope, sheet_id: int) -> SheetRecord:
    """The sheet row under lock: edits of its groups run one after the other."""
    row = session.scalar(
        locked(
            session,
            select(SignupSheet).where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id),
        ).execution_options(populate_existing=True)
    )
    if row is None:
        raise SheetNotFound(f"sheet {sheet_id} not in {scope}")
    return _sheet_record(row)


def group_range(session: Session, scope: CourseScope, sheet_id: int) -> tuple[int, int] | None:
    """The group size range last formed or moved with on this sheet; None: never."""
    found = session.execute(
        select(SignupSheet.group_size_min, SignupSheet.group_size_max).where(
            *_in_course(SignupSheet, scope), SignupSheet.id == sheet_id
        )
    ).one_or_none()
    if found is None or found[0] is None or found[1] is None:
        return None
    return int(found[0]), int(found[1])


def save_group_range(
    session: Session, scope: CourseScope, sheet_id: int, size_min: int, size_max: int, now: datetime
) -> None:
    """Keep the range groups were just formed or moved with (the groups page's default)."""
    session.execute(
        update(SignupSheet)
        .where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id)
        .values(group_size_min=size_min, group_size_max=size_max, updated_at=now)
        .execution_options(synchronize_session=False)
    )
