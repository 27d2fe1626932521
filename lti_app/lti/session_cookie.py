"""Flask's signed session cookie, with its serializer built once per set of keys, and
refreshed when it is a few minutes old rather than on every response.

``SecureCookieSessionInterface`` builds a new ``URLSafeTimedSerializer`` twice per request
(to open the cookie and to save it); on a sign-up that was 1.4 % of the request's CPU
(docs/testing.md, "Sign-up performance, fourth pass"). This one keeps the serializer until
``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS`` change. The cookie is byte for byte Flask's:
same salt, signer, JSON and format, so cookies from before keep working.

The session is permanent with ``SESSION_REFRESH_EACH_REQUEST``: its lifetime runs from the
last request, so Flask signs and sends the whole cookie again on every response, even one
that changed nothing (a sign-up's 303, every page). Here an unchanged session is sent again
only once its cookie is :data:`REFRESH_AFTER` old: the lifetime still slides with use, at
most that much behind the last request, and most responses carry no ``Set-Cookie``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

_Keys = tuple[str | bytes, ...]

REFRESH_AFTER = timedelta(minutes=5)


class SignedSession(SecureCookieSession):
    """Flask's cookie session, knowing when the cookie it was read from was signed."""

    signed_at: datetime | None = None  # None: no valid cookie came with the request


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    session_class = SignedSession

    def __init__(self) -> None:
        self._kept: tuple[_Keys, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys: _Keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key or "")
        kept = self._kept  # one read: another thread may replace it meanwhile
        if kept is None or kept[0] != keys:
            kept = (keys, super().get_signing_serializer(app))
            self._kept = kept
        return kept[1]

    def open_session(self, app: Flask, request: Request) -> SignedSession | None:
        """Flask's ``open_session``, keeping the cookie's signing time."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return SignedSession()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:  # also an expired cookie (SignatureExpired)
            return SignedSession()
        session = SignedSession(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= REFRESH_AFTER


def init_app(app: Flask) -> None:
    app.session_interface = KeptSerializerSessionInterface()
