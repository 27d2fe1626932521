"""LTI Platform Storage (1EdTech "LTI Client Side postMessages" + "Platform Storage").

Why: a browser that refuses every cookie of the tool inside the LMS frame (Safari without
partitioned cookies, strict privacy settings) loses the state cookie between login and launch.
When the login names an ``lti_storage_target`` frame, the tool's login page also stores the
state's browser secret with the platform (``lti.put_data``), and the launch page reads it back
(``lti.get_data``) when the cookie is missing.

Nothing is weakened: the secret is the same random value the cookie would carry, checked
against the same SHA-256 in the state row, and the state and nonce are still consumed once, in
the launch transaction. Only our own page may hand the secret in (a same-origin POST: the
browser sets ``Origin``, a cross-site form cannot), and that page only talks to the frame the
login named, with ``targetOrigin`` the registration's authorization origin, and accepts answers
only from that origin, that window and the message id it sent (``static/platform-storage.js``).
The platform keeps the value in this browser, for this tool's origin: that binds it to the
browser that logged in, as the cookie would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from lti_app.lti.errors import StateInvalid


class _Headers(Protocol):
    def get(self, key: str) -> str | None: ...


LOGIN_PARAM = "lti_storage_target"
# The form field our launch page posts the secret in (never accepted from another origin).
SECRET_FIELD = "lti_storage_secret"  # noqa: S105 (a field name, not a secret)
# A frame name as platforms send it: "_parent" or a window name such as Canvas's
# "post_message_forwarding". Anything else is ignored (the cookie path is used).
TARGET_PATTERN = re.compile(r"\A(?:_parent|[A-Za-z][A-Za-z0-9_-]{0,63})\Z")
# A login that offered storage gets a state that says so, and names its frame:
# "state-ps.<target>.<random>". The state row is looked up by the whole string, so the
# target is only trusted when our server issued exactly this state.
STATE_PREFIX = "state-ps."
RANDOM_PATTERN = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")  # secrets.token_urlsafe(24): 32 chars
KEY_PREFIX = "lti1p3-state-secret-"
# How long the pages wait for the platform's answer before falling back (milliseconds).
ANSWER_TIMEOUT_MS = 4000


@dataclass(frozen=True)
class StorageTarget:
    """Where the tool's page posts its messages, and the only origin it trusts."""

    frame: str
    origin: str


def requested_target(params: Mapping[str, str]) -> str | None:
    """The login's ``lti_storage_target`` if it is a usable frame name, else None."""
    value = params.get(LOGIN_PARAM)
    if not value or not TARGET_PATTERN.match(value):
        return None
    return value


def platform_origin(auth_login_url: str) -> str | None:
    """The origin messages go to: that of the platform's OIDC authorization URL (the spec's
    rule), or None when that URL is not http(s)."""
    parts = urlsplit(auth_login_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def state_for(target: str, random_part: str) -> str:
    return f"{STATE_PREFIX}{target}.{random_part}"


def target_of_state(state: str) -> str | None:
    """The frame a storage login named, read back from its state (None: a cookie-only login)."""
    if not state.startswith(STATE_PREFIX):
        return None
    target, _, random_part = state[len(STATE_PREFIX) :].partition(".")
    if not RANDOM_PATTERN.match(random_part) or not TARGET_PATTERN.match(target):
        return None  # not a state we issued: the normal checks refuse it, nothing is looked up
    return target


def storage_key(state: str) -> str:
    """The key the secret is stored under: one per login, so two tabs never collide."""
    return KEY_PREFIX + state


def own_origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def relayed_secret(form: Mapping[str, str], headers: _Headers, base_url: str) -> str | None:
    """The secret our launch page read from the platform, or None when none was posted.

    Refused (``StateInvalid``) unless the POST came from a page of this tool: a form on
    another site could otherwise hand in a secret of the attacker's own login (login CSRF).
    """
    secret = form.get(SECRET_FIELD)
    if not secret:
        return None
    origin = (headers.get("Origin") or "").lower()
    fetch_site = headers.get("Sec-Fetch-Site")
    if origin != own_origin(base_url) or (fetch_site and fetch_site != "same-origin"):
        raise StateInvalid("platform-storage secret posted from another origin")
    if len(secret) > 255:
        raise StateInvalid("platform-storage secret is too long")
    return secret
