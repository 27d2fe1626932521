"""Roles over the term on one sheet: who took case-bringer, moderator and timekeeper how often,
and who has not yet (``domain.signups.rotation.tally`` / ``not_yet``); and the fair rotation
for every upcoming session still missing a moderator or timekeeper
(``services.signups.rotate_roles``, one session after the other, earliest first, so each
choice counts the ones before it).

The members are everyone in the sheet's stable groups and everyone seated in one of its
sessions that was not cancelled; the history counts those sessions, planned ones included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.methods import CASE_BRINGER
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.rotation import RoleTally, not_yet, tally
from lti_app.services import signups
from lti_app.storage import db, signups_repo

TERM_ROLES = (CASE_BRINGER, *signups.ROLES)


@dataclass(frozen=True, slots=True)
class RoleOverview:
    role: str
    tallies: tuple[RoleTally, ...]  # fairest next first
    not_yet: tuple[int, ...]  # in members order


@dataclass(frozen=True, slots=True)
class RotationOverview:
    members: tuple[int, ...]
    roles: tuple[RoleOverview, ...]
    upcoming_open: int  # upcoming sessions still missing a moderator or timekeeper


@dataclass(frozen=True, slots=True)
class RotatedUpcoming:
    assigned: tuple[int, ...]  # session ids that got their roles
    problems: tuple[tuple[int, str], ...]  # (session id, why not)


def _open(record: signups.SessionRecord, now: datetime) -> bool:
    return (
        not record.cancelled
        and record.plan.starts_at > now
        and (record.moderator_id is None or record.timekeeper_id is None)
    )


def rotation_overview(scope: CourseScope, *, sheet_id: int, now: datetime) -> RotationOverview:
    with db.transaction() as session:
        members: dict[int, None] = {}
        for group in signups_repo.sheet_groups(session, scope, sheet_id):
            members.update(dict.fromkeys(group.members))
        summaries = signups_repo.list_sessions(session, scope, sheet_id)
        for summary in summaries:
            if summary.session.cancelled or not summary.seated:
                continue
            for booking in signups_repo.roster(session, scope, summary.session.id):
                if booking.status.holds_seat:
                    members[booking.user_id] = None
        history = signups_repo.role_history(session, scope, sheet_id)
    for taken in history:
        members.setdefault(taken.user_id, None)
    people = tuple(members)
    return RotationOverview(
        people,
        tuple(
            RoleOverview(role, tally(people, history, role), not_yet(people, history, role))
            for role in TERM_ROLES
        ),
        sum(1 for s in summaries if _open(s.session, now)),
    )


def rotate_upcoming(scope: CourseScope, *, sheet_id: int, now: datetime) -> RotatedUpcoming:
    """Moderator and timekeeper for every upcoming session missing one, by the fair rotation;
    an instructor's own pick in a session is kept."""
    assigned: list[int] = []
    problems: list[tuple[int, str]] = []
    for summary in signups.sheet_sessions(scope, sheet_id):
        record = summary.session
        if not _open(record, now):
            continue
        fixed = {
            role: user
            for role, user in (
                ("moderator", record.moderator_id),
                ("timekeeper", record.timekeeper_id),
            )
            if user is not None
        }
        rotation = signups.rotate_roles(
            scope, sheet_id=sheet_id, session_id=record.id, now=now, fixed=fixed
        )
        if rotation.problems:
            problems.append((record.id, " ".join(p.message for p in rotation.problems)))
        else:
            assigned.append(record.id)
    return RotatedUpcoming(tuple(assigned), tuple(problems))
