"""Posting is rate-limited per person: the tool's one limiter (``lti/rate_limits.py``), keyed by
the launch's user row, so a classroom behind one NAT is not one counter. Over the limit, the
friendly 429 page of ``web/errors.py`` (nothing is saved)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from lti_app.i18n.marking import N_
from lti_app.lti import rate_limits
from lti_app.lti.current import current_launch
from lti_app.lti.launch import Launch

POSTS_PER_MINUTE_SETTING = "EXERCISE_POST_RATE_LIMIT"
DEFAULT_POST_LIMIT = "30 per minute"
MESSAGE = N_(
    "You posted a lot in a short time. Please wait a minute, then post again; what you were "
    "writing was not saved, so keep a copy."
)


def person_key() -> str:
    launch = current_launch()
    if isinstance(launch, Launch):
        return f"exercise-post:{launch.tenant.id}:{launch.user.id}"
    return "exercise-post:anonymous"


def post_limit() -> str:
    return str(current_app.config.get(POSTS_PER_MINUTE_SETTING) or DEFAULT_POST_LIMIT)


def apply_posting_limit(app: Any, endpoints: tuple[str, ...]) -> None:
    """Wrap the posting views with the limiter (after the blueprint is registered)."""
    rate_limits.limit_views(
        app, endpoints, scope="exercise-post", limit=post_limit, key=person_key, message=MESSAGE
    )
