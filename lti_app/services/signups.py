"""Sign-ups: what the views, the worker and the concurrency tests call.

Each function opens one transaction, asks ``domain.signups`` what the rules say and has
``storage.signups_repo`` store the outcome. Anything that decides seats locks the session
first (``signups_repo.lock_session`` inside ``db.write_transaction``), decides on the snapshot
read under that lock and writes the decision before committing, so two requests for the last
seat run one after the other and the second sees the first's booking. Time comes in as ``now``.

Every function takes the ``CourseScope`` and the sheet (the launched resource link): a session
of another course, tenant or sheet is :class:`signups_repo.SessionNotFound`, never touched.
Refusals the person can act on (full, closed, past the deadline) are not exceptions: they come
back as a ``Decision`` with ``outcome`` REFUSED and a ``message``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import (
    Booking,
    Decision,
    Intent,
    Outcome,
    SeatRules,
    decide_cancel,
    decide_signup,
)
from lti_app.domain.signups.groups import Grouping, form_groups, move_member
from lti_app.domain.signups.instructor import (
    MoveDecision,
    decide_attendance,
    decide_capacity_change,
    decide_move,
    decide_override,
)
from lti_app.domain.signups.minimum import MinimumCheck, MinimumVerdict, check_minimum
from lti_app.domain.signups.plan import SessionPlan, check_plan
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.recurrence import (
    EditScope,
    SeriesPlan,
    expand,
    replan,
)
from lti_app.domain.signups.rotation import Rotation, choose_roles
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import AuditEntry, BookingConflict, DbSession, LockedSession

# What views and the worker get back or hand in, and the refusals they may meet: re-exported,
# so that callers import this module only.
from lti_app.storage.signups_repo import AuditRecord as AuditRecord
from lti_app.storage.signups_repo import BookingRecord as BookingRecord
from lti_app.storage.signups_repo import DueSession as DueSession
from lti_app.storage.signups_repo import GroupRecord as GroupRecord
from lti_app.storage.signups_repo import SeriesNotFound as SeriesNotFound
from lti_app.storage.signups_repo import SeriesRecord as SeriesRecord
from lti_app.storage.signups_repo import SessionNotFound as SessionNotFound
from lti_app.storage.signups_repo import SessionRecord as SessionRecord
from lti_app.storage.signups_repo import SessionSummary as SessionSummary
from lti_app.storage.signups_repo import SheetLink as SheetLink
from lti_app.storage.signups_repo import SheetNotFound as SheetNotFound
from lti_app.storage.signups_repo import SheetRecord as SheetRecord
from lti_app.storage.signups_repo import StaleSession as StaleSession

# Audit actions (``signup_audit.action``).
OVERRIDE = "override"
INSTRUCTOR_CANCEL = "instructor_cancel"
MOVE_OUT = "move_out"
MOVE_IN = "move_in"
CAPACITY_CHANGE = "capacity_change"
SESSION_CANCEL = "session_cancel"
ATTENDANCE = "attendance"
MINIMUM_CANCEL = "minimum_cancel"
ROLES = ("moderator", "timekeeper")  # assigned per session; case-bringers sign up as such

_ATTEMPTS = 2  # a BookingConflict is decided once more on a fresh snapshot


@dataclass(frozen=True, slots=True)
class SessionSaved:
    """A saved session (and whom a capacity change promoted), or why nothing was saved."""

    session: SessionRecord | None
    problems: tuple[Problem, ...] = ()
    promoted: tuple[Booking, ...] = ()


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


# --- sheets and sessions ------------------------------------------------------------------------


def open_sheet(scope: CourseScope, link: SheetLink, now: datetime) -> SheetRecord:
    """The sheet of a launched resource link (made on its first launch)."""
    with db.write_transaction() as session:
        return signups_repo.ensure_sheet(session, scope, link, now)


def sheet_sessions(scope: CourseScope, sheet_id: int) -> tuple[SessionSummary, ...]:
    with db.transaction() as session:
        return signups_repo.list_sessions(session, scope, sheet_id)


def create_session(
    scope: CourseScope,
    *,
    sheet_id: int,
    plan: SessionPlan,
    now: datetime,
    group_id: int | None = None,
) -> SessionSaved:
    problems = check_plan(plan, now)
    if problems:
        return SessionSaved(None, problems)
    with db.write_transaction() as session:
        return SessionSaved(
            signups_repo.add_session(session, scope, sheet_id, plan, now, group_id=group_id)
        )


def edit_session(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    plan: SessionPlan,
    expected_version: int,
    editor_id: int,
    now: datetime,
    reason: str = "",
) -> SessionSaved:
    """Save an edited session; raising seats promotes the waitlist in the same transaction,
    lowering them keeps everyone seated (logged with how far over capacity it leaves it)."""
    problems = check_plan(plan, now)
    if problems:
        return SessionSaved(None, problems)
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        if target.record.version != expected_version:
            raise StaleSession(f"session {session_id}: form had version {expected_version}")
        return _save_locked_plan(
            session, scope, target, plan, editor_id, reason, now, expected_version, detach=True
        )


def _save_locked_plan(
    session: DbSession,
    scope: CourseScope,
    target: LockedSession,
    plan: SessionPlan,
    editor_id: int | None,
    reason: str,
    now: datetime,
    expected_version: int | None = None,
    *,
    detach: bool = False,
) -> SessionSaved:
    """Give a locked session a new plan (its version rises), through the capacity rule:
    raising seats promotes FIFO in this transaction, lowering them keeps everyone seated
    (logged with how far over capacity it leaves it)."""
    session_id = target.record.id
    before = target.record.plan
    # Judged on the new plan's times too: a moved deadline decides whether to promote.
    change = decide_capacity_change(
        SeatRules.from_plan(plan, cancelled=target.record.cancelled),
        target.state,
        plan.seats_max,
        plan.case_bringer_places,
        now,
    )
    saved = signups_repo.save_plan(
        session, scope, session_id, plan, expected_version, now, detach=detach
    )
    promoted: tuple[Booking, ...] = ()
    if change.promoted:
        applied = signups_repo.apply_decision(
            session,
            scope,
            target,
            Decision(Outcome.CONFIRMED, changes=change.promoted, promoted=change.promoted),
            now,
        )
        promoted = applied.promoted
    limits = (before.seats_max, before.case_bringer_places)
    if limits != (plan.seats_max, plan.case_bringer_places):
        signups_repo.record_audit(
            session,
            scope,
            AuditEntry(
                CAPACITY_CHANGE,
                session_id,
                editor_id,
                reason=reason.strip(),
                detail={
                    "seats_max": [before.seats_max, plan.seats_max],
                    "case_bringer_places": [
                        before.case_bringer_places,
                        plan.case_bringer_places,
                    ],
                    "over_capacity_by": change.over_capacity_by,
                    "promoted": [b.user_id for b in promoted],
                },
            ),
            now,
        )
    return SessionSaved(saved, promoted=promoted)


def cancel_session(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    instructor_id: int,
    reason: str,
    now: datetime,
) -> SessionRecord:
    """Cancel a session (its bookings stay as they were, for notices and calendars)."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        if target.record.cancelled:
            return target.record
        record = signups_repo.cancel_session(session, scope, session_id, now, detach=True)
        signups_repo.record_audit(
            session,
            scope,
            AuditEntry(SESSION_CANCEL, session_id, instructor_id, reason=reason.strip()),
            now,
        )
        return record


