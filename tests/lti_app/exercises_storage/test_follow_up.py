"""The follow-up of an action plan through services.exercises on SQLite and PostgreSQL: the
case-bringer's group meets again in a later exercise round, the case-bringer is asked about
their plan (and sees it), answers once; the group reads the answer; it survives both rounds'
purges and reaches no grade, dashboard, CSV or log; another course does not see it."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import Flask

from lti_app.domain.exercises.outcomes import Allowed, Reason, Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.validation import Draft
from lti_app.services import exercises
from lti_app.storage import db, exercise_follow_ups_repo, outbox_repo
from tests.support.exercise_world import (
    AFTER_ROUND,
    CASE_TEXT,
    CHECKLIST,
    build_exercise_world,
    during,
    new_exercise,
)

PLAN = "PLAN-TEXT call the client on Monday"
ANSWER = "FOLLOW-UP-TEXT I called; we meet next week."


def test_the_group_meeting_again_asks_the_case_bringer_and_reads_the_answer(
    db_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="lti_app")  # the tool's own log lines
    world = build_exercise_world(db_app)
    bringer, consultant = world.case_bringer, world.consultant(0)
    with db_app.app_context():
        case = Draft(PostType.CASE, case=CASE_TEXT, checklist=CHECKLIST)
        at = during("spontaneous-account")
        posted = exercises.post(world.course, world.group, bringer, case, None, at)
        assert isinstance(posted, exercises.PostAccepted), posted
        plan = Draft(PostType.ACTION_PLAN, text=PLAN)
        posted = exercises.post(world.course, world.group, bringer, plan, None, during("closing"))
        assert isinstance(posted, exercises.PostAccepted), posted
        plan_id = posted.post_id

        # The next exercise: a round with the case-bringer and one of last time's consultants.
        later = new_exercise(db_app, world.course, "link-next", world.instructor)
        members = [world.learners[6], world.learners[7], bringer.user_id, consultant.user_id]
        members.append(world.learners[8])
        made = exercises.form_group(
            world.course,
            later,
            members,
            case_bringer=world.learners[6],
            moderator=world.learners[7],
            now=AFTER_ROUND,
        ).group
        assert made is not None
        now = AFTER_ROUND + timedelta(hours=1)
        asked = exercises.follow_ups(world.course, made.id, bringer, now).asked
        assert [(a.plan_id, a.plan) for a in asked] == [(plan_id, PLAN)]
        assert exercises.follow_ups(world.course, made.id, consultant, now).asked == ()
        # Nobody else answers it, and nothing empty is stored.
        for actor, text, reason in (
            (consultant, ANSWER, Reason.ALREADY_DONE),
            (world.teacher, ANSWER, Reason.INSTRUCTORS_DO_NOT_POST),
            (bringer, "  ", Reason.EMPTY),
        ):
            refused = exercises.answer_follow_up(world.course, made.id, actor, plan_id, text, now)
            assert isinstance(refused, Refused) and refused.reason is reason, (actor, refused)
        revision = exercises.phase_state(world.course, made.id, now).revision
        answered = exercises.answer_follow_up(world.course, made.id, bringer, plan_id, ANSWER, now)
        assert isinstance(answered, Allowed)
        assert exercises.phase_state(world.course, made.id, now).revision > revision
        again = exercises.answer_follow_up(world.course, made.id, bringer, plan_id, "More", now)
        assert isinstance(again, Refused) and again.reason is Reason.ALREADY_DONE

        newcomer = exercises.follow_ups(world.course, made.id, world.consultant(4), now)
        assert [(a.author_name, a.body) for a in newcomer.answers] == [("Learner 0", ANSWER)]
        assert exercises.follow_ups(world.course, made.id, bringer, now).asked == ()
        # Instructors outside the group: case access "never", so not the text.
        assert exercises.follow_ups(world.course, made.id, world.teacher, now).answers == ()

        # Kept like reflections through both rounds' purges; in no grade, dashboard or CSV.
        far = now + timedelta(days=400)
        exercises.purge_due(far)
        exercises.purge_due(far)
        kept = exercises.follow_ups(world.course, made.id, world.consultant(4), far)
        assert [a.body for a in kept.answers] == [ANSWER]
        with db.transaction() as session:
            scores = outbox_repo.entries(session, world.course.tenant_id)
            assert exercise_follow_ups_repo.answers_in(session, world.sibling, made.id) == ()
        assert all(ANSWER not in (s.comment or "") for s in scores)
        for exercise in (world.exercise, later):
            rows = exercises.dashboard_csv_rows(world.course, exercise, far)
            assert "FOLLOW-UP-TEXT" not in repr(rows)
            assert "FOLLOW-UP-TEXT" not in repr(exercises.dashboard(world.course, exercise, far))
        assert "FOLLOW-UP-TEXT" not in caplog.text  # nor in any log line
