"""Module pages inside the LMS: the built page in the iframe, "Mark as done" on the server,
and completion sent to the gradebook when the course link has a line item.

A module link launches with ``kind=module`` and ``intervision_ref=<slug>`` (set by deep
linking); the handler sends the browser to the module's built page under ``/site/``: in the
launch's language (``/site/nl/...``) when the site was built in it, else the English page with
a notice in the reader's language. The done block speaks the page's language.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
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
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from lti_app.catalogue import CatalogueModule, get_catalogue, language_root, site_languages
from lti_app.i18n import gettext, use_locale
from lti_app.lti.current import current_launch, require_launch
from lti_app.lti.deep_linking import REF_PARAMETER
from lti_app.lti.dispatch import register_launch_handler
from lti_app.lti.headers import content_security_policy, csp_nonce, frame_ancestors
from lti_app.lti.launch import Launch
from lti_app.lti.launch_urls import current_launch_path
from lti_app.services import progress
from lti_app.web.site_pages import (
    NeedsSlash,
    NotInSite,
    english_language,
    inject_into_page,
    module_page,
    reader_language,
    resolve_site_path,
    split_language,
    untranslated_notice,
)

log = logging.getLogger(__name__)
bp = Blueprint("modules", __name__, template_folder="templates")
STATIC_MAX_AGE = 3600


def _done_block(module: CatalogueModule, language: str) -> Markup | None:
    """In the page's ``language``; its form posts back which language that was."""
    launch = current_launch()
    if not isinstance(launch, Launch) or launch.person is None:
        return None
    done_at = progress.completion_date(launch.person, module.slug)
    with _in_page_language(language):
        return Markup(  # noqa: S704 (autoescaped template output)
            render_template(
                "modules/done_block.html",
                module=module,
                done_at=done_at,
                graded=progress.is_graded(launch.launched_link, module.slug),
                messages=get_flashed_messages(category_filter=["module-done"]),
                page_language=None if language == english_language() else language,
            )
        )


def _in_page_language(language: str) -> AbstractContextManager[object]:
    """Words in the page's language: the reader's own locale when the page is in its
    language (so the test pseudo-locale reaches English pages too), else the page's."""
    return nullcontext() if reader_language() == language else use_locale(language)


def _notice(language: str | None, module: CatalogueModule | None) -> Markup | None:
    """On an English module page, for a reader whose language has no page of this module."""
    reader = reader_language()
    if language is not None or module is None or reader == english_language():
        return None
    shown = module_page(module.slug, reader)
    return untranslated_notice(reader) if shown is not None and shown.language != reader else None


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
    """``/site/<path>``: the English site; ``/site/<lang>/<path>``: that language's build,
    resolved inside its own folder."""
    language, inner = split_language(path, site_languages()[1:])
    catalogue = get_catalogue(language=language)
    folder = language_root(language)
    if folder is None:  # the folder went away since site_languages() looked
        abort(404, description=gettext("There is no such page in the course."))
    try:
        target = resolve_site_path(folder, inner)
    except NeedsSlash:
        return redirect(url_for("modules.site_page", path=path + "/"), code=308)
    except NotInSite:
        abort(404, description=gettext("There is no such page in the course."))
    if target.suffix.lower() != ".html":
        response = send_file(target, max_age=STATIC_MAX_AGE, conditional=True)
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
    module = catalogue.module_for_url(inner)
    html = inject_into_page(
        target.read_text(encoding="utf-8"),
        tool_url=current_app.config["BASE_URL"] + current_launch_path(),
        nonce=csp_nonce(),
        done_block=_done_block(module, catalogue.language) if module is not None else None,
        notice=_notice(language, module),
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
        abort(404, description=gettext("This module is no longer part of the course."))
    if launch.person is None:
        abort(
            400,
            description=gettext("Progress is kept per course; open the module from a course."),
        )
    language = request.args.get("language")
    page_language = language if language in site_languages()[1:] else english_language()
    done = progress.complete_module(
        launch.person,
        launch.user.subject,
        module.slug,
        module.title,
        launch.launched_link,
        now=datetime.now(UTC),
    )
    with _in_page_language(page_language):  # said on the page the form was on
        message = gettext("Marked as done.")
        if done.graded:
            message = (
                gettext("Marked as done. Your course gradebook has it.")
                if done.delivered
                else gettext("Marked as done. It will appear in your course gradebook shortly.")
            )
    flash(message, "module-done")
    shown = module_page(module.slug, page_language)
    path = shown.path if shown is not None else module_page_path(module)
    return redirect(url_for("modules.site_page", path=path) + "#iv-done", code=303)


def module_page_path(module: CatalogueModule, language: str | None = None) -> str:
    """The module's built page, as the ``path`` of ``modules.site_page``: in ``language``
    when the site has that page, else the English one (``language=None``: English)."""
    shown = module_page(module.slug, language) if language is not None else None
    return shown.path if shown is not None else module.url.removeprefix("./")


def open_module(launch: Launch) -> ResponseReturnValue:
    slug = launch.custom.get(REF_PARAMETER, "")
    module = get_catalogue().module(slug)
    if module is None:
        abort(
            404,
            description=gettext(
                "The module this link points to is no longer part of the course. "
                "Ask your trainer to update the link."
            ),
        )
    path = module_page_path(module, reader_language())
    return redirect(url_for("modules.site_page", path=path), code=303)


def init_app(app: Flask) -> None:
    """The module pages and the built site; launches of kind ``module`` open a module page.

    Without a catalogue, ``get_catalogue`` raises ``CatalogueUnavailable``: the one 503 page.
    """
    app.register_blueprint(bp)
    register_launch_handler(app, progress.MODULE_KIND, open_module)
