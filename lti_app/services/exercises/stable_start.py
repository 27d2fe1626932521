"""Starting a stable group's round of an exercise from the dashboard: the course's stable
groups (from its sign-up sheets), and the round of the exercise's group with the method's roles
given by the fair rotation (``domain.signups.rotation.choose_roles``) over the group's earlier
rounds, then made by ``groups.form_group`` (roles and deadlines checked, nothing half-saved).

One exercise link can run the rounds of every stable group of the course at once: each
exercise group carries the stable group it was made from (``ExerciseGroup.stable_group_id``),
which ties its rounds together (the round chooser, the follow-up at the next meeting); a group
of another course or tenant is not found. Starting every group at once makes each group's round
in its own transaction, so a group too small for the roles does not stop the others."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lti_app.domain.errors import NotFound
from lti_app.domain.exercises.roles import moderator_role
from lti_app.domain.exercises.settings import GroupSource
from lti_app.domain.methods import CASE_BRINGER, MethodSpec
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.rotation import RoleTaken, choose_roles
from lti_app.services.exercises._common import _configured
from lti_app.services.exercises.groups import GroupSaved, form_group
from lti_app.storage import db, exercise_groups_repo, exercises_repo, signups_repo
from lti_app.storage import stable_group_rounds_repo as repo
from lti_app.storage.exercise_groups_repo import AlreadyInGroup
from lti_app.storage.stable_group_rounds_repo import StableGroupRow

MODERATOR = "moderator"  # every method's moderator-kind role counts as one in the rotation


class UnknownStableGroup(NotFound):
    title = "No such stable group"
    message = (
        "That stable group is not one of this course's groups. Open the dashboard again and "
        "choose a group from its list."
    )


@dataclass(frozen=True, slots=True)
class CourseGroups:
    groups: tuple[StableGroupRow, ...]
    started: Mapping[int, int]
    """Stable group -> its exercise group, for those whose round in this exercise is made."""

    @property
    def waiting(self) -> tuple[StableGroupRow, ...]:
        """The groups without a round in this exercise yet."""
        return tuple(g for g in self.groups if g.id not in self.started)


@dataclass(frozen=True, slots=True)
class Started:
    """One group's outcome of "Start a round for every group"."""

    name: str
    saved: GroupSaved


def course_groups(scope: CourseScope, exercise_id: int) -> CourseGroups:
    """The course's stable groups for the dashboard, and which of them started here."""
    with db.transaction() as session:
        exercises_repo.get_exercise(session, scope, exercise_id)
        rows = repo.course_groups(session, scope)
        started = repo.started_in(session, scope, exercise_id)
    return CourseGroups(rows, started)


@dataclass(frozen=True, slots=True)
class GroupChoice:
    """One stable group for the settings' dropdown: named as its sign-up sheet shows it."""

    id: int
    name: str
    sheet_id: int
    sheet_title: str
    members: int


def group_choices(scope: CourseScope) -> tuple[GroupChoice, ...]:
    """Every stable group of this course (and tenant), with its sheet's title, in the order
    the dashboard lists them."""
    with db.transaction() as session:
        rows = repo.course_groups(session, scope)
        titles: dict[int, str] = {}
        for sheet_id in sorted({r.sheet_id for r in rows}):
            sheet = signups_repo.get_sheet(session, scope, sheet_id)
            titles[sheet_id] = sheet.title if sheet is not None else ""
    return tuple(
        GroupChoice(r.id, r.name, r.sheet_id, titles.get(r.sheet_id, ""), r.members) for r in rows
    )


def start_every_round(
    scope: CourseScope, exercise_id: int, *, now: datetime
) -> tuple[Started, ...]:
    """The round of every stable group of the course without one in this exercise, each in its
    own transaction (:func:`start_stable_round`): one group's problem stops no other."""
    return tuple(
        Started(g.name, start_stable_round(scope, exercise_id, g.id, now=now))
        for g in course_groups(scope, exercise_id).waiting
    )


def _history(rows: tuple[tuple[int, str, datetime], ...], mod_role: str | None) -> list[RoleTaken]:
    taken = []
    for user, role, at in rows:
        if role == CASE_BRINGER:
            taken.append(RoleTaken(user, CASE_BRINGER, at))
        elif mod_role is not None and role == mod_role:
            taken.append(RoleTaken(user, MODERATOR, at))
    return taken


