"""Seats and the waitlist of one session: pure decisions that storage applies in one transaction.

Storage locks the session, reads its bookings into a :class:`SessionState`, asks one ``decide_*``
function, and writes the decision's ``changes`` (a :class:`Booking` with ``booking_id`` None is
an insert, otherwise an update of that row; UNIQUE(session, user) backs it). Because the state
read under the lock is the whole truth, the rules below hold under any concurrency:

- Seats: confirmed bookings never exceed ``seats_max`` except through ``decide_override``, whose
  bookings carry ``override_by`` (research invariant 1).
- Case-bringer places are *kept*: at most ``case_bringer_places`` case-bringers hold a seat, and
  consultants fill only the other ``seats_max - case_bringer_places`` seats, so a full session
  still has someone who brings a case. A case-bringer who finds the places taken is waitlisted
  *as case-bringer*; the decision names ``Intent.CONSULTANT`` as ``alternative`` when a
  consultant seat is free, so the page can offer it. Their intent is never switched silently.
- Waitlist: one queue in arrival order. A freed seat goes to the earliest-arrived waitlisted
  booking whose intent the seat can take (a case-bringer place is not given to a consultant);
  the position shown is among those waiting with the same intent, as that is what it predicts.
- Promotion happens only before the promotion deadline: the cancellation deadline, or the
  start when there is none (research invariant 2; mod_booking #937). After it a freed seat
  stays free: nobody is pulled into a session they can no longer cancel without warning.
- A stable group attends its own sessions: with ``SeatRules.members_only`` a learner outside
  the group is refused (``NOT_IN_GROUP``); an instructor's override or move may seat anyone,
  logged as every override is.
- A repeated sign-up returns the existing booking's outcome and changes nothing, except in a
  cancelled or started session, which is refused as such (never "You have a seat").

Instructors' decisions (override, move, capacity, attendance) are in ``instructor``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.signups.plan import SessionPlan


class Intent(enum.StrEnum):
    """What a person comes to do: bring a case, or consult on someone else's."""

    CASE_BRINGER = "case_bringer"
    CONSULTANT = "consultant"


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"

    @property
    def holds_seat(self) -> bool:
        """Attendance is marked on confirmed bookings, so those keep their seat too."""
        return self in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


@dataclass(frozen=True, slots=True)
class Booking:
    """One person's booking. ``arrival`` orders the waitlist: storage gives each new sign-up
    ``SessionState.next_arrival``, read under the session's lock, so it only ever increases."""

    booking_id: int | None
    user_id: int
    intent: Intent
    status: BookingStatus
    arrival: int
    override_by: int | None = None


@dataclass(frozen=True, slots=True)
class SeatRules:
    """The parts of a session that decide bookings, with its status."""

    starts_at: datetime
    seats_max: int
    case_bringer_places: int
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    cancel_deadline: datetime | None = None
    cancelled: bool = False
    members_only: frozenset[int] | None = None
    """A stable group's session: only these people sign up (an instructor may seat anyone)."""

    @classmethod
    def from_plan(cls, plan: SessionPlan, cancelled: bool = False) -> SeatRules:
        return cls(
            starts_at=plan.starts_at,
            seats_max=plan.seats_max,
            case_bringer_places=plan.case_bringer_places,
            signup_opens_at=plan.signup_opens_at,
            signup_closes_at=plan.signup_closes_at,
            cancel_deadline=plan.cancel_deadline,
            cancelled=cancelled,
        )

    @property
    def promotion_deadline(self) -> datetime:
        """After this nobody is promoted from the waitlist (see the module docstring)."""
        if self.cancel_deadline is None:
            return self.starts_at
        return min(self.cancel_deadline, self.starts_at)

    def places_for(self, intent: Intent) -> int:
        """Seats an intent may fill: kept case-bringer places, or all the others."""
        if intent is Intent.CASE_BRINGER:
            return min(self.case_bringer_places, self.seats_max)
        return max(self.seats_max - self.case_bringer_places, 0)


