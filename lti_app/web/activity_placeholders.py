"""Sign-up sheets and peer-feedback exercises: a clear placeholder until their screens ship.

Links created by deep linking already carry ``kind`` (``signup`` / ``peer-feedback``) and the
activity id, so when the real screens arrive the same course links open them. Until then a
launch shows what the activity is and that it is coming, never an error. Activity cards in
module pages link to ``/activities/<id>`` (iv-activity.js), which lands here too.

The placeholder is only a *fallback* for these kinds: a feature such as ``web/signups`` that
registers ``signup`` in its own ``init_app`` takes those launches over, whichever ``init_app``
runs first.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.catalogue import CatalogueError, get_catalogue
from lti_app.lti.deep_linking import REF_PARAMETER
from lti_app.lti.dispatch import register_fallback_handler
from lti_app.lti.launch import Launch

bp = Blueprint("activities", __name__, template_folder="templates")
KIND_NAMES = {"signup": "session sign-up sheet", "peer-feedback": "peer-feedback exercise"}


@bp.get("/activities/<activity_id>")
def placeholder(activity_id: str) -> ResponseReturnValue:
    try:
        activity = get_catalogue().activity(activity_id)
    except CatalogueError:
        activity = None
    kind_name = KIND_NAMES.get(activity.type, "activity") if activity else "activity"
    return render_template(
        "modules/activity_placeholder.html",
        activity=activity,
        activity_id=activity_id,
        kind_name=kind_name,
    )


def open_activity(launch: Launch) -> ResponseReturnValue:
    activity_id = launch.custom.get(REF_PARAMETER, "") or "unknown"
    return redirect(url_for("activities.placeholder", activity_id=activity_id), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_fallback_handler(app, KIND_NAMES, open_activity)
