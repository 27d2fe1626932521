"""Module pages inside the LMS: the built page in the iframe, "Mark as done" on the server,
and completion sent to the gradebook when the course link has a line item.

A module link launches with ``kind=module`` and ``intervision_ref=<slug>`` (set by deep
linking); the handler sends the browser to the module's built page under ``/site/``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from lti_app.catalogue import CatalogueModule, get_catalogue, site_dir
from lti_app.lti.current import current_launch, require_launch
from lti_app.lti.deep_linking import REF_PARAMETER
from lti_app.lti.dispatch import register_launch_handler
from lti_app.lti.headers import content_security_policy, csp_nonce, frame_ancestors
from lti_app.lti.launch import Launch
from lti_app.lti.launch_urls import current_launch_path
from lti_app.services import progress
from lti_app.web.site_pages import NeedsSlash, NotInSite, inject_into_page, resolve_site_path

log = logging.getLogger(__name__)
bp = Blueprint("modules", __name__, template_folder="templates")
STATIC_MAX_AGE = 3600


def _done_block(module: CatalogueModule) -> Markup | None:
    launch = current_launch()
    if not isinstance(launch, Launch) or launch.person is None:
        return None
    done_at = progress.completion_date(launch.person, module.slug)
    return Markup(  # noqa: S704 (autoescaped template output)
        render_template(
            "modules/done_block.html",
            module=module,
            done_at=done_at,
            graded=progress.is_graded(launch.launched_link, module.slug),
            messages=get_flashed_messages(category_filter=["module-done"]),
        )
    )


def _page_csp() -> str:
    return content_security_policy(
        frame_ancestors(),
        # Material sets a few inline style attributes; styles cannot run code.
        style_src="'self' 'unsafe-inline'",
        font_src="'self' data:",
        form_action="'self'",
    )


@bp.get("/site/", defaults={"path": ""})
@bp.get("/site/<path:path>")
def site_page(path: str) -> ResponseReturnValue:
    catalogue = get_catalogue()
    try:
        target = resolve_site_path(site_dir(), path)
    except NeedsSlash:
        return redirect(url_for("modules.site_page", path=path + "/"), code=308)
    except NotInSite:
        abort(404, description="There is no such page in the course.")
    if target.suffix.lower() != ".html":
        response = send_file(target, max_age=STATIC_MAX_AGE, conditional=True)
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
    module = catalogue.module_for_url(path)
    html = inject_into_page(
        target.read_text(encoding="utf-8"),
        tool_url=current_app.config["BASE_URL"] + current_launch_path(),
        nonce=csp_nonce(),
        done_block=_done_block(module) if module is not None else None,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _page_csp()
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/modules/<slug>/done")
def mark_done(slug: str) -> ResponseReturnValue:
    launch = require_launch()
    module = get_catalogue().module(slug)
    if module is None:
        abort(404, description="This module is no longer part of the course.")
    if launch.person is None:
        abort(400, description="Progress is kept per course; open the module from a course.")
    done = progress.complete_module(
        launch.person,
        launch.user.subject,
        module.slug,
        module.title,
        launch.launched_link,
        now=datetime.now(UTC),
    )
    message = "Marked as done."
    if done.graded:
        message += (
            " Your course gradebook has it."
            if done.delivered
            else " It will appear in your course gradebook shortly."
        )
    flash(message, "module-done")
    page = url_for("modules.site_page", path=module_page_path(module))
    return redirect(page + "#iv-done", code=303)


def module_page_path(module: CatalogueModule) -> str:
    """The module's built page, as the ``path`` of ``modules.site_page``."""
    return module.url.removeprefix("./")


def open_module(launch: Launch) -> ResponseReturnValue:
    slug = launch.custom.get(REF_PARAMETER, "")
    module = get_catalogue().module(slug)
    if module is None:
        abort(
            404,
            description="The module this link points to is no longer part of the course. "
            "Ask your trainer to update the link.",
        )
    return redirect(url_for("modules.site_page", path=module_page_path(module)), code=303)


def init_app(app: Flask) -> None:
    """The module pages and the built site; launches of kind ``module`` open a module page.

    Without a catalogue, ``get_catalogue`` raises ``CatalogueUnavailable``: the one 503 page.
    """
    app.register_blueprint(bp)
    register_launch_handler(app, progress.MODULE_KIND, open_module)
