"""The sheet and session pages, and what learners do there: sign up, cancel.

Views parse the form, call one ``services.signups`` function with the launch's scope and sheet
and ``now``, and redirect (POST/redirect/GET) with the outcome in the query (``outcomes``). A
session of another sheet, course or tenant is the service's ``SessionNotFound``: the one 404
page (``web/errors.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, redirect, url_for
from flask.typing import ResponseReturnValue

from lti_app.domain.signups.booking import Intent
from lti_app.i18n import gettext
from lti_app.lti.current import launch_required
from lti_app.lti.launch import Launch
from lti_app.services import signups
from lti_app.web.signups import forms
from lti_app.web.signups.context import bp, here, open_launch_sheet, zone_arguments
from lti_app.web.signups.outcomes import outcome_arguments
from lti_app.web.signups.pages import render_session, render_sheet


def open_sheet(launch: Launch) -> ResponseReturnValue:
    """Launch handler of kind ``signup``: the link's sheet (made on its first launch)."""
    open_launch_sheet(launch)
    return redirect(url_for("signups.sheet"), code=303)


@bp.get("/")
@launch_required
def sheet() -> ResponseReturnValue:
    return render_sheet(here())


@bp.get("/sessions/<int:session_id>/")
@launch_required
def session_page(session_id: int) -> ResponseReturnValue:
    return render_session(here(), session_id)


def _back(session_id: int, back: str | None, outcome: dict[str, str]) -> ResponseReturnValue:
    """Back to the page the post came from, with what it did in the query (``outcomes``)."""
    query: dict[str, Any] = {**zone_arguments(), **outcome}
    if back == "sheet":
        return redirect(url_for("signups.sheet", **query), code=303)
    return redirect(url_for("signups.session_page", session_id=session_id, **query), code=303)


def _posted_session(form_value: str | None, session_id: int) -> None:
    """The form names the session it was made for; a form replayed onto another URL is a
    bad request, not a booking elsewhere."""
    if form_value != str(session_id):
        abort(
            400, description=gettext("The form does not belong to this session; reload the page.")
        )


@bp.post("/sessions/<int:session_id>/book")
@launch_required
def book(session_id: int) -> ResponseReturnValue:
    where = here()
    posted_session, posted_intent = forms.posted_field("session_id"), forms.posted_field("intent")
    if posted_session is None or posted_intent is None:
        abort(
            400,
            description=gettext("The sign-up form was incomplete; reload the page and try again."),
        )
    _posted_session(posted_session, session_id)
    try:
        intent = Intent(posted_intent)
    except ValueError:
        abort(400, description=gettext("Choose whether you bring a case or consult."))
    decision = signups.book(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=session_id,
        user_id=where.user_id,
        intent=intent,
        now=datetime.now(UTC),
    )
    return _back(session_id, forms.request_back(), outcome_arguments(decision, intent))


@bp.post("/sessions/<int:session_id>/leave")
@launch_required
def leave(session_id: int) -> ResponseReturnValue:
    where = here()
    posted_session = forms.posted_field("session_id")
    if posted_session is None:
        abort(400, description=gettext("The form was incomplete; reload the page and try again."))
    _posted_session(posted_session, session_id)
    decision = signups.cancel_booking(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=session_id,
        user_id=where.user_id,
        now=datetime.now(UTC),
    )
    return _back(session_id, forms.request_back(), outcome_arguments(decision))
