"""An exercise's phase plan (``domain.exercises.schedule``): set by the instructor, turned into
each new round's deadlines, and carried into the rounds not yet past a phase when it changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.phases import Schedule
from lti_app.domain.exercises.schedule import (
    PhaseDue,
    PhasePlan,
    check_entries,
    default_plan,
    replan,
    resolve,
)
from lti_app.domain.exercises.settings import ExerciseSettings, Mode
from lti_app.domain.methods import MethodSpec
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.problems import Problem
from lti_app.services.exercises._common import _configured
from lti_app.storage import db, exercise_groups_repo, exercises_repo
from lti_app.storage.exercises_repo import ExerciseRecord


@dataclass(frozen=True, slots=True)
class PlanSaved:
    exercise: ExerciseRecord | None
    problems: tuple[Problem, ...] = ()
    rounds_moved: int = 0
    """How many running rounds got new deadlines."""


def plan_of(exercise: ExerciseRecord, method: MethodSpec) -> PhasePlan:
    """The exercise's plan, or two days per phase while the instructor has set none (or the
    plan no longer fits the method's phases)."""
    plan = exercise.phase_plan
    if plan is None or len(plan.entries) != len(method.phases):
        return default_plan(method)
    return plan


def new_round_schedule(
    exercise: ExerciseRecord, settings: ExerciseSettings, method: MethodSpec, now: datetime
) -> Schedule | None:
    """A round made now: its deadlines from the plan (None for a live exercise)."""
    if settings.mode is Mode.LIVE:
        return None
    return resolve(plan_of(exercise, method), now)


def set_phase_plan(
    scope: CourseScope,
    exercise_id: int,
    plan: PhasePlan | Sequence[PhaseDue | None],
    zone: str,
    *,
    now: datetime,
) -> PlanSaved:
    """Save the plan (``schedule.check_entries``) or every problem with nothing saved; rounds
    already made take it for the phases they are not yet past (``schedule.replan``). An entry
    None (the form could not read it) is never saved, but the others are still checked."""
    entries = plan.entries if isinstance(plan, PhasePlan) else tuple(plan)
    with db.write_transaction() as session:
        exercise = exercises_repo.lock_exercise(session, scope, exercise_id)
        settings = _configured(exercise)
        if settings.mode is Mode.LIVE:
            return PlanSaved(
                None,
                (Problem("phases", "A live exercise runs on its phase timer, without deadlines."),),
            )
        assert exercise.method_version_id is not None
        method = exercises_repo.get_method_version(
            session, scope, exercise.method_version_id
        ).adapted.spec
        problems = check_entries(method, entries, now)
        complete = [e for e in entries if e is not None]
        if problems or len(complete) != len(entries):
            return PlanSaved(None, problems)
        plan = PhasePlan(tuple(complete))
        saved = exercises_repo.save_phase_plan(session, scope, exercise_id, plan, zone, now)
        moved = 0
        for group in exercise_groups_repo.groups_of(session, scope, exercise_id):
            snapshot = exercise_groups_repo.lock_group(session, scope, group.id, exercise_id)
            current = snapshot.group.schedule
            fresh = resolve(plan, now) if current is None else replan(method, current, plan, now)
            if fresh != current:
                exercise_groups_repo.save_schedule(session, scope, group.id, fresh, now)
                moved += 1
        return PlanSaved(saved, (), moved)
