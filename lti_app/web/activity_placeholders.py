"""Sign-up sheets and peer-feedback exercises: a clear placeholder until their screens ship.

Links created by deep linking already carry ``kind`` (``signup`` / ``peer-feedback``) and the
activity id, so when the real screens arrive the same course links open them. Until then a
launch shows what the activity is and that it is coming, never an error. Activity cards in
module pages link to ``/activities/<id>`` (iv-activity.js), which lands here too.

The placeholder is only a *fallback* for the catalogue's activity kinds
(``domain/activities.py``): a feature such as ``web/signups`` that registers ``signup`` in its
own ``init_app`` takes those launches over, whichever ``init_app`` runs first. Without a
catalogue the page is the one 503 page (``CatalogueUnavailable``), like every other page.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.catalogue import get_catalogue
from lti_app.domain.activities import CATALOGUE_ACTIVITY_KINDS
from lti_app.i18n import words
from lti_app.lti.deep_linking import REF_PARAMETER
from lti_app.lti.dispatch import feature_opens, register_fallback_handler
from lti_app.lti.launch import Launch

bp = Blueprint("activities", __name__, template_folder="templates")


@bp.get("/activities/<activity_id>")
def placeholder(activity_id: str) -> ResponseReturnValue:
    activity = get_catalogue().activity(activity_id)
    return render_template(
        "modules/activity_placeholder.html",
        activity=activity,
        activity_id=activity_id,
        kind_name=words.kind_name(activity.kind.id if activity else ""),
        kind_label=words.kind_label(activity.kind.id if activity else ""),
        # A kind this installation runs opens from its own course link (its resource link
        # carries the sheet or exercise); only a kind without screens is "coming soon".
        opens_here=activity is not None and feature_opens(current_app, activity.kind.launch_kind),
    )


def open_activity(launch: Launch) -> ResponseReturnValue:
    activity_id = launch.custom.get(REF_PARAMETER, "") or "unknown"
    return redirect(url_for("activities.placeholder", activity_id=activity_id), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_fallback_handler(
        app, (kind.launch_kind for kind in CATALOGUE_ACTIVITY_KINDS), open_activity
    )
