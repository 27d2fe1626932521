"""What the sheet and session pages show, assembled from the service's frozen records.

Privacy is decided here, once: a learner sees who else is in a session only when they hold a
seat in it themselves; instructors see everyone. People are named by ``context.display_names``
(their shared name, else a stable pseudonym; never the platform's ``sub``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.catalogue import CatalogueUnavailable, get_catalogue
from lti_app.domain.signups.booking import (
    Booking,
    BookingStatus,
    Intent,
    Refusal,
    SessionState,
    waitlist_position,
    window_refusal,
)
from lti_app.domain.signups.timezones import ZoneSource
from lti_app.i18n import gettext, lazy_gettext
from lti_app.services import signup_groups, signups
from lti_app.services.signups import AuditRecord, BookingRecord, SessionRecord, SessionSummary
from lti_app.web.signups import forms
from lti_app.web.signups.context import (
    Here,
    current_viewer_zone,
    display_names,
    time_element,
    zone_label,
)
from lti_app.web.signups.outcomes import outcome_messages
from lti_app.web.signups.words import INTENT_LABELS

INTENT_TITLES = {
    Intent.CASE_BRINGER: lazy_gettext("Case-bringer"),
    Intent.CONSULTANT: lazy_gettext("Consultant"),
}
"""The role at the start of a table cell (German nouns keep their capitals: no ``capitalize``)."""
STATUS_LABELS = {
    BookingStatus.CONFIRMED: lazy_gettext("Confirmed"),
    BookingStatus.WAITLISTED: lazy_gettext("Waitlisted"),
    BookingStatus.CANCELLED: lazy_gettext("Cancelled"),
    BookingStatus.ATTENDED: lazy_gettext("Confirmed"),
    BookingStatus.NO_SHOW: lazy_gettext("Confirmed"),
}
ATTENDANCE_LABELS = {
    BookingStatus.ATTENDED: lazy_gettext("Attended"),
    BookingStatus.NO_SHOW: lazy_gettext("No-show"),
}
ACTION_LABELS = {
    signups.OVERRIDE: lazy_gettext("Seat given by an instructor"),
    signups.INSTRUCTOR_CANCEL: lazy_gettext("Taken off the session by an instructor"),
    signups.MOVE_OUT: lazy_gettext("Moved to another session"),
    signups.MOVE_IN: lazy_gettext("Moved here from another session"),
    signups.CAPACITY_CHANGE: lazy_gettext("Seats changed"),
    signups.SESSION_CANCEL: lazy_gettext("Session cancelled"),
    signups.ATTENDANCE: lazy_gettext("Attendance marked"),
}
WINDOW_LABELS = {
    Refusal.SESSION_CANCELLED: lazy_gettext("Cancelled"),
    Refusal.STARTED: lazy_gettext("Started"),
    Refusal.NOT_OPEN_YET: lazy_gettext("Sign-up not open yet"),
    Refusal.CLOSED: lazy_gettext("Sign-up closed"),
}


def method_names() -> dict[str, str]:
    """The catalogue's methods by slug; none when the course has no catalogue (sign-ups work
    without one)."""
    try:
        return {method.slug: method.name for method in get_catalogue().methods}
    except CatalogueUnavailable:
        return {}


def state_of(roster: Sequence[BookingRecord]) -> SessionState:
    return SessionState(
        tuple(
            Booking(b.id, b.user_id, b.intent, b.status, b.arrival, b.override_by) for b in roster
        )
    )


@dataclass(frozen=True)
class Row:
    """One session on the sheet, for one viewer."""

    record: SessionRecord
    seated: int
    waitlisted: int
    mine: BookingRecord | None
    position: int | None
    window: Refusal | None

    @property
    def seats_left(self) -> int:
        return max(self.record.plan.seats_max - self.seated, 0)

    @property
    def active_mine(self) -> BookingRecord | None:
        if self.mine is None or self.mine.status is BookingStatus.CANCELLED:
            return None
        return self.mine


def _rows(where: Here, summaries: Sequence[SessionSummary], now: datetime) -> list[Row]:
    mine = {
        b.session_id: b
        for b in signups.my_bookings(where.scope, sheet_id=where.sheet.id, user_id=where.user_id)
    }
    rows = []
    for summary in summaries:
        record = summary.session
        booking = mine.get(record.id)
        position = None
        if booking is not None and booking.status is BookingStatus.WAITLISTED:
            _, roster = signups.session_roster(
                where.scope, sheet_id=where.sheet.id, session_id=record.id
            )
            position = waitlist_position(state_of(roster), where.user_id)
        rows.append(
            Row(
                record,
                summary.seated,
                summary.waitlisted,
                booking,
                position,
                window_refusal(record.rules, now),
            )
        )
    return rows


def _common(where: Here, now: datetime) -> dict[str, Any]:
    viewer = current_viewer_zone(where.sheet)
    return {
        "outcomes": outcome_messages(request.args),  # what the post before this page did
        "here": where,
        "sheet": where.sheet,
        "viewer": viewer,
        "zone_label": zone_label(viewer, now),
        # Carried in links and forms only when it is the browser's own (signups.js fills it).
        "tz": viewer.name if viewer.source is ZoneSource.BROWSER else None,
        "now": now,
        "when": lambda instant: time_element(instant, viewer.name),
        "methods": method_names(),
        "intent_labels": INTENT_LABELS,
        "intent_titles": INTENT_TITLES,
        "status_labels": STATUS_LABELS,
        "attendance_labels": ATTENDANCE_LABELS,
        "window_labels": WINDOW_LABELS,
        "is_instructor": where.launch.is_instructor,
        "Intent": Intent,
        "BookingStatus": BookingStatus,
        "calendar_url": calendar_url,
        "feed_page_url": feed_page_url(),
    }


def calendar_url(booking_id: int) -> str | None:
    """The calendar blueprint's .ics of a booking, when that blueprint is installed."""
    if "calendar.booking_ics" not in current_app.view_functions:
        return None
    return url_for("calendar.booking_ics", booking_id=booking_id)


