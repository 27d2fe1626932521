"""From the session form to the domain's values and back: wall times in the organiser's zone
become UTC instants (``timezones.local_to_utc``: a time the clocks skip is a Problem), and a
stored plan becomes the form's wall times again. Parsing only: the rules are ``check_plan``'s.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.plan import SessionPlan
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.recurrence import RRULE_EXAMPLE, Repeat, SeriesPlan
from lti_app.domain.signups.timezones import local_to_utc, unknown_zone_problem, utc_to_local, zone
from lti_app.i18n import gettext
from lti_app.services.signups import SeriesRecord, SessionRecord
from lti_app.storage import db, signups_repo
from lti_app.web.signups.forms import (
    OPEN_TO_ALL,
    RRULE_CHOICE,
    EditSessionForm,
    NewSessionForm,
    SessionForm,
)

INSTANT_FIELDS = ("starts_at", "signup_opens_at", "signup_closes_at", "cancel_deadline")


def plan_from_form(
    form: SessionForm, methods: set[str], keep: SessionPlan | None = None
) -> tuple[SessionPlan | None, list[Problem]]:
    """The plan the form describes, or what keeps it from being one (before ``check_plan``).

    ``keep`` is the stored plan on an edit: what the form does not show (the minimum-size
    deadline) stays as it was.
    """
    tz = (form.timezone.data or "").strip()
    if zone(tz) is None:
        return None, [unknown_zone_problem(tz)]
    problems: list[Problem] = []
    method = form.method.data or None
    kept_method = keep.method if keep is not None else None
    if method is not None and method not in methods and method != kept_method:
        problems.append(Problem("method", gettext("Choose the method from the list.")))
    if form.starts_at.data is None:
        problems.append(
            Problem("starts_at", gettext("Choose the date and time the session starts."))
        )
    if form.duration.data is None:
        problems.append(Problem("duration", gettext("Say how long the session lasts, in minutes.")))
    if form.seats_max.data is None:
        problems.append(Problem("seats_max", gettext("Say how many seats the session has.")))
    instants: dict[str, datetime | None] = {}
    for name in INSTANT_FIELDS:
        value: datetime | None = getattr(form, name).data
        if value is None:
            instants[name] = None
            continue
        converted = local_to_utc(value, tz, field=name)
        if isinstance(converted, Problem):
            problems.append(converted)
        else:
            instants[name] = converted
    if problems:
        return None, problems
    starts_at = instants["starts_at"]
    assert starts_at is not None and form.duration.data is not None
    assert form.seats_max.data is not None
    plan = SessionPlan(
        title=(form.title.data or "").strip(),
        method=method,
        starts_at=starts_at,
        duration=timedelta(minutes=form.duration.data),
        timezone=tz,
        place=(form.place.data or "").strip(),
        online_url=(form.online_url.data or "").strip(),
        seats_max=form.seats_max.data,
        seats_min=form.seats_min.data or 0,
        case_bringer_places=form.case_bringer_places.data or 0,
        signup_opens_at=instants["signup_opens_at"],
        signup_closes_at=instants["signup_closes_at"],
        cancel_deadline=instants["cancel_deadline"],
        min_size_deadline=keep.min_size_deadline if keep is not None else None,
    )
    return plan, []


def series_from_form(form: NewSessionForm) -> tuple[SeriesPlan | None, list[Problem]]:
    """None (and no problems) when the session does not repeat."""
    choice = form.repeat.data or ""
    if not choice:
        return None, []
    first = form.starts_at.data
    if first is None:
        return None, []  # already reported on starts_at
    if choice == RRULE_CHOICE:
        text = (form.rrule.data or "").strip()
        if not text:
            return None, [
                Problem("rrule", gettext("Type the rule, e.g. %(example)s.", example=RRULE_EXAMPLE))
            ]
        return SeriesPlan(first, form.timezone.data or "", rrule=text), []
    return (
        SeriesPlan(
            first,
            form.timezone.data or "",
            repeat=Repeat(choice),
            count=form.count.data,
            until=form.until.data,
        ),
        [],
    )


def fill_form(form: SessionForm, record: SessionRecord) -> None:
    """The stored session as the instructor typed it: wall times in its own zone."""
    plan = record.plan
    tz = plan.timezone

    def wall(instant: datetime | None) -> datetime | None:
        return utc_to_local(instant, tz) if instant is not None else None

    form.title.data = plan.title
    form.method.data = plan.method or ""
    form.starts_at.data = wall(plan.starts_at)
    form.timezone.data = tz
    form.duration.data = int(plan.duration.total_seconds() // 60)
    form.place.data = plan.place
    form.online_url.data = plan.online_url
    form.seats_max.data = plan.seats_max
    form.seats_min.data = plan.seats_min
    form.case_bringer_places.data = plan.case_bringer_places
    form.signup_opens_at.data = wall(plan.signup_opens_at)
    form.signup_closes_at.data = wall(plan.signup_closes_at)
    form.cancel_deadline.data = wall(plan.cancel_deadline)
    form.group.data = str(record.group_id) if record.group_id is not None else OPEN_TO_ALL
    if isinstance(form, EditSessionForm):
        form.version.data = str(record.version)


def get_series(scope: CourseScope, sheet_id: int, series_id: int) -> SeriesRecord:
    """The series as typed. (``services.signups`` has no read of one series; this is the one
    repository read the views make, scoped like every other.)"""
    with db.transaction() as session:
        return signups_repo.get_series(session, scope, series_id, sheet_id)


def series_edit(
    record: SessionRecord, series: SeriesRecord, plan: SessionPlan
) -> tuple[SeriesPlan | None, list[Problem]]:
    """The edited series when this occurrence's edit is applied to the series: the start moves
    by as much as this occurrence's wall-clock start moved. The rest of the edit (title, place,
    online link, seats, duration, deadlines) ``services.signups.edit_series`` gives to every
    session it applies to that has not started and was not edited on its own; bookings stay."""
    old_local = utc_to_local(record.plan.starts_at, record.plan.timezone)
    new_local = utc_to_local(plan.starts_at, plan.timezone)
    first = series.plan.first_local + (new_local - old_local)
    return replace(series.plan, first_local=first), []
