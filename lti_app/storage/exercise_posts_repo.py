"""What a round's people post and what is done with it: posts, the case, marks, ratings,
flags, moderation, consent, ground rules, purges. Called with the group locked
(``exercises_repo.lock_group``) after the domain allowed it; nothing is decided here.

Idempotency: a post carries the client's token; ``UNIQUE(group, author, client_token)``. The
service looks the token up under the group's lock first (:func:`post_by_token`), so a double
submit returns the first post; the constraint, met in a savepoint, is the last line of defence
(:class:`DuplicatePost`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.exercises.ground_rules import Acceptance
from lti_app.domain.exercises.moderation import ActionKind, Flag, ModerationAction
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.retention import Purge
from lti_app.domain.exercises.validation import CaseStatus, Draft, Mark, Posted
from lti_app.domain.exercises.visibility import ConsentChange
from lti_app.domain.scope import CourseScope
from lti_app.storage.exercise_groups_repo import bump
from lti_app.storage.exercise_models import (
    ExerciseCase,
    ExerciseConsent,
    ExerciseContribution,
    ExerciseFlag,
    ExerciseGroundRules,
    ExerciseGroup,
    ExerciseMark,
    ExerciseModeration,
    ExerciseRating,
)
from lti_app.storage.exercises_repo import in_course


class DuplicatePost(RuntimeError):
    """The client token was used already (a writer that did not lock); ``post_id`` is the
    first post."""

    def __init__(self, post_id: int) -> None:
        super().__init__(f"post {post_id} has this client token")
        self.post_id = post_id


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A post with its text (raw Markdown; rendered by the web layer) and reaction values."""

    id: int
    author: int
    kind: PostType
    phase_index: int
    phase_id: str
    body: str
    target_id: int | None
    hidden: bool
    created_at: datetime
    purged: bool
    mark: Mark | None = None
    score: int | None = None
    tags: tuple[str, ...] = ()

    def posted(self) -> Posted:
        """The metadata the rules take, so a page reads its posts once, not twice."""
        return Posted(
            self.id,
            self.author,
            self.kind,
            self.phase_index,
            self.hidden,
            self.target_id,
            self.score,
        )


@dataclass(frozen=True, slots=True)
class CaseRecord:
    post_id: int
    author: int
    situation: str
    own_role: str
    key_question: str
    checklist: tuple[str, ...]
    purged: bool


# --- posts --------------------------------------------------------------------------------------


def post_by_token(
    session: Session, scope: CourseScope, group_id: int, author: int, client_token: str
) -> int | None:
    return session.scalar(
        select(ExerciseContribution.id).where(
            *in_course(ExerciseContribution, scope),
            ExerciseContribution.group_id == group_id,
            ExerciseContribution.author_id == author,
            ExerciseContribution.client_token == client_token,
        )
    )


def _existing_reaction(
    session: Session, scope: CourseScope, author: int, draft: Draft
) -> int | None:
    if draft.kind is PostType.MARK:
        return session.scalar(
            select(ExerciseMark.contribution_id).where(
                *in_course(ExerciseMark, scope), ExerciseMark.target_id == draft.target_id
            )
        )
    if draft.kind is PostType.RATING:
        return session.scalar(
            select(ExerciseRating.contribution_id).where(
                *in_course(ExerciseRating, scope),
                ExerciseRating.target_id == draft.target_id,
                ExerciseRating.rater_id == author,
            )
        )
    return None


