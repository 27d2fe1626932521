"""Roles over the term (instructors): per role, who took it how often and who has not yet,
and a button giving every upcoming session still missing a moderator or timekeeper its roles
by the fair rotation."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.i18n import gettext, lazy_gettext, ngettext
from lti_app.lti.current import instructor_required
from lti_app.services import signup_rotation
from lti_app.web.signups import admin_forms
from lti_app.web.signups.context import (
    bp,
    current_viewer_zone,
    display_names,
    here,
    time_element,
    zone_label,
)
from lti_app.web.signups.outcomes import OK, REFUSED
from lti_app.web.signups.words import problem_text

ROLE_LABELS = {
    "case-bringer": lazy_gettext("Case-bringer"),
    "moderator": lazy_gettext("Moderator"),
    "timekeeper": lazy_gettext("Timekeeper"),
}
EVERYONE_LABELS = {
    "case-bringer": lazy_gettext("Everyone has been case-bringer at least once."),
    "moderator": lazy_gettext("Everyone has been moderator at least once."),
    "timekeeper": lazy_gettext("Everyone has been timekeeper at least once."),
}
"""A whole sentence per role: languages inflect the role inside it differently."""


@bp.get("/rotation")
@instructor_required
def rotation() -> ResponseReturnValue:
    where = here()
    now = datetime.now(UTC)
    overview = signup_rotation.rotation_overview(where.scope, sheet_id=where.sheet.id, now=now)
    names = display_names(where, overview.members)
    viewer = current_viewer_zone(where.sheet)
    return render_template(
        "signups/rotation.html",
        here=where,
        sheet=where.sheet,
        viewer=viewer,
        zone_label=zone_label(viewer, now),
        when=lambda instant: time_element(instant, viewer.name),
        overview=overview,
        names=names,
        role_labels=ROLE_LABELS,
        everyone_labels=EVERYONE_LABELS,
        rotate_form=admin_forms.RotateForm(formdata=None),
    )


@bp.post("/rotation/rotate")
@instructor_required
def rotate_upcoming() -> ResponseReturnValue:
    where = here()
    if not admin_forms.RotateForm().validate():
        abort(400, description=gettext("The form expired; reload the page."))
    result = signup_rotation.rotate_upcoming(
        where.scope, sheet_id=where.sheet.id, now=datetime.now(UTC)
    )
    count = len(result.assigned)
    flash(
        ngettext(
            "%(num)d session has its roles now.", "%(num)d sessions have their roles now.", count
        ),
        OK,
    )
    if result.problems:
        flash(
            gettext(
                "%(count)s could not be given roles yet: %(reasons)s",
                count=len(result.problems),
                reasons=" ".join(problem_text(message) for _, message in result.problems[:3]),
            ),
            REFUSED,
        )
    return redirect(url_for("signups.rotation"), code=303)