# --- series -------------------------------------------------------------------------------------


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
) -> SeriesSaved:
    """A series and all its sessions, or nothing: ``template`` is the first session as typed
    (its start is the series' first occurrence; deadlines are relative to it)."""
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
                session, scope, sheet_id, plan, now, series_id=stored.id, occurrence_key=key
            )
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


# --- bookings -----------------------------------------------------------------------------------

_Decide = Callable[[LockedSession], Decision]
_Audit = Callable[[Decision], AuditEntry | None]


def _decide_locked(
    scope: CourseScope,
    sheet_id: int,
    session_id: int,
    now: datetime,
    decide: _Decide,
    audit: _Audit | None = None,
) -> Decision:
    """Lock, decide, write, log, in one transaction; once more on a fresh snapshot after a
    :class:`BookingConflict` (which only a writer that skipped the lock can cause)."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with db.write_transaction() as session:
                target = signups_repo.lock_session(session, scope, session_id, sheet_id)
                decision = decide(target)
                if not decision.changes:
                    return decision
                decision = signups_repo.apply_decision(session, scope, target, decision, now)
                entry = audit(decision) if audit is not None else None
                if entry is not None:
                    signups_repo.record_audit(session, scope, entry, now)
                return decision
        except BookingConflict:
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def book(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    intent: Intent,
    now: datetime,
) -> Decision:
    """A learner signs up: a seat, else the waitlist (with position), or a refusal. A
    repeated sign-up returns the existing booking and writes nothing. A stable group's session
    takes its members only, read under the session's lock (``LockedSession.members_only``);
    ``override`` may still seat anyone, logged."""
    return _decide_locked(
        scope,
        sheet_id,
        session_id,
        now,
        lambda t: decide_signup(t.rules, t.state, user_id, intent, now),
    )


def cancel_booking(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    now: datetime,
    instructor_id: int | None = None,
    reason: str = "",
) -> Decision:
    """Someone leaves (or an instructor takes them off, logged); the freed seat goes to the
    waitlist, first come first served, in the same transaction."""

    def audit(decision: Decision) -> AuditEntry | None:
        if instructor_id is None or decision.outcome is not Outcome.CANCELLED:
            return None
        return AuditEntry(
            INSTRUCTOR_CANCEL,
            session_id,
            instructor_id,
            subject_user_id=user_id,
            reason=decision.reason,
            detail={"promoted": [b.user_id for b in decision.promoted]},
        )

    return _decide_locked(
        scope,
        sheet_id,
        session_id,
        now,
        lambda t: decide_cancel(t.rules, t.state, user_id, now, instructor_id, reason),
        audit,
    )


def override(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    intent: Intent,
    instructor_id: int,
    reason: str,
    now: datetime,
) -> Decision:
    """An instructor gives someone a seat, beyond capacity if need be; logged with who, why
    and whether a limit was exceeded."""

    def audit(decision: Decision) -> AuditEntry:
        return AuditEntry(
            OVERRIDE,
            session_id,
            instructor_id,
            subject_user_id=user_id,
            reason=decision.reason,
            detail={
                "intent": intent.value,
                "overrode_capacity": decision.overrode_capacity,
                "promoted": [b.user_id for b in decision.promoted],
            },
        )

    return _decide_locked(
        scope,
        sheet_id,
        session_id,
        now,
        lambda t: decide_override(t.rules, t.state, user_id, intent, now, instructor_id, reason),
        audit,
    )


def move(
    scope: CourseScope,
    *,
    sheet_id: int,
    from_session_id: int,
    to_session_id: int,
    user_id: int,
    instructor_id: int,
    reason: str,
    now: datetime,
    beyond_capacity: bool = False,
) -> MoveDecision:
    """Move a person between two sessions of the sheet: both locked (lower id first), both
    halves written and logged in one transaction, or nothing when either is refused."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with db.write_transaction() as session:
                both = signups_repo.lock_sessions(
                    session, scope, (from_session_id, to_session_id), sheet_id
                )
                source, target = both[from_session_id], both[to_session_id]
                decision = decide_move(
                    source.rules,
                    source.state,
                    target.rules,
                    target.state,
                    user_id,
                    now,
                    instructor_id,
                    reason,
                    beyond_capacity,
                )
                if decision.refused:
                    return decision
                left = signups_repo.apply_decision(session, scope, source, decision.source, now)
                joined = signups_repo.apply_decision(session, scope, target, decision.target, now)
                moved = {"from": from_session_id, "to": to_session_id}
                for action, applied, where in (
                    (MOVE_OUT, left, from_session_id),
                    (MOVE_IN, joined, to_session_id),
                ):
                    signups_repo.record_audit(
                        session,
                        scope,
                        AuditEntry(
                            action,
                            where,
                            instructor_id,
                            subject_user_id=user_id,
                            reason=reason.strip(),
                            detail={
                                **moved,
                                "outcome": applied.outcome.value,
                                "overrode_capacity": applied.overrode_capacity,
                                "promoted": [b.user_id for b in applied.promoted],
                            },
                        ),
                        now,
                    )
                return MoveDecision(left, joined)
        except BookingConflict:
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


