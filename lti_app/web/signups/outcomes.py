"""A sign-up's or a cancellation's outcome, carried to the page its post redirects to.

The outcome travels in the redirect's query (``?done=seat&as=consultant``), as codes only,
and the page says it in the reader's language. It used to be a flashed message, i.e. a
change of the signed session cookie on every sign-up: the cookie's JSON, zlib, signature
and ``Set-Cookie`` were a tenth of a sign-up's CPU under load (docs/testing.md, "sixth
pass"). Codes, not text: a crafted address can only pick one of these messages, never put
its own words on the page; anything unknown shows nothing. ``signups.js`` takes the codes
off the address once the page is shown, so a reload does not say it again.
"""

from __future__ import annotations

from collections.abc import Mapping

from lti_app.domain.signups.booking import Decision, Intent, Outcome, Refusal
from lti_app.i18n import gettext
from lti_app.web.signups.words import INTENT_LABELS, refusal_words

OK = "signup-ok"  # the status region's categories, for every sign-up page
REFUSED = "signup-refused"

# done= codes; the other parameters: as= (the intent), position=, instead= (a free other
# intent), refused= (a Refusal's value).
SEAT, WAITLIST, CANCELLED, REFUSAL = "seat", "waitlist", "cancelled", "refused"
OUTCOME_PARAMETERS = ("done", "as", "position", "instead", "refused")  # signups.js drops them
_MAX_POSITION = 100_000

_INTENTS = {intent.value: intent for intent in Intent}
_REFUSALS = {refusal.value: refusal for refusal in Refusal}


def outcome_arguments(decision: Decision, intent: Intent | None = None) -> dict[str, str]:
    """The query that says what ``decision`` did for the person who asked (``intent``: what
    they signed up as; None for a cancellation)."""
    if decision.refusal is not None or decision.outcome is Outcome.REFUSED:
        refusal = decision.refusal.value if decision.refusal is not None else ""
        return {"done": REFUSAL, "refused": refusal}
    if decision.outcome is Outcome.CANCELLED:
        return {"done": CANCELLED}
    if intent is None:
        return {}
    if decision.outcome is Outcome.CONFIRMED:
        return {"done": SEAT, "as": intent.value}
    arguments = {"done": WAITLIST, "as": intent.value}
    if decision.position is not None:
        arguments["position"] = str(decision.position)
    if decision.alternative is not None:
        arguments["instead"] = decision.alternative.value
    return arguments


def outcome_messages(query: Mapping[str, str]) -> list[tuple[str, str]]:
    """(category, message) for the outcome named in ``query``, as the status region shows
    them; none for a query that names none, or names it wrongly."""
    done = query.get("done")
    if done == CANCELLED:
        return [(OK, gettext("Your booking is cancelled."))]
    if done == REFUSAL:
        refusal = _REFUSALS.get(query.get("refused", ""))
        return [(REFUSED, refusal_words(refusal))] if refusal is not None else []
    intent = _INTENTS.get(query.get("as", ""))
    if intent is None:
        return []
    role = INTENT_LABELS[intent]
    if done == SEAT:
        return [(OK, gettext("You have a seat as %(role)s.", role=role))]
    position = _position(query.get("position", ""))
    if done != WAITLIST or position is None:
        return []
    messages = [
        (
            OK,
            gettext(
                "The %(role)s places are taken: you are number %(position)s on the waitlist for "
                "%(role)ss. You get a seat automatically if one frees up in time.",
                role=role,
                position=position,
            ),
        )
    ]
    other = _INTENTS.get(query.get("instead", ""))
    if other is not None and other is not intent:
        messages.append(
            (
                OK,
                gettext(
                    "A %(other)s seat is still free: you can sign up as %(other)s instead.",
                    other=INTENT_LABELS[other],
                ),
            )
        )
    return messages


def _position(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(_MAX_POSITION)):
        return None
    position = int(text)
    return position if 1 <= position <= _MAX_POSITION else None
