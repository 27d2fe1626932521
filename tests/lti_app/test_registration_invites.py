"""Dynamic registration needs an admin's link: single use, expiring, optionally for one issuer.

Against the stand-in Moodle over real HTTP (``tests/support/moodle_registration.py``). Every
refusal is a 4xx page that says what is wrong and what to do, and stores nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from lti_app.cli import main
from lti_app.lti import registration_invites as invites
from lti_app.storage import db, registrations_repo
from tests.support.moodle_registration import (
    TOOL_BASE,
    MoodlePlatform,
    confirm_registration,
    open_registration_page,
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL_BASE}


def _link(app: Flask, issuer: str | None = None, *, now: datetime | None = None) -> str:
    issued = invites.issue_invite(
        app, issuer=issuer, lifetime=timedelta(hours=1), now=now or datetime.now(UTC)
    )
    return urlsplit(issued.url).path


def _register(client: FlaskClient, moodle: MoodlePlatform, path: str, token: str) -> Any:
    """Open the link as Moodle does, then press Register; the confirmation must load."""
    page = open_registration_page(client, moodle, path, token)
    assert page.status_code == 200, page.text
    return confirm_registration(client, moodle, page.text, path, token)


def _stored(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (r.issuer, r.client_id) for r in registrations_repo.list_registrations(db.get_session())
        ]


def _message(response: Any) -> str:
    match = re.search(r'<p id="error-message">(.*?)</p>', response.text, re.S)
    assert match, response.text
    return match.group(1)


def test_plain_register_url_is_refused_by_default_before_the_platform_is_asked(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    page = open_registration_page(client, moodle, "/lti/register")
    assert page.status_code == 403
    without = client.get("/lti/register", query_string={"openid_configuration": "javascript:x"})
    assert "frame-ancestors 'none'" in without.headers["Content-Security-Policy"]
    assert "registration link from its administrator" in _message(page)
    assert "intervision platform invite" in page.text
    forced = client.post(
        "/lti/register", data={"openid_configuration": moodle.openid_configuration_url}
    )
    assert forced.status_code in (400, 403)  # CSRF, or the missing link: never a registration
    assert moodle.registrations == [] and moodle.used_tokens == set()
    assert _stored(app) == []


def test_an_invite_registers_one_platform_once(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    path = _link(app)
    page = open_registration_page(client, moodle, path)
    assert 'id="invite-note"' in page.text and "expires on" in page.text
    done = confirm_registration(client, moodle, page.text, path)
    assert done.status_code == 200, done.text
    assert _stored(app) == [(moodle.base_url, "moodle-client-7")]

    moodle.tokens.add("token-2")
    again = open_registration_page(client, moodle, path, "token-2")
    assert again.status_code == 410
    assert "already been used" in _message(again)
    replay = confirm_registration(client, moodle, page.text, path, "token-2")
    assert replay.status_code == 410
    assert "token-2" not in moodle.used_tokens  # refused before the platform was asked
    with app.app_context():
        [invite] = invites.list_invites(app)
    assert (invite.used_issuer, invite.used_client_id) == (moodle.base_url, "moodle-client-7")


def test_an_expired_invite_is_refused(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    path = _link(app, now=datetime.now(UTC) - timedelta(hours=2))  # lived one hour
    page = open_registration_page(client, moodle, path)
    assert page.status_code == 410
    assert "expired on" in _message(page)
    assert _stored(app) == []


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,  # the right shape, never issued
        "not-a-link",
        "a" * 500,
        "%0d%0a",  # (with a NUL it is refused before any view: web/errors.refuse_nul_bytes)
        "two%20words",
    ],
)
def test_unknown_or_made_up_links_get_a_404_page(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform, token: str
) -> None:
    _link(app)  # a real invite exists; it must not matter
    page = open_registration_page(client, moodle, f"/lti/register/{token}")
    assert page.status_code == 404
    assert "not one the tool issued" in _message(page)
    # Shown inside the LMS's registration frame (the page has nothing to click that acts).
    assert page.headers["Content-Security-Policy"].endswith(f"frame-ancestors {moodle.base_url}")


def test_a_link_altered_by_one_character_is_unknown(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    path = _link(app)
    forged = path[:-1] + ("A" if path[-1] != "A" else "B")
    assert open_registration_page(client, moodle, forged).status_code == 404
    assert _register(client, moodle, path, "token-1").status_code == 200  # the real one works


def test_a_refused_registration_leaves_the_link_usable(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    path = _link(app)
    refused = _register(client, moodle, path, "wrong-token")
    assert refused.status_code == 400
    assert "HTTP 401" in _message(refused)
    assert _register(client, moodle, path, "token-1").status_code == 200


def test_a_link_for_another_issuer_is_refused_and_stays_unused(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    path = _link(app, issuer="https://moodle.university.example")
    page = open_registration_page(client, moodle, path)
    assert page.status_code == 403
    assert "is for the platform https://moodle.university.example" in _message(page)
    assert moodle.registrations == [] and _stored(app) == []
    with app.app_context():
        [invite] = invites.list_invites(app)
    assert invite.used_at is None


def test_a_known_issuer_under_a_new_client_id_needs_a_link_naming_it(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    moodle.tokens.update({"token-2", "token-3"})
    assert _register(client, moodle, _link(app), "token-1").status_code == 200

    second = open_registration_page(client, moodle, _link(app), "token-2")
    assert second.status_code == 403
    message = _message(second)
    assert "already registered" in message and "moodle-client-7" in message
    assert f"intervision platform invite --issuer {moodle.base_url}" in message
    assert "token-2" not in moodle.used_tokens

    named = _link(app, issuer=moodle.base_url + "/")  # the same URL, written with a slash
    assert _register(client, moodle, named, "token-3").status_code == 200
    assert sorted(_stored(app)) == [
        (moodle.base_url, "moodle-client-7"),
        (moodle.base_url, "moodle-client-8"),
    ]


def test_the_same_host_on_another_port_is_another_issuer(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    """http://127.0.0.1 (port 80) and http://127.0.0.1:9 are known; the Moodle on its own port
    is a platform of its own and registers with an ordinary link."""
    with app.app_context(), db.write_transaction(app) as session:
        for issuer in ("http://127.0.0.1", "http://127.0.0.1:9"):
            registrations_repo.add_registration(
                session,
                issuer=issuer,
                client_id="other",
                auth_login_url=f"{issuer}/auth",
                auth_token_url=f"{issuer}/token",
                jwks_url=f"{issuer}/jwks",
                deployment_ids=["1"],
            )
    assert _register(client, moodle, _link(app), "token-1").status_code == 200
    assert (moodle.base_url, "moodle-client-7") in _stored(app)


def test_a_configuration_claiming_the_same_host_on_another_port_is_refused(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = moodle.configuration()
    monkeypatch.setattr(moodle, "configuration", lambda: {**genuine, "issuer": "http://127.0.0.1"})
    page = open_registration_page(client, moodle, _link(app))
    assert page.status_code == 400
    assert "scheme, host and port" in _message(page)


@pytest.mark.parametrize(
    "suffix", ["/\nFAKE LOG LINE", "/a\tb", "/" + "x" * 300], ids=["newline", "tab", "long"]
)
def test_an_issuer_with_control_characters_or_over_long_is_refused(
    app: Flask,
    client: FlaskClient,
    moodle: MoodlePlatform,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    """urlsplit drops tabs and line breaks, so such an issuer passed the origin check."""
    genuine = moodle.configuration()
    claimed = moodle.base_url + suffix
    monkeypatch.setattr(moodle, "configuration", lambda: {**genuine, "issuer": claimed})
    page = open_registration_page(client, moodle, _link(app))
    assert page.status_code == 400
    assert "without spaces or control characters" in _message(page)
    assert _stored(app) == []


def test_open_registration_when_the_admin_turns_it_on(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    app.config["OPEN_REGISTRATION"] = True
    assert _register(client, moodle, "/lti/register", "token-1").status_code == 200
    assert _stored(app) == [(moodle.base_url, "moodle-client-7")]
    # A known issuer still needs the admin, even with open registration.
    moodle.tokens.add("token-2")
    again = open_registration_page(client, moodle, "/lti/register", "token-2")
    assert again.status_code == 403 and "--issuer" in _message(again)


def test_a_claimed_link_cannot_be_claimed_again_until_released(db_app: Flask) -> None:
    """The guarded UPDATE: a second request holding the same (unused-looking) record loses."""
    now = datetime.now(UTC)
    issued = invites.issue_invite(db_app, issuer=None, lifetime=timedelta(hours=1), now=now)
    invite = invites.usable_invite(issued.token, now, db_app)
    invites.claim(invite, now, db_app)
    with pytest.raises(invites.InviteSpent):
        invites.claim(invite, now, db_app)  # the second request, holding the same record
    invites.release(invite, db_app)
    invites.claim(invite, now, db_app)  # released after a refusal: usable again
    with pytest.raises(invites.InviteSpent, match="expired"):
        later = invites.issue_invite(db_app, issuer=None, lifetime=timedelta(minutes=1), now=now)
        invites.usable_invite(later.token, now + timedelta(minutes=1), db_app)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("https://lms:8443", "https://lms", False),
        ("https://lms:443", "https://LMS/", True),
        ("http://lms", "https://lms", False),
        ("https://lms.example/moodle", "https://lms.example/moodle/", True),
        ("https://lms.example/moodle", "https://lms.example", False),
        ("https://canvas.instructure.com", "https://canvas.instructure.com", True),
    ],
)
def test_issuers_are_compared_as_full_urls(one: str, other: str, same: bool) -> None:
    assert invites.same_issuer(one, other) is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m", timedelta(minutes=30)), ("12h", timedelta(hours=12)), (" 7d", timedelta(days=7))],
)
def test_lifetimes(text: str, expected: timedelta) -> None:
    assert invites.parse_lifetime(text) == expected


@pytest.mark.parametrize("text", ["", "7", "7w", "0m", "91d", "-1d", "1.5h"])
def test_bad_lifetimes_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="30m, 12h or 7d|between 1 minute and 90 days"):
        invites.parse_lifetime(text)


def test_the_invite_command_prints_a_working_link(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    args = ["platform", "invite", "--issuer", moodle.base_url, "--expires", "12h"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    assert url.startswith(f"{TOOL_BASE}/lti/register/")
    assert f"for {moodle.base_url} only" in result.stderr
    assert _register(client, moodle, urlsplit(url).path, "token-1").status_code == 200

    listed = runner.invoke(main, ["platform", "invites"])
    assert f"used by {moodle.base_url} (client moodle-client-7)" in listed.output
    assert url.rsplit("/", 1)[1] not in listed.output  # the secret is not stored or shown


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--expires", "2y"], "30m, 12h or 7d"),
        (["--expires", "365d"], "between 1 minute and 90 days"),
        (["--issuer", "ftp://lms.example"], "must be an https URL"),
        (["--issuer", "https://lms.example/?x=1"], "without query or fragment"),
        (["--issuer", "https://lms.example/" + "x" * 300], "at most 255 characters"),
    ],
)
def test_the_invite_command_refuses_bad_options(
    app: Flask, runner: FlaskCliRunner, args: list[str], expected: str
) -> None:
    result = runner.invoke(main, ["platform", "invite", *args])
    assert result.exit_code == 2
    assert expected in result.output
    with app.app_context():
        assert invites.list_invites(app) == []