def feed_page_url() -> str | None:
    """The page with the private calendar feed URL, when that blueprint is installed."""
    if "calendar.feed_page" not in current_app.view_functions:
        return None
    return url_for("calendar.feed_page")


def render_sheet(where: Here) -> ResponseReturnValue:
    now = datetime.now(UTC)
    summaries = signups.sheet_sessions(where.scope, where.sheet.id)
    rows = _rows(where, summaries, now)
    return render_template(
        "signups/sheet.html",
        rows=rows,
        my_rows=[row for row in rows if row.active_mine is not None],
        **_common(where, now),
    )


@dataclass(frozen=True)
class Person:
    booking: BookingRecord
    name: str
    position: int | None


@dataclass
class SessionForms:
    """The instructor's forms on a session page (given back with errors after a bad post)."""

    cancel: forms.CancelSessionForm | None = None
    remove: forms.RemoveForm | None = None
    move: forms.MoveForm | None = None
    override: forms.OverrideForm | None = None
    roles: forms.RolesForm | None = None
    role_problems: tuple[str, ...] = ()
    errors: dict[str, list[str]] = field(default_factory=dict)


def _log_lines(
    where: Here, log: Sequence[AuditRecord], names: dict[int, str]
) -> list[dict[str, Any]]:
    lines = []
    for entry in log:
        lines.append(
            {
                "entry": entry,
                "action": ACTION_LABELS.get(entry.action, entry.action.replace("_", " ")),
                "actor": names.get(entry.actor_id)
                if entry.actor_id is not None
                else gettext("The tool"),
                "subject": names.get(entry.subject_user_id)
                if entry.subject_user_id is not None
                else None,
                "beyond": bool(entry.detail.get("overrode_capacity")),
            }
        )
    return lines


def _group_name(where: Here, group_id: int | None) -> str | None:
    """The name of the stable group whose session this is; None when open to all."""
    if group_id is None:
        return None
    groups = signup_groups.sheet_groups(where.scope, sheet_id=where.sheet.id)
    return next((g.name for g in groups if g.id == group_id), None)


