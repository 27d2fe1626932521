"""Deep linking: an instructor picks modules, sign-up sheets or exercises to add to the course.

A deep-linking launch is dispatched here (kind ``deep_link``); the choice is a CSRF-protected
form built from catalogue.json; the answer is a signed ``LtiDeepLinkingResponse`` posted back
to the platform by an auto-submitting form (with a visible button when scripts do not run).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.catalogue import Catalogue, CatalogueError, get_catalogue
from lti_app.lti.current import instructor_required, require_launch
from lti_app.lti.deep_linking import (
    DeepLinkingNotPossible,
    LineItemRequest,
    ResourceLinkItem,
    check_settings,
    signed_response,
)
from lti_app.lti.dispatch import register_launch_handler
from lti_app.lti.launch import Launch
from lti_app.lti.tool_urls import current_tool_urls

bp = Blueprint("deep_linking", __name__, url_prefix="/deep-linking", template_folder="templates")

KIND_LABELS = {
    "module": "Module page",
    "signup": "Session sign-up sheet",
    "peer-feedback": "Peer-feedback exercise",
}
GRADE_LABELS = {
    "module": "completion",
    "signup": "attendance",
    "peer-feedback": "exercise",
}


@dataclass(frozen=True)
class Choice:
    value: str
    kind: str
    ref: str
    title: str
    text: str


def catalogue_choices(catalogue: Catalogue) -> dict[str, list[Choice]]:
    """Choices grouped by kind, in catalogue order; the value is ``kind:ref``."""
    groups: dict[str, list[Choice]] = {"module": [], "signup": [], "peer-feedback": []}
    for module in catalogue.modules:
        groups["module"].append(
            Choice(
                f"module:{module.slug}",
                "module",
                module.slug,
                f"{module.number:02d}. {module.title}",
                module.summary,
            )
        )
    for activity in catalogue.activities:
        groups[activity.type].append(
            Choice(
                f"{activity.type}:{activity.id}",
                activity.type,
                activity.id,
                activity.title,
                activity.description,
            )
        )
    return groups


def _content_item(choice: Choice, graded: bool) -> ResourceLinkItem:
    line_item = (
        LineItemRequest(
            score_maximum=1,
            label=f"{choice.title} ({GRADE_LABELS[choice.kind]})",
            resource_id=f"{choice.kind}:{choice.ref}",
            tag=f"intervision-{choice.kind}",
        )
        if graded
        else None
    )
    return ResourceLinkItem(
        kind=choice.kind,
        ref=choice.ref,
        title=choice.title,
        text=choice.text,
        url=current_tool_urls().launch,
        line_item=line_item,
    )


def _render_form(
    launch: Launch,
    catalogue: Catalogue,
    errors: list[str],
    selected: list[str],
    graded: bool,
    status: int = 200,
) -> ResponseReturnValue:
    assert launch.deep_link is not None
    return render_template(
        "deep_linking/choose.html",
        groups=catalogue_choices(catalogue),
        labels=KIND_LABELS,
        multiple=launch.deep_link.accept_multiple,
        errors=errors,
        selected=set(selected),
        graded=graded,
        course_title=catalogue.course_title,
    ), status


def _problem(title: str, message: str, status: int) -> ResponseReturnValue:
    return render_template("deep_linking/problem.html", title=title, message=message), status


def _checked_launch() -> tuple[Launch, Catalogue] | ResponseReturnValue:
    launch = require_launch()
    try:
        check_settings(launch.deep_link)
    except DeepLinkingNotPossible as problem:
        return _problem("Nothing can be added here", str(problem), 400)
    try:
        catalogue = get_catalogue()
    except CatalogueError as problem:
        current_app.logger.error("deep linking without a catalogue: %s", problem)
        return _problem(
            "The course catalogue is not available",
            "The tool cannot list the course's modules and activities right now. "
            "Ask the tool administrator to build the course and set INTERVISION_SITE_DIR.",
            503,
        )
    return launch, catalogue


@bp.get("/")
@instructor_required
def choose() -> ResponseReturnValue:
    checked = _checked_launch()
    if not isinstance(checked, tuple) or not isinstance(checked[0], Launch):
        return checked
    launch, catalogue = checked
    return _render_form(launch, catalogue, [], [], graded=True)


@bp.post("/")
@instructor_required
def submit() -> ResponseReturnValue:
    checked = _checked_launch()
    if not isinstance(checked, tuple) or not isinstance(checked[0], Launch):
        return checked
    launch, catalogue = checked
    assert launch.deep_link is not None
    picked = [value for value in request.form.getlist("item") if value]
    graded = request.form.get("graded") == "yes"
    known = {
        choice.value: choice for group in catalogue_choices(catalogue).values() for choice in group
    }
    errors = []
    if not picked:
        errors.append("Choose at least one module or activity to add.")
    elif len(picked) > 1 and not launch.deep_link.accept_multiple:
        errors.append("Your platform accepts one item at a time: choose exactly one.")
    unknown = [value for value in picked if value not in known]
    if unknown:
        errors.append("Some choices are no longer in the course catalogue; choose again.")
    if errors:
        return _render_form(launch, catalogue, errors, picked, graded, status=400)
    items = [_content_item(known[value], graded) for value in dict.fromkeys(picked)]
    token = signed_response(launch, items)
    return render_template(
        "deep_linking/return.html",
        return_url=launch.deep_link.return_url,
        jwt=token,
        items=items,
    )


def open_deep_link(launch: Launch) -> ResponseReturnValue:
    return redirect(url_for("deep_linking.choose"), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_launch_handler(app, "deep_link", open_deep_link)
