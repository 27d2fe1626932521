"""In-tool notices for learners: the unread ones at the top of the sheet, all of them on the
notices page, and marking them read (a POST with its CSRF token).

A notice is what ``services.notifications`` made for one person about one session of this
course: a reminder, a change, a cancellation, or "you have a place" after a promotion from the
waitlist. Its words come from the session's plan only (title, time, place, online link), never
another participant's name or case content, so showing them here shows nothing about others.
Every query is scoped by the launch's course and person: a notice of another course or of
someone else is never listed, and marking it read changes nothing.

A promotion's notice is made by the service in the transaction that gives the seat (see
``services.notifications``), so it is on the promoted person's sheet as soon as the seat is, and
the worker's next tick emails it, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.domain.signups.timezones import ZoneSource
from lti_app.i18n import SUPPORTED, gettext, lazy_gettext, ngettext
from lti_app.lti.current import launch_required
from lti_app.services import notifications
from lti_app.services.notifications import NoticeRecord
from lti_app.web.signups import forms
from lti_app.web.signups.context import (
    Here,
    bp,
    current_viewer_zone,
    here,
    time_element,
    zone_arguments,
    zone_label,
)

OK = "signup-ok"
ON_SHEET = 3  # the sheet lists this many, newest first; the notices page lists them all
MAX_MARKED = 200  # notice ids in one post; the notices page lists at most this many
KIND_LABELS = {
    notifications.REMINDER: lazy_gettext("Reminder"),
    notifications.CHANGED: lazy_gettext("Session changed"),
    notifications.CANCELLED: lazy_gettext("Session cancelled"),
    notifications.PROMOTED: lazy_gettext("You have a place"),
}


class MarkReadForm(forms.Form):
    """Only the CSRF token is checked by WTForms; the ids are read as a list."""


@dataclass(frozen=True)
class Notice:
    """One unread notice as the pages show it."""

    id: int
    kind: str
    label: str
    subject: str
    lines: tuple[str, ...]
    created_at: datetime


def _lines(body: str) -> tuple[str, ...]:
    """The notice's text without the email's footer ("open the sheet in your course": here
    the reader is on it already)."""
    text = body.strip()
    for footer in {notifications.footer_text(locale) for locale in SUPPORTED}:  # as made
        if text.endswith(footer):
            text = text[: -len(footer)].rstrip()
    return tuple(text.splitlines())


def _notice(record: NoticeRecord) -> Notice:
    return Notice(
        id=record.id,
        kind=record.kind,
        label=str(KIND_LABELS.get(record.kind, lazy_gettext("Notice"))),
        subject=record.subject,
        lines=_lines(record.body),
        created_at=record.created_at,
    )


def unread_here(where: Here, now: datetime | None = None) -> list[Notice]:
    """The viewer's unread notices in this course, newest first."""
    moment = now or datetime.now(UTC)
    return [
        _notice(record)
        for record in notifications.unread_notices(where.scope, where.user_id, moment)
    ]


@bp.context_processor
def _notices_context() -> dict[str, Any]:
    """What ``signups/_notices.html`` needs on any sign-up page that includes it."""
    return {
        "unread_notices": unread_here,
        "notices_on_sheet": ON_SHEET,
    }


@bp.get("/notices/")
@launch_required
def notices() -> ResponseReturnValue:
    where = here()
    now = datetime.now(UTC)
    viewer = current_viewer_zone(where.sheet)
    return render_template(
        "signups/notices.html",
        here=where,
        sheet=where.sheet,
        viewer=viewer,
        zone_label=zone_label(viewer, now),
        tz=viewer.name if viewer.source is ZoneSource.BROWSER else None,
        notices=unread_here(where, now)[:MAX_MARKED],
        when=lambda instant: time_element(instant, viewer.name),
    )


def _posted_ids() -> list[int]:
    raw = request.form.getlist("notice_id")
    if not raw or len(raw) > MAX_MARKED:
        abort(400, description=gettext("Choose the notices to mark as read; reload the page."))
    if not all(value.isdecimal() and len(value) <= 18 for value in raw):  # a row id, no more
        abort(
            400,
            description=gettext("The form named a notice that does not exist; reload the page."),
        )
    return sorted({int(value) for value in raw})


@bp.post("/notices/read")
@launch_required
def mark_read() -> ResponseReturnValue:
    """Mark the notices named in the form as read: only the viewer's own in this course, so a
    replayed or edited form cannot touch anyone else's."""
    where = here()
    form = MarkReadForm()
    if not form.validate():
        abort(400, description=gettext("The form was incomplete; reload the page and try again."))
    marked = notifications.mark_read(where.scope, where.user_id, _posted_ids(), datetime.now(UTC))
    flash(ngettext("Notice marked as read.", "%(num)d notices marked as read.", marked), OK)
    if forms.request_back() == "sheet":
        return redirect(url_for("signups.sheet", **zone_arguments()), code=303)
    return redirect(url_for("signups.notices", **zone_arguments()), code=303)
