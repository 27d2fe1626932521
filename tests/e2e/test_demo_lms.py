"""The demo LMS as a platform: its authorization endpoint, the tokens it signs, deep linking,
the token endpoint, AGS and NRPS, checked with the real tool and pylti1p3 (the tool-side
library) on real servers on 127.0.0.1; and `intervision demo` as a newcomer runs it.
"""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from lti_app.demo import RunningDemo
from lti_app.demo_lms.settings import DemoLmsSettings
from tests.support.lti_fixtures import free_loopback_port, running_demo

pytestmark = pytest.mark.e2e

CLIENT_ID = DemoLmsSettings.client_id
DEPLOYMENT_ID = DemoLmsSettings.deployment_id
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


# --- helpers: what a browser and the tool would send ---------------------------------------


def start_login(
    demo: RunningDemo, role: str = "learner", kind: str = "resource", person: str = ""
) -> dict[str, str]:
    """Press a launch button (as ``person``, if given); return the login-initiation parameters
    sent to the tool."""
    browser = requests.Session()
    page = browser.get(demo.urls.course, timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf, "the course page has no CSRF token in its launch forms"
    response = browser.post(
        demo.urls.lms + "/launch",
        data={
            "csrf_token": csrf.group(1),
            "role": role,
            "kind": kind,
            "link": "intervision-home",
            **({"person": person} if person else {}),
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == demo.urls.tool + "/lti/login"
    return dict(parse_qsl(location.query))


def auth_request(demo: RunningDemo, login: dict[str, str], **overrides: str) -> dict[str, str]:
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login["client_id"],
        "redirect_uri": demo.urls.tool + "/lti/launch",
        "state": "state-1",
        "nonce": "nonce-1",
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v != ""}


def autopost_form(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form id="lms-autopost" method="post" action="([^"]+)"', html)
    assert action, html
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', html))
    return action.group(1), fields


def verified_id_token(demo: RunningDemo, token: str) -> dict[str, Any]:
    keys = jwt.PyJWKClient(demo.urls.lms + "/.well-known/jwks.json")
    signing_key = keys.get_signing_key_from_jwt(token)
    claims: dict[str, Any] = jwt.decode(
        token, signing_key.key, algorithms=["RS256"], audience=CLIENT_ID, issuer=demo.urls.lms
    )
    return claims


def launch_claims(
    demo: RunningDemo, role: str = "learner", kind: str = "resource", person: str = ""
) -> dict[str, Any]:
    login = start_login(demo, role, kind, person)
    response = requests.get(demo.urls.lms + "/auth", params=auth_request(demo, login), timeout=10)
    assert response.status_code == 200, response.text
    return verified_id_token(demo, autopost_form(response.text)[1]["id_token"])


def tool_registration(demo: RunningDemo, issuer: str | None = None) -> Registration:
    """The tool's side of the registration, with the tool's real signing key (pylti1p3)."""
    from lti_app.lti import keys

    with demo.tool_app.app_context():
        signing = keys.current_signing_key(demo.tool_app)
    return (
        Registration()
        .set_issuer(issuer or demo.urls.lms)
        .set_client_id(CLIENT_ID)
        .set_auth_token_url(demo.urls.lms + "/token")
        .set_key_set_url(demo.urls.lms + "/.well-known/jwks.json")
        .set_tool_private_key(signing.private_pem)
        .set_tool_public_key(signing.public_pem)
    )


def foreign_registration(demo: RunningDemo) -> Registration:
    """Same ids, but a key the tool never published."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return tool_registration(demo).set_tool_private_key(private).set_tool_public_key(public)


# --- authorization endpoint and id_token ---------------------------------------------------


def test_id_token_is_signed_by_the_published_key_and_carries_the_launch(demo: RunningDemo) -> None:
    claims = launch_claims(demo, "learner")

    assert claims["nonce"] == "nonce-1"
    assert claims["sub"] == "demo-learner-bram" and claims["name"] == "Bram Jansen"
    assert claims[CLAIM + "message_type"] == "LtiResourceLinkRequest"
    assert claims[CLAIM + "deployment_id"] == DEPLOYMENT_ID
    assert claims[CLAIM + "target_link_uri"] == demo.urls.tool + "/lti/launch"
    assert any(r.endswith("membership#Learner") for r in claims[CLAIM + "roles"])
    assert claims[CLAIM + "context"]["id"] == "intervision-demo-course"
    assert claims[CLAIM + "resource_link"]["id"] == "intervision-home"
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == demo.urls.lms + "/api/lineitems"
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert nrps["context_memberships_url"] == demo.urls.lms + "/api/memberships"


def test_any_of_the_learners_can_launch_and_a_withheld_name_is_not_sent(
    demo: RunningDemo,
) -> None:
    """Sign-ups need a class: the course page offers every learner, and one learner's name is
    withheld the way a platform's privacy setting does it (no name claims at all)."""
    page = requests.get(demo.urls.course, timeout=10).text
    offered = re.findall(r'<option value="(demo-learner-[a-z]+)"', page)
    assert len(offered) >= 8 and len(set(offered)) == len(offered)

    claims = launch_claims(demo, "learner", person="demo-learner-hanna")
    assert claims["sub"] == "demo-learner-hanna" and claims["name"] == "Hanna Schmidt"

    withheld = launch_claims(demo, "learner", person="demo-learner-withheld")
    assert withheld["sub"] == "demo-learner-withheld"
    assert not {"name", "given_name", "family_name", "email"} & withheld.keys()

    picked = requests.get(demo.urls.course, params={"learner": "demo-learner-daan"}, timeout=10)
    assert '<input type="hidden" name="person" value="demo-learner-daan">' in picked.text


def test_an_instructor_cannot_launch_as_a_learner_of_the_list(demo: RunningDemo) -> None:
    """``person`` only picks among learners; it never turns a learner launch into another role."""
    claims = launch_claims(demo, "instructor", person="demo-learner-hanna")
    assert claims["sub"] == "demo-instructor-anna"


def test_the_real_tool_accepts_the_launch(demo: RunningDemo) -> None:
    """Login at the tool, authorize at the LMS, post the id_token back: the tool lands us."""
    login = start_login(demo, "instructor")
    at_tool = requests.get(
        demo.urls.tool + "/lti/login",
        params={**login, "lti1p3_new_window": "1"},
        allow_redirects=False,
        timeout=10,
    )
    assert at_tool.status_code == 302, at_tool.text
    auth = requests.get(at_tool.headers["Location"], timeout=10)
    assert auth.status_code == 200, auth.text
    action, fields = autopost_form(auth.text)
    # The state cookie is Secure; Chrome sends it to http://127.0.0.1, requests does not, so
    # send it as the browser would (the Chromium test covers the real cookie handling).
    cookie = "; ".join(f"{c.name}={c.value}" for c in at_tool.cookies)
    launched = requests.post(
        action, data=fields, headers={"Cookie": cookie}, allow_redirects=False, timeout=10
    )
    assert launched.status_code in (302, 303), launched.text
    assert launched.headers["Location"].startswith(("/", demo.urls.tool))


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"redirect_uri": "http://127.0.0.1:9/steal"}, "redirect_uri"),
        ({"client_id": "someone-else"}, "client_id"),
        ({"response_type": "code"}, "response_type"),
        ({"response_mode": "query"}, "response_mode"),
        ({"scope": "profile"}, "scope"),
        ({"nonce": ""}, "nonce"),
        ({"login_hint": "demo-instructor-anna"}, "login_hint"),
        ({"lti_message_hint": "made-up"}, "lti_message_hint"),
    ],
)
def test_authorization_endpoint_refuses_bad_requests(
    demo: RunningDemo, override: dict[str, str], named: str
) -> None:
    login = start_login(demo)
    response = requests.post(
        demo.urls.lms + "/auth", data=auth_request(demo, login, **override), timeout=10
    )
    assert response.status_code == 400
    assert named in response.text and 'name="id_token"' not in response.text


