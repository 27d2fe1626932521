"""Module completion and the course's progress: the worked example of the service layer.

A view parses the request and calls one function here; the service asks the domain what the
rules say (``domain.grading``), has the repository store it (``storage.progress_repo``), and
returns a frozen result the view renders. Time comes in as ``now``; nothing here reads Flask's
request, so the worker, the CLI and tests call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.activities import KINDS
from lti_app.domain.grading import LaunchedLink, lineitem_to_score
from lti_app.domain.scope import CourseScope, PersonInCourse
from lti_app.services.score_outbox import ScoreRequest, send_score_now
from lti_app.storage import db, progress_repo

MODULE_KIND = KINDS["module"].launch_kind


@dataclass(frozen=True, slots=True)
class ModuleCompletion:
    """What marking a module as done did."""

    completed_at: datetime
    newly_completed: bool
    graded: bool  # a score was sent towards the link's grade column
    delivered: bool  # ... and the gradebook accepted it in the inline attempt


@dataclass(frozen=True, slots=True)
class CourseProgress:
    """What the database says about one course; counts only when asked for (instructors)."""

    my_dates: dict[str, datetime]
    counts: dict[str, int]
    people_with_progress: int


def is_graded(link: LaunchedLink | None, module_slug: str) -> bool:
    """Whether completing this module from this link scores a grade column."""
    return lineitem_to_score(link, MODULE_KIND, module_slug) is not None


def completion_date(person: PersonInCourse, module_slug: str) -> datetime | None:
    with db.transaction() as session:
        record = progress_repo.find_completion(session, person.scope, person.user_id, module_slug)
    return record.completed_at if record is not None else None


def complete_module(
    person: PersonInCourse,
    user_sub: str,
    module_slug: str,
    module_title: str,
    link: LaunchedLink | None,
    now: datetime,
) -> ModuleCompletion:
    """Record the completion once, then score the link's line item if the domain says so.

    The score is sent on every call (not only the first), so a learner whose earlier score was
    lost can send it again by marking the module once more; the outbox retries the rest.
    """
    with db.write_transaction() as session:
        record, created = progress_repo.mark_done(
            session, person.scope, person.user_id, module_slug, now
        )
    lineitem = lineitem_to_score(link, MODULE_KIND, module_slug)
    delivered = False
    if lineitem is not None:
        _, delivered = send_score_now(
            ScoreRequest(
                tenant_id=person.scope.tenant_id,
                course_id=person.scope.course_id,
                user_sub=user_sub,
                lineitem_url=lineitem,
                score_given=1,
                score_maximum=1,
                comment=f"Module completed: {module_title}",
            )
        )
    return ModuleCompletion(record.completed_at, created, lineitem is not None, delivered)


def course_progress(person: PersonInCourse | None, include_course_counts: bool) -> CourseProgress:
    """This person's completion dates; with counts, also the course's (instructor view)."""
    if person is None:
        return CourseProgress({}, {}, 0)
    with db.transaction() as session:
        mine = progress_repo.completion_dates(session, person.scope, person.user_id)
        if not include_course_counts:
            return CourseProgress(mine, {}, 0)
        counts = progress_repo.completion_counts(session, person.scope)
        people = progress_repo.people_with_progress(session, person.scope)
    return CourseProgress(mine, counts, people)


def completions_by_person(scope: CourseScope) -> list[progress_repo.PersonCompletions]:
    """Who marked which module of this course as done, and when (the instructor's view)."""
    with db.transaction() as session:
        return progress_repo.completions_by_person(session, scope)
