"""Deep linking: an instructor picks modules, sign-up sheets or exercises to add to the course.

A deep-linking launch is dispatched here (kind ``deep_link``); the choice is a CSRF-protected
form built from catalogue.json; the answer is a signed ``LtiDeepLinkingResponse`` posted back
to the platform by an auto-submitting form (with a visible button when scripts do not run).
The picker's groups, headings and gradebook labels come from the kinds table
(``domain/activities.py``). Without a catalogue ``get_catalogue`` raises ``CatalogueUnavailable``
(the one 503 page); a request the placement rules out is this blueprint's 400 page.
Titles and descriptions are the instructor's language's (``site/<lang>/catalogue.json`` when
the site was built in it): the platform shows the links with the words the instructor chose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lti_app.catalogue import Catalogue, get_catalogue
from lti_app.domain.activities import ACTIVITY_KINDS, KINDS, ActivityKind
from lti_app.i18n import gettext, words
from lti_app.lti.current import instructor_required, require_launch
from lti_app.lti.deep_linking import (
    DeepLinkingNotPossible,
    LineItemRequest,
    ResourceLinkItem,
    check_settings,
    signed_response,
)
from lti_app.lti.dispatch import feature_opens, register_launch_handler
from lti_app.lti.launch import Launch
from lti_app.lti.tool_urls import current_tool_urls
from lti_app.web.site_pages import reader_language

bp = Blueprint("deep_linking", __name__, url_prefix="/deep-linking", template_folder="templates")
MODULE_PAGE = KINDS["module"]


@dataclass(frozen=True)
class Choice:
    kind: ActivityKind
    ref: str
    title: str
    text: str

    @property
    def value(self) -> str:
        """The form value, ``kind:ref`` (``signup:kick-off``)."""
        return f"{self.kind.id}:{self.ref}"


def catalogue_choices(
    catalogue: Catalogue, opens: Callable[[ActivityKind], bool] = lambda kind: True
) -> dict[ActivityKind, list[Choice]]:
    """Choices grouped by kind in the kinds table's order, each group in catalogue order;
    only kinds that ``opens`` says this installation can launch."""
    groups: dict[ActivityKind, list[Choice]] = {kind: [] for kind in ACTIVITY_KINDS if opens(kind)}
    if MODULE_PAGE in groups:
        for module in catalogue.modules:
            title = f"{module.number:02d}. {module.title}"
            groups[MODULE_PAGE].append(Choice(MODULE_PAGE, module.slug, title, module.summary))
    for activity in catalogue.activities:
        if activity.kind in groups:
            groups[activity.kind].append(
                Choice(activity.kind, activity.id, activity.title, activity.description)
            )
    return groups


def offered_choices(catalogue: Catalogue) -> dict[ActivityKind, list[Choice]]:
    """What the picker offers: the catalogue's items whose kind this installed version opens
    (a kind the catalogue knows but the tool cannot run yet is neither shown nor accepted)."""
    return catalogue_choices(catalogue, lambda kind: feature_opens(current_app, kind.launch_kind))


def _content_item(choice: Choice, graded: bool) -> ResourceLinkItem:
    line_item = (
        LineItemRequest(
            score_maximum=1,
            label=f"{choice.title} ({words.grade_label(choice.kind.id)})",
            resource_id=choice.value,
            tag=f"intervision-{choice.kind.id}",
        )
        if graded
        else None
    )
    return ResourceLinkItem(
        kind=choice.kind.launch_kind,
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
        groups=offered_choices(catalogue),
        multiple=launch.deep_link.accept_multiple,
        errors=errors,
        selected=set(selected),
        graded=graded,
        course_title=catalogue.course_title,
    ), status


@bp.errorhandler(DeepLinkingNotPossible)
def not_possible(problem: DeepLinkingNotPossible) -> ResponseReturnValue:
    """The platform's request rules out what the tool offers: say why (a 400, not an error)."""
    title = gettext("Nothing can be added here")
    return render_template("deep_linking/problem.html", title=title, message=str(problem)), 400


def _checked_launch() -> tuple[Launch, Catalogue]:
    """The deep-linking launch and the catalogue; raises what the handlers above render."""
    launch = require_launch()
    check_settings(launch.deep_link)
    return launch, get_catalogue(language=reader_language())


@bp.get("/")
@instructor_required
def choose() -> ResponseReturnValue:
    launch, catalogue = _checked_launch()
    return _render_form(launch, catalogue, [], [], graded=True)


@bp.post("/")
@instructor_required
def submit() -> ResponseReturnValue:
    launch, catalogue = _checked_launch()
    assert launch.deep_link is not None
    picked = [value for value in request.form.getlist("item") if value]
    graded = request.form.get("graded") == "yes"
    known = {
        choice.value: choice for group in offered_choices(catalogue).values() for choice in group
    }
    errors = []
    if not picked:
        errors.append(gettext("Choose at least one module or activity to add."))
    elif len(picked) > 1 and not launch.deep_link.accept_multiple:
        errors.append(gettext("Your platform accepts one item at a time: choose exactly one."))
    unknown = [value for value in picked if value not in known]
    if unknown:
        errors.append(gettext("Some choices are no longer in the course catalogue; choose again."))
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
