"""Recurring series: from a first wall-clock start in the organiser's zone to UTC occurrences.

Dates are stepped in *wall time* and only then converted, so a series at 19:00 in Amsterdam stays
at 19:00 local after the clocks change (its UTC time moves instead). Every series is bounded (a
count or a last date, at most ``MAX_OCCURRENCES``) so an instructor's typo cannot create
thousands of sessions. Monthly presets on the 29th-31st fall on the month's last day in shorter
months rather than skipping them: a group that meets "on the 31st" still meets in April.

Each occurrence has a ``key``: its local date (``YYYY-MM-DD``), stable when the series' time of
day changes. Storage keeps it per session (the RECURRENCE-ID of the calendar) and ``replan``
compares keys to turn an edit of the series into creates, moves and cancels.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.timezones import local_to_utc, unknown_zone_problem, zone

MAX_OCCURRENCES = 100
RRULE_EXAMPLE = "FREQ=WEEKLY;BYDAY=TU;COUNT=10"


class Repeat(enum.StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """A series as typed: a preset ``repeat`` or a raw RFC 5545 ``rrule`` (one of the two).

    ``first_local`` is naive wall time in ``timezone``. For presets, ``count`` or ``until`` (the
    last local date, inclusive) bounds the series; a raw rule carries its own COUNT or UNTIL.
    """

    first_local: datetime
    timezone: str
    repeat: Repeat | None = None
    rrule: str = ""
    count: int | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    key: str
    local: datetime
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class Expansion:
    """The occurrences, or (when ``problems`` is not empty) why there are none."""

    occurrences: tuple[Occurrence, ...] = ()
    problems: tuple[Problem, ...] = ()


def occurrence_key(local: datetime) -> str:
    return local.date().isoformat()


def expand(series: SeriesPlan) -> Expansion:
    """All occurrences of ``series``, in order, or every problem that prevents it."""
    if series.first_local.tzinfo is not None:
        raise ValueError("first_local is a naive wall-clock time in series.timezone")
    if zone(series.timezone) is None:
        return Expansion(problems=(unknown_zone_problem(series.timezone),))
    if series.repeat is not None and series.rrule.strip():
        return _fail("repeat", "Choose a repeat preset or type a rule, not both.")
    if series.repeat is not None:
        locals_ = _preset(series)
    elif series.rrule.strip():
        locals_ = _from_rrule(series.rrule, series.first_local, series.timezone)
    else:
        return _fail("repeat", "Choose how the series repeats: weekly, fortnightly or monthly.")
    if isinstance(locals_, Problem):
        return Expansion(problems=(locals_,))
    return _to_occurrences(locals_, series.timezone)


def _fail(field_: str, message: str) -> Expansion:
    return Expansion(problems=(Problem(field_, message),))


def _preset(series: SeriesPlan) -> list[datetime] | Problem:
    if series.count is None and series.until is None:
        return Problem("count", "Say how many sessions the series has, or its last date.")
    if series.count is not None and series.until is not None:
        return Problem("count", "Give the number of sessions or the last date, not both.")
    if series.count is not None and not 1 <= series.count <= MAX_OCCURRENCES:
        return Problem("count", f"A series has 1 to {MAX_OCCURRENCES} sessions.")
    if series.until is not None and series.until < series.first_local.date():
        return Problem("until", "The last date is before the first session; choose a later one.")
    found: list[datetime] = []
    for local in _steps(series.first_local, series.repeat or Repeat.WEEKLY):
        if series.until is not None and local.date() > series.until:
            break
        found.append(local)
        if len(found) == series.count:
            break
        if len(found) > MAX_OCCURRENCES:
            return _too_many("until")
    return found


def _steps(first: datetime, repeat: Repeat) -> Iterator[datetime]:
    for n in itertools.count():
        if repeat is Repeat.MONTHLY:
            # relativedelta from the first date clamps to the month's last day (Jan 31 → Feb 28)
            # and returns to the 31st when the month has one.
            yield first + relativedelta(months=n)
        else:
            yield first + timedelta(weeks=n * (2 if repeat is Repeat.FORTNIGHTLY else 1))


def _too_many(field: str) -> Problem:
    return Problem(
        field, f"The series would have more than {MAX_OCCURRENCES} sessions; make it shorter."
    )


def _from_rrule(text: str, first: datetime, tz: str) -> list[datetime] | Problem:
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if "\n" in rule or ":" in rule:
        return Problem(
            "rrule", f"Type only the rule itself, e.g. {RRULE_EXAMPLE} (no DTSTART or EXDATE)."
        )
    parts = dict(
        (name.strip().upper(), value.strip().upper())
        for name, _, value in (part.partition("=") for part in rule.split(";") if part)
    )
    names = set(parts)
    if "COUNT" not in names and "UNTIL" not in names:
        return Problem(
            "rrule", f"The rule never ends: add COUNT=… or UNTIL=…, e.g. {RRULE_EXAMPLE}."
        )
    if {"COUNT", "UNTIL"} <= names:
        return Problem("rrule", "The rule has both COUNT and UNTIL; keep one of them.")
    # A UTC UNTIL (…Z) needs a start aware of its zone; a local UNTIL a naive start (dateutil's
    # rule). Either way dateutil steps in wall time, which is what keeps 19:00 at 19:00.
    dtstart = first.replace(tzinfo=zone(tz)) if parts.get("UNTIL", "").endswith("Z") else first
    try:
        dates = list(itertools.islice(rrulestr(rule, dtstart=dtstart), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as error:
        return Problem(
            "rrule",
            f"The rule could not be read ({error}). Write it like {RRULE_EXAMPLE}.",
        )
    if len(dates) > MAX_OCCURRENCES:
        return _too_many("rrule")
    if not dates:
        return Problem("rrule", "The rule gives no dates; check COUNT, UNTIL and BYDAY.")
    return [d.replace(tzinfo=None) for d in dates]


def _to_occurrences(locals_: Sequence[datetime], tz: str) -> Expansion:
    occurrences: list[Occurrence] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for local in locals_:
        key = occurrence_key(local)
        if key in seen:
            return _fail(
                "rrule", "A series has at most one session a day; use FREQ=DAILY or longer."
            )
        seen.add(key)
        instant = local_to_utc(local, tz, field="first_start")
        if isinstance(instant, Problem):
            problems.append(instant)
        else:
            occurrences.append(Occurrence(key, local, instant))
    if problems:
        return Expansion(problems=tuple(problems))
    return Expansion(occurrences=tuple(occurrences))


@dataclass(frozen=True, slots=True)
class StoredOccurrence:
    """An occurrence storage already has. ``detached``: edited or cancelled on its own, so a
    series edit leaves it alone."""

    key: str
    starts_at: datetime
    detached: bool = False


class EditScope(enum.StrEnum):
    SERIES = "series"
    THIS_AND_FOLLOWING = "this_and_following"


@dataclass(frozen=True, slots=True)
class SeriesEdit:
    """What storage does to apply a new series plan: each list by occurrence key.

    A series edit gives the edited plan (title, place, seats, duration, deadlines) to every
    occurrence in ``move`` (at its new start) and in ``unmoved``: the part of ``keep`` that is
    in play, not started and not detached, so stays at its time but follows the series.
    """

    create: tuple[Occurrence, ...] = ()
    move: tuple[Occurrence, ...] = ()
    cancel: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    unmoved: tuple[str, ...] = ()


def replan(
    stored: Sequence[StoredOccurrence],
    planned: Sequence[Occurrence],
    now: datetime,
    scope: EditScope = EditScope.SERIES,
    from_key: str | None = None,
) -> SeriesEdit:
    """Turn an edited series into changes, never touching the past or detached occurrences.

    With ``THIS_AND_FOLLOWING`` only keys from ``from_key`` on are in play. A stored occurrence
    whose key the new plan still has is moved (its bookings stay); one it lacks is cancelled
    (storage informs its people); a new key is created. Started occurrences are kept as they are.
    In-play occurrences that keep their start are ``unmoved`` (they take the edited plan).
    """
    if scope is EditScope.THIS_AND_FOLLOWING and from_key is None:
        raise ValueError("THIS_AND_FOLLOWING needs from_key")
    start_key = from_key if scope is EditScope.THIS_AND_FOLLOWING else None

    def in_play(key: str) -> bool:
        return start_key is None or key >= start_key

    new_by_key = {o.key: o for o in planned if in_play(o.key)}
    old_by_key = {o.key: o for o in stored}
    create: list[Occurrence] = []
    move: list[Occurrence] = []
    cancel: list[str] = []
    keep: list[str] = []
    unmoved: list[str] = []
    for old in sorted(stored, key=lambda o: o.key):
        new = new_by_key.get(old.key)
        if not in_play(old.key) or old.detached or old.starts_at <= now:
            keep.append(old.key)
        elif new is None:
            cancel.append(old.key)
        elif new.starts_at != old.starts_at:
            move.append(new)
        else:
            keep.append(old.key)
            unmoved.append(old.key)
    for key, new in sorted(new_by_key.items()):
        if key not in old_by_key and new.starts_at > now:
            create.append(new)
    return SeriesEdit(tuple(create), tuple(move), tuple(cancel), tuple(keep), tuple(unmoved))
