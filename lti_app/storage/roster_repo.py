"""People from the course roster (NRPS) as ``lti_user`` rows, and a stable group's sessions.

Groups and bookings point at ``lti_user`` ids, but a roster names people the tool may never
have seen launch. :func:`upsert_people` finds or creates their rows by (issuer, sub), the key
launches use, inside a SAVEPOINT per new person, so a launch racing the roster fetch ends with
one row (the loser reads the winner's). Names and e-mail follow what the platform shares now,
as a launch does: a person whose name the platform withholds keeps none (and is shown as a
pseudonym). :func:`assign_session_group` gives a session to one of its sheet's stable groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.errors import NotFound
from lti_app.domain.scope import CourseScope
from lti_app.storage import signups_repo
from lti_app.storage.models import ID_LENGTH, LtiUser
from lti_app.storage.signup_models import SignupGroup, SignupSession
from lti_app.storage.signups_repo import SessionRecord


@dataclass(frozen=True, slots=True)
class RosterPerson:
    """One member as the platform's roster names them (``name``/``email`` empty: withheld)."""

    sub: str
    name: str = ""
    email: str = ""


def _shared(value: str) -> str | None:
    value = value.strip()[:ID_LENGTH]
    return value or None


def upsert_people(
    session: Session, issuer: str, people: Sequence[RosterPerson], now: datetime
) -> dict[str, int]:
    """Each person's ``lti_user`` id by sub (created when new, names refreshed)."""
    wanted = {person.sub[:ID_LENGTH]: person for person in people if person.sub}
    if not wanted:
        return {}
    found = {
        row.sub: row
        for row in session.scalars(
            select(LtiUser).where(LtiUser.issuer == issuer, LtiUser.sub.in_(list(wanted)))
        )
    }
    ids: dict[str, int] = {}
    for sub, person in wanted.items():
        name, email = _shared(person.name), _shared(person.email)
        row = found.get(sub)
        if row is None:
            row = LtiUser(issuer=issuer, sub=sub, name=name, email=email, updated_at=now)
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # a launch of this person made the row meanwhile
                row = session.scalars(
                    select(LtiUser).where(LtiUser.issuer == issuer, LtiUser.sub == sub)
                ).one()
        if (row.name, row.email) != (name, email):
            row.name, row.email, row.updated_at = name, email, now
        ids[sub] = row.id
    session.flush()
    return ids


class GroupNotFound(NotFound):
    message = "There is no such group on this sign-up sheet."


def assign_session_group(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    session_id: int,
    group_id: int | None,
    now: datetime,
) -> SessionRecord:
    """Make the session ``group_id``'s (None: open to everyone on the sheet). Call it with the
    session locked (``signups_repo.lock_session``); its version does not change (no notice)."""
    if group_id is not None:
        group = session.scalar(
            select(SignupGroup.id).where(
                SignupGroup.tenant_id == scope.tenant_id,
                SignupGroup.course_id == scope.course_id,
                SignupGroup.sheet_id == sheet_id,
                SignupGroup.id == group_id,
            )
        )
        if group is None:
            raise GroupNotFound(f"group {group_id} not on sheet {sheet_id} in {scope}")
    row = session.scalar(
        select(SignupSession).where(
            SignupSession.tenant_id == scope.tenant_id,
            SignupSession.course_id == scope.course_id,
            SignupSession.sheet_id == sheet_id,
            SignupSession.id == session_id,
        )
    )
    if row is None:
        raise signups_repo.SessionNotFound(f"session {session_id} not on sheet {sheet_id}")
    if row.group_id != group_id:
        row.group_id = group_id
        row.updated_at = now
        session.flush()
    return signups_repo.get_session(session, scope, session_id, sheet_id)
