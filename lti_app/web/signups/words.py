"""The sign-up words people see for the domain's values (refusals, roles, statuses), as
``lazy_gettext`` tables: the domain keeps its English and stays free of gettext; these are
translated when shown (docs/translating.md, "Domain values")."""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from lti_app.domain.signups.booking import REFUSAL_MESSAGES, Decision, Refusal
from lti_app.i18n import lazy_gettext

REFUSALS: dict[Refusal, LazyString] = {
    Refusal.NOT_OPEN_YET: lazy_gettext(
        "Sign-up for this session has not opened yet. Come back when it opens."
    ),
    Refusal.CLOSED: lazy_gettext(
        "Sign-up for this session has closed. Ask your trainer if you still need a place."
    ),
    Refusal.STARTED: lazy_gettext(
        "This session has already started, so bookings can no longer change."
    ),
    Refusal.SESSION_CANCELLED: lazy_gettext("This session was cancelled. Choose another session."),
    Refusal.NO_PLACES_FOR_INTENT: lazy_gettext(
        "This session has no places for that role. Sign up in the other role, or choose "
        "another session."
    ),
    Refusal.ALREADY_SEATED_OTHER_INTENT: lazy_gettext(
        "You already have a place in this session in the other role. Cancel it first if you "
        "want to change role."
    ),
    Refusal.NOT_BOOKED: lazy_gettext("You have no booking for this session."),
    Refusal.PAST_CANCEL_DEADLINE: lazy_gettext(
        "The cancellation deadline has passed. Ask your trainer if you cannot come."
    ),
    Refusal.REASON_REQUIRED: lazy_gettext("Say why, so the log shows it: a reason is required."),
    Refusal.SAME_SESSION: lazy_gettext(
        "The person is already in that session; choose another one."
    ),
    Refusal.NOT_STARTED: lazy_gettext("Attendance can be marked once the session has started."),
    Refusal.NOT_IN_GROUP: lazy_gettext(
        "This session is for the members of its intervision group. Choose a session of your "
        "own group, or ask your trainer."
    ),
}
"""Every :class:`Refusal`, in the same English as the domain's ``REFUSAL_MESSAGES``."""


def refusal_text(decision: Decision) -> str:
    """Why a decision changed nothing, in the reader's language ("" when it did not refuse)."""
    if decision.refusal is None:
        return ""
    text = REFUSALS.get(decision.refusal)
    return str(text) if text is not None else REFUSAL_MESSAGES[decision.refusal]
