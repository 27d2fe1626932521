"""One exercise link running the rounds of several stable groups, on SQLite and PostgreSQL:
"start every round" makes one round per group (each its own transaction, a too-small group
says why and stops no other, a second run makes nothing twice), each exercise group carries
its own stable group, and the follow-up at the next meeting keys on that group: two groups
meeting in two exercises each see only their own plans, and a person in two stable groups is
asked only in the group the plan was written in.

The action plans are stored rows (as a round's closing phase leaves them): the phases that
lead there are tested elsewhere; what is under test here is which later round asks about them."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from flask import Flask

from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.scope import CourseScope
from lti_app.services import exercises, signups
from lti_app.services.exercises.stable_start import start_every_round, start_stable_round
from lti_app.storage import db, migrate
from lti_app.storage.exercise_models import ExerciseContribution, ExerciseGroup
from tests.support.shipped_methods import METHODS
from tests.support.signup_world import NOW, build_world

TEN_STEP = METHODS["ten-step-method"]


def _exercise(scope: CourseScope, link: str, stable: int) -> int:
    record = exercises.open_exercise(scope, exercises.ExerciseLink(link, link), now=NOW)
    settings = ExerciseSettings(TEN_STEP.slug, Mode.LIVE, GroupSource.STABLE_GROUP, group_id=stable)
    assert exercises.configure_exercise(scope, record.id, settings, TEN_STEP, now=NOW).exercise
    return record.id


def _plan(scope: CourseScope, group_id: int, author: int, text: str) -> int:
    with db.transaction() as session:
        row = ExerciseContribution(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            group_id=group_id,
            author_id=author,
            kind=PostType.ACTION_PLAN.value,
            phase_index=9,
            phase_id="closing",
            body=text,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id


def _stable_of(group_ids: list[int]) -> dict[int, int | None]:
    with db.transaction() as session:
        rows = session.query(ExerciseGroup.id, ExerciseGroup.stable_group_id).filter(
            ExerciseGroup.id.in_(group_ids)
        )
        return {r.id: r.stable_group_id for r in rows}


def test_every_group_starts_once_and_follow_ups_never_mix(db_app: Flask) -> None:
    world = build_world(db_app, learners=10)
    p = list(world.learners)
    scope = world.course
    with db_app.app_context():
        a, b, small = signups.form_sheet_groups(
            scope, sheet_id=world.sheet, roster=p[:8], size_min=2, size_max=3, now=NOW
        ).groups
        assert (len(a.members), len(b.members), len(small.members)) == (3, 3, 2)
        first = _exercise(scope, "first", a.id)
        outcomes = start_every_round(scope, first, now=NOW)
        made = {o.name: o.saved.group for o in outcomes}
        assert made[a.name] is not None and made[b.name] is not None
        refused = next(o for o in outcomes if o.name == small.name)
        assert refused.saved.group is None
        assert "has 2 members" in refused.saved.problems[0].message
        again = start_every_round(scope, first, now=NOW)  # a double submit
        assert [o.name for o in again] == [small.name] and again[0].saved.group is None
        assert len(exercises.groups(scope, first)) == 2
        a1, b1 = made[a.name], made[b.name]
        assert a1 is not None and b1 is not None
        assert _stable_of([a1.id, b1.id]) == {a1.id: a.id, b1.id: b.id}

        plan_a = _plan(scope, a1.id, sorted(a.members)[0], "PLAN-A")
        plan_b = _plan(scope, b1.id, sorted(b.members)[0], "PLAN-B")

        second = _exercise(scope, "second", a.id)
        later = NOW + timedelta(days=7)
        by_name = {o.name: o.saved.group for o in start_every_round(scope, second, now=later)}
        a2, b2 = by_name[a.name], by_name[b.name]
        assert a2 is not None and b2 is not None
        now = later + timedelta(hours=1)
        for round_, author, plan_id in ((a2, a, plan_a), (b2, b, plan_b)):
            for person in sorted(round_.member_ids):
                asked = exercises.follow_ups(scope, round_.id, Actor(person), now).asked
                expected = [plan_id] if person == sorted(author.members)[0] else []
                assert [q.plan_id for q in asked] == expected, (round_.name, person)

        # Someone of group A also in a stable group of another sheet: that group's round in a
        # third exercise (which names A in its settings) does not ask about A's plan.
        other = signups.open_sheet(scope, signups.SheetLink("other-sheet", "Other"), NOW)
        mixed = [sorted(a.members)[0], p[8], p[9]]
        (c,) = signups.form_sheet_groups(
            scope, sheet_id=other.id, roster=mixed, size_min=3, size_max=3, now=NOW
        ).groups
        third = _exercise(scope, "third", a.id)
        c3 = start_stable_round(scope, third, c.id, now=later + timedelta(days=7)).group
        assert c3 is not None
        asked = exercises.follow_ups(
            scope, c3.id, Actor(sorted(a.members)[0]), later + timedelta(days=8)
        ).asked
        assert asked == ()


def test_migration_0010_gives_existing_groups_their_exercise_s_stable_group(
    db_app: Flask,
) -> None:
    """Groups made before 0010 take the stable group their exercise names; others stay NULL."""
    world = build_world(db_app, learners=6)
    scope = world.course
    with db_app.app_context():
        (a,) = signups.form_sheet_groups(
            scope,
            sheet_id=world.sheet,
            roster=list(world.learners[:3]),
            size_min=3,
            size_max=3,
            now=NOW,
        ).groups
        stable = start_stable_round(scope, _exercise(scope, "old", a.id), a.id, now=NOW).group
        assert stable is not None
        free = exercises.open_exercise(scope, exercises.ExerciseLink("free", "free"), now=NOW)
        settings = ExerciseSettings(
            TEN_STEP.slug, Mode.LIVE, GroupSource.SELF_FORMED, size_min=4, size_max=7
        )
        assert exercises.configure_exercise(scope, free.id, settings, TEN_STEP, now=NOW).exercise
        other = exercises.form_group(
            scope,
            free.id,
            list(world.learners[3:6]),
            accept_size=True,
            case_bringer=world.learners[3],
            moderator=world.learners[4],
            now=NOW,
        ).group
        assert other is not None
        engine = db.get_engine(db_app)
        db.get_session().close()
        command.downgrade(migrate.alembic_config(engine), "0009_sheet_group_range")
        migrate.upgrade(engine)
        assert _stable_of([stable.id, other.id]) == {stable.id: a.id, other.id: None}
