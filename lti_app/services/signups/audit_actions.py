"""The actions the sign-up log records (``signup_audit.action``): one name per kind of change,
shared by every service module that writes the log and by the pages that show it."""

from __future__ import annotations

# Audit actions (``signup_audit.action``).
OVERRIDE = "override"
INSTRUCTOR_CANCEL = "instructor_cancel"
MOVE_OUT = "move_out"
MOVE_IN = "move_in"
CAPACITY_CHANGE = "capacity_change"
SESSION_CANCEL = "session_cancel"
ATTENDANCE = "attendance"
MINIMUM_CANCEL = "minimum_cancel"
