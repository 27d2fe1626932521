"""A small world for exercise storage tests: two tenants, three courses, people, one exercise
of Tietze's collegial counselling with a group of five.

Rows for tenants, courses and people are made directly; everything after that goes through
``services.exercises`` as a view would. Times are fixed (``NOW``); an async round's phase ``i``
is open during day ``i`` after ``NOW`` (:func:`during`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import Schedule, schedule_by_days
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.methods import MethodSpec
from lti_app.domain.scope import CourseScope
from lti_app.services import exercises
from lti_app.storage import db, exercise_models
from lti_app.storage.models import CourseContext, LtiUser, Tenant
from tests.support.shipped_methods import METHODS

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
METHOD: MethodSpec = METHODS["collegial-counselling"]
PHASES = [p.id for p in METHOD.phases]
LINEITEM = "https://lms1.test/lineitems/7"
CASE_TEXT = {
    "situation": "SECRET-SITUATION a client walked out of the session",
    "own_role": "SECRET-ROLE I was the lead counsellor",
    "key_question": "SECRET-KEY how do I re-open contact?",
}
CHECKLIST = frozenset({"no-names", "no-identifying-details", "no-third-party-secrets", "own-part"})
COUNTED = (
    "ExerciseContribution",
    "ExerciseCase",
    "ExerciseRating",
    "ExerciseMark",
    "ExerciseFlag",
    "ExerciseModeration",
    "ExerciseConsent",
)


def schedule(opens_at: datetime = NOW, method: MethodSpec = METHOD) -> Schedule:
    return schedule_by_days(method, opens_at, [1] * len(method.phases))


def during(phase_id: str, opens_at: datetime = NOW) -> datetime:
    """An instant inside ``phase_id`` of the async schedule (noon of its day)."""
    return opens_at + timedelta(days=PHASES.index(phase_id), hours=12)


AFTER_ROUND = NOW + timedelta(days=len(PHASES), hours=1)


@dataclass(frozen=True)
class ExerciseWorld:
    course: CourseScope  # course A of tenant 1
    sibling: CourseScope  # course B of tenant 1
    other_tenant: CourseScope  # course A of tenant 2
    instructor: int
    learners: tuple[int, ...]
    exercise: int
    group: int  # learners 0..4: case-bringer 0, moderator 1, consultants 2..4

    @property
    def case_bringer(self) -> Actor:
        return Actor(self.learners[0])

    @property
    def moderator(self) -> Actor:
        return Actor(self.learners[1])

    def consultant(self, n: int = 0) -> Actor:
        return Actor(self.learners[2 + n])

    @property
    def teacher(self) -> Actor:
        return Actor(self.instructor, instructor=True)

    @property
    def outsider(self) -> Actor:
        return Actor(self.learners[-1])


def settings(mode: Mode = Mode.ASYNC, **changes: object) -> ExerciseSettings:
    values: dict[str, object] = {
        "method_slug": METHOD.slug,
        "mode": mode,
        "group_source": GroupSource.SELF_FORMED,
        "size_min": 5,
        "size_max": 6,
    }
    values.update(changes)
    return ExerciseSettings(**values)  # type: ignore[arg-type]


def build_exercise_world(
    app: Flask, mode: Mode = Mode.ASYNC, learners: int = 12, **setting_changes: object
) -> ExerciseWorld:
    with app.app_context():
        with db.transaction() as session:
            tenants = [
                Tenant(issuer=f"https://lms{i}.test", client_id="c", deployment_id="d")
                for i in (1, 2)
            ]
            session.add_all(tenants)
            session.flush()
            courses = [
                CourseContext(tenant_id=tenants[0].id, context_id="A"),
                CourseContext(tenant_id=tenants[0].id, context_id="B"),
                CourseContext(tenant_id=tenants[1].id, context_id="A"),
            ]
            people = [LtiUser(issuer="https://lms1.test", sub="trainer", name="Trainer")] + [
                LtiUser(issuer="https://lms1.test", sub=f"learner-{n}", name=f"Learner {n}")
                for n in range(learners)
            ]
            session.add_all([*courses, *people])
            session.flush()
            scopes = [CourseScope(c.tenant_id, c.id) for c in courses]
            ids = [p.id for p in people]
        exercise = new_exercise(app, scopes[0], "link-1", ids[0], mode, **setting_changes)
        group = new_group(app, scopes[0], exercise, ids[1:6], mode)
    return ExerciseWorld(scopes[0], scopes[1], scopes[2], ids[0], tuple(ids[1:]), exercise, group)


def new_exercise(
    app: Flask,
    scope: CourseScope,
    link: str,
    instructor: int,
    mode: Mode = Mode.ASYNC,
    **setting_changes: object,
) -> int:
    with app.app_context():
        record = exercises.open_exercise(
            scope,
            exercises.ExerciseLink(link, "Peer feedback", lineitem_url=LINEITEM),
            now=NOW,
            created_by=instructor,
        )
        saved = exercises.configure_exercise(
            scope, record.id, settings(mode, **setting_changes), METHOD, now=NOW, by_user=instructor
        )
    assert saved.exercise is not None, saved.problems
    return record.id


def new_group(
    app: Flask, scope: CourseScope, exercise: int, members: Iterable[int], mode: Mode
) -> int:
    people = list(members)
    with app.app_context():
        saved = exercises.form_group(
            scope,
            exercise,
            people,
            case_bringer=people[0],
            moderator=people[1],
            name="Group 1",
            schedule=None if mode is Mode.LIVE else schedule(),
            now=NOW,
        )
    assert saved.group is not None, saved.problems
    return saved.group.id


def row_counts(app: Flask) -> dict[str, int]:
    """How many rows each exercise table holds (what a refusal must leave unchanged)."""
    with app.app_context(), db.transaction() as session:
        return {
            name: session.scalar(select(func.count()).select_from(getattr(exercise_models, name)))
            or 0
            for name in COUNTED
        }
