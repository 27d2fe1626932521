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

One module per concern, so each stays small; callers import this package only (every public
name is re-exported here): ``sheets``, ``sessions``, ``series``, ``bookings``, ``attendance``,
``rosters`` (reads), ``feed``, ``minimum``, ``rotation``, ``groups``, ``audit_actions``.
"""

from __future__ import annotations

from lti_app.services.signups._plan_change import SessionSaved
from lti_app.services.signups.attendance import (
    ABSENT_COMMENT,
    ATTENDED_COMMENT,
    attendance_score,
    mark_attendance,
)
from lti_app.services.signups.audit_actions import (
    ATTENDANCE,
    CAPACITY_CHANGE,
    INSTRUCTOR_CANCEL,
    MINIMUM_CANCEL,
    MOVE_IN,
    MOVE_OUT,
    OVERRIDE,
    SESSION_CANCEL,
)
from lti_app.services.signups.bookings import book, cancel_booking, move, override
from lti_app.services.signups.feed import (
    FEED_TOKEN_BYTES,
    Feed,
    feed_token_hash,
    new_feed_token,
    open_feed,
    revoke_feed,
)
from lti_app.services.signups.groups import GroupsSaved, form_sheet_groups, move_group_member
from lti_app.services.signups.minimum import check_minimum_size, sessions_due_for_minimum
from lti_app.services.signups.rosters import (
    my_bookings,
    person_names,
    session_log,
    session_roster,
    waitlist_positions,
)
from lti_app.services.signups.rotation import ROLES, rotate_roles
from lti_app.services.signups.series import SeriesSaved, cancel_series, create_series, edit_series
from lti_app.services.signups.sessions import (
    GroupChoice,
    cancel_session,
    create_session,
    edit_session,
)
from lti_app.services.signups.sheets import open_sheet, sheet_sessions

# What views and the worker get back or hand in, and the refusals they may meet: re-exported,
# so that callers import this package only.
from lti_app.storage.signups_repo import (
    AuditRecord,
    BookingRecord,
    DueSession,
    GroupRecord,
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

__all__ = [
    "ABSENT_COMMENT",
    "ATTENDANCE",
    "ATTENDED_COMMENT",
    "AuditRecord",
    "BookingRecord",
    "CAPACITY_CHANGE",
    "DueSession",
    "FEED_TOKEN_BYTES",
    "Feed",
    "GroupChoice",
    "GroupRecord",
    "GroupsSaved",
    "INSTRUCTOR_CANCEL",
    "MINIMUM_CANCEL",
    "MOVE_IN",
    "MOVE_OUT",
    "OVERRIDE",
    "ROLES",
    "SESSION_CANCEL",
    "SeriesNotFound",
    "SeriesRecord",
    "SeriesSaved",
    "SessionNotFound",
    "SessionRecord",
    "SessionSaved",
    "SessionSummary",
    "SheetLink",
    "SheetNotFound",
    "SheetRecord",
    "StaleSession",
    "attendance_score",
    "book",
    "cancel_booking",
    "cancel_series",
    "cancel_session",
    "check_minimum_size",
    "create_series",
    "create_session",
    "edit_series",
    "edit_session",
    "feed_token_hash",
    "form_sheet_groups",
    "mark_attendance",
    "move",
    "move_group_member",
    "my_bookings",
    "new_feed_token",
    "open_feed",
    "open_sheet",
    "override",
    "person_names",
    "revoke_feed",
    "rotate_roles",
    "session_log",
    "session_roster",
    "sessions_due_for_minimum",
    "sheet_sessions",
    "waitlist_positions",
]