def test_a_launch_can_be_authorized_only_once(demo: RunningDemo) -> None:
    login = start_login(demo)
    first = requests.get(demo.urls.lms + "/auth", params=auth_request(demo, login), timeout=10)
    again = requests.get(demo.urls.lms + "/auth", params=auth_request(demo, login), timeout=10)
    assert first.status_code == 200
    assert again.status_code == 400 and "used already" in again.text


# --- deep linking ----------------------------------------------------------------------------


def deep_link_response(demo: RunningDemo, registration: Registration | None = None) -> str:
    """What the tool posts back after a deep-linking launch: a JWT signed with pylti1p3."""
    claims = launch_claims(demo, "instructor", "deep_link")
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingRequest"
    settings = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    assert settings["deep_link_return_url"] == demo.urls.lms + "/deep-link/return"
    resource = (
        DeepLinkResource()
        .set_url(demo.urls.tool + "/lti/launch")
        .set_title("Peer feedback: incident method")
        .set_custom_params({"activity": "incident-feedback"})
        .set_lineitem(LineItem().set_label("Incident feedback").set_score_maximum(10))
    )
    deep_link = DeepLink(registration or tool_registration(demo), DEPLOYMENT_ID, settings)
    token: str = deep_link.get_response_jwt([resource])
    return token


