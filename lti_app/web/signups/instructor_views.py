"""What instructors do on a sheet: plan, edit and cancel sessions and series, and manage the
people in a session (attendance, take off, move, override capacity, CSV export).

Every view is ``instructor_required`` (a learner gets the 403 page). A form the domain finds
fault with comes back with each message next to its field, status 400, nothing saved.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.domain.signups.booking import BookingStatus, Intent, Outcome, waitlist_position
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.recurrence import EditScope
from lti_app.i18n import gettext, ngettext
from lti_app.lti.current import instructor_required
from lti_app.services import signup_groups, signups
from lti_app.services.signups import SessionRecord, StaleSession
from lti_app.web.csv_export import csv_cell as csv_cell  # exercises' CSV imports it here
from lti_app.web.signups import forms
from lti_app.web.signups.context import Here, bp, display_names, here, zone_arguments
from lti_app.web.signups.outcomes import OK, REFUSED
from lti_app.web.signups.pages import (
    ATTENDANCE_LABELS,
    STATUS_LABELS,
    SessionForms,
    method_names,
    render_session,
    state_of,
)
from lti_app.web.signups.plans import (
    fill_form,
    get_series,
    plan_from_form,
    series_edit,
    series_from_form,
)
from lti_app.web.signups.words import INTENT_LABELS, problem_text, refusal_text


def _prepare(form: forms.SessionForm, where: Here) -> None:
    names = method_names()
    form.method.choices = forms.choices([("", gettext("No particular method")), *names.items()])
    form.timezone.choices = forms.zone_choices(where.sheet.timezone, form.timezone.data or "")
    groups = signup_groups.sheet_groups(where.scope, sheet_id=where.sheet.id)
    form.group.choices = forms.choices(
        [(forms.OPEN_TO_ALL, gettext("Open to everyone on the sheet"))]
        + [(g.id, g.name) for g in groups]
    )


def _group_id(form: forms.SessionForm) -> int | None:
    """The chosen stable group (the form checked it is one of the sheet's), or None."""
    raw = form.group.data or forms.OPEN_TO_ALL
    return None if raw == forms.OPEN_TO_ALL else int(raw)


def _render_form(
    where: Here,
    form: forms.SessionForm,
    *,
    record: SessionRecord | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    general = forms.attach_problems(form, problems or [])
    return (
        render_template(
            "signups/session_form.html",
            here=where,
            sheet=where.sheet,
            form=form,
            record=record,
            general_errors=general,
            has_errors=bool(general) or any(f.errors for f in form),
            in_series=record is not None and record.series_id is not None and not record.detached,
        ),
        status,
    )


def _promoted(count: int) -> str:
    return str(
        ngettext(
            "%(num)d person from the waitlist got a seat.",
            "%(num)d people from the waitlist got a seat.",
            count,
        )
    )


def _session_record(where: Here, session_id: int) -> SessionRecord:
    record, _ = signups.session_roster(where.scope, sheet_id=where.sheet.id, session_id=session_id)
    return record


def _to_session(session_id: int) -> ResponseReturnValue:
    return redirect(
        url_for("signups.session_page", session_id=session_id, **zone_arguments()), code=303
    )


# --- sessions and series ------------------------------------------------------------------------


@bp.route("/sessions/new", methods=["GET", "POST"])
@instructor_required
def new_session() -> ResponseReturnValue:
    where = here()
    form = forms.NewSessionForm()
    if request.method == "GET":
        form.timezone.data = where.sheet.timezone
    _prepare(form, where)
    if request.method == "GET":
        return _render_form(where, form)
    if not form.validate():
        return _render_form(where, form, status=400)
    plan, problems = plan_from_form(form, set(method_names()))
    series, more = series_from_form(form)
    problems += more
    if plan is None or problems:
        return _render_form(where, form, problems=problems, status=400)
    now = datetime.now(UTC)
    group_id = _group_id(form)
    if series is None:
        saved = signups.create_session(
            where.scope, sheet_id=where.sheet.id, plan=plan, now=now, group_id=group_id
        )
        if saved.problems:
            return _render_form(where, form, problems=list(saved.problems), status=400)
        flash(gettext("Session “%(title)s” created.", title=plan.title), OK)
    else:
        made = signups.create_series(
            where.scope, sheet_id=where.sheet.id, series=series, template=plan, now=now,
            group_id=group_id,
        )  # fmt: skip
        if made.problems:
            return _render_form(where, form, problems=list(made.problems), status=400)
        flash(
            ngettext(
                "Series “%(title)s” created with %(num)d session.",
                "Series “%(title)s” created with %(num)d sessions.",
                len(made.created),
                title=plan.title,
            ),
            OK,
        )
    return redirect(url_for("signups.sheet", **zone_arguments()), code=303)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit_session(session_id: int) -> ResponseReturnValue:
    where = here()
    record = _session_record(where, session_id)
    form = forms.EditSessionForm()
    if request.method == "GET":
        fill_form(form, record)
    _prepare(form, where)
    if record.cancelled:
        flash(gettext("This session is cancelled; it can no longer be changed."), REFUSED)
        return _to_session(session_id)
    if request.method == "GET":
        return _render_form(where, form, record=record)
    if not form.validate():
        return _render_form(where, form, record=record, status=400)
    try:
        expected = int(form.version.data or "")
    except ValueError:
        abort(400, description=gettext("The form lost its version; reload the page."))
    plan, problems = plan_from_form(form, set(method_names()), keep=record.plan)
    if plan is None or problems:
        return _render_form(where, form, record=record, problems=problems, status=400)
    now = datetime.now(UTC)
    apply_to = form.apply_to.data or forms.THIS_ONLY
    if record.series_id is None or record.detached or apply_to == forms.THIS_ONLY:
        saved = signups.edit_session(
            where.scope,
            sheet_id=where.sheet.id,
            session_id=session_id,
            plan=plan,
            expected_version=expected,
            editor_id=where.user_id,
            now=now,
            reason=form.reason.data or "",
            group=signups.GroupChoice(_group_id(form)),
        )
        if saved.problems:
            return _render_form(
                where, form, record=record, problems=list(saved.problems), status=400
            )
        flash(gettext("Session saved."), OK)
        if saved.promoted:
            flash(_promoted(len(saved.promoted)), OK)
        return _to_session(session_id)
    if record.version != expected:
        raise StaleSession(f"session {session_id}: form had version {expected}")
    series = get_series(where.scope, where.sheet.id, record.series_id)
    edited, problems = series_edit(record, series, plan)
    if edited is None:
        return _render_form(where, form, record=record, problems=problems, status=400)
    result = signups.edit_series(
        where.scope,
        sheet_id=where.sheet.id,
        series_id=record.series_id,
        series=edited,
        template=plan,
        now=now,
        edit_scope=EditScope(apply_to),
        from_key=record.occurrence_key,
        editor_id=where.user_id,
        reason=form.reason.data or "",
    )
    if result.problems:
        return _render_form(where, form, record=record, problems=list(result.problems), status=400)
    if _group_id(form) != record.group_id:  # the group is this session's, not the series'
        signup_groups.assign_group(
            where.scope, sheet_id=where.sheet.id, session_id=session_id,
            group_id=_group_id(form), now=now,
        )  # fmt: skip
    flash(
        ngettext(
            "Series saved: %(moved)s sessions moved, %(num)d changed at its own time, "
            "%(added)s added, %(cancelled)s cancelled.",
            "Series saved: %(moved)s sessions moved, %(num)d changed at their own time, "
            "%(added)s added, %(cancelled)s cancelled.",
            len(result.updated),
            moved=len(result.moved),
            added=len(result.created),
            cancelled=len(result.cancelled),
        ),
        OK,
    )
    if result.promoted:
        flash(_promoted(len(result.promoted)), OK)
    return redirect(url_for("signups.sheet", **zone_arguments()), code=303)


@bp.post("/sessions/<int:session_id>/cancel")
@instructor_required
def cancel_session(session_id: int) -> ResponseReturnValue:
    where = here()
    record = _session_record(where, session_id)
    form = forms.CancelSessionForm(prefix=forms.CANCEL_PREFIX)
    if not form.validate():
        return render_session(where, session_id, SessionForms(cancel=form), status=400)
    now = datetime.now(UTC)
    reason = form.reason.data or ""
    if form.whole_series.data and record.series_id is not None:
        cancelled = signups.cancel_series(
            where.scope,
            sheet_id=where.sheet.id,
            series_id=record.series_id,
            instructor_id=where.user_id,
            reason=reason,
            now=now,
        )
        flash(
            ngettext(
                "%(num)d session of the series is cancelled.",
                "%(num)d sessions of the series are cancelled.",
                len(cancelled),
            ),
            OK,
        )
    else:
        signups.cancel_session(
            where.scope,
            sheet_id=where.sheet.id,
            session_id=session_id,
            instructor_id=where.user_id,
            reason=reason,
            now=now,
        )
        flash(gettext("Session “%(title)s” is cancelled.", title=record.plan.title), OK)
    return redirect(url_for("signups.sheet", **zone_arguments()), code=303)


# --- people in a session ------------------------------------------------------------------------


def _user_id(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        abort(400, description=gettext("The form does not name a person; reload the page."))


@bp.post("/sessions/<int:session_id>/attendance")
@instructor_required
def attendance(session_id: int) -> ResponseReturnValue:
    where = here()
    form = forms.AttendanceForm()
    if not form.validate() or form.attended.data not in ("yes", "no"):
        abort(400, description=gettext("The attendance form was incomplete; reload the page."))
    decision = signups.mark_attendance(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=session_id,
        user_id=_user_id(form.user_id.data),
        attended=form.attended.data == "yes",
        instructor_id=where.user_id,
        now=datetime.now(UTC),
    )
    if decision.outcome is Outcome.REFUSED:
        flash(refusal_text(decision), REFUSED)
    else:
        name = display_names(where, [decision.booking.user_id])  # type: ignore[union-attr]
        person = next(iter(name.values()))
        if form.attended.data == "yes":
            flash(gettext("%(name)s is marked attended.", name=person), OK)
        else:
            flash(gettext("%(name)s is marked a no-show.", name=person), OK)
    return _to_session(session_id)


@bp.post("/sessions/<int:session_id>/remove")
@instructor_required
def remove(session_id: int) -> ResponseReturnValue:
    where = here()
    form = forms.RemoveForm()
    if not form.validate():
        return render_session(where, session_id, SessionForms(remove=form), status=400)
    decision = signups.cancel_booking(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=session_id,
        user_id=_user_id(form.user_id.data),
        now=datetime.now(UTC),
        instructor_id=where.user_id,
        reason=form.reason.data or "",
    )
    if decision.outcome is Outcome.CANCELLED:
        flash(gettext("The booking is cancelled."), OK)
        if decision.promoted:
            flash(_promoted(len(decision.promoted)), OK)
    else:
        flash(refusal_text(decision), REFUSED)
    return _to_session(session_id)


@bp.post("/sessions/<int:session_id>/move")
@instructor_required
def move(session_id: int) -> ResponseReturnValue:
    where = here()
    form = forms.MoveForm(prefix=forms.MOVE_PREFIX)
    if not form.validate() or form.user_id.data is None or form.to_session.data is None:
        return render_session(where, session_id, SessionForms(move=form), status=400)
    decision = signups.move(
        where.scope,
        sheet_id=where.sheet.id,
        from_session_id=session_id,
        to_session_id=form.to_session.data,
        user_id=form.user_id.data,
        instructor_id=where.user_id,
        reason=form.reason.data or "",
        now=datetime.now(UTC),
        beyond_capacity=bool(form.beyond_capacity.data),
    )
    if decision.refused:
        flash(refusal_text(decision.source) or refusal_text(decision.target), REFUSED)
        return _to_session(session_id)
    outcome = decision.target.outcome
    if outcome is Outcome.CONFIRMED:
        flash(gettext("Moved: the person has a seat there."), OK)
    else:
        flash(
            gettext(
                "Moved: the person is number %(position)s on its waitlist.",
                position=decision.target.position,
            ),
            OK,
        )
    return _to_session(session_id)


@bp.post("/sessions/<int:session_id>/override")
@instructor_required
def override(session_id: int) -> ResponseReturnValue:
    where = here()
    form = forms.OverrideForm(prefix=forms.OVERRIDE_PREFIX)
    if not form.validate() or form.user_id.data is None:
        return render_session(where, session_id, SessionForms(override=form), status=400)
    try:
        intent = Intent(form.intent.data)
    except ValueError:
        abort(400, description=gettext("Choose the role."))
    decision = signups.override(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=session_id,
        user_id=form.user_id.data,
        intent=intent,
        instructor_id=where.user_id,
        reason=form.reason.data or "",
        now=datetime.now(UTC),
    )
    if decision.outcome is Outcome.REFUSED:
        flash(refusal_text(decision), REFUSED)
    elif decision.overrode_capacity:
        flash(gettext("Seat given beyond the session's capacity; the log shows who and why."), OK)
    else:
        flash(gettext("Seat given; the log shows who and why."), OK)
    return _to_session(session_id)


@bp.post("/sessions/<int:session_id>/roles")
@instructor_required
def roles(session_id: int) -> ResponseReturnValue:
    """Moderator and timekeeper from the seated people: the instructor's picks, the rest by
    the fair rotation over the sheet's sessions (``services.signups.rotate_roles``)."""
    where = here()
    form = forms.RolesForm(prefix=forms.ROLES_PREFIX)
    if not form.validate():
        abort(400, description=gettext("The roles form was incomplete; reload the page."))
    fixed: dict[str, int] = {}
    for role, value in (("moderator", form.moderator.data), ("timekeeper", form.timekeeper.data)):
        if value:
            fixed[role] = _user_id(value)
    rotation = signups.rotate_roles(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=session_id,
        now=datetime.now(UTC),
        fixed=fixed,
    )
    if rotation.problems:
        problems = tuple(problem_text(problem.message) for problem in rotation.problems)
        given = SessionForms(roles=form, role_problems=problems)
        return render_session(where, session_id, given, status=400)
    flash(gettext("Moderator and timekeeper are set."), OK)
    return _to_session(session_id)


# --- export -------------------------------------------------------------------------------------


@bp.get("/sessions/<int:session_id>/roster.csv")
@instructor_required
def roster_csv(session_id: int) -> ResponseReturnValue:
    """Names, role, status, waitlist place and attendance. Nothing about anyone's case."""
    where = here()
    record, roster = signups.session_roster(
        where.scope, sheet_id=where.sheet.id, session_id=session_id
    )
    state = state_of(roster)
    names = display_names(where, [b.user_id for b in roster])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            gettext("Name"),
            gettext("Role"),
            gettext("Status"),
            gettext("Waitlist position"),
            gettext("Attendance"),
        ]
    )
    for booking in roster:
        position = None
        if booking.status is BookingStatus.WAITLISTED:
            position = waitlist_position(state, booking.user_id)
        writer.writerow(
            [
                csv_cell(names[booking.user_id]),
                str(INTENT_LABELS[booking.intent]),
                str(STATUS_LABELS[booking.status]).lower(),
                str(position) if position is not None else "",
                str(ATTENDANCE_LABELS.get(booking.status, "")).lower(),
            ]
        )
    day = record.plan.starts_at.strftime("%Y-%m-%d")
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="session-{record.id}-{day}-roster.csv"'
    )
    return response
