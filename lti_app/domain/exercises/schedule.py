"""An exercise's phase plan: when each phase of an asynchronous or hybrid round is due.

The instructor sets it once per exercise, per phase either a fixed date-time (:class:`DueAt`,
typed in their time zone, stored in UTC) or a duration from the round's start
(:class:`DueAfter`: "the case within 2 days of the group being made"). A round turns the plan
into its own :class:`phases.Schedule` when it is made (:func:`resolve`); a changed plan reaches
the rounds that are not yet past a phase (:func:`replan`); phases already over keep the
deadline they had, so nobody's past is rewritten.

:func:`check_plan` is every problem at once: one entry per phase, each fixed date-time in the
future, each duration between :data:`AFTER_MIN` and :data:`AFTER_MAX`, and the phases in order
for a round that would start now (the earliest any round can). Time comes in as ``now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.phases import Schedule, current_phase
from lti_app.domain.methods import MethodSpec
from lti_app.domain.signups.problems import Problem

AFTER_MIN = timedelta(minutes=1)
AFTER_MAX = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class DueAt:
    """The phase ends at this instant (aware, UTC), whenever the round started."""

    at: datetime


@dataclass(frozen=True, slots=True)
class DueAfter:
    """The phase ends this long after the round's start."""

    after: timedelta


PhaseDue = DueAt | DueAfter


@dataclass(frozen=True, slots=True)
class PhasePlan:
    """One :data:`PhaseDue` per phase of the exercise's method (as adapted), in order."""

    entries: tuple[PhaseDue, ...]

    def due(self, index: int, opens_at: datetime) -> datetime:
        entry = self.entries[index]
        return entry.at if isinstance(entry, DueAt) else opens_at + entry.after


def default_plan(method: MethodSpec, days_per_phase: int = 2) -> PhasePlan:
    """What the form offers first: each phase ``days_per_phase`` days after the one before."""
    return PhasePlan(
        tuple(DueAfter(timedelta(days=days_per_phase * (i + 1))) for i in range(len(method.phases)))
    )


def check_plan(method: MethodSpec, plan: PhasePlan, now: datetime) -> tuple[Problem, ...]:
    """Every problem with ``plan``, each on ``phases.<index>`` (empty: it may be saved)."""
    return check_entries(method, plan.entries, now)


def check_entries(
    method: MethodSpec, entries: Sequence[PhaseDue | None], now: datetime
) -> tuple[Problem, ...]:
    """:func:`check_plan` of a plan being typed: None is an entry that could not be read (the
    form says why), so the others are still checked and every problem is shown at once."""
    phases = method.phases
    if len(entries) != len(phases):
        return (Problem("phases", f"Give each of the {len(phases)} phases a deadline."),)
    problems: list[Problem] = []
    previous: datetime | None = None
    for index, (phase, entry) in enumerate(zip(phases, entries, strict=True)):
        field = f"phases.{index}"
        if entry is None:
            previous = None
            continue
        if isinstance(entry, DueAt):
            if entry.at <= now:
                problems.append(
                    Problem(
                        field,
                        f"'{phase.name}': that date-time has passed. Choose one in the future.",
                    )
                )
                previous = None
                continue
        elif not AFTER_MIN <= entry.after <= AFTER_MAX:
            problems.append(
                Problem(
                    field,
                    f"'{phase.name}': give a duration from 1 minute to 365 days after the "
                    "round's start.",
                )
            )
            previous = None
            continue
        due = entry.at if isinstance(entry, DueAt) else now + entry.after
        if previous is not None and due <= previous:
            before = phases[index - 1].name
            problems.append(
                Problem(
                    field,
                    f"'{phase.name}' must end after '{before}'. Give it a later date-time or a "
                    "longer duration.",
                )
            )
        previous = due
    return tuple(problems)


def resolve(plan: PhasePlan, opens_at: datetime) -> Schedule:
    """A new round's deadlines: the plan, counted from ``opens_at`` (when the round is made)."""
    return Schedule(opens_at, tuple(plan.due(i, opens_at) for i in range(len(plan.entries))))


def replan(method: MethodSpec, schedule: Schedule, plan: PhasePlan, now: datetime) -> Schedule:
    """A running round's deadlines under a changed plan.

    Phases already over keep their deadlines; the current phase and those after it take the
    plan's (durations counted from the round's own start). A new deadline is never earlier
    than the last one already past, so the order holds; if it is already past too (a shorter
    duration for a round that started long ago), that phase is over now. A closed round, or a
    plan for another number of phases, changes nothing.
    """
    if len(plan.entries) != len(schedule.deadlines):
        return schedule
    clock = current_phase(method, schedule, now)
    if clock.closed:
        return schedule
    first = clock.index if clock.index is not None else 0
    deadlines = list(schedule.deadlines[:first])
    floor = deadlines[-1] if deadlines else schedule.opens_at
    for index in range(first, len(plan.entries)):
        due = max(plan.due(index, schedule.opens_at), floor)
        deadlines.append(due)
        floor = due
    return Schedule(schedule.opens_at, tuple(deadlines))


def end_phase_now(
    method: MethodSpec, schedule: Schedule, actor: Actor, now: datetime, from_index: int | None
) -> Schedule | Refused:
    """An instructor ends an asynchronous round's current phase now (everyone has posted, or
    a group should move on): its deadline becomes ``now``, the later ones stay, so the next
    phase runs until its own deadline. Members wait for the deadline. ``from_index`` is the
    phase the page showed: pressed twice, the second press changes nothing."""
    if not actor.instructor:
        return Refused(
            Reason.LIVE_ONLY, "An asynchronous round moves on by its deadlines, not by hand."
        )
    clock = current_phase(method, schedule, now)
    if clock.closed:
        return Refused(Reason.CLOSED, "This round is closed.")
    if clock.index is None:
        return Refused(Reason.NOT_ALLOWED, "This round has not opened yet.")
    if from_index is not None and from_index != clock.index:
        return Refused(Reason.ALREADY_DONE, "The group has already moved on to the next phase.")
    deadlines = list(schedule.deadlines)
    deadlines[clock.index] = now
    return Schedule(schedule.opens_at, tuple(deadlines))


def plan_to_json(plan: PhasePlan) -> list[dict[str, object]]:
    return [
        {"at": e.at.isoformat()}
        if isinstance(e, DueAt)
        else {"after_minutes": int(e.after.total_seconds() // 60)}
        for e in plan.entries
    ]


def plan_from_json(data: Sequence[dict[str, object]] | None) -> PhasePlan | None:
    if not data:
        return None
    entries: list[PhaseDue] = []
    for item in data:
        if "at" in item:
            entries.append(DueAt(datetime.fromisoformat(str(item["at"]))))
        else:
            entries.append(DueAfter(timedelta(minutes=int(str(item["after_minutes"])))))
    return PhasePlan(tuple(entries))
