"""services.progress on both databases: completion once, scoped by course and tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from lti_app.domain.grading import LaunchedLink
from lti_app.domain.scope import CourseScope, PersonInCourse
from lti_app.services import progress
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LtiUser, Tenant
from lti_app.storage.outbox_models import ScoreOutboxEntry

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _people(app: Flask) -> tuple[PersonInCourse, PersonInCourse, PersonInCourse, PersonInCourse]:
    """Ann in course A, Ann in course B (same tenant), Bob in A, and a course of another tenant
    whose row ids Ann's could be mistaken for."""
    with app.app_context(), db.transaction() as session:
        tenants = [
            Tenant(issuer=f"https://lms{i}.test", client_id="c", deployment_id="d") for i in (1, 2)
        ]
        session.add_all(tenants)
        session.flush()
        courses = [
            CourseContext(tenant_id=tenants[0].id, context_id="A"),
            CourseContext(tenant_id=tenants[0].id, context_id="B"),
            CourseContext(tenant_id=tenants[1].id, context_id="A"),
        ]
        users = [LtiUser(issuer="https://lms1.test", sub=sub) for sub in ("ann", "bob")]
        session.add_all([*courses, *users])
        session.flush()
        ann, bob = users[0].id, users[1].id
        course_a = CourseScope(tenants[0].id, courses[0].id)
        course_b = CourseScope(tenants[0].id, courses[1].id)
        other_tenant = CourseScope(tenants[1].id, courses[2].id)
    return (
        PersonInCourse(course_a, ann),
        PersonInCourse(course_b, ann),
        PersonInCourse(course_a, bob),
        PersonInCourse(other_tenant, ann),
    )


def test_a_completion_is_recorded_once_and_keeps_its_first_time(db_app: Flask) -> None:
    ann_a, *_ = _people(db_app)
    with db_app.app_context():
        first = progress.complete_module(ann_a, "ann", "roles", "Roles", None, NOW)
        again = progress.complete_module(
            ann_a, "ann", "roles", "Roles", None, NOW + timedelta(hours=1)
        )
        assert (first.newly_completed, again.newly_completed) == (True, False)
        assert again.completed_at == first.completed_at == NOW
        assert progress.completion_date(ann_a, "roles") == NOW
        assert not first.graded and not first.delivered


def test_progress_never_crosses_a_course_or_a_tenant(db_app: Flask) -> None:
    ann_a, ann_b, bob_a, ann_other_tenant = _people(db_app)
    with db_app.app_context():
        progress.complete_module(ann_a, "ann", "roles", "Roles", None, NOW)
        progress.complete_module(bob_a, "bob", "roles", "Roles", None, NOW)
        progress.complete_module(bob_a, "bob", "advice", "Advice", None, NOW)

        assert progress.completion_date(ann_b, "roles") is None
        assert progress.completion_date(ann_other_tenant, "roles") is None
        assert progress.course_progress(ann_b, include_course_counts=True).counts == {}

        learner_view = progress.course_progress(ann_a, include_course_counts=False)
        assert learner_view.my_dates == {"roles": NOW}
        assert (learner_view.counts, learner_view.people_with_progress) == ({}, 0)

        trainer_view = progress.course_progress(ann_a, include_course_counts=True)
        assert trainer_view.counts == {"roles": 2, "advice": 1}
        assert trainer_view.people_with_progress == 2
        assert progress.course_progress(None, include_course_counts=True).my_dates == {}


def test_a_link_for_another_module_sends_no_score(db_app: Flask) -> None:
    """The domain's rule is applied: nothing reaches the outbox for a foreign link."""
    ann_a, *_ = _people(db_app)
    foreign = LaunchedLink("module", "advice", "https://lms1.test/lineitems/1", True)
    with db_app.app_context():
        done = progress.complete_module(ann_a, "ann", "roles", "Roles", foreign, NOW)
        assert not done.graded
        with db.transaction() as session:
            assert session.scalar(select(func.count()).select_from(ScoreOutboxEntry)) == 0
