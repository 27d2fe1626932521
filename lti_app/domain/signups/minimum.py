"""Sessions under their minimum size: flagged at the deadline, cancelled if the course chose so.

An intervision group below its minimum cannot run its method (too few consultants), so the
worker checks each session once its minimum-size deadline has passed. A session that already
started is only flagged, never cancelled: the people may be in the room.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.signups.booking import Booking, BookingStatus, SessionState
from lti_app.domain.signups.plan import SessionPlan


class MinimumVerdict(enum.StrEnum):
    NOT_DUE = "not_due"
    MET = "met"
    FLAGGED = "flagged"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class MinimumCheck:
    """The verdict, the counts to show, and (for CANCEL) every booking to cancel and inform."""

    verdict: MinimumVerdict
    seated: int
    seats_min: int
    due_at: datetime
    to_cancel: tuple[Booking, ...] = ()


def minimum_deadline(plan: SessionPlan) -> datetime:
    """The plan's own deadline, else sign-up closing, else the start."""
    return plan.min_size_deadline or plan.signup_closes_at or plan.starts_at


def check_minimum(
    plan: SessionPlan, state: SessionState, now: datetime, auto_cancel: bool
) -> MinimumCheck:
    """What the worker does about the minimum size of one session at ``now``."""
    due_at = minimum_deadline(plan)
    seated = len(state.seated)
    if now < due_at:
        return MinimumCheck(MinimumVerdict.NOT_DUE, seated, plan.seats_min, due_at)
    if seated >= plan.seats_min:
        return MinimumCheck(MinimumVerdict.MET, seated, plan.seats_min, due_at)
    if not auto_cancel or now >= plan.starts_at:
        return MinimumCheck(MinimumVerdict.FLAGGED, seated, plan.seats_min, due_at)
    active = [b for b in state.bookings if b.status is not BookingStatus.CANCELLED]
    cancelled = tuple(replace(b, status=BookingStatus.CANCELLED) for b in active)
    return MinimumCheck(MinimumVerdict.CANCEL, seated, plan.seats_min, due_at, cancelled)


def under_minimum(plan: SessionPlan, state: SessionState, now: datetime) -> bool:
    """True once the deadline has passed with fewer seated than the minimum."""
    return check_minimum(plan, state, now, auto_cancel=False).verdict is MinimumVerdict.FLAGGED
