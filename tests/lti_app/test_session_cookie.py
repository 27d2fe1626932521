"""The tool's session cookie is Flask's (same bytes), its serializer kept between requests
and rebuilt when the secret key or its fallbacks change."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from lti_app.lti.session_cookie import KeptSerializerSessionInterface

DATA = {"csrf_token": "abc", "_flashes": [("signup-ok", "You have a seat.")], "ids": [1, 2]}


def _app(key: str) -> Flask:
    app = Flask(__name__)
    app.secret_key = key
    return app


def test_the_cookie_is_flasks_both_ways() -> None:
    app = _app("k" * 48)
    ours = KeptSerializerSessionInterface().get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ours is not None and flasks is not None
    assert ours.loads(flasks.dumps(DATA)) == DATA
    assert flasks.loads(ours.dumps(DATA)) == DATA


def test_the_serializer_is_kept_until_a_key_changes() -> None:
    app = _app("k" * 48)
    interface = KeptSerializerSessionInterface()
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    old_cookie = first.dumps(DATA) if first is not None else ""
    app.secret_key = "n" * 48
    rotated = interface.get_signing_serializer(app)
    assert rotated is not first and rotated is not None
    assert rotated.dumps(DATA) != old_cookie  # signed with the new key
    app.config["SECRET_KEY_FALLBACKS"] = ["k" * 48]
    with_fallback = interface.get_signing_serializer(app)
    assert with_fallback is not None and with_fallback.loads(old_cookie) == DATA


def test_no_secret_key_no_serializer() -> None:
    app = Flask(__name__)
    assert KeptSerializerSessionInterface().get_signing_serializer(app) is None


def test_the_tool_uses_it(app: Flask) -> None:
    assert isinstance(app.session_interface, KeptSerializerSessionInterface)
