"""Contributions to a round (the case, questions, answers, marks, ratings ...): checked
by ``validation.check_post`` on the locked round, so a refused post saves nothing, and a
repeated client token posts once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.outcomes import Actor, Allowed, Reason, Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.validation import CaseStatus, Draft, Mark, check_post
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _round
from lti_app.storage import db, exercise_groups_repo, exercise_posts_repo
from lti_app.storage.exercise_posts_repo import DuplicatePost


@dataclass(frozen=True, slots=True)
class PostAccepted(Allowed):
    """A post was saved (or, ``repeated``, had been: the same client token again, so nothing
    new was saved); ``post_id`` is the post."""

    post_id: int
    repeated: bool = False


PostOutcome = PostAccepted | Refused


def post(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    draft: Draft,
    client_token: str | None,
    now: datetime,
    *,
    exercise_id: int | None = None,
) -> PostOutcome:
    """Post a contribution (the case, a question, a mark, a rating ...): ``check_post`` on the
    locked round first, and nothing is saved when it refuses. The same ``client_token`` from
    the same author again returns the first post (a double submit posts once)."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        if client_token is not None:
            first = exercise_posts_repo.post_by_token(
                session, scope, group_id, actor.user_id, client_token
            )
            if first is not None:
                return PostAccepted(first, repeated=True)
        round_ = _round(snapshot, now)
        verdict = check_post(round_, actor, draft)
        if isinstance(verdict, Refused):
            return verdict
        if draft.kind is PostType.CASE and round_.case_status is not CaseStatus.NONE:
            # One case per round (UNIQUE(group_id) on the case table is the last defence).
            return Refused(Reason.ALREADY_DONE, "The case is already submitted for this round.")
        assert round_.clock.index is not None and round_.clock.phase is not None
        try:
            post_id = exercise_posts_repo.add_post(
                session,
                scope,
                group_id,
                actor.user_id,
                draft,
                round_.clock.index,
                round_.clock.phase.id,
                client_token,
                now,
            )
        except DuplicatePost as duplicate:
            return PostAccepted(duplicate.post_id, repeated=True)
        return PostAccepted(post_id)


def mark(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    question_id: int,
    value: Mark,
    *,
    now: datetime,
    client_token: str | None = None,
    exercise_id: int | None = None,
) -> PostOutcome:
    """The case-bringer marks a question warm / neutral / cold (again: replaces)."""
    draft = Draft(PostType.MARK, target_id=question_id, mark=value)
    return post(scope, group_id, actor, draft, client_token, now, exercise_id=exercise_id)


def answer(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    question_id: int,
    text: str,
    *,
    now: datetime,
    client_token: str | None = None,
    exercise_id: int | None = None,
) -> PostOutcome:
    draft = Draft(PostType.ANSWER, text=text, target_id=question_id)
    return post(scope, group_id, actor, draft, client_token, now, exercise_id=exercise_id)


def rate(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    score: int,
    tags: Iterable[str] = (),
    *,
    now: datetime,
    client_token: str | None = None,
    exercise_id: int | None = None,
) -> PostOutcome:
    """The case-bringer rates a hypothesis or advice 1–5 with tags (again: replaces)."""
    draft = Draft(PostType.RATING, target_id=post_id, score=score, tags=frozenset(tags))
    return post(scope, group_id, actor, draft, client_token, now, exercise_id=exercise_id)
