"""Moderation and consent: flags, hiding and restoring posts, the case-bringer
withdrawing the case or giving consent to instructors reading it. Every action is decided by
``domain.exercises`` on the locked round and logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lti_app.domain.exercises import moderation, visibility
from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Refused, Verdict
from lti_app.domain.exercises.validation import Round
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _configured, _round
from lti_app.storage import db, exercise_groups_repo, exercise_posts_repo


def flag(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    reason: str = "",
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        flags = exercise_posts_repo.flags_of(session, scope, group_id)
        decision = moderation.decide_flag(_round(snapshot, now), flags, actor, post_id, reason, now)
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.add_flag(session, scope, group_id, decision)
        return ALLOWED


def _moderate(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    now: datetime,
    exercise_id: int | None,
    decide: Callable[[Round], moderation.ModerationAction | Refused],
) -> Verdict:
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        decision = decide(_round(snapshot, now))
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.apply_action(session, scope, group_id, decision)
        return ALLOWED


def hide(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    reason: str,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    """The moderator or an instructor hides a post, with a reason (logged)."""
    return _moderate(
        scope,
        group_id,
        actor,
        now,
        exercise_id,
        lambda r: moderation.decide_hide(r, actor, post_id, reason, now),
    )


def restore(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    reason: str,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    return _moderate(
        scope,
        group_id,
        actor,
        now,
        exercise_id,
        lambda r: moderation.decide_restore(r, actor, post_id, reason, now),
    )


def withdraw_case(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    *,
    now: datetime,
    reason: str = "",
    exercise_id: int | None = None,
) -> Verdict:
    """The case-bringer withdraws the case (any time): a tombstone, purged at the next run."""
    return _moderate(
        scope,
        group_id,
        actor,
        now,
        exercise_id,
        lambda r: moderation.decide_withdraw(r, actor, now, reason),
    )


def set_consent(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    consent: bool,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    """The case-bringer gives or takes back consent to instructors reading (logged)."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        settings = _configured(snapshot.exercise)
        decision = visibility.decide_consent(
            _round(snapshot, now), actor, settings.case_access, consent, now
        )
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.apply_consent(session, scope, group_id, decision)
        return ALLOWED


def moderation_log(
    scope: CourseScope, group_id: int, *, exercise_id: int | None = None
) -> tuple[moderation.ModerationAction, ...]:
    """Every hide, restore and withdrawal of the group, oldest first (who, when, why)."""
    with db.transaction() as session:
        exercise_groups_repo.read_group(session, scope, group_id, exercise_id, with_posts=False)
        return exercise_posts_repo.actions_of(session, scope, group_id)


def open_flags(
    scope: CourseScope, group_id: int, *, exercise_id: int | None = None
) -> tuple[moderation.Flag, ...]:
    """Flags raised since their post was last hidden or restored (``moderation.open_flags``)."""
    with db.transaction() as session:
        exercise_groups_repo.read_group(session, scope, group_id, exercise_id, with_posts=False)
        flags = exercise_posts_repo.flags_of(session, scope, group_id)
        actions = exercise_posts_repo.actions_of(session, scope, group_id)
    return moderation.open_flags(flags, actions)
