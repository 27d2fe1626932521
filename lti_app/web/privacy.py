"""What the tool stores about me: the LTI Data Privacy Launch lands here.

A platform's privacy link (message ``DataPrivacyLaunchRequest``, kind ``data_privacy``) opens
a page listing, by kind of record, what the tool holds about the launching person, with a JSON
download of all of it. Only the launching person's own data is shown, whoever the platform
names in ``for_user``: an administrator answering someone else's request uses
``intervision person export``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.i18n import lazy_gettext
from lti_app.lti.current import launch_required, require_launch
from lti_app.lti.dispatch import register_launch_handler
from lti_app.lti.launch import Launch
from lti_app.services import personal_data

bp = Blueprint("privacy", __name__, url_prefix="/privacy", template_folder="templates")
PRIVACY_KIND = "data_privacy"

RECORD_LABELS = {
    "module_completion": lazy_gettext("Modules you marked as done"),
    "signup_booking": lazy_gettext("Your session sign-ups and attendance"),
    "signup_group_member": lazy_gettext("Your intervision group memberships"),
    "signup_session": lazy_gettext("Sessions you moderate or keep time in"),
    "signup_audit": lazy_gettext("Changes to sign-ups made by you or for you"),
    "calendar_feed_token": lazy_gettext("Your private calendar feed"),
    "notification": lazy_gettext("Notices and emails sent to you"),
    "exercise_group_member": lazy_gettext("Your peer-feedback groups and roles"),
    "exercise_case": lazy_gettext("Cases you brought"),
    "exercise_contribution": lazy_gettext(
        "Questions, hypotheses, advice and reflections you wrote"
    ),
    "exercise_rating": lazy_gettext("Helpfulness ratings you gave"),
    "exercise_flag": lazy_gettext("Contributions you flagged"),
    "exercise_moderation": lazy_gettext("Moderation actions you took"),
    "exercise_ground_rules": lazy_gettext("Ground rules you accepted"),
    "exercise_consent": lazy_gettext("Consents you gave"),
    "exercise_follow_up": lazy_gettext("Follow-ups you wrote"),
    "exercise": lazy_gettext("Exercises you configured"),
    "exercise_method_version": lazy_gettext("Method adaptations you made"),
    "score_outbox": lazy_gettext("Grades sent to your LMS gradebook"),
}
"""Plain names for the tables; a table not listed here is shown by its own name."""


@bp.get("/")
@launch_required
def mine() -> ResponseReturnValue:
    launch = require_launch()
    data = personal_data.export_by_id(launch.user.id)
    records = [
        (str(RECORD_LABELS.get(table, table.replace("_", " "))), len(rows))
        for table, rows in sorted(data["tables"].items())
    ]
    return render_template(
        "privacy/mine.html", launch=launch, person=data["person"], records=records
    )


@bp.get("/my-data.json")
@launch_required
def download() -> Response:
    launch = require_launch()
    data = personal_data.export_by_id(launch.user.id)
    data["exported_at"] = datetime.now(UTC).isoformat()
    response = Response(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="my-intervision-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


def open_privacy(launch: Launch) -> ResponseReturnValue:
    return redirect(url_for("privacy.mine"), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_launch_handler(app, PRIVACY_KIND, open_privacy)
