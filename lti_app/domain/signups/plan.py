"""What an instructor plans for one session, and every reason it cannot be saved as typed.

The form is parsed into a :class:`SessionPlan` (instants already in UTC, see
``timezones.local_to_utc``) and :func:`check_plan` lists all problems at once; storage saves a
plan only when the tuple is empty, so a bad session never exists, not even briefly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.timezones import unknown_zone_problem, zone

MAX_DURATION = timedelta(hours=24)
MAX_SEATS = 500
MAX_TITLE = 200
MAX_PLACE = 300
MAX_URL = 2000
METHOD_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """One session as planned. Instants are aware UTC; ``timezone`` is the organiser's zone.

    ``case_bringer_places`` of the ``seats_max`` seats are kept for people bringing a case
    (see ``booking``); ``min_size_deadline`` is when a session under ``seats_min`` is flagged.
    """

    title: str
    method: str | None
    starts_at: datetime
    duration: timedelta
    timezone: str
    place: str = ""
    online_url: str = ""
    seats_max: int = 8
    seats_min: int = 0
    case_bringer_places: int = 1
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    cancel_deadline: datetime | None = None
    min_size_deadline: datetime | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + self.duration


def check_plan(plan: SessionPlan, now: datetime) -> tuple[Problem, ...]:
    """Every problem with ``plan`` as of ``now``; empty when it may be saved."""
    problems: list[Problem] = []
    problems += _texts(plan)
    problems += _times(plan, now)
    problems += _seats(plan)
    if zone(plan.timezone) is None:
        problems.append(unknown_zone_problem(plan.timezone))
    return tuple(problems)


def _texts(plan: SessionPlan) -> list[Problem]:
    found: list[Problem] = []
    if not plan.title.strip():
        found.append(Problem("title", "Give the session a title, e.g. “Intervision, group A”."))
    elif len(plan.title) > MAX_TITLE:
        found.append(
            Problem("title", f"The title is {len(plan.title)} characters; keep it to {MAX_TITLE}.")
        )
    if len(plan.place) > MAX_PLACE:
        found.append(
            Problem("place", f"The place is {len(plan.place)} characters; keep it to {MAX_PLACE}.")
        )
    if plan.online_url:
        found += _online_url(plan.online_url)
    if plan.method is not None and not METHOD_SLUG.fullmatch(plan.method):
        # Whether the catalogue has this method is the caller's check; this catches garbage.
        found.append(Problem("method", "Choose the method from the list."))
    return found


def _online_url(url: str) -> list[Problem]:
    if len(url) > MAX_URL:
        return [Problem("online_url", f"The online link is too long; keep it to {MAX_URL}.")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            Problem(
                "online_url",
                "The online link must be a web address starting with https:// (or http://), "
                "e.g. https://meet.example.org/intervision.",
            )
        ]
    return []


def _times(plan: SessionPlan, now: datetime) -> list[Problem]:
    aware = [
        (name, value)
        for name, value in (
            ("starts_at", plan.starts_at),
            ("signup_opens_at", plan.signup_opens_at),
            ("signup_closes_at", plan.signup_closes_at),
            ("cancel_deadline", plan.cancel_deadline),
            ("min_size_deadline", plan.min_size_deadline),
        )
        if value is not None
    ]
    naive = [name for name, value in aware if value.tzinfo is None]
    if naive:
        # A programming error upstream, but worded for people: nothing else can be compared.
        return [Problem(name, "This time has no time zone; enter it again.") for name in naive]
    found: list[Problem] = []
    if plan.starts_at <= now:
        found.append(Problem("starts_at", "The start is in the past; choose a later date."))
    if plan.duration <= timedelta(0):
        found.append(Problem("duration", "The session must last longer than zero minutes."))
    elif plan.duration > MAX_DURATION:
        found.append(
            Problem("duration", "A session lasts at most 24 hours; plan several sessions instead.")
        )
    opens, closes = plan.signup_opens_at, plan.signup_closes_at
    if opens is not None and closes is not None and opens >= closes:
        found.append(
            Problem("signup_opens_at", "Sign-up opens after it closes; open it before it closes.")
        )
    if closes is not None and closes > plan.starts_at:
        found.append(
            Problem(
                "signup_closes_at",
                "Sign-up closes after the session starts; close it at the start or earlier.",
            )
        )
    if opens is not None and opens >= plan.starts_at:
        found.append(
            Problem("signup_opens_at", "Sign-up opens after the session starts; open it earlier.")
        )
    if plan.cancel_deadline is not None and plan.cancel_deadline > plan.starts_at:
        found.append(
            Problem(
                "cancel_deadline",
                "The cancellation deadline is after the start; set it at the start or earlier.",
            )
        )
    if plan.min_size_deadline is not None and plan.min_size_deadline > plan.starts_at:
        found.append(
            Problem(
                "min_size_deadline",
                "The minimum-size check is after the start; set it before the session.",
            )
        )
    return found


def _seats(plan: SessionPlan) -> list[Problem]:
    found: list[Problem] = []
    if plan.seats_max < 1:
        found.append(Problem("seats_max", "A session needs at least one seat."))
    elif plan.seats_max > MAX_SEATS:
        found.append(Problem("seats_max", f"At most {MAX_SEATS} seats; split the session."))
    if plan.seats_min < 0:
        found.append(Problem("seats_min", "The minimum size cannot be negative; use 0 for none."))
    elif plan.seats_max >= 1 and plan.seats_min > plan.seats_max:
        found.append(
            Problem(
                "seats_min",
                f"The minimum size ({plan.seats_min}) is above the seats ({plan.seats_max}); "
                "lower the minimum or add seats.",
            )
        )
    if plan.case_bringer_places < 0:
        found.append(
            Problem("case_bringer_places", "Case-bringer places cannot be negative; use 0.")
        )
    elif plan.seats_max >= 1 and plan.case_bringer_places > plan.seats_max:
        found.append(
            Problem(
                "case_bringer_places",
                f"{plan.case_bringer_places} case-bringer places do not fit in "
                f"{plan.seats_max} seats; lower them or add seats.",
            )
        )
    return found
