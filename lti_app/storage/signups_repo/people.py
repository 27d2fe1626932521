"""What the sign-ups need to know of people of the course's platform (the tenant's issuer):
their shared names, and their ``sub`` for an attendance grade sent to the LMS."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage import outbox_repo
from lti_app.storage.models import LtiUser, Tenant
from lti_app.storage.signups_repo.sheets import get_sheet


def person_names(session: Session, scope: CourseScope, user_ids: Sequence[int]) -> dict[int, str]:
    """Shared names of these people, by id; only people of the course's platform (the
    tenant's issuer) are looked up, and people without a shared name are left out."""
    if not user_ids:
        return {}
    issuer = select(Tenant.issuer).where(Tenant.id == scope.tenant_id).scalar_subquery()
    rows = session.execute(
        select(LtiUser.id, LtiUser.name).where(
            LtiUser.id.in_(list(dict.fromkeys(user_ids))),
            LtiUser.issuer == issuer,
            LtiUser.name.is_not(None),
        )
    )
    return {user_id: name for user_id, name in rows if name and name.strip()}


def enqueue_attendance_score(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    user_id: int,
    score_given: float,
    score_maximum: float,
    comment: str,
    now: datetime,
) -> int | None:
    """Queue an attendance grade for the sheet's line item in this transaction (the outbox
    supersedes the person's older pending one); None when the sheet has no line item or the
    person is not of the course's platform."""
    sheet = get_sheet(session, scope, sheet_id)
    if sheet is None or not sheet.lineitem_url:
        return None
    sub = session.scalar(
        select(LtiUser.sub).where(
            LtiUser.id == user_id,
            LtiUser.issuer
            == select(Tenant.issuer).where(Tenant.id == scope.tenant_id).scalar_subquery(),
        )
    )
    if sub is None:
        return None
    entry = outbox_repo.enqueue(
        session,
        outbox_repo.NewScore(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            user_sub=sub,
            lineitem_url=sheet.lineitem_url,
            score_given=score_given,
            score_maximum=score_maximum,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment=comment,
            now=now,
        ),
    )
    return entry.id