def test_deep_link_response_is_verified_and_added_to_the_course(demo: RunningDemo) -> None:
    token = deep_link_response(demo)
    added = requests.post(demo.urls.lms + "/deep-link/return", data={"JWT": token}, timeout=10)
    assert added.status_code == 200, added.text
    assert "Added 1 item" in added.text

    course = requests.get(demo.urls.course, timeout=10).text
    assert "Peer feedback: incident method" in course
    gradebook = requests.get(demo.urls.lms + "/gradebook", timeout=10).text
    assert "Incident feedback" in gradebook and "Maximum 10" in gradebook

    replayed = requests.post(demo.urls.lms + "/deep-link/return", data={"JWT": token}, timeout=10)
    assert replayed.status_code == 400 and "used already" in replayed.text


def test_deep_link_response_signed_with_an_unpublished_key_is_refused(demo: RunningDemo) -> None:
    token = deep_link_response(demo, foreign_registration(demo))
    refused = requests.post(demo.urls.lms + "/deep-link/return", data={"JWT": token}, timeout=10)
    assert refused.status_code == 400 and "not accepted" in refused.text
    assert "Peer feedback" not in requests.get(demo.urls.course, timeout=10).text


def test_deep_link_response_for_another_platform_is_refused(demo: RunningDemo) -> None:
    token = deep_link_response(demo, tool_registration(demo, issuer="http://127.0.0.1:9"))
    refused = requests.post(demo.urls.lms + "/deep-link/return", data={"JWT": token}, timeout=10)
    assert refused.status_code == 400 and "aud" in refused.text


# --- token endpoint, AGS, NRPS ---------------------------------------------------------------


def client_assertion(demo: RunningDemo, registration: Registration, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": demo.urls.lms + "/token",
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
        **changes,
    }
    return jwt.encode(
        claims,
        registration.get_tool_private_key(),
        algorithm="RS256",
        headers={"kid": registration.get_kid()},
    )


def token_request(demo: RunningDemo, assertion: str, scope: str) -> requests.Response:
    return requests.post(
        demo.urls.lms + "/token",
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        },
    )


def test_token_endpoint_grants_requested_scopes_to_a_verified_client(demo: RunningDemo) -> None:
    registration = tool_registration(demo)
    assertion = client_assertion(demo, registration)
    granted = token_request(demo, assertion, NRPS_SCOPE + " https://example.org/unknown")
    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == NRPS_SCOPE and granted.json()["token_type"] == "bearer"

    assert token_request(demo, assertion, NRPS_SCOPE).status_code == 401  # jti reused


