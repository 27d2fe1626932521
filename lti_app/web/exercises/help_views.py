"""The learner-facing help page: how an exercise works, linked from every exercise page."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.lti.current import current_launch
from lti_app.lti.launch import Launch
from lti_app.web.exercises.context import bp


@bp.get("/help")
def help() -> ResponseReturnValue:  # noqa: A001 (the route's name)
    """Readable without a launch too (a link shared in the course); back to the exercise when
    there is one."""
    back = url_for("exercises.index") if isinstance(current_launch(), Launch) else None
    return render_template("exercises/help.html", back_url=back)
