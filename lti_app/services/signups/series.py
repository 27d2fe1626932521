"""Repeating sessions: a series is created with all its sessions or nothing; an edit reaches
every occurrence that has not started and was not edited on its own, a cancellation every one
that has not started."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Booking
from lti_app.domain.signups.plan import SessionPlan, check_plan
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.recurrence import EditScope, SeriesPlan, expand, replan
from lti_app.services.signups._plan_change import _save_locked_plan
from lti_app.services.signups.audit_actions import SESSION_CANCEL
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import AuditEntry, SeriesRecord, SessionRecord


@dataclass(frozen=True, slots=True)
class SeriesSaved:
    """A saved series and what happened to its sessions, or why nothing was saved."""

    series: SeriesRecord | None
    problems: tuple[Problem, ...] = ()
    created: tuple[SessionRecord, ...] = ()
    moved: tuple[SessionRecord, ...] = ()
    cancelled: tuple[SessionRecord, ...] = ()
    updated: tuple[SessionRecord, ...] = ()  # given the edited plan at their own time
    promoted: tuple[Booking, ...] = ()  # from the waitlists, by raised seats


def _plan_at(template: SessionPlan, starts_at: datetime) -> SessionPlan:
    """The template moved to ``starts_at``, every deadline keeping its distance to the start.

    (A minimal adapter: the domain has no rule for per-occurrence deadlines yet.)
    """
    shift = starts_at - template.starts_at

    def moved(instant: datetime | None) -> datetime | None:
        return instant + shift if instant is not None else None

    return replace(
        template,
        starts_at=starts_at,
        signup_opens_at=moved(template.signup_opens_at),
        signup_closes_at=moved(template.signup_closes_at),
        cancel_deadline=moved(template.cancel_deadline),
        min_size_deadline=moved(template.min_size_deadline),
    )


def _all_problems(plans: Iterable[SessionPlan], now: datetime) -> tuple[Problem, ...]:
    found: dict[Problem, None] = {}
    for plan in plans:
        found.update(dict.fromkeys(check_plan(plan, now)))
    return tuple(found)


def create_series(
    scope: CourseScope,
    *,
    sheet_id: int,
    series: SeriesPlan,
    template: SessionPlan,
    now: datetime,
    group_id: int | None = None,
) -> SeriesSaved:
    """A series and all its sessions, or nothing: ``template`` is the first session as typed
    (its start is the series' first occurrence; deadlines are relative to it). With
    ``group_id`` every session is that stable group's (a group meeting weekly)."""
    expansion = expand(series)
    if expansion.problems:
        return SeriesSaved(None, expansion.problems)
    plans = [(o.key, _plan_at(template, o.starts_at)) for o in expansion.occurrences]
    problems = _all_problems((plan for _, plan in plans), now)
    if problems:
        return SeriesSaved(None, problems)
    with db.write_transaction() as session:
        stored = signups_repo.add_series(session, scope, sheet_id, series, template.duration, now)
        created = tuple(
            signups_repo.add_session(
                session,
                scope,
                sheet_id,
                plan,
                now,
                series_id=stored.id,
                occurrence_key=key,
                group_id=group_id,
            )  # fmt: skip
            for key, plan in plans
        )
    return SeriesSaved(stored, created=created)


def edit_series(
    scope: CourseScope,
    *,
    sheet_id: int,
    series_id: int,
    series: SeriesPlan,
    template: SessionPlan,
    now: datetime,
    edit_scope: EditScope = EditScope.SERIES,
    from_key: str | None = None,
    editor_id: int | None = None,
    reason: str = "",
) -> SeriesSaved:
    """Apply an edited series: ``recurrence.replan`` says which occurrences to create, move
    (bookings stay) or cancel; past and detached ones are left alone.

    ``template`` is the edited plan (the occurrence the instructor edited, as saved): every
    occurrence in play that has not started and was not edited on its own gets its title,
    place, online link, seats, duration and deadlines (kept at the same distance to its own
    start), each through the same capacity rule as a single edit (raising seats promotes from
    the waitlist, lowering keeps everyone seated), its version rising for calendars. All in one
    transaction: the series locked, then its sessions in id order, then decided on what was
    read under those locks.
    """
    expansion = expand(series)
    if expansion.problems:
        return SeriesSaved(None, expansion.problems)
    with db.write_transaction() as session:
        signups_repo.lock_series(session, scope, series_id, sheet_id)
        # Lock what may change in id order, as every multi-session writer does (no deadlock),
        # before reading it: a session edited on its own meanwhile is seen as detached.
        ids = [record.id for record in signups_repo.series_sessions(session, scope, series_id)]
        locked_sessions = signups_repo.lock_sessions(session, scope, ids, sheet_id)
        existing = [target.record for target in locked_sessions.values()]
        by_key = {s.occurrence_key: s for s in existing}
        edit = replan(
            signups_repo.stored_occurrences(existing),
            expansion.occurrences,
            now,
            edit_scope,
            from_key,
        )
        new_plans = [(o.key, _plan_at(template, o.starts_at)) for o in edit.create]
        starts = [(by_key[o.key], o.starts_at) for o in edit.move] + [
            (by_key[key], by_key[key].plan.starts_at) for key in edit.unmoved
        ]
        updates = [
            (record, plan)
            for record, plan in ((r, _plan_at(template, at)) for r, at in starts)
            if plan != record.plan
        ]
        problems = _all_problems([p for _, p in new_plans] + [p for _, p in updates], now)
        if problems:
            return SeriesSaved(None, problems)
        stored = signups_repo.update_series(
            session, scope, series_id, series, template.duration, now
        )
        created = tuple(
            signups_repo.add_session(
                session, scope, sheet_id, plan, now, series_id=series_id, occurrence_key=key
            )
            for key, plan in new_plans
        )
        saved = [
            _save_locked_plan(session, scope, locked_sessions[r.id], plan, editor_id, reason, now)
            for r, plan in sorted(updates, key=lambda update: update[0].id)
        ]
        moved_keys = {o.key for o in edit.move}
        changed = tuple(s.session for s in saved if s.session is not None)
        cancelled = tuple(
            signups_repo.cancel_session(session, scope, by_key[key].id, now) for key in edit.cancel
        )
    return SeriesSaved(
        stored,
        created=created,
        moved=tuple(r for r in changed if r.occurrence_key in moved_keys),
        cancelled=cancelled,
        updated=tuple(r for r in changed if r.occurrence_key not in moved_keys),
        promoted=tuple(b for s in saved for b in s.promoted),
    )


def cancel_series(
    scope: CourseScope,
    *,
    sheet_id: int,
    series_id: int,
    instructor_id: int,
    reason: str,
    now: datetime,
) -> tuple[SessionRecord, ...]:
    """Cancel every session of the series that has not started; the ones that have are kept."""
    with db.write_transaction() as session:
        signups_repo.lock_series(session, scope, series_id, sheet_id)
        upcoming = [
            record.id
            for record in signups_repo.series_sessions(session, scope, series_id)
            if not record.cancelled and record.plan.starts_at > now
        ]
        cancelled = []
        for session_id in signups_repo.lock_sessions(session, scope, upcoming, sheet_id):
            record = signups_repo.cancel_session(session, scope, session_id, now)
            cancelled.append(record)
            signups_repo.record_audit(
                session,
                scope,
                AuditEntry(SESSION_CANCEL, session_id, instructor_id, reason=reason.strip()),
                now,
            )
        signups_repo.mark_series_cancelled(session, scope, series_id, now)
    return tuple(cancelled)