def render_session(
    where: Here, session_id: int, given: SessionForms | None = None, status: int = 200
) -> ResponseReturnValue:
    now = datetime.now(UTC)
    record, roster = signups.session_roster(
        where.scope, sheet_id=where.sheet.id, session_id=session_id
    )
    state = state_of(roster)
    mine = next((b for b in roster if b.user_id == where.user_id), None)
    seated_here = mine is not None and mine.status.holds_seat
    instructor = where.launch.is_instructor
    log: Sequence[AuditRecord] = ()
    if instructor:
        log = signups.session_log(where.scope, sheet_id=where.sheet.id, session_id=session_id)
    visible = (
        roster
        if instructor
        else (tuple(b for b in roster if b.status.holds_seat) if seated_here else ())
    )
    named_ids = [b.user_id for b in visible]
    named_ids += [uid for e in log for uid in (e.actor_id, e.subject_user_id) if uid is not None]
    named_ids += [uid for uid in (record.moderator_id, record.timekeeper_id) if uid is not None]
    names = display_names(where, named_ids)
    people = [Person(b, names[b.user_id], waitlist_position(state, b.user_id)) for b in visible]
    seated = [p for p in people if p.booking.status.holds_seat]
    context = _common(where, now)
    zone_name = context["viewer"].name
    page: dict[str, Any] = {
        "record": record,
        "plan": record.plan,
        "seated_count": len(state.seated),
        "waitlist_count": len(state.waitlist),
        "seats_left": max(record.plan.seats_max - len(state.seated), 0),
        "mine": mine if mine is not None and mine.status is not BookingStatus.CANCELLED else None,
        "my_position": waitlist_position(state, where.user_id),
        "window": window_refusal(record.rules, now),
        "cancel_open": record.plan.cancel_deadline is None or now < record.plan.cancel_deadline,
        "started": now >= record.plan.starts_at,
        "seated_people": seated,
        "waitlisted_people": [p for p in people if p.booking.status is BookingStatus.WAITLISTED],
        "cancelled_people": [p for p in people if p.booking.status is BookingStatus.CANCELLED],
        "log": _log_lines(where, log, names),
        "show_names": instructor or seated_here,
        "group_name": _group_name(where, record.group_id),
    }
    if instructor:
        given = given or SessionForms()
        others = [
            s.session
            for s in signups.sheet_sessions(where.scope, where.sheet.id)
            if s.session.id != session_id and not s.session.cancelled
        ]
        move = given.move or forms.MoveForm(formdata=None, prefix=forms.MOVE_PREFIX)
        move.user_id.choices = forms.choices(
            (p.booking.user_id, p.name)
            for p in people
            if p.booking.status is not BookingStatus.CANCELLED
        )
        move.to_session.choices = forms.choices(
            (s.id, f"{s.plan.title} ({time_element(s.plan.starts_at, zone_name).striptags()})")
            for s in others
        )
        override = given.override or forms.OverrideForm(formdata=None, prefix=forms.OVERRIDE_PREFIX)
        override.user_id.choices = forms.choices(
            (p.booking.user_id, p.name) for p in people if not p.booking.status.holds_seat
        )
        roles = given.roles or forms.RolesForm(formdata=None, prefix=forms.ROLES_PREFIX)
        seated_choices = forms.choices(
            [(forms.FAIR, gettext("Next in the fair rotation"))]
            + [(p.booking.user_id, p.name) for p in seated]
        )
        roles.moderator.choices = seated_choices
        roles.timekeeper.choices = seated_choices
        if given.roles is None:
            roles.moderator.data = str(record.moderator_id or "")
            roles.timekeeper.data = str(record.timekeeper_id or "")
        page.update(
            roles_form=roles,
            role_problems=given.role_problems,
            role_names={
                "moderator": names.get(record.moderator_id) if record.moderator_id else None,
                "timekeeper": names.get(record.timekeeper_id) if record.timekeeper_id else None,
            },
            cancel_session_form=given.cancel
            or forms.CancelSessionForm(formdata=None, prefix=forms.CANCEL_PREFIX),
            remove_form=given.remove or forms.RemoveForm(formdata=None),
            move_form=move,
            override_form=override,
            attendance_form=forms.AttendanceForm(formdata=None),
            can_mark=now >= record.plan.starts_at and not record.cancelled,
        )
    return render_template("signups/session.html", **page, **context), status
