"""Sign-up sheets, sessions and bookings of one course: every query takes the ``CourseScope``.

Seats are never decided here. A service opens ``db.write_transaction()``, calls
:func:`lock_session` (the session row ``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
already holds the write lock), asks ``domain.signups.booking`` for a decision on the
:class:`LockedSession` it got, and hands that decision to :func:`apply_decision` in the same
transaction. Every writer of a session's bookings takes that lock first, so the snapshot the
domain decided on is still the truth when it is written. ``UNIQUE(session_id, user_id)`` is the
last line of defence: an insert that meets it (a writer that did not lock) writes nothing
(``ON CONFLICT DO NOTHING``) and is reported as :class:`BookingConflict`, and the service decides
again on a fresh snapshot, which finds the existing booking.

Rows stay in this package: callers get frozen records and the domain's own frozen values.

One module per concern, so each stays small; callers import this package only (every public
name is re-exported here): ``records`` (what goes in and out, and the refusals), ``sheets``,
``sessions``, ``series``, ``bookings`` (the lock and writing decisions), ``rosters`` (unlocked
reads of bookings), ``groups``, ``roles``, ``minimum``, ``audit``, ``people``, ``feed_tokens``.
"""

from __future__ import annotations

from lti_app.storage.signups_repo.audit import audit_log, record_audit
from lti_app.storage.signups_repo.bookings import (
    apply_decision,
    lock_for_signup,
    lock_session,
    lock_sessions,
)
from lti_app.storage.signups_repo.feed_tokens import (
    add_feed_token,
    find_feed_token,
    revoke_feed_tokens,
)
from lti_app.storage.signups_repo.groups import group_members, save_groups, sheet_groups
from lti_app.storage.signups_repo.minimum import mark_minimum_checked, sessions_due_for_minimum
from lti_app.storage.signups_repo.people import enqueue_attendance_score, person_names
from lti_app.storage.signups_repo.records import (
    AuditEntry,
    AuditRecord,
    BookingConflict,
    BookingRecord,
    DbConnection,
    DbSession,
    DueSession,
    FeedTokenRecord,
    GroupRecord,
    LockedSession,
    LockedSignup,
    SeriesNotFound,
    SeriesRecord,
    SessionNotFound,
    SessionRecord,
    SessionSummary,
    SheetLink,
    SheetNotFound,
    SheetRecord,
    StaleSession,
)
from lti_app.storage.signups_repo.roles import role_history
from lti_app.storage.signups_repo.rosters import (
    bookings_of,
    person_sessions,
    roster,
    waitlist_positions,
)
from lti_app.storage.signups_repo.series import (
    add_series,
    get_series,
    lock_series,
    mark_series_cancelled,
    series_sessions,
    stored_occurrences,
    update_series,
)
from lti_app.storage.signups_repo.sessions import (
    add_session,
    assign_roles,
    cancel_session,
    get_session,
    list_sessions,
    save_plan,
)
from lti_app.storage.signups_repo.sheets import (
    ensure_sheet,
    get_sheet,
    group_range,
    lock_sheet,
    save_group_range,
)

__all__ = [
    "AuditEntry",
    "AuditRecord",
    "BookingConflict",
    "BookingRecord",
    "DbConnection",
    "DbSession",
    "DueSession",
    "FeedTokenRecord",
    "GroupRecord",
    "LockedSession",
    "LockedSignup",
    "SeriesNotFound",
    "SeriesRecord",
    "SessionNotFound",
    "SessionRecord",
    "SessionSummary",
    "SheetLink",
    "SheetNotFound",
    "SheetRecord",
    "StaleSession",
    "add_feed_token",
    "add_series",
    "add_session",
    "apply_decision",
    "assign_roles",
    "audit_log",
    "bookings_of",
    "cancel_session",
    "enqueue_attendance_score",
    "ensure_sheet",
    "find_feed_token",
    "get_series",
    "get_session",
    "get_sheet",
    "group_members",
    "list_sessions",
    "lock_series",
    "lock_for_signup",
    "lock_session",
    "lock_sessions",
    "lock_sheet",
    "group_range",
    "save_group_range",
    "mark_minimum_checked",
    "mark_series_cancelled",
    "person_names",
    "person_sessions",
    "record_audit",
    "revoke_feed_tokens",
    "role_history",
    "roster",
    "save_groups",
    "save_plan",
    "series_sessions",
    "sessions_due_for_minimum",
    "sheet_groups",
    "stored_occurrences",
    "update_series",
    "waitlist_positions",
]
