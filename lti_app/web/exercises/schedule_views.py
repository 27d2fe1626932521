"""The instructor's phase schedule of an asynchronous or hybrid exercise: per phase a deadline
(a date-time in their time zone) or a duration from the round's start.

The form only parses what was typed (``phase-<i>-kind``, ``-at``, ``-amount``, ``-unit``, and
the ``zone``): a date-time that is not one, or that the clocks skip in the zone, is a problem on
its phase here; whether the plan may be saved (in order, in the future) is
``domain.exercises.schedule.check_plan`` through the service. Any problem re-renders the form
with every message on its phase and nothing saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.domain.exercises.schedule import DueAfter, DueAt, PhaseDue, PhasePlan
from lti_app.domain.exercises.settings import Mode
from lti_app.domain.methods import MethodSpec
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.timezones import local_to_utc, unknown_zone_problem, utc_to_local, zone
from lti_app.i18n import gettext, lazy_gettext
from lti_app.lti.current import instructor_required
from lti_app.services import exercises
from lti_app.web.exercises import forms
from lti_app.web.exercises.context import OK, bp, here
from lti_app.web.exercises.learner_views import now
from lti_app.web.exercises.words import problem_text
from lti_app.web.signups.context import course_zone
from lti_app.web.signups.forms import zone_choices

UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
UNIT_WORDS = {
    "minutes": lazy_gettext("minutes"),
    "hours": lazy_gettext("hours"),
    "days": lazy_gettext("days"),
}
"""The units as the reader reads them (the form sends the English key)."""
WALL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


@dataclass
class Row:
    """One phase on the form, as typed (or as stored, shown in the plan's zone)."""

    index: int
    name: str
    kind: str = "after"
    at: str = ""
    amount: str = ""
    unit: str = "days"
    errors: list[str] = field(default_factory=list)


def _rows_from_plan(method: MethodSpec, plan: PhasePlan, tz: str) -> list[Row]:
    rows = []
    for index, (phase, entry) in enumerate(zip(method.phases, plan.entries, strict=True)):
        row = Row(index, phase.name)
        if isinstance(entry, DueAt):
            row.kind, row.at = "at", utc_to_local(entry.at, tz).strftime(WALL_FORMATS[0])
        else:
            minutes = int(entry.after.total_seconds() // 60)
            unit = next(u for u in ("days", "hours", "minutes") if minutes % UNITS[u] == 0)
            row.amount, row.unit = str(minutes // UNITS[unit]), unit
        rows.append(row)
    return rows


def _wall(text: str) -> datetime | None:
    for pattern in WALL_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007 (a wall time, zone below)
        except ValueError:
            continue
    return None


def _parse_row(row: Row, tz: str) -> PhaseDue | Problem:
    where = f"phases.{row.index}"
    if row.kind == "at":
        local = _wall(row.at)
        if local is None:
            return Problem(
                where,
                f"'{row.name}': give the date and time it ends, such as 2027-03-01 17:00.",
            )
        instant = local_to_utc(local, tz, where)
        return instant if isinstance(instant, Problem) else DueAt(instant)
    if row.kind == "after":
        amount = forms.parse_int(row.amount)
        if amount is None or amount <= 0 or row.unit not in UNITS:
            return Problem(
                where,
                f"'{row.name}': give a whole number of minutes, hours or days after the "
                "round's start, such as 2 days.",
            )
        return DueAfter(timedelta(minutes=amount * UNITS[row.unit]))
    return Problem(where, f"'{row.name}': choose a date-time or a duration.")


def _rows_from_request(method: MethodSpec) -> list[Row]:
    return [
        Row(
            index,
            phase.name,
            kind=request.form.get(f"phase-{index}-kind", ""),
            at=request.form.get(f"phase-{index}-at", "").strip(),
            amount=request.form.get(f"phase-{index}-amount", "").strip(),
            unit=request.form.get(f"phase-{index}-unit", ""),
        )
        for index, phase in enumerate(method.phases)
    ]


def _attach(rows: list[Row], problems: tuple[Problem, ...], general: list[str]) -> None:
    for problem in problems:
        index = (
            forms.parse_int(problem.field.removeprefix("phases.")) if "." in problem.field else None
        )
        if index is not None and 0 <= index < len(rows):
            rows[index].errors.append(problem_text(problem.message))
        else:
            general.append(problem_text(problem.message))


@bp.route("/schedule", methods=["GET", "POST"])
@instructor_required
def schedule() -> ResponseReturnValue:
    where = here()
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    adapted = exercises.exercise_method(where.scope, where.exercise_id)
    settings = exercise.settings
    if settings is None or adapted is None:
        flash(gettext("Choose the exercise's method and mode first."), OK)
        return redirect(url_for("exercises.settings"), code=303)
    method = adapted.spec
    form = forms.Form()
    general: list[str] = []
    status = 200
    tz = exercise.phase_plan_zone or course_zone(where.launch)
    rows = _rows_from_plan(method, exercises.plan_of(exercise, method), tz)
    if request.method == "POST":
        status = 400
        tz = request.form.get("zone", "")
        rows = _rows_from_request(method)
        if not form.validate():
            general.append(gettext("The form was incomplete; reload the page and try again."))
        elif zone(tz) is None:
            general.append(unknown_zone_problem(tz or "(none)", "zone").message)
        else:
            parsed = [_parse_row(row, tz) for row in rows]
            unread = tuple(p for p in parsed if isinstance(p, Problem))
            entries = [None if isinstance(p, Problem) else p for p in parsed]
            saved = exercises.set_phase_plan(where.scope, where.exercise_id, entries, tz, now=now())
            problems = unread + saved.problems
            if saved.exercise is not None:
                moved = saved.rounds_moved
                flash(
                    gettext(
                        "The phase schedule is saved. %(count)s running round(s) follow it.",
                        count=moved,
                    )
                    if moved
                    else gettext("The phase schedule is saved."),
                    OK,
                )
                return redirect(url_for("exercises.schedule"), code=303)
            _attach(rows, problems, general)
    return (
        render_template(
            "exercises/schedule.html",
            exercise=exercise,
            live=settings.mode is Mode.LIVE,
            set_yet=exercise.phase_plan is not None,
            rows=rows,
            form=form,
            zone=tz,
            zones=zone_choices(tz),
            units=tuple(UNITS),
            unit_words=UNIT_WORDS,
            general_problems=general,
        ),
        status,
    )