@dataclass(frozen=True, slots=True)
class ChosenRoles:
    """The instructor's own choice for a stable group's round (the roles-by-hand form):
    the case-bringer (None: nobody chosen), the moderator, and optional duty -> person."""

    case_bringer: int | None
    moderator: int | None = None
    duties: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GroupAtStart:
    """A stable group about to start its round here: who is in it, the method, and the fair
    rotation's proposal for the case-bringer and the moderator (empty when it has none)."""

    name: str
    members: tuple[int, ...]
    method: MethodSpec
    proposal: Mapping[str, int]
    """``case-bringer`` and ``moderator`` (the rotation's names) -> the person proposed."""
    problems: tuple[Problem, ...] = ()
    """Why the round cannot start (made already, too few people ...); then nothing else counts."""
    names: Mapping[int, str] = field(default_factory=dict)
    """Each member's name, as the course's sign-up pages show it."""


def group_at_start(scope: CourseScope, exercise_id: int, stable_group_id: int) -> GroupAtStart:
    """What starting ``stable_group_id``'s round would take, read in one transaction. A group
    not of this course (or tenant) raises :class:`UnknownStableGroup`."""
    with db.transaction() as session:
        name = repo.group_name(session, scope, stable_group_id)
        if name is None:
            raise UnknownStableGroup(f"stable group {stable_group_id} not in {scope}")
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        settings = _configured(exercise)
        members = tuple(sorted(signups_repo.group_members(session, scope, stable_group_id)))
        names = signups_repo.person_names(session, scope, members)
        assert exercise.method_version_id is not None
        method = exercises_repo.get_method_version(
            session, scope, exercise.method_version_id
        ).adapted.spec
        if settings.group_source is not GroupSource.STABLE_GROUP:
            refused = (Problem("group", "This exercise takes no stable group."),)
            return GroupAtStart(name, members, method, {}, refused, names)
        rounds = repo.rounds_of(session, scope, stable_group_id)
        made = any(r.exercise_id == exercise_id for r in rounds) or any(
            exercise_groups_repo.group_of_user(session, scope, exercise_id, m) for m in members
        )
        history = _history(
            repo.roles_taken(session, scope, [r.group_id for r in rounds]), moderator_role(method)
        )
    if made:
        return GroupAtStart(name, members, method, {}, _already(name).problems, names)
    mod_role = moderator_role(method)
    needed = 2 + (1 if mod_role else 0)
    if len(members) < needed:
        return GroupAtStart(
            name,
            members,
            method,
            {},
            (
                Problem(
                    "members",
                    f"{name} has {len(members)} member{'s' if len(members) != 1 else ''}; "
                    f"{method.name} needs at least {needed} to fill its roles. Add people to the "
                    "group on its sign-up sheet, then start the round. Nothing was saved.",
                ),
            ),
            names,
        )
    rotation = choose_roles(
        list(members), [CASE_BRINGER, MODERATOR] if mod_role else [CASE_BRINGER], history
    )
    return GroupAtStart(name, members, method, rotation.assigned, rotation.problems, names)


def start_stable_round(
    scope: CourseScope,
    exercise_id: int,
    stable_group_id: int,
    *,
    now: datetime,
    chosen: ChosenRoles | None = None,
) -> GroupSaved:
    """The round of ``stable_group_id`` in this exercise, its case-bringer and moderator by the
    fair rotation over the group's earlier rounds, or as ``chosen`` by hand (checked by
    ``roles.assign_roles``: every role filled, one person per role, members of this group
    only); or why not (nothing saved). A group not of this course raises
    :class:`UnknownStableGroup`; made already, the second try says so."""
    start = group_at_start(scope, exercise_id, stable_group_id)
    if start.problems:
        return GroupSaved(None, start.problems)
    if chosen is None:
        chosen = ChosenRoles(start.proposal[CASE_BRINGER], start.proposal.get(MODERATOR))
    elif chosen.case_bringer is None:
        return GroupSaved(None, (Problem("case_bringer", "Choose who brings the case."),))
    assert chosen.case_bringer is not None
    try:
        return form_group(
            scope,
            exercise_id,
            list(start.members),
            case_bringer=chosen.case_bringer,
            moderator=chosen.moderator,
            duties=chosen.duties,
            accept_size=True,
            name=start.name,
            now=now,
            stable_group_id=stable_group_id,
        )
    except AlreadyInGroup:  # a second submit that raced the first one past the check above
        return _already(start.name)


def _already(name: str) -> GroupSaved:
    return GroupSaved(
        None,
        (Problem("group", f"The round of {name} in this exercise is already made; see below."),),
    )
