"""Roles over the term: who was moderator, timekeeper or case-bringer in a sheet's sessions, so
``domain.signups.rotation`` can share the roles out fairly."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_app.domain.methods import CASE_BRINGER
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus, Intent
from lti_app.domain.signups.rotation import RoleTaken
from lti_app.storage.signup_models import SESSION_SCHEDULED, SignupBooking, SignupSession
from lti_app.storage.signups_repo._common import _in_course


def role_history(
    session: Session, scope: CourseScope, sheet_id: int, except_session: int | None = None
) -> tuple[RoleTaken, ...]:
    """Who took which role in the sheet's sessions that were not cancelled (moderator and
    timekeeper as assigned, case-bringer as seated), for ``rotation.choose_roles``."""
    sessions = select(SignupSession).where(
        *_in_course(SignupSession, scope),
        SignupSession.sheet_id == sheet_id,
        SignupSession.status == SESSION_SCHEDULED,
    )
    if except_session is not None:
        sessions = sessions.where(SignupSession.id != except_session)
    taken: list[RoleTaken] = []
    rows = session.scalars(sessions).all()
    for row in rows:
        if row.moderator_id is not None:
            taken.append(RoleTaken(row.moderator_id, "moderator", row.starts_at))
        if row.timekeeper_id is not None:
            taken.append(RoleTaken(row.timekeeper_id, "timekeeper", row.starts_at))
    starts = {row.id: row.starts_at for row in rows}
    if starts:
        seated = [status.value for status in BookingStatus if status.holds_seat]
        bringers = session.execute(
            select(SignupBooking.session_id, SignupBooking.user_id).where(
                *_in_course(SignupBooking, scope),
                SignupBooking.session_id.in_(list(starts)),
                SignupBooking.intent == Intent.CASE_BRINGER.value,
                SignupBooking.status.in_(seated),
            )
        )
        taken += [RoleTaken(user, CASE_BRINGER, starts[sid]) for sid, user in bringers]
    return tuple(sorted(taken, key=lambda t: (t.at, t.role, t.user_id)))
