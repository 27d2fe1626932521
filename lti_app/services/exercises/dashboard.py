"""The instructor's dashboard and its CSV: process counts, roles and completion per
group, never content, so it is safe to show whatever the case-access setting says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises import completion as completion_rules
from lti_app.domain.exercises import moderation, process
from lti_app.domain.exercises.validation import CaseStatus
from lti_app.domain.methods import PhaseSpec
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _round
from lti_app.storage import (
    db,
    exercise_groups_repo,
    exercise_posts_repo,
    exercises_repo,
    signups_repo,
)
from lti_app.storage.exercise_groups_repo import MemberRecord


@dataclass(frozen=True, slots=True)
class GroupDashboard:
    group_id: int
    name: str
    members: tuple[MemberRecord, ...]
    phase_index: int | None
    closed: bool
    process: process.GroupProcess
    completion: tuple[completion_rules.Completion, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    exercise_id: int
    method_name: str
    phases: tuple[PhaseSpec, ...]
    groups: tuple[GroupDashboard, ...]
    names: Mapping[int, str]


def dashboard(scope: CourseScope, exercise_id: int, now: datetime) -> Dashboard:
    """Per group: ``process.group_process`` counts and ``completion``; no text at all."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        rounds = [
            exercise_groups_repo.read_group(session, scope, g.id, exercise_id)
            for g in exercise_groups_repo.groups_of(session, scope, exercise_id)
        ]
        flags = {
            r.group.id: (
                exercise_posts_repo.flags_of(session, scope, r.group.id),
                exercise_posts_repo.actions_of(session, scope, r.group.id),
            )
            for r in rounds
        }
        people = sorted({u for r in rounds for u in r.group.member_ids})
        names = signups_repo.person_names(session, scope, people)
    method_name = (
        rounds[0].method.spec.name
        if rounds
        else (exercise.settings.method_slug if exercise.settings else "")
    )
    groups_out = []
    phases: tuple[PhaseSpec, ...] = rounds[0].method.spec.phases if rounds else ()
    for snapshot in rounds:
        round_ = _round(snapshot, now)
        group_flags, group_actions = flags[snapshot.group.id]
        counts = process.group_process(
            round_.method,
            round_.assignment,
            round_.posts,
            round_.clock,
            case_status=round_.case_status,
            open_flag_count=len(moderation.open_flags(group_flags, group_actions)),
        )
        done = completion_rules.completion(
            round_.method,
            round_.assignment,
            round_.posts,
            withdrawn=round_.case_status is CaseStatus.WITHDRAWN,
        )
        groups_out.append(
            GroupDashboard(
                snapshot.group.id,
                snapshot.group.name,
                snapshot.group.members,
                round_.clock.index,
                round_.clock.closed,
                counts,
                done,
            )
        )
    return Dashboard(exercise_id, method_name, phases, tuple(groups_out), names)


CSV_HEADER = (
    "group",
    "member",
    "role",
    "posts",
    "reflection_handed_in",
    "helpfulness_received",
    "completion",
    "group_questions_before_advice",
    "group_at_risk",
)


def dashboard_csv_rows(scope: CourseScope, exercise_id: int, now: datetime) -> list[list[str]]:
    """The dashboard as CSV rows (header first): counts, roles, names; never content."""
    return csv_rows(dashboard(scope, exercise_id, now))


def csv_rows(board: Dashboard) -> list[list[str]]:
    """``board``'s groups as CSV rows, header first (the dashboard's round chooser passes one
    round's board)."""
    rows = [list(CSV_HEADER)]
    for group in board.groups:
        status = {c.user_id: c.status.value for c in group.completion}
        for member in group.members:
            helpful = group.process.helpfulness_received.get(member.user_id)
            rows.append(
                [
                    group.name or f"Group {group.group_id}",
                    board.names.get(member.user_id, f"user {member.user_id}"),
                    member.role or "",
                    str(group.process.posts_per_member.get(member.user_id, 0)),
                    "yes" if member.user_id in group.process.reflections_by else "no",
                    f"{helpful:.2f}" if helpful is not None else "",
                    status.get(member.user_id, ""),
                    str(group.process.questions_before_advice),
                    " ".join(r.value for r in group.process.at_risk),
                ]
            )
    return rows