ATTENDED_COMMENT = "Attended the intervision session"
ABSENT_COMMENT = "Did not attend the intervision session"


def attendance_score(attended: bool) -> tuple[float, float, str]:
    """(given, maximum, comment) for the sheet's grade column: completion, never content or
    names (a minimal adapter: the domain has no attendance grading rule yet)."""
    return (1.0, 1.0, ATTENDED_COMMENT) if attended else (0.0, 1.0, ABSENT_COMMENT)


def mark_attendance(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    attended: bool,
    instructor_id: int,
    now: datetime,
) -> Decision:
    """Mark a seated person attended or absent (from the start on; correctable), logged, and
    put the grade for the sheet's line item into the score outbox in the same transaction, so
    it is never lost (``score_outbox`` delivers it, retrying until the LMS accepts)."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        decision = decide_attendance(target.rules, target.state, user_id, attended, now)
        if not decision.changes:
            return decision
        decision = signups_repo.apply_decision(session, scope, target, decision, now)
        signups_repo.record_audit(
            session,
            scope,
            AuditEntry(
                ATTENDANCE,
                session_id,
                instructor_id,
                subject_user_id=user_id,
                detail={"attended": attended},
            ),
            now,
        )
        given, maximum, comment = attendance_score(attended)
        signups_repo.enqueue_attendance_score(
            session, scope, sheet_id, user_id, given, maximum, comment, now
        )
        return decision


# --- reads --------------------------------------------------------------------------------------


def session_roster(
    scope: CourseScope, *, sheet_id: int, session_id: int
) -> tuple[SessionRecord, tuple[BookingRecord, ...]]:
    """A session and all its bookings in arrival order (instructors; learners see only their
    own session's members, which the view filters)."""
    with db.transaction() as session:
        record = signups_repo.get_session(session, scope, session_id, sheet_id)
        return record, signups_repo.roster(session, scope, session_id)


def my_bookings(scope: CourseScope, *, sheet_id: int, user_id: int) -> tuple[BookingRecord, ...]:
    with db.transaction() as session:
        return signups_repo.bookings_of(session, scope, user_id, sheet_id)


def waitlist_positions(scope: CourseScope, *, sheet_id: int, user_id: int) -> dict[int, int]:
    """The person's place on each waitlist of the sheet (session id → 1-based)."""
    with db.transaction() as session:
        return signups_repo.waitlist_positions(session, scope, sheet_id, user_id)


# --- the private calendar feed ------------------------------------------------------------------

FEED_TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class Feed:
    """Whose feed a token opens and what is in it: their own sessions and bookings only."""

    scope: CourseScope
    user_id: int
    entries: tuple[tuple[SessionRecord, BookingRecord], ...]


def feed_token_hash(token: str) -> str:
    """Only this is stored: a leaked database does not open anyone's feed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(scope: CourseScope, *, user_id: int, now: datetime) -> str:
    """A new private feed URL token for this person in this course; the old one stops working
    (shown once: only its hash is kept)."""
    token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    with db.write_transaction() as session:
        signups_repo.revoke_feed_tokens(session, scope, user_id, now)
        signups_repo.add_feed_token(session, scope, user_id, feed_token_hash(token), now)
    return token


def revoke_feed(scope: CourseScope, *, user_id: int, now: datetime) -> int:
    with db.write_transaction() as session:
        return signups_repo.revoke_feed_tokens(session, scope, user_id, now)


def open_feed(token: str, now: datetime) -> Feed | None:
    """The feed a token opens (no launch: the token is the scope), or None when unknown or
    revoked."""
    with db.write_transaction() as session:
        found = signups_repo.find_feed_token(session, feed_token_hash(token), now)
        if found is None:
            return None
        entries = signups_repo.person_sessions(session, found.scope, found.user_id)
    return Feed(found.scope, found.user_id, entries)


def person_names(scope: CourseScope, user_ids: Iterable[int]) -> dict[int, str]:
    """Names the platform shared, by user id (people of this course's platform only; a name it
    withheld is missing, and the view shows a pseudonym instead)."""
    with db.transaction() as session:
        return signups_repo.person_names(session, scope, tuple(user_ids))


def session_log(scope: CourseScope, *, sheet_id: int, session_id: int) -> tuple[AuditRecord, ...]:
    with db.transaction() as session:
        signups_repo.get_session(session, scope, session_id, sheet_id)  # scope check
        return signups_repo.audit_log(session, scope, session_id)


# --- minimum size, roles, groups ----------------------------------------------------------------


def sessions_due_for_minimum(now: datetime, limit: int = 100) -> tuple[DueSession, ...]:
    """For the worker: sessions whose minimum-size deadline passed unjudged, all courses."""
    with db.transaction() as session:
        return signups_repo.sessions_due_for_minimum(session, now, limit)


def check_minimum_size(due: DueSession, *, now: datetime, auto_cancel: bool) -> MinimumCheck | None:
    """Judge one due session under its lock (``minimum.check_minimum``): flag it, or cancel it
    and every booking when the course chose so (logged). None when another worker judged it
    first; several workers may run this at once."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, due.scope, due.session_id, due.sheet_id)
        if target.record.minimum_checked_at is not None or target.record.cancelled:
            return None
        check = check_minimum(target.record.plan, target.state, now, auto_cancel)
        if check.verdict is MinimumVerdict.NOT_DUE:
            return check
        if check.verdict is MinimumVerdict.CANCEL:
            signups_repo.apply_decision(
                session,
                due.scope,
                target,
                Decision(Outcome.CANCELLED, changes=check.to_cancel),
                now,
            )
            signups_repo.cancel_session(session, due.scope, due.session_id, now, detach=True)
            signups_repo.record_audit(
                session,
                due.scope,
                AuditEntry(
                    MINIMUM_CANCEL,
                    due.session_id,
                    None,
                    detail={
                        "seated": check.seated,
                        "seats_min": check.seats_min,
                        "cancelled": [b.user_id for b in check.to_cancel],
                    },
                ),
                now,
            )
        signups_repo.mark_minimum_checked(session, due.scope, due.session_id, now)
        return check


def rotate_roles(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    now: datetime,
    fixed: dict[str, int] | None = None,
) -> Rotation:
    """Give the session a moderator and a timekeeper from its seated people, fairly over the
    sheet's term (``rotation.choose_roles``); ``fixed`` are the instructor's own picks."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        members = [b.user_id for b in sorted(target.state.seated, key=lambda b: b.arrival)]
        history = signups_repo.role_history(session, scope, sheet_id, except_session=session_id)
        rotation = choose_roles(members, ROLES, history, fixed)
        if not rotation.problems:
            signups_repo.assign_roles(
                session,
                scope,
                session_id,
                rotation.assigned.get("moderator"),
                rotation.assigned.get("timekeeper"),
                now,
            )
        return rotation


@dataclass(frozen=True, slots=True)
class GroupsSaved:
    """The sheet's groups after the change, or (with ``problems``) as they were."""

    groups: tuple[GroupRecord, ...]
    problems: tuple[Problem, ...] = ()


def _group_names(count: int) -> list[str]:
    return [f"Group {n}" for n in range(1, count + 1)]


def form_sheet_groups(
    scope: CourseScope,
    *,
    sheet_id: int,
    roster: Iterable[int],
    size_min: int,
    size_max: int,
    now: datetime,
    seed: int | None = None,
) -> GroupsSaved:
    """Replace the sheet's stable groups with balanced ones formed from ``roster``."""
    grouping = form_groups(list(roster), size_min, size_max, seed)
    with db.write_transaction() as session:
        signups_repo.lock_sheet(session, scope, sheet_id)
        if grouping.problems:
            return GroupsSaved(
                signups_repo.sheet_groups(session, scope, sheet_id), grouping.problems
            )
        named = list(zip(_group_names(len(grouping.groups)), grouping.groups, strict=True))
        return GroupsSaved(signups_repo.save_groups(session, scope, sheet_id, named, now))


def move_group_member(
    scope: CourseScope,
    *,
    sheet_id: int,
    user_id: int,
    to_group_id: int,
    size_min: int,
    size_max: int,
    now: datetime,
) -> GroupsSaved:
    """Move one person to another stable group by hand (``groups.move_member`` checks sizes)."""
    with db.write_transaction() as session:
        signups_repo.lock_sheet(session, scope, sheet_id)
        current = signups_repo.sheet_groups(session, scope, sheet_id)
        index = next((i for i, g in enumerate(current) if g.id == to_group_id), -1)
        moved: Grouping = move_member(
            tuple(g.members for g in current), user_id, index, size_min, size_max
        )
        if moved.problems:
            return GroupsSaved(current, moved.problems)
        named = [(g.name, members) for g, members in zip(current, moved.groups, strict=True)]
        return GroupsSaved(signups_repo.save_groups(session, scope, sheet_id, named, now))
