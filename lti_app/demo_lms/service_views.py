"""OAuth2 token endpoint, AGS (line items, scores, results) and NRPS (memberships) over HTTP.

The token endpoint adds what lti1p3platform 0.1.8 leaves out of the client-assertion check:
``iss`` = ``sub`` = our client id, ``aud`` naming this token endpoint, ``exp`` present, and a
``jti`` that is never accepted twice. NRPS pages carry the library's own ``Link: <…>; rel=next``
(unquoted, as lti1p3platform sends it), so the tool meets the real-world quirk here first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from lti1p3platform.exceptions import LtiException
from lti1p3platform.registration import Registration
from lti1p3platform.response import Response as ServiceResponse
from lti1p3platform.response import generate_next_link

from lti_app.demo_lms.context import current_lms
from lti_app.demo_lms.platform import BadQueryParameter
from lti_app.demo_lms.services import DemoAgs, DemoNrps

bp = Blueprint("demo_services", __name__)

REQUIRED_TOKEN_FIELDS = ("grant_type", "client_assertion_type", "client_assertion", "scope")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM, LINEITEM_READ = AGS + "lineitem", AGS + "lineitem.readonly"
SCORE, RESULT_READ = AGS + "score", AGS + "result.readonly"


def _oauth_error(error: str, description: str, status: int = 400) -> ResponseReturnValue:
    return {"error": error, "error_description": description}, status


@bp.post("/token")
def token() -> ResponseReturnValue:
    """Client credentials with a JWT assertion signed by the tool (LTI Security §4.1)."""
    lms = current_lms()
    form = request.form.to_dict()
    missing = [name for name in REQUIRED_TOKEN_FIELDS if not form.get(name)]
    if missing:
        return _oauth_error("invalid_request", "missing form field(s): " + ", ".join(missing))
    if form["grant_type"] != "client_credentials":
        return _oauth_error("unsupported_grant_type", "grant_type must be client_credentials")
    if form["client_assertion_type"] != ASSERTION_TYPE:
        return _oauth_error("invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}")
    conf = lms.conf()
    try:
        claims = conf.tool_validate_and_decode(form["client_assertion"])
    except (jwt.PyJWTError, LtiException) as error:
        return _oauth_error("invalid_client", f"client_assertion not verified: {error}", 401)
    problem = _assertion_problem(claims)
    if problem:
        return _oauth_error("invalid_client", problem, 401)
    granted = conf.get_access_token(form)
    if not granted["scope"]:
        return _oauth_error("invalid_scope", "none of the requested scopes is offered")
    response = jsonify(granted)
    response.headers["Cache-Control"] = "no-store"
    return response


def _assertion_problem(claims: dict[str, Any]) -> str | None:
    """What is wrong with a signature-verified assertion, or None; records its jti as spent."""
    settings = current_lms().settings
    if claims.get("iss") != settings.client_id or claims.get("sub") != settings.client_id:
        return "iss and sub must both be the tool's client id"
    audience = claims.get("aud")
    if settings.token_url not in (audience if isinstance(audience, list) else [audience]):
        return f"aud must name the token endpoint {settings.token_url}"
    if not isinstance(claims.get("exp"), int | float):
        return "exp is required"
    jti = claims.get("jti")
    if isinstance(jti, str):
        with current_lms().store.change() as state:
            if jti in state["used_assertions"]:
                return "this client_assertion (jti) was used already"
            state["used_assertions"][jti] = max(float(claims["exp"]), time.time()) + 60
    return None


def _granted_scopes() -> set[str]:
    """Scopes of the bearer token; the library checks the signature again before any handler."""
    header = request.headers.get("Authorization", "").split()
    if len(header) != 2 or header[0].lower() != "bearer":
        return set()
    public_key = current_lms().platform_key.public_pem
    try:
        claims = Registration.decode_and_verify(header[1], public_key)
    except jwt.PyJWTError:
        return set()
    return set(str(claims.get("scopes", "")).split())


def _serve(call: Callable[[], ServiceResponse], *scopes: str) -> ResponseReturnValue:
    """Run a library handler; turn its Response (and token errors) into a Flask response."""
    if scopes and not _granted_scopes() & set(scopes):
        return {"error": "the access token lacks the scope " + " or ".join(scopes)}, 401
    try:
        result = call()
    except BadQueryParameter as error:
        return {"error": str(error)}, 400
    except (jwt.PyJWTError, LtiException) as error:
        return {"error": f"invalid access token: {error}"}, 401
    return _to_flask(result)


def _to_flask(result: ServiceResponse) -> ResponseReturnValue:
    if not 200 <= result.code < 300:
        return {"error": result.message}, result.code
    if result.code == 204 or result.result is None:
        return Response(status=result.code)
    body = result.result
    next_url = body.get("next") if isinstance(body, dict) else None
    data = body["content"] if isinstance(body, dict) and "content" in body else body
    response = jsonify(data)
    response.status_code = result.code
    response.content_type = result.media_type
    if next_url:
        response.headers["Link"] = generate_next_link(next_url)  # unquoted rel=next
    return response


@bp.route("/api/lineitems", methods=["GET", "POST"])
def line_items() -> ResponseReturnValue:
    if request.method == "POST":
        return _serve(
            lambda: (s := DemoAgs(current_lms())).handle_resp(s.handle_create_lineitem), LINEITEM
        )
    return _serve(
        lambda: (s := DemoAgs(current_lms())).handle_resp(s.handle_get_lineitems),
        LINEITEM,
        LINEITEM_READ,
    )


@bp.route("/api/lineitems/<line_item_id>", methods=["GET", "PUT", "DELETE"])
def line_item(line_item_id: str) -> ResponseReturnValue:
    handlers = {
        "GET": "handle_get_lineitem",
        "PUT": "handle_update_lineitem",
        "DELETE": "handle_delete_lineitem",
    }
    scopes = (LINEITEM, LINEITEM_READ) if request.method == "GET" else (LINEITEM,)

    def call() -> ServiceResponse:
        service = DemoAgs(current_lms(), line_item_id)
        return service.handle_resp(
            getattr(service, handlers[request.method]), line_item_id=line_item_id
        )

    return _serve(call, *scopes)


@bp.post("/api/lineitems/<line_item_id>/scores")
def scores(line_item_id: str) -> ResponseReturnValue:
    return _serve(
        lambda: (s := DemoAgs(current_lms(), line_item_id)).handle_resp(
            s.handle_update_score, line_item_id=line_item_id
        ),
        SCORE,
    )


@bp.get("/api/lineitems/<line_item_id>/results")
def results(line_item_id: str) -> ResponseReturnValue:
    return _serve(
        lambda: (s := DemoAgs(current_lms(), line_item_id)).handle_resp(
            s.handle_get_results, line_item_id=line_item_id
        ),
        RESULT_READ,
    )


@bp.get("/api/memberships")
def memberships() -> ResponseReturnValue:
    return _serve(lambda: (s := DemoNrps(current_lms())).handle_resp(s.handle_get_members))