@dataclass(frozen=True, slots=True)
class SessionState:
    """Every booking of one session, read under its lock."""

    bookings: tuple[Booking, ...] = ()

    def __post_init__(self) -> None:
        users = [booking.user_id for booking in self.bookings]
        if len(users) != len(set(users)):
            raise ValueError("one booking per user per session (UNIQUE(session, user))")

    def of(self, user_id: int) -> Booking | None:
        return next((b for b in self.bookings if b.user_id == user_id), None)

    @property
    def next_arrival(self) -> int:
        return max((b.arrival for b in self.bookings), default=0) + 1

    @property
    def seated(self) -> tuple[Booking, ...]:
        return tuple(b for b in self.bookings if b.status.holds_seat)

    @property
    def waitlist(self) -> tuple[Booking, ...]:
        """Waitlisted bookings, first arrived first."""
        waiting = [b for b in self.bookings if b.status is BookingStatus.WAITLISTED]
        return tuple(sorted(waiting, key=lambda b: b.arrival))

    def seated_as(self, intent: Intent) -> int:
        return sum(1 for b in self.seated if b.intent is intent)

    def signup_view(self, user_id: int) -> SignupView:
        """The summary ``decide_signup_on`` reads, counted from every booking."""
        own = self.of(user_id)
        seated = self.seated
        waiting = [b for b in self.bookings if b.status is BookingStatus.WAITLISTED]
        before = waiting if own is None else [b for b in waiting if b.arrival < own.arrival]

        def per_intent(bookings: Iterable[Booking]) -> tuple[tuple[Intent, int], ...]:
            listed = list(bookings)
            return tuple((i, sum(1 for b in listed if b.intent is i)) for i in Intent)

        return SignupView(
            user_id, own, per_intent(seated), per_intent(waiting), per_intent(before),
            self.next_arrival,
        )  # fmt: skip

    def with_changes(self, changes: Iterable[Booking]) -> SessionState:
        """The state after storage wrote ``changes`` (new bookings matched by user)."""
        by_user = {b.user_id: b for b in self.bookings}
        for change in changes:
            by_user[change.user_id] = change
        return SessionState(tuple(by_user.values()))


def free_seat_for(rules: SeatRules, state: SessionState, intent: Intent) -> bool:
    """True when one more ``intent`` booking fits without an override."""
    seated = state.seated
    return _fits(rules, len(seated), sum(1 for b in seated if b.intent is intent), intent)


def _fits(rules: SeatRules, seated: int, seated_as_intent: int, intent: Intent) -> bool:
    return seated < rules.seats_max and seated_as_intent < rules.places_for(intent)


@dataclass(frozen=True, slots=True)
class SignupView:
    """What a sign-up decision reads of a session: the person's own booking and counts.

    A sign-up needs no more than this, so storage can read it as one summary under the
    session's lock instead of every booking (a waitlist of 200 is 200 rows, read while every
    other sign-up of the session waits). :meth:`SessionState.signup_view` builds the same view
    from the full state; ``decide_signup`` decides on that, so there is one rule.
    """

    user_id: int
    own: Booking | None
    seated: tuple[tuple[Intent, int], ...]
    """Bookings holding a seat, per intent (an intent with none may be left out)."""
    waiting: tuple[tuple[Intent, int], ...]
    """Waitlisted bookings, per intent."""
    waiting_before_own: tuple[tuple[Intent, int], ...]
    """Waitlisted bookings that arrived before ``own`` (all of them when ``own`` is None)."""
    next_arrival: int

    def seated_as(self, intent: Intent) -> int:
        return _count(self.seated, intent)

    @property
    def seated_total(self) -> int:
        return sum(n for _, n in self.seated)

    def fits(self, rules: SeatRules, intent: Intent) -> bool:
        """:func:`free_seat_for` on the view."""
        return _fits(rules, self.seated_total, self.seated_as(intent), intent)

    def position_if_waiting(self, intent: Intent, arrival: int) -> int:
        """The waitlist place, among ``intent``, of the person waiting with ``arrival``."""
        own = self.own
        if own is not None and arrival == own.arrival:
            return _count(self.waiting_before_own, intent) + 1
        return _count(self.waiting, intent) + 1  # a new arrival comes after everyone


def _count(counts: tuple[tuple[Intent, int], ...], intent: Intent) -> int:
    return next((n for counted, n in counts if counted is intent), 0)


def waitlist_position(state: SessionState, user_id: int) -> int | None:
    """1-based place among those waiting with the same intent; None when not waitlisted."""
    booking = state.of(user_id)
    if booking is None or booking.status is not BookingStatus.WAITLISTED:
        return None
    same = [b for b in state.waitlist if b.intent is booking.intent]
    return same.index(booking) + 1


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REFUSED = "refused"


