"""The sheet's settings (instructors): its default time zone, and whether the worker cancels
sessions still under their minimum size at their deadline, with everyone informed; and the
sessions that are under their minimum now. The sheet page lists those too
(``under_minimum_rows``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.i18n import gettext
from lti_app.lti.current import instructor_required
from lti_app.services import sheet_settings
from lti_app.services.sheet_settings import SettingsPage
from lti_app.services.signups import SessionSummary, SheetRecord
from lti_app.web.signups import admin_forms, forms
from lti_app.web.signups.context import (
    Here,
    bp,
    current_viewer_zone,
    here,
    remember_sheet,
    time_element,
    zone_label,
)
from lti_app.web.signups.outcomes import OK


@bp.app_template_global()
def under_minimum_rows(rows: Iterable[Any], now: datetime) -> list[Any]:
    """The sheet page's rows whose session is under its minimum size past its deadline."""
    return [
        row
        for row in rows
        if sheet_settings.is_under_minimum(
            SessionSummary(row.record, row.seated, row.waitlisted), now
        )
    ]


def _render(
    where: Here, form: admin_forms.SettingsForm | None = None, status: int = 200
) -> ResponseReturnValue:
    now = datetime.now(UTC)
    page: SettingsPage = sheet_settings.settings_page(where.scope, sheet_id=where.sheet.id, now=now)
    if form is None:
        form = admin_forms.SettingsForm(formdata=None)
        form.timezone.data = page.settings.timezone
        form.cancel_under_minimum.data = page.settings.cancel_under_minimum
    form.timezone.choices = forms.zone_choices(page.settings.timezone, form.timezone.data or "")
    viewer = current_viewer_zone(where.sheet)
    return (
        render_template(
            "signups/settings.html",
            here=where,
            sheet=where.sheet,
            viewer=viewer,
            zone_label=zone_label(viewer, now),
            when=lambda instant: time_element(instant, viewer.name),
            form=form,
            settings=page.settings,
            under_minimum=page.under_minimum,
        ),
        status,
    )


@bp.route("/settings", methods=["GET", "POST"])
@instructor_required
def settings() -> ResponseReturnValue:
    where = here()
    if request.method == "GET":
        return _render(where)
    form = admin_forms.SettingsForm()
    if not form.validate():
        return _render(where, form, status=400)
    saved = sheet_settings.save_settings(
        where.scope,
        sheet_id=where.sheet.id,
        timezone=form.timezone.data or "",
        cancel_under_minimum=bool(form.cancel_under_minimum.data),
        now=datetime.now(UTC),
    )
    if saved.settings is None:
        forms.attach_problems(form, saved.problems)
        return _render(where, form, status=400)
    # The launch's remembered sheet shows the new zone from the next page on.
    remember_sheet(
        where.launch,
        # (remember_sheet keeps only the id, title and zone of the record)
        SheetRecord(
            id=where.sheet.id,
            resource_link_id="",
            activity_id=None,
            title=where.sheet.title,
            lineitem_url=None,
            timezone=saved.settings.timezone,
        ),
    )
    flash(gettext("Settings saved."), OK)
    return redirect(url_for("signups.settings"), code=303)
