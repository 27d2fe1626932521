"""The pages a newcomer sees: the demo course with the tool in an iframe, and the gradebook."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, send_from_directory
from flask.typing import ResponseReturnValue
from werkzeug.security import safe_join

from lti_app.demo_lms.context import current_lms
from lti_app.demo_lms.launches import course_links, find_link, start_launch
from lti_app.demo_lms.settings import LAUNCH_LOCALES

bp = Blueprint("demo_course", __name__)

ROLES = ("instructor", "learner")
KINDS = ("resource", "deep_link")


@bp.get("/")
def course() -> ResponseReturnValue:
    lms = current_lms()
    state = lms.store.read()
    # ``?learner=<sub>`` picks who "Launch as learner" is (a sign-up needs several people).
    learner = lms.settings.launchable_user("learner", request.args.get("learner", ""))
    # ``?locale=nl-NL``: the language every launch from this page sends (none by default).
    locale = request.args.get("locale", "")
    return render_template(
        "course.html",
        settings=lms.settings,
        links=course_links(lms, state),
        people={
            "instructor": lms.settings.launchable_user("instructor"),
            "learner": learner or lms.settings.launchable_user("learner"),
        },
        learners=lms.settings.launchable_users("learner"),
        locale=locale if locale in LAUNCH_LOCALES else "",
        locales=LAUNCH_LOCALES,
        has_courseware=lms.settings.site_dir is not None,
    )


@bp.get("/frame-start")
def frame_start() -> ResponseReturnValue:
    """What the iframe shows before the first launch."""
    return render_template("frame_start.html")


@bp.post("/launch")
def launch() -> ResponseReturnValue:
    """A launch button: start the OIDC login for the chosen person, inside the iframe."""
    lms = current_lms()
    role, kind = request.form.get("role", ""), request.form.get("kind", "resource")
    if role not in ROLES or kind not in KINDS:
        abort(400, description="Choose 'instructor' or 'learner' and a launch kind.")
    if kind == "deep_link" and role != "instructor":
        abort(400, description="Only an instructor can add content by deep linking.")
    person = request.form.get("person", "") if role == "learner" else ""
    user = lms.settings.launchable_user(role, person)
    if user is None:
        abort(400, description=f"The demo course has no such {role} to launch as.")
    locale = request.form.get("locale", "")
    if locale not in LAUNCH_LOCALES:
        abort(400, description=f"The demo LMS sends one of {', '.join(LAUNCH_LOCALES[1:])}.")
    link = None
    if kind == "resource":
        link = find_link(lms, lms.store.read(), request.form.get("link", ""))
        if link is None:
            abort(404, description="That course link does not exist (any more).")
    return start_launch(lms, user, kind, link, locale)


@bp.get("/gradebook")
def gradebook() -> ResponseReturnValue:
    """Scores the tool sent through AGS, per line item and person."""
    lms = current_lms()
    state = lms.store.read()
    items = [
        {"id": key, **fields, "scores": state["scores"].get(key, {})}
        for key, fields in sorted(state["line_items"].items(), key=lambda kv: int(kv[0]))
    ]
    return render_template("gradebook.html", items=items, users=lms.settings.users)


@bp.get("/courseware/")
@bp.get("/courseware/<path:path>")
def courseware(path: str = "") -> ResponseReturnValue:
    """The built static course, so the demo needs no second web server."""
    site_dir: Path | None = current_lms().settings.site_dir
    if site_dir is None or not site_dir.is_dir():
        abort(
            404,
            description="The courseware was not built; run `intervision demo` without "
            "--no-build, or `intervision build` first.",
        )
    full_path = safe_join(str(site_dir), path)
    if full_path is None:
        abort(404)
    if Path(full_path).is_dir():
        if path and not path.endswith("/"):  # relative links in the site need the slash
            return redirect(request.path + "/", code=308)
        path += "index.html"
    return send_from_directory(site_dir, path)