class Refusal(enum.StrEnum):
    """Why a request changed nothing; each has a message for people in ``REFUSAL_MESSAGES``."""

    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    STARTED = "started"
    SESSION_CANCELLED = "session_cancelled"
    NO_PLACES_FOR_INTENT = "no_places_for_intent"
    ALREADY_SEATED_OTHER_INTENT = "already_seated_other_intent"
    NOT_BOOKED = "not_booked"
    PAST_CANCEL_DEADLINE = "past_cancel_deadline"
    REASON_REQUIRED = "reason_required"
    SAME_SESSION = "same_session"
    NOT_STARTED = "not_started"
    NOT_IN_GROUP = "not_in_group"


REFUSAL_MESSAGES: dict[Refusal, str] = {
    Refusal.NOT_OPEN_YET: "Sign-up for this session has not opened yet. Come back when it opens.",
    Refusal.CLOSED: "Sign-up for this session has closed. Ask your trainer if you still need "
    "a place.",
    Refusal.STARTED: "This session has already started, so bookings can no longer change.",
    Refusal.SESSION_CANCELLED: "This session was cancelled. Choose another session.",
    Refusal.NO_PLACES_FOR_INTENT: "This session has no places for that role. Sign up in the "
    "other role, or choose another session.",
    Refusal.ALREADY_SEATED_OTHER_INTENT: "You already have a place in this session in the other "
    "role. Cancel it first if you want to change role.",
    Refusal.NOT_BOOKED: "You have no booking for this session.",
    Refusal.PAST_CANCEL_DEADLINE: "The cancellation deadline has passed. Ask your trainer if you "
    "cannot come.",
    Refusal.REASON_REQUIRED: "Say why, so the log shows it: a reason is required.",
    Refusal.SAME_SESSION: "The person is already in that session; choose another one.",
    Refusal.NOT_STARTED: "Attendance can be marked once the session has started.",
    Refusal.NOT_IN_GROUP: "This session is for the members of its intervision group. Choose a "
    "session of your own group, or ask your trainer.",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """What to write (``changes``) and what happened to the person asked about.

    ``booking`` is that person's booking after the decision (None when refused and they have
    none). ``promoted`` lists bookings moved from the waitlist, for notices; they are also in
    ``changes``. An empty ``changes`` on a non-refused outcome is an idempotent repeat. ``by``
    and ``reason`` are set when an instructor decided, for the audit log.
    """

    outcome: Outcome
    booking: Booking | None = None
    changes: tuple[Booking, ...] = ()
    promoted: tuple[Booking, ...] = ()
    position: int | None = None
    refusal: Refusal | None = None
    alternative: Intent | None = None
    overrode_capacity: bool = False
    by: int | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES[self.refusal] if self.refusal is not None else ""


def refuse(refusal: Refusal, booking: Booking | None = None) -> Decision:
    """A decision that changes nothing, with the reason."""
    return Decision(Outcome.REFUSED, booking=booking, refusal=refusal)


def current_outcome(state: SessionState, booking: Booking) -> Decision:
    """The outcome a booking already has: the answer to a repeated request."""
    if booking.status is BookingStatus.WAITLISTED:
        return Decision(
            Outcome.WAITLISTED, booking, position=waitlist_position(state, booking.user_id)
        )
    if booking.status is BookingStatus.CANCELLED:
        return Decision(Outcome.CANCELLED, booking)
    return Decision(Outcome.CONFIRMED, booking)


def _over_refusal(rules: SeatRules, now: datetime) -> Refusal | None:
    """The session is cancelled or under way: no booking of it changes or is confirmed."""
    if rules.cancelled:
        return Refusal.SESSION_CANCELLED
    if now >= rules.starts_at:
        return Refusal.STARTED
    return None


def window_refusal(rules: SeatRules, now: datetime) -> Refusal | None:
    over = _over_refusal(rules, now)
    if over is not None:
        return over
    if rules.signup_opens_at is not None and now < rules.signup_opens_at:
        return Refusal.NOT_OPEN_YET
    if rules.signup_closes_at is not None and now >= rules.signup_closes_at:
        return Refusal.CLOSED
    return None


def decide_signup(
    rules: SeatRules, state: SessionState, user_id: int, intent: Intent, now: datetime
) -> Decision:
    """A learner signs up: :func:`decide_signup_on` the state's summary for this person."""
    return decide_signup_on(rules, state.signup_view(user_id), intent, now)


def decide_signup_on(rules: SeatRules, view: SignupView, intent: Intent, now: datetime) -> Decision:
    """A learner signs up: confirmed if a seat for ``intent`` is free, else waitlisted.

    Order matters. A cancelled or started session is refused first, even to someone who has a
    booking: a replayed form must not answer "You have a seat" for a session that will not take
    place or is under way (the booking stays, for notices and attendance). Then a repeated
    sign-up (double click, resubmitted form) returns the existing outcome and no changes, also
    after sign-up closed, since that seat still holds. A waitlisted person who signs up in the
    other role keeps their arrival and is confirmed if that role has a seat (how they take up
    an offered ``alternative``).
    """
    user_id, existing = view.user_id, view.own
    over = _over_refusal(rules, now)
    if over is not None:
        return refuse(over, existing)
    active = existing is not None and existing.status is not BookingStatus.CANCELLED
    if existing is not None and active and existing.intent is intent:
        if existing.status is BookingStatus.WAITLISTED:  # the answer to a repeated request
            position = view.position_if_waiting(intent, existing.arrival)
            return Decision(Outcome.WAITLISTED, existing, position=position)
        return Decision(Outcome.CONFIRMED, existing)
    if existing is not None and existing.status.holds_seat:
        return refuse(Refusal.ALREADY_SEATED_OTHER_INTENT, existing)
    refusal = window_refusal(rules, now)
    if refusal is not None:
        return refuse(refusal, existing)
    if rules.members_only is not None and user_id not in rules.members_only:
        return refuse(Refusal.NOT_IN_GROUP, existing)
    if rules.places_for(intent) == 0:
        return refuse(Refusal.NO_PLACES_FOR_INTENT, existing)
    arrival = existing.arrival if existing is not None and active else view.next_arrival
    booking_id = existing.booking_id if existing is not None else None
    if view.fits(rules, intent):
        booking = Booking(booking_id, user_id, intent, BookingStatus.CONFIRMED, arrival)
        return Decision(Outcome.CONFIRMED, booking, changes=(booking,))
    booking = Booking(booking_id, user_id, intent, BookingStatus.WAITLISTED, arrival)
    other = Intent.CONSULTANT if intent is Intent.CASE_BRINGER else Intent.CASE_BRINGER
    return Decision(
        Outcome.WAITLISTED,
        booking,
        changes=(booking,),
        position=view.position_if_waiting(intent, arrival),
        alternative=other if view.fits(rules, other) else None,
    )


def promotions(rules: SeatRules, state: SessionState, now: datetime) -> tuple[Booking, ...]:
    """Waitlisted bookings that the free seats take now, FIFO per what each seat may take."""
    if rules.cancelled or now >= rules.promotion_deadline:
        return ()
    promoted: list[Booking] = []
    current = state
    for waiting in state.waitlist:
        if len(current.seated) >= rules.seats_max:
            break
        if free_seat_for(rules, current, waiting.intent):
            seated = replace(waiting, status=BookingStatus.CONFIRMED)
            promoted.append(seated)
            current = current.with_changes((seated,))
    return tuple(promoted)


def decide_cancel(
    rules: SeatRules,
    state: SessionState,
    user_id: int,
    now: datetime,
    by_instructor: int | None = None,
    reason: str = "",
) -> Decision:
    """Someone leaves; their seat goes to the waitlist in the same decision.

    Learners may give up a seat until the cancellation deadline, and leave the waitlist until
    the start. An instructor (``by_instructor``, their user id) may cancel a seat after the
    deadline, with a reason that storage logs; never after the start (that is attendance).
    """
    existing = state.of(user_id)
    if existing is None:
        return refuse(Refusal.NOT_BOOKED)
    if existing.status is BookingStatus.CANCELLED:
        return Decision(Outcome.CANCELLED, existing)
    if now >= rules.starts_at:
        return refuse(Refusal.STARTED, existing)
    past_deadline = rules.cancel_deadline is not None and now >= rules.cancel_deadline
    if existing.status.holds_seat and past_deadline:
        if by_instructor is None:
            return refuse(Refusal.PAST_CANCEL_DEADLINE, existing)
        if not reason.strip():
            return refuse(Refusal.REASON_REQUIRED, existing)
    cancelled = replace(existing, status=BookingStatus.CANCELLED)
    after = state.with_changes((cancelled,))
    promoted = promotions(rules, after, now) if existing.status.holds_seat else ()
    return Decision(
        Outcome.CANCELLED,
        cancelled,
        changes=(cancelled, *promoted),
        promoted=promoted,
        by=by_instructor,
        reason=reason.strip(),
    )
