"""Stable intervision groups formed from the course roster (NRPS), and a group's sessions.

The roster comes from the platform on request (the launch's NRPS endpoint): only its active
learners are grouped, each first made an ``lti_user`` row (``storage.roster_repo``), because
groups and bookings hold user ids. Forming and moving are ``services.signups``'
``form_sheet_groups`` / ``move_group_member`` (``domain.signups.groups``); a platform that gave
no roster endpoint, or a roster call that fails, is a :class:`Problem` for the page, never an
exception. Assigning a group to a session only stores it (``signup_session.group_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask

from lti_app.domain.roles import Role
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.problems import Problem
from lti_app.i18n import gettext
from lti_app.i18n.marking import N_
from lti_app.lti.roles import map_roles
from lti_app.lti.services import nrps
from lti_app.lti.services.http import Deadline, ServiceError
from lti_app.lti.services.tokens import service_client
from lti_app.services import signups
from lti_app.services.signups import GroupRecord, GroupsSaved, SessionRecord, SessionSummary
from lti_app.storage import db, roster_repo, signups_repo
from lti_app.storage.roster_repo import GroupNotFound as GroupNotFound
from lti_app.storage.roster_repo import RosterPerson

ROSTER_SECONDS = 15.0  # the whole roster (token and every page) on a request path
ACTIVE = "active"  # NRPS member status; Inactive and Deleted members are not grouped


@dataclass(frozen=True, slots=True)
class RosterSource:
    """Where the launch says the course roster is: the platform and its memberships URL."""

    issuer: str
    client_id: str
    memberships_url: str | None


@dataclass(frozen=True, slots=True)
class GroupsOverview:
    groups: tuple[GroupRecord, ...]
    sessions: tuple[SessionSummary, ...]
    # The size range last formed or moved with on this sheet (kept on the sheet); None: never.
    size_range: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class RosterGroups:
    """The groups after forming (``saved``), how many learners the roster had, or why not."""

    saved: GroupsSaved | None
    learners: int = 0
    problems: tuple[Problem, ...] = ()


NO_ENDPOINT = Problem(
    "roster",
    N_(
        "The platform did not give this link access to the course roster (Names and Role "
        "Provisioning Services), so groups cannot be formed from it. Ask your LMS administrator "
        "to allow the tool to read the course's participants, then open the sheet again."
    ),
)


NO_LEARNERS = Problem(
    "roster",
    N_(
        "The course roster has no active learners yet, so there is nobody to put in groups. "
        "The groups were left as they were."
    ),
)


def _fetch_failed(detail: str) -> Problem:
    return Problem(
        "roster",
        gettext(
            "The course roster could not be fetched from the platform just now "
            "(%(detail)s). Nothing was changed; try again in a moment.",
            detail=detail,
        ),
    )


def groups_overview(scope: CourseScope, *, sheet_id: int) -> GroupsOverview:
    """The sheet's stable groups, its sessions (to assign groups to) and the size range."""
    with db.transaction() as session:
        return GroupsOverview(
            signups_repo.sheet_groups(session, scope, sheet_id),
            signups_repo.list_sessions(session, scope, sheet_id),
            signups_repo.group_range(session, scope, sheet_id),
        )


def sheet_groups(scope: CourseScope, *, sheet_id: int) -> tuple[GroupRecord, ...]:
    """The sheet's stable groups (for the session form's choice and the session page)."""
    with db.transaction() as session:
        return signups_repo.sheet_groups(session, scope, sheet_id)


def learners_of(roster: nrps.Roster) -> list[RosterPerson]:
    """The roster's active learners, in the platform's order (instructors are not grouped)."""
    return [
        RosterPerson(member.user_id, member.name, member.email)
        for member in roster.members
        if member.status.lower() == ACTIVE and map_roles(member.roles) is Role.LEARNER
    ]


def form_groups_from_roster(
    scope: CourseScope,
    *,
    sheet_id: int,
    source: RosterSource,
    size_min: int,
    size_max: int,
    now: datetime,
    seed: int | None = None,
    app: Flask | None = None,
) -> RosterGroups:
    """Fetch the course's learners, make them users, and replace the sheet's groups with
    balanced ones in the size range (``services.signups.form_sheet_groups``); ``seed`` mixes
    the roster's order reproducibly first."""
    if not source.memberships_url:
        return RosterGroups(None, problems=(NO_ENDPOINT,))
    try:
        client = service_client(source.issuer, source.client_id, app)
        roster = nrps.fetch_roster(
            client, source.memberships_url, timeout=Deadline.after(ROSTER_SECONDS), app=app
        )
    except ServiceError as problem:
        detail = f"the platform answered {problem.status}" if problem.status else "no answer"
        return RosterGroups(None, problems=(_fetch_failed(detail),))
    people = learners_of(roster)
    if not people:
        return RosterGroups(None, problems=(NO_LEARNERS,))
    with db.write_transaction(app) as session:
        ids = roster_repo.upsert_people(session, source.issuer, people, now)
    saved = signups.form_sheet_groups(
        scope,
        sheet_id=sheet_id,
        roster=[ids[p.sub] for p in people if p.sub in ids],
        size_min=size_min,
        size_max=size_max,
        now=now,
        seed=seed,
    )
    return RosterGroups(saved, learners=len(people), problems=saved.problems)


def assign_group(
    scope: CourseScope, *, sheet_id: int, session_id: int, group_id: int | None, now: datetime
) -> SessionRecord:
    """Give the session to a stable group of its sheet (None: open to all); under the session's
    lock, so a sign-up deciding on it sees the group before or after, never half."""
    with db.write_transaction() as session:
        signups_repo.lock_session(session, scope, session_id, sheet_id)
        return roster_repo.assign_session_group(session, scope, sheet_id, session_id, group_id, now)
