"""Attendance reaches the LMS gradebook: marked through ``services.signups.mark_attendance``
(which queues the score in the same transaction), delivered by the worker to the demo LMS's
real AGS endpoint on loopback, retried after a 503, corrected by a later mark."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from lti_app.cli_worker import run_due_work
from lti_app.demo_lms.context import EXTENSION_KEY
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Intent, Outcome
from lti_app.services import signups
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LtiUser, Tenant
from lti_app.storage.signups_repo import SheetLink
from tests.support.mail_course import NOW, plan
from tests.support.servers import FailFirst, LoopbackServer, create_line_item, recorded_scores

BRAM, CHLOE = "demo-learner-bram", "demo-learner-chloe"
NAMES = ("Bram", "Jansen", "Chloé", "Martin")
STARTS = NOW + timedelta(days=1)
AFTER = STARTS + timedelta(hours=2)


def _book(app: Flask, scope: CourseScope, sheet_id: int, session_id: int, user_id: int) -> None:
    with app.app_context():
        decision = signups.book(
            scope, sheet_id=sheet_id, session_id=session_id, user_id=user_id,
            intent=Intent.CONSULTANT, now=NOW,
        )  # fmt: skip
    assert decision.outcome is Outcome.CONFIRMED


@pytest.fixture
def app_config(app_config: dict[str, Any], tool_server: LoopbackServer) -> dict[str, Any]:
    # The demo LMS checks the tool's token request against the tool's real JWKS URL.
    return {**app_config, "BASE_URL": tool_server.url}


def _course(app: Flask, lms: Flask) -> tuple[CourseScope, dict[str, int]]:
    settings = lms.extensions[EXTENSION_KEY].settings
    with app.app_context(), db.transaction() as session:
        tenant = Tenant(issuer=settings.issuer, client_id=settings.client_id, deployment_id="d1")
        session.add(tenant)
        session.flush()
        course = CourseContext(tenant_id=tenant.id, context_id="demo-course")
        people = {
            sub: LtiUser(issuer=settings.issuer, sub=sub, name=name)
            for sub, name in ((BRAM, "Bram Jansen"), (CHLOE, "Chloé Martin"))
        }
        trainer = LtiUser(issuer=settings.issuer, sub="demo-instructor-anna", name="Anna")
        session.add_all([course, trainer, *people.values()])
        session.flush()
        ids = {sub: person.id for sub, person in people.items()}
        ids["trainer"] = trainer.id
        return CourseScope(tenant.id, course.id), ids


def test_attendance_reaches_the_gradebook_and_a_correction_replaces_it(
    app: Flask, lms: Flask, lms_server: LoopbackServer
) -> None:
    scope, ids = _course(app, lms)
    lineitem = create_line_item(lms, "Intervision attendance")
    with app.app_context():
        sheet = signups.open_sheet(
            scope, SheetLink("link-1", "Attendance", lineitem_url=lineitem), NOW
        )
        saved = signups.create_session(scope, sheet_id=sheet.id, plan=plan(STARTS), now=NOW)
    assert saved.session is not None
    session_id = saved.session.id

    for sub in (BRAM, CHLOE):
        _book(app, scope, sheet.id, session_id, ids[sub])

    flaky = FailFirst(lms, "/scores", failures=1)
    lms_server.switchboard.target = flaky

    def mark(sub: str, attended: bool, when: Any) -> None:
        with app.app_context():
            decision = signups.mark_attendance(
                scope, sheet_id=sheet.id, session_id=session_id, user_id=ids[sub],
                attended=attended, instructor_id=ids["trainer"], now=when,
            )  # fmt: skip
        assert decision.outcome is Outcome.CONFIRMED and decision.changes

    mark(BRAM, True, AFTER)  # its inline delivery meets the LMS's one 503
    mark(CHLOE, False, AFTER)  # delivered inline
    assert flaky.seen.count(503) == 1
    first = run_due_work(app, AFTER)
    assert first.scores.delivered == [] and first.scores.retrying == []  # Bram's waits 30 s
    second = run_due_work(app, AFTER + timedelta(seconds=31))
    assert len(second.scores.delivered) == 1 and second.scores.retrying == []
    assert flaky.seen.count(503) == 1

    scores = recorded_scores(lms, lineitem)
    assert (scores[BRAM]["scoreGiven"], scores[BRAM]["scoreMaximum"]) == (1.0, 1.0)
    assert (scores[CHLOE]["scoreGiven"], scores[CHLOE]["scoreMaximum"]) == (0.0, 1.0)
    for score in (scores[BRAM], scores[CHLOE]):
        assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
        assert score["comment"] and not any(name in score["comment"] for name in NAMES)

    mark(BRAM, False, AFTER + timedelta(hours=1))  # the trainer corrects a mistaken mark
    assert recorded_scores(lms, lineitem)[BRAM]["scoreGiven"] == 0.0  # delivered inline
    third = run_due_work(app, AFTER + timedelta(hours=1))
    assert third.scores.delivered == [] and third.scores.retrying == []  # nothing left over


def test_a_sheet_without_a_line_item_sends_no_grade(app: Flask, lms: Flask) -> None:
    scope, ids = _course(app, lms)
    with app.app_context():
        sheet = signups.open_sheet(scope, SheetLink("link-2", "No gradebook column"), NOW)
        saved = signups.create_session(scope, sheet_id=sheet.id, plan=plan(STARTS), now=NOW)
    assert saved.session is not None
    _book(app, scope, sheet.id, saved.session.id, ids[BRAM])
    with app.app_context():
        signups.mark_attendance(
            scope, sheet_id=sheet.id, session_id=saved.session.id, user_id=ids[BRAM],
            attended=True, instructor_id=ids["trainer"], now=AFTER,
        )  # fmt: skip
    report = run_due_work(app, AFTER)
    assert report.scores.attempted == 0 and not report.problems
