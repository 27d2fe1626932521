"""Sign-up rules, pure: what a session may be, who gets a seat, and when.

Modules, each small and free of I/O and clocks (``now`` is always a parameter):

- ``problems``: :class:`Problem` (field, message), what every check returns.
- ``timezones``: IANA zone lookup, wall time ↔ UTC (a spring-gap time is a Problem, an autumn
  fold time its first occurrence), and the zone a learner sees with its label.
- ``plan``: :class:`SessionPlan` and ``check_plan``: a plan with problems is never saved.
- ``booking``: seats, kept case-bringer places and the FIFO waitlist, as decisions on a snapshot
  that storage applies in one locking transaction: ``decide_signup``, ``decide_cancel``.
- ``instructor``: override capacity (logged), move a person, resize, mark attendance.
- ``minimum``: a session under its minimum size at its deadline is flagged, or cancelled.
- ``recurrence``: weekly/fortnightly/monthly/RRULE series in wall time, bounded; ``replan``.
- ``rotation``: who takes case-bringer, moderator, timekeeper next, evenly over a term.
- ``groups``: the fewest balanced groups within a size range; hand moves checked.

Invariants guaranteed (each has a test, several property-based):

1. Seats and case-bringer places are never exceeded except by ``decide_override``, whose
   bookings carry ``override_by`` and whose decision says whether a limit was exceeded.
2. Waitlist promotion is first come first served within what the freed seat may take, happens
   in the same decision as the cancellation or capacity change that frees it, and never at or
   after the promotion deadline (cancellation deadline, else the start).
3. A repeated request (double click, resubmitted form) changes nothing; one booking per user.
4. Instants are aware UTC; wall times are converted deliberately across DST, and a series
   keeps its wall-clock time (research invariant 6).
5. Groups always fit their range and differ in size by at most one; a rotation gives nobody two
   roles in a session while someone has none.
"""
