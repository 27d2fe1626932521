"""Tool keys: generated on first use, published without private parts, rotated with overlap."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from flask import Flask
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration as LtiRegistration

from lti_app.lti import keys

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi"}


def test_first_jwks_request_generates_one_public_key(db_app: Flask) -> None:
    document = keys.public_jwks(db_app)
    assert len(document["keys"]) == 1
    published = document["keys"][0]
    assert published["kty"] == "RSA"
    assert published["alg"] == "RS256"
    assert published["use"] == "sig"
    assert not PRIVATE_MEMBERS & published.keys()
    assert published["kid"] == JWK(**published).thumbprint()
    assert keys.public_jwks(db_app) == document  # stable: no new key per request


def test_signed_token_verifies_with_the_published_key(db_app: Flask) -> None:
    signing = keys.current_signing_key(db_app)
    token = jwt.encode(
        {"sub": "x"}, signing.private_pem, algorithm="RS256", headers={"kid": signing.kid}
    )
    published = {k["kid"]: k for k in keys.public_jwks(db_app)["keys"]}
    header_kid = jwt.get_unverified_header(token)["kid"]
    public_key = jwt.PyJWK(published[header_kid]).key
    assert jwt.decode(token, public_key, algorithms=["RS256"]) == {"sub": "x"}


def test_pylti1p3_derives_the_same_kid(app: Flask) -> None:
    """pylti1p3 puts its own kid in deep-link and service JWTs; it must match the JWKS."""
    signing = keys.current_signing_key(app)
    registration = LtiRegistration().set_tool_public_key(signing.public_pem)
    assert registration.get_kid() == signing.kid


def test_rotation_publishes_both_keys_then_drops_the_old(db_app: Flask) -> None:
    start = datetime.now(UTC)
    old = keys.ensure_signing_key(db_app, now=start)
    new = keys.rotate_keys(db_app, overlap=timedelta(hours=48), now=start)

    during = {k["kid"] for k in keys.public_jwks(db_app, now=start + timedelta(hours=1))["keys"]}
    assert during == {old.kid, new.kid}
    assert keys.ensure_signing_key(db_app, now=start + timedelta(seconds=1)).kid == new.kid

    after = {k["kid"] for k in keys.public_jwks(db_app, now=start + timedelta(hours=49))["keys"]}
    assert after == {new.kid}


def test_key_published_ahead_does_not_sign_until_its_time(app: Flask) -> None:
    start = datetime.now(UTC)
    old = keys.ensure_signing_key(app, now=start)
    new = keys.rotate_keys(
        app, overlap=timedelta(hours=1), publish_ahead=timedelta(hours=24), now=start
    )
    assert keys.ensure_signing_key(app, now=start + timedelta(hours=2)).kid == old.kid
    published = {k["kid"] for k in keys.public_jwks(app, now=start + timedelta(hours=2))["keys"]}
    assert published == {old.kid, new.kid}
    assert keys.ensure_signing_key(app, now=start + timedelta(hours=24, seconds=1)).kid == new.kid


def test_private_keys_are_not_world_readable(app: Flask, tmp_path: Path) -> None:
    keys.ensure_signing_key(app)
    database_file = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    assert database_file.is_file()
    assert stat.S_IMODE(database_file.stat().st_mode) & 0o077 == 0
    instance = Path(app.instance_path)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