@pytest.mark.parametrize(
    "bad",
    [{"aud": "http://127.0.0.1:9/token"}, {"iss": "other-client"}, {"exp": None}, "foreign key"],
)
def test_token_endpoint_refuses_bad_assertions(demo: RunningDemo, bad: Any) -> None:
    if bad == "foreign key":
        assertion = client_assertion(demo, foreign_registration(demo))
    else:
        registration = tool_registration(demo)
        assertion = client_assertion(demo, registration, **bad)
        if bad == {"exp": None}:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            claims.pop("exp")
            assertion = jwt.encode(
                claims,
                registration.get_tool_private_key(),
                algorithm="RS256",
                headers={"kid": registration.get_kid()},
            )
    response = token_request(demo, assertion, NRPS_SCOPE)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_scores_sent_with_pylti1p3_reach_the_gradebook(demo: RunningDemo) -> None:
    connector = ServiceConnector(tool_registration(demo))
    ags = AssignmentsGradesService(
        connector, {"scope": AGS_SCOPES, "lineitems": demo.urls.lms + "/api/lineitems"}
    )
    grade = (
        Grade()
        .set_score_given(7)
        .set_score_maximum(10)
        .set_user_id("demo-learner-bram")
        .set_timestamp(datetime.now(UTC).isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_comment("Clear, curious questions")
    )
    line_item = LineItem().set_tag("round-1").set_label("Questioning round").set_score_maximum(10)
    ags.put_grade(grade, line_item)

    [created] = ags.get_lineitems()
    assert created["label"] == "Questioning round" and created["tag"] == "round-1"
    [result] = ags.get_grades(LineItem(created))
    assert result["userId"] == "demo-learner-bram" and result["resultScore"] == 7
    gradebook = requests.get(demo.urls.lms + "/gradebook", timeout=10).text
    row = re.search(r"Bram Jansen</th>\s*<td>([^<]*)</td>", gradebook)
    assert row and row.group(1).strip() == "7 / 10"
    assert "Clear, curious questions" in gradebook


def test_ags_refuses_missing_tokens_wrong_scopes_and_bad_scores(demo: RunningDemo) -> None:
    items_url = demo.urls.lms + "/api/lineitems"
    assert requests.get(items_url, timeout=10).status_code == 401
    registration = tool_registration(demo)
    nrps_only = token_request(demo, client_assertion(demo, registration), NRPS_SCOPE).json()
    bearer = {"Authorization": "Bearer " + nrps_only["access_token"]}
    assert (
        requests.post(
            items_url, json={"label": "x", "scoreMaximum": 1}, headers=bearer, timeout=10
        ).status_code
        == 401
    )

    full = token_request(demo, client_assertion(demo, registration), " ".join(AGS_SCOPES)).json()
    bearer = {"Authorization": "Bearer " + full["access_token"]}
    no_max = requests.post(items_url, json={"label": "x"}, headers=bearer, timeout=10)
    assert no_max.status_code == 400 and "scoreMaximum" in no_max.json()["error"]
    item = requests.post(
        items_url, json={"label": "Round", "scoreMaximum": 5}, headers=bearer, timeout=10
    ).json()
    stranger = {
        "userId": "not-a-member",
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(),
        "scoreGiven": 1,
        "scoreMaximum": 5,
    }
    refused = requests.post(item["id"] + "/scores", json=stranger, headers=bearer, timeout=10)
    assert refused.status_code == 400 and "userId" in refused.json()["error"]
    assert requests.get(items_url + "?page=abc", headers=bearer, timeout=10).status_code == 400


def test_nrps_pages_use_an_unquoted_rel_next_that_pylti1p3_does_not_follow(
    demo: RunningDemo,
) -> None:
    registration = tool_registration(demo)
    token = token_request(demo, client_assertion(demo, registration), NRPS_SCOPE).json()
    bearer = {"Authorization": "Bearer " + token["access_token"]}
    url: str | None = demo.urls.lms + "/api/memberships?limit=1"
    names, links = [], []
    while url:
        page = requests.get(url, headers=bearer, timeout=10)
        assert page.status_code == 200, page.text
        names += [member.get("name", "(withheld)") for member in page.json()["members"]]
        link = page.headers.get("Link")
        links.append(link)
        match = re.fullmatch(r"<([^>]+)>; rel=next", link or "")
        url = match.group(1) if match else None
    assert names == [
        "Anna de Vries",
        "Bram Jansen",
        "Chloé Martin",
        "Daan Bakker",
        "Elif Yılmaz",
        "Femke Visser",
        "Gerrit Smit",
        "Hanna Schmidt",
        "Ilias El Amrani",
        "(withheld)",
    ]
    assert links[-1] is None and all(link and 'rel="next"' not in link for link in links[:-1])

    nrps = NamesRolesProvisioningService(
        ServiceConnector(registration),
        {"context_memberships_url": demo.urls.lms + "/api/memberships?limit=1"},
    )
    assert len(nrps.get_members()) == 1  # the quirk: pylti1p3 matches only rel="next"


# --- `intervision demo` as a newcomer runs it -------------------------------------------------


def _intervision(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from lti_app.cli import main; main()", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class OutputReader:
    """Reads a child's stdout in a thread, so the test waits on lines, never on sleep()."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.thread = threading.Thread(target=self._pump, args=(process,), daemon=True)
        self.thread.start()

    def _pump(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def until(self, marker: str, timeout: float = 60) -> str:
        seen, deadline = "", time.monotonic() + timeout
        while marker not in seen:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"no {marker!r} from intervision demo in {timeout} s:\n{seen}")
            if not line:
                pytest.fail(f"intervision demo exited early:\n{seen}")
            seen += line
        return seen


def test_intervision_demo_prints_working_urls_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    tool_port, lms_port = free_loopback_port(), free_loopback_port()
    with _intervision(
        "demo",
        "--no-build",
        "--tool-port",
        str(tool_port),
        "--lms-port",
        str(lms_port),
        "--instance-path",
        str(tmp_path / "i"),
        cwd=tmp_path,
    ) as process:
        reader = OutputReader(process)
        try:
            output = reader.until("Ctrl-C")
            urls = dict(
                re.findall(
                    r"^\s+(Demo course|Tool setup page|Courseware site)[^:]*:\s+(\S+)",
                    output,
                    re.MULTILINE,
                )
            )
            assert urls["Demo course"] == f"http://127.0.0.1:{lms_port}/"
            assert urls["Tool setup page"] == f"http://127.0.0.1:{tool_port}/lti/setup"
            course = requests.get(urls["Demo course"], timeout=10)
            assert course.status_code == 200 and "Launch as learner" in course.text
            assert requests.get(urls["Tool setup page"], timeout=10).status_code == 200
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
            reader.thread.join(timeout=10)
        errors = process.stderr.read() if process.stderr else ""
    assert process.returncode == 0, errors
    assert "Traceback" not in errors


def test_intervision_demo_reports_a_busy_port_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with _intervision(
            "demo",
            "--no-build",
            "--tool-port",
            str(port),
            "--lms-port",
            str(free_loopback_port()),
            cwd=tmp_path,
        ) as process:
            _, errors = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in errors and "--tool-port" in errors
    assert "Traceback" not in errors


def test_registering_the_demo_lms_twice_keeps_one_registration(tmp_path: Path) -> None:
    from lti_app.storage import db, registrations_repo

    tool_port, lms_port = free_loopback_port(), free_loopback_port()
    # The same LMS twice (the second start must find its registration), then on another port.
    for port in (lms_port, lms_port, free_loopback_port()):
        with running_demo(tmp_path / "instance", tool_port=tool_port, lms_port=port) as running:
            pass
    with db.transaction(running.tool_app) as session:
        registrations = registrations_repo.list_registrations(session)
    issuers = [r.issuer for r in registrations]
    assert len(issuers) == 2 and len(set(issuers)) == 2  # one per LMS port, none duplicated
