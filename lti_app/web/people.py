"""How a person is named on instructor and group pages: the name the platform shared, else a
stable pseudonym, never the platform's raw ``sub``."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from lti_app.domain.scope import CourseScope
from lti_app.i18n import gettext


def pseudonym(scope: CourseScope, user_id: int) -> str:
    """A stable name for someone whose name the platform withheld: a keyed hash of our user
    row id (never the platform's ``sub``), the same in every page of the course."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"signups-pseudonym:{scope.tenant_id}:{scope.course_id}:{user_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return gettext("Participant %(code)s", code=digest[:6].upper())


def shown_name(scope: CourseScope, user_id: int, name: str | None) -> str:
    """The shared name, or the pseudonym when there is none (blank counts as none)."""
    return (name or "").strip() or pseudonym(scope, user_id)
