"""Completion grades for the LMS (AGS): queued in the outbox, with a comment that
carries the status only, never content or names."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.exercises import completion as completion_rules
from lti_app.domain.exercises.settings import Grading
from lti_app.domain.exercises.validation import CaseStatus
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _configured
from lti_app.storage import db, exercise_groups_repo, exercises_repo, outbox_repo
from lti_app.storage.exercise_groups_repo import LockedRound
from lti_app.storage.exercises_repo import DbSession

COMPLETION_COMMENT = {
    completion_rules.Status.COMPLETE: "Peer-feedback exercise: round completed",
    completion_rules.Status.INCOMPLETE: "Peer-feedback exercise: round not completed yet",
}
"""AGS comments: the status only, never content or names."""


def _enqueue_completion(
    session: DbSession, scope: CourseScope, snapshot: LockedRound, now: datetime
) -> tuple[int, ...]:
    settings = _configured(snapshot.exercise)
    lineitem = snapshot.exercise.lineitem_url
    if settings.grading is not Grading.COMPLETION or not lineitem:
        exercise_groups_repo.mark_graded(session, scope, snapshot.group.id, now)
        return ()
    results = completion_rules.completion(
        snapshot.method.spec,
        snapshot.group.assignment,
        snapshot.posts,
        withdrawn=snapshot.group.case_status is CaseStatus.WITHDRAWN,
    )
    subs = exercises_repo.person_subs(session, scope, [r.user_id for r in results])
    ids = []
    for result in results:
        score, progress = result.score, result.ags_progress
        sub = subs.get(result.user_id)
        if score is None or progress is None or sub is None:
            continue
        entry = outbox_repo.enqueue(
            session,
            outbox_repo.NewScore(
                tenant_id=scope.tenant_id,
                course_id=scope.course_id,
                user_sub=sub,
                lineitem_url=lineitem,
                score_given=score[0],
                score_maximum=score[1],
                activity_progress=progress[0],
                grading_progress=progress[1],
                comment=COMPLETION_COMMENT[result.status],
                now=now,
            ),
        )
        ids.append(entry.id)
    exercise_groups_repo.mark_graded(session, scope, snapshot.group.id, now)
    return tuple(ids)


def grade_group(
    scope: CourseScope, group_id: int, *, now: datetime, exercise_id: int | None = None
) -> tuple[int, ...]:
    """Queue everyone's completion score for the exercise's line item (``completion``; excused
    when the case was withdrawn: nothing sent); the outbox ids. Scores carry no content."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        return _enqueue_completion(session, scope, snapshot, now)