def add_post(
    session: Session,
    scope: CourseScope,
    group_id: int,
    author: int,
    draft: Draft,
    phase_index: int,
    phase_id: str,
    client_token: str | None,
    now: datetime,
) -> int:
    """Store a post ``check_post`` allowed; returns its id. A repeated MARK or RATING of the
    same target replaces the value of the first (same id). The case goes with its text into
    ``exercise_case`` and marks the group's case SUBMITTED."""
    existing = _existing_reaction(session, scope, author, draft)
    if existing is not None:
        _update_reaction(session, scope, existing, draft, now)
        bump(session, scope, group_id, now)
        return existing
    row = ExerciseContribution(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        group_id=group_id,
        author_id=author,
        kind=draft.kind.value,
        phase_index=phase_index,
        phase_id=phase_id,
        body="" if draft.kind in (PostType.CASE, PostType.MARK, PostType.RATING) else draft.text,
        target_id=draft.target_id,
        hidden=False,
        client_token=client_token,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as error:
        first = (
            post_by_token(session, scope, group_id, author, client_token)
            if client_token is not None
            else None
        )
        if first is None:
            raise
        raise DuplicatePost(first) from error
    common = {"tenant_id": scope.tenant_id, "course_id": scope.course_id}
    if draft.kind is PostType.CASE:
        session.add(
            ExerciseCase(
                **common,
                group_id=group_id,
                contribution_id=row.id,
                author_id=author,
                situation=draft.case.get("situation", "").strip(),
                own_role=draft.case.get("own_role", "").strip(),
                key_question=draft.case.get("key_question", "").strip(),
                checklist=sorted(draft.checklist),
                created_at=now,
            )
        )
        bump(session, scope, group_id, now, case_status=CaseStatus.SUBMITTED.value)
    elif draft.kind is PostType.MARK:
        assert draft.mark is not None and draft.target_id is not None
        session.add(
            ExerciseMark(
                **common,
                contribution_id=row.id,
                target_id=draft.target_id,
                mark=draft.mark.value,
                updated_at=now,
            )
        )
        bump(session, scope, group_id, now)
    elif draft.kind is PostType.RATING:
        assert draft.score is not None and draft.target_id is not None
        session.add(
            ExerciseRating(
                **common,
                contribution_id=row.id,
                target_id=draft.target_id,
                rater_id=author,
                score=draft.score,
                tags=sorted(draft.tags),
                updated_at=now,
            )
        )
        bump(session, scope, group_id, now)
    else:
        bump(session, scope, group_id, now)
    session.flush()
    return row.id


def _update_reaction(
    session: Session, scope: CourseScope, contribution_id: int, draft: Draft, now: datetime
) -> None:
    if draft.kind is PostType.MARK:
        assert draft.mark is not None
        session.execute(
            update(ExerciseMark)
            .where(*in_course(ExerciseMark, scope), ExerciseMark.contribution_id == contribution_id)
            .values(mark=draft.mark.value, updated_at=now)
        )
    else:
        session.execute(
            update(ExerciseRating)
            .where(
                *in_course(ExerciseRating, scope), ExerciseRating.contribution_id == contribution_id
            )
            .values(score=draft.score, tags=sorted(draft.tags), updated_at=now)
        )


def posts(
    session: Session, scope: CourseScope, group_id: int, ids: Iterable[int] | None = None
) -> dict[int, PostRecord]:
    """The group's posts with text and reaction values, by id (``ids``: only those)."""
    query = (
        select(  # columns, not entities: the ORM's identity map doubled this read's time
            ExerciseContribution.id,
            ExerciseContribution.author_id,
            ExerciseContribution.kind,
            ExerciseContribution.phase_index,
            ExerciseContribution.phase_id,
            ExerciseContribution.body,
            ExerciseContribution.target_id,
            ExerciseContribution.hidden,
            ExerciseContribution.created_at,
            ExerciseContribution.purged_at,
            ExerciseMark.mark,
            ExerciseRating.score,
            ExerciseRating.tags,
        )
        .outerjoin(ExerciseMark, ExerciseMark.contribution_id == ExerciseContribution.id)
        .outerjoin(ExerciseRating, ExerciseRating.contribution_id == ExerciseContribution.id)
        .where(*in_course(ExerciseContribution, scope), ExerciseContribution.group_id == group_id)
        .order_by(ExerciseContribution.id)
    )
    if ids is not None:
        query = query.where(ExerciseContribution.id.in_(list(ids)))
    result: dict[int, PostRecord] = {}
    for row in session.execute(query):
        result[row.id] = PostRecord(
            id=row.id,
            author=row.author_id,
            kind=PostType(row.kind),
            phase_index=row.phase_index,
            phase_id=row.phase_id,
            body=row.body,
            target_id=row.target_id,
            hidden=row.hidden,
            created_at=row.created_at,
            purged=row.purged_at is not None,
            mark=Mark(row.mark) if row.mark is not None else None,
            score=row.score,
            tags=tuple(row.tags or ()),
        )
    return result


def case_of(session: Session, scope: CourseScope, group_id: int) -> CaseRecord | None:
    row = session.scalar(
        select(ExerciseCase).where(
            *in_course(ExerciseCase, scope), ExerciseCase.group_id == group_id
        )
    )
    if row is None:
        return None
    return CaseRecord(
        row.contribution_id,
        row.author_id,
        row.situation,
        row.own_role,
        row.key_question,
        tuple(row.checklist or ()),
        row.purged_at is not None,
    )


# --- moderation, flags, consent -----------------------------------------------------------------


def flags_of(session: Session, scope: CourseScope, group_id: int) -> tuple[Flag, ...]:
    rows = session.scalars(
        select(ExerciseFlag)
        .where(*in_course(ExerciseFlag, scope), ExerciseFlag.group_id == group_id)
        .order_by(ExerciseFlag.id)
    )
    return tuple(Flag(r.contribution_id, r.flagger_id, r.reason, r.created_at) for r in rows)


def add_flag(session: Session, scope: CourseScope, group_id: int, flag: Flag) -> None:
    session.add(
        ExerciseFlag(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            group_id=group_id,
            contribution_id=flag.post_id,
            flagger_id=flag.by_user,
            reason=flag.reason,
            created_at=flag.at,
        )
    )
    bump(session, scope, group_id, flag.at)
    session.flush()


def actions_of(session: Session, scope: CourseScope, group_id: int) -> tuple[ModerationAction, ...]:
    rows = session.scalars(
        select(ExerciseModeration)
        .where(*in_course(ExerciseModeration, scope), ExerciseModeration.group_id == group_id)
        .order_by(ExerciseModeration.id)
    )
    return tuple(
        ModerationAction(
            ActionKind(r.kind),
            r.actor_id or 0,
            r.by_instructor,
            r.reason,
            r.created_at,
            r.contribution_id,
        )
        for r in rows
    )


def apply_action(
    session: Session, scope: CourseScope, group_id: int, action: ModerationAction
) -> None:
    """Log the action and apply it: hide / restore a post, or withdraw the case (its purge
    is due at once: ``retention.purge_at``)."""
    session.add(
        ExerciseModeration(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            group_id=group_id,
            contribution_id=action.post_id,
            kind=action.kind.value,
            actor_id=action.by_user,
            by_instructor=action.by_instructor,
            reason=action.reason,
            created_at=action.at,
        )
    )
    if action.kind is ActionKind.WITHDRAW_CASE:
        bump(
            session,
            scope,
            group_id,
            action.at,
            case_status=CaseStatus.WITHDRAWN.value,
            withdrawn_at=action.at,
            purge_at=action.at,
        )
    else:
        session.execute(
            update(ExerciseContribution)
            .where(
                *in_course(ExerciseContribution, scope),
                ExerciseContribution.group_id == group_id,
                ExerciseContribution.id == action.post_id,
            )
            .values(hidden=action.kind is ActionKind.HIDE, updated_at=action.at)
        )
        bump(session, scope, group_id, action.at)
    session.flush()


def apply_consent(
    session: Session, scope: CourseScope, group_id: int, change: ConsentChange
) -> None:
    session.add(
        ExerciseConsent(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            group_id=group_id,
            user_id=change.by_user,
            consent=change.consent,
            created_at=change.at,
        )
    )
    bump(session, scope, group_id, change.at, consent=change.consent)
    session.flush()


# --- ground rules -------------------------------------------------------------------------------


def acceptances(
    session: Session, scope: CourseScope, exercise_id: int, user_id: int
) -> tuple[Acceptance, ...]:
    rows = session.scalars(
        select(ExerciseGroundRules).where(
            *in_course(ExerciseGroundRules, scope),
            ExerciseGroundRules.exercise_id == exercise_id,
            ExerciseGroundRules.user_id == user_id,
        )
    )
    return tuple(Acceptance(r.user_id, r.version, r.accepted_at) for r in rows)


def add_acceptance(
    session: Session, scope: CourseScope, exercise_id: int, acceptance: Acceptance
) -> bool:
    """Store it; False when it was stored already (two tabs at once)."""
    try:
        with session.begin_nested():
            session.add(
                ExerciseGroundRules(
                    tenant_id=scope.tenant_id,
                    course_id=scope.course_id,
                    exercise_id=exercise_id,
                    user_id=acceptance.user_id,
                    version=acceptance.version,
                    accepted_at=acceptance.at,
                )
            )
    except IntegrityError:
        return False
    return True


# --- retention ----------------------------------------------------------------------------------


def set_purge_at(
    session: Session, scope: CourseScope, group_id: int, purge_at: datetime | None
) -> None:
    session.execute(
        update(ExerciseGroup)
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.id == group_id)
        .values(purge_at=purge_at)
        .execution_options(synchronize_session=False)
    )


def apply_purge(
    session: Session, scope: CourseScope, group_id: int, purge: Purge, now: datetime
) -> None:
    """Blank what ``retention.decide_purge`` names; metadata, ratings, marks stay."""
    if purge.case_text:
        session.execute(
            update(ExerciseCase)
            .where(*in_course(ExerciseCase, scope), ExerciseCase.group_id == group_id)
            .values(situation="", own_role="", key_question="", purged_at=now)
        )
    if purge.post_ids:
        session.execute(
            update(ExerciseContribution)
            .where(
                *in_course(ExerciseContribution, scope),
                ExerciseContribution.group_id == group_id,
                ExerciseContribution.id.in_(list(purge.post_ids)),
            )
            .values(body="", purged_at=now)
        )
    if purge.flag_reasons:
        session.execute(
            update(ExerciseFlag)
            .where(*in_course(ExerciseFlag, scope), ExerciseFlag.group_id == group_id)
            .values(reason="")
        )
    bump(session, scope, group_id, now, purged_at=now)
