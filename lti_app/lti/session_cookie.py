"""Flask's signed session cookie, with its serializer built once per set of keys.

``SecureCookieSessionInterface`` builds a new ``URLSafeTimedSerializer`` twice per request
(to open the cookie and to save it); on a sign-up that was 1.4 % of the request's CPU
(docs/testing.md, "Sign-up performance, fourth pass"). This one keeps the serializer until
``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS`` change. The cookie is byte for byte Flask's:
same salt, signer, JSON and format, so cookies from before keep working.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

_Keys = tuple[str | bytes, ...]


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: tuple[_Keys, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys: _Keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key or "")
        kept = self._kept  # one read: another thread may replace it meanwhile
        if kept is None or kept[0] != keys:
            kept = (keys, super().get_signing_serializer(app))
            self._kept = kept
        return kept[1]


def init_app(app: Flask) -> None:
    app.session_interface = KeptSerializerSessionInterface()
