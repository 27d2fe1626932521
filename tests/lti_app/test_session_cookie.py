"""The tool's session cookie is Flask's (same bytes), its serializer kept between requests
and rebuilt when the secret key or its fallbacks change."""

from __future__ import annotations

import time

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface

from lti_app.lti.session_cookie import REFRESH_AFTER, KeptSerializerSessionInterface

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


def _session_app() -> Flask:
    """A permanent session, as the tool's: one view reads it, one writes it."""
    app = _app("k" * 48)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = True
    app.session_interface = KeptSerializerSessionInterface()

    @app.get("/write")
    def write() -> str:
        session.permanent = True
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    @app.get("/read")
    def read() -> str:
        return str(session.get("n"))

    return app


def _cookie_signed(app: Flask, seconds_ago: float) -> str:
    """The session {"n": 1, permanent}, signed ``seconds_ago``."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    signer = serializer.make_signer()
    signer.get_timestamp = lambda: int(time.time() - seconds_ago)
    payload = serializer.dump_payload({"_permanent": True, "n": 1})
    return signer.sign(payload).decode()


def test_an_unchanged_session_is_sent_again_only_once_its_cookie_is_minutes_old() -> None:
    app = _session_app()
    client = app.test_client()
    assert "Set-Cookie" in client.get("/write").headers  # a change is always sent
    assert "Set-Cookie" not in client.get("/read").headers  # just signed: nothing to refresh

    fresh = _cookie_signed(app, REFRESH_AFTER.total_seconds() - 60)
    client.set_cookie("session", fresh)
    read = client.get("/read")
    assert read.get_data(as_text=True) == "1" and "Set-Cookie" not in read.headers

    old = _cookie_signed(app, REFRESH_AFTER.total_seconds() + 60)
    client.set_cookie("session", old)
    refreshed = client.get("/read")
    assert refreshed.get_data(as_text=True) == "1"
    assert "Set-Cookie" in refreshed.headers  # the lifetime slides on
    renewed = client.get_cookie("session")
    assert renewed is not None and renewed.value != old


def test_an_expired_or_forged_cookie_opens_an_empty_session() -> None:
    app = _session_app()
    lifetime = app.permanent_session_lifetime.total_seconds()
    client = app.test_client()
    for cookie in (_cookie_signed(app, lifetime + 60), _cookie_signed(app, 0)[:-2] + "xx"):
        client.set_cookie("session", cookie)
        assert client.get("/read").get_data(as_text=True) == "None"
