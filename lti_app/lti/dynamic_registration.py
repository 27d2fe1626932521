"""LTI Dynamic Registration 1.0 (tool side), shaped to pass Moodle's and Canvas' checks.

The platform opens ``/lti/register?openid_configuration=…&registration_token=…``; we fetch its
OpenID configuration, POST our registration with the bearer token, and store the returned
client id and deployment id. pylti1p3 2.0 has no dynamic registration (research: lti.md §1).
Every outbound request has a timeout, a size cap, no redirects, and only https (plain http is
accepted for loopback platforms only when the tool itself runs on loopback).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask

from lti_app.config import is_loopback_host
from lti_app.i18n import gettext
from lti_app.lti.http import FetchFailure, fetch_json
from lti_app.lti.tool_urls import (
    DEEP_LINKING,
    REQUESTED_CLAIMS,
    RESOURCE_LINK,
    TOOL_SCOPES,
    ToolUrls,
)
from lti_app.storage import db, registrations_repo

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
CANVAS_PRIVACY_LEVEL = "https://canvas.instructure.com/lti/privacy_level"
HTTP_TIMEOUT = (3.05, 10.0)
MAX_RESPONSE_BYTES = 256 * 1024
MAX_ISSUER_LENGTH = 255  # the registration table's column


class DynamicRegistrationError(Exception):
    """Registration cannot proceed; ``str()`` is safe and useful to show to the admin."""


@dataclass(frozen=True)
class PlatformConfiguration:
    """The parts of the platform's OpenID configuration the tool needs."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    authorization_server: str | None = None
    product_family_code: str = ""
    messages_supported: tuple[str, ...] = ()
    scopes_supported: tuple[str, ...] = ()
    origin: str = ""

    @property
    def is_canvas(self) -> bool:
        return self.product_family_code == "canvas"


@dataclass(frozen=True)
class RegistrationResult:
    client_id: str
    deployment_ids: tuple[str, ...] = field(default_factory=tuple)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_platform_url(url: str, *, allow_loopback: bool, allow_private: bool = False) -> str:
    """Refuse URLs that would let a stranger make the tool call internal services (SSRF)."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise DynamicRegistrationError(
            gettext("%(url)s is not an absolute https URL.", url=repr(url))
        )
    if is_loopback_host(host):
        if allow_loopback:
            return url
        raise DynamicRegistrationError(
            gettext("%(url)s points at this server's loopback interface.", url=repr(url))
        )
    if parts.scheme != "https":
        raise DynamicRegistrationError(gettext("%(url)s must use https.", url=repr(url)))
    if not allow_private:
        for address in _resolve(host):
            if not address.is_global:
                raise DynamicRegistrationError(
                    gettext(
                        "%(host)s resolves to a non-public address (%(address)s); set "
                        "INTERVISION_REGISTRATION_ALLOW_PRIVATE=1 if your LMS is on a private "
                        "network.",
                        host=host,
                        address=str(address),
                    )
                )
    return url


def _resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise DynamicRegistrationError(
            gettext("the host %(host)s cannot be resolved.", host=repr(host))
        ) from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _refusal(
    what: str, *, unreachable: str, refused: Callable[[FetchFailure], str]
) -> Callable[[FetchFailure], DynamicRegistrationError]:
    """The admin-facing message for each way a fetch of the platform's ``what`` can fail."""

    def error(failure: FetchFailure) -> DynamicRegistrationError:
        if failure.kind in ("unreachable", "timeout"):
            return DynamicRegistrationError(f"{unreachable}: {failure.error_type}")
        if failure.kind == "status":
            return DynamicRegistrationError(refused(failure))
        if failure.kind == "too_large":
            return DynamicRegistrationError(gettext("%(what)s is larger than 256 kB.", what=what))
        if failure.kind == "too_slow":
            return DynamicRegistrationError(gettext("%(what)s took too long to arrive.", what=what))
        return DynamicRegistrationError(gettext("%(what)s is not JSON.", what=what))

    return error


def _json_object(document: Any, what: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise DynamicRegistrationError(gettext("%(what)s is not a JSON object.", what=what))
    return document


def _required_url(document: dict[str, Any], name: str, **checks: bool) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise DynamicRegistrationError(
            gettext("the platform's configuration has no %(name)s.", name=repr(name))
        )
    return check_platform_url(value, **checks)


def _checked_issuer(issuer: object, configuration_url: str) -> str:
    """LTI DR 1.0 §3.5.1: the issuer lives where the configuration is served (scheme, host
    and port: an issuer is its full URL).

    Anyone may point /lti/register at a document they serve; without this check it could
    claim a real LMS's issuer, and launches signed with its own keys would then name that
    LMS's users (users are keyed by issuer and sub).
    """
    if not isinstance(issuer, str) or not issuer:
        raise DynamicRegistrationError(
            gettext("the platform's configuration has no %(name)s.", name="'issuer'")
        )
    if len(issuer) > MAX_ISSUER_LENGTH or any(
        ch.isspace() or not ch.isprintable() for ch in issuer
    ):
        # urlsplit drops tabs and line breaks, so they would pass the origin check below
        # and reach the database and the logs.
        raise DynamicRegistrationError(
            gettext(
                "The platform's issuer is not a URL of at most %(limit)s characters "
                "without spaces or control characters.",
                limit=MAX_ISSUER_LENGTH,
            )
        )
    issuer_parts = urlsplit(issuer)
    if (
        issuer_parts.scheme not in ("https", "http")
        or not issuer_parts.hostname
        or _origin(issuer) != _origin(configuration_url)
        or issuer_parts.query
        or issuer_parts.fragment
    ):
        raise DynamicRegistrationError(
            gettext(
                "The platform's issuer %(issuer)s is not a URL on %(origin)s, the scheme, host "
                "and port that serve its configuration; the LMS must publish its own issuer.",
                issuer=repr(issuer),
                origin=origin_of(configuration_url),
            )
        )
    return issuer


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: another port on the same host may be another owner's server."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return ("", "", None)
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port or default)


def fetch_platform_configuration(
    url: str, http: requests.Session, *, allow_loopback: bool, allow_private: bool = False
) -> PlatformConfiguration:
    checks = {"allow_loopback": allow_loopback, "allow_private": allow_private}
    check_platform_url(url, **checks)
    what = gettext("the platform's OpenID configuration")
    _, answer = fetch_json(
        http,
        url,
        max_bytes=MAX_RESPONSE_BYTES,
        timeout=HTTP_TIMEOUT,
        error=_refusal(
            what,
            unreachable=gettext("could not reach %(url)s", url=url),
            refused=lambda failure: gettext(
                "%(url)s answered HTTP %(status)s instead of the OpenID configuration.",
                url=url,
                status=failure.status,
            ),
        ),
    )
    document = _json_object(answer, what)
    issuer = _checked_issuer(document.get("issuer"), url)
    platform = document.get(PLATFORM_CONFIGURATION) or {}
    if not isinstance(platform, dict):
        platform = {}
    messages = platform.get("messages_supported") or []
    scopes = document.get("scopes_supported") or []
    audience = document.get("authorization_server")
    return PlatformConfiguration(
        issuer=issuer,
        authorization_endpoint=_required_url(document, "authorization_endpoint", **checks),
        token_endpoint=_required_url(document, "token_endpoint", **checks),
        jwks_uri=_required_url(document, "jwks_uri", **checks),
        registration_endpoint=_required_url(document, "registration_endpoint", **checks),
        authorization_server=audience if isinstance(audience, str) and audience else None,
        product_family_code=str(platform.get("product_family_code") or "").lower(),
        messages_supported=tuple(
            str(m.get("type")) for m in messages if isinstance(m, dict) and m.get("type")
        ),
        scopes_supported=tuple(str(s) for s in scopes if isinstance(s, str)),
        origin=origin_of(url),
    )


def _message(kind: str, urls: ToolUrls, title: str, placements: Iterable[str]) -> dict[str, Any]:
    message: dict[str, Any] = {"type": kind, "target_link_uri": urls.launch, "label": title}
    placement_list = list(placements)
    if placement_list:
        message["placements"] = placement_list
    return message


def tool_registration_request(
    urls: ToolUrls, platform: PlatformConfiguration, *, title: str, description: str
) -> dict[str, Any]:
    """The registration body; only asks for scopes and messages the platform offers."""
    supported_messages = set(platform.messages_supported) or {RESOURCE_LINK, DEEP_LINKING}
    messages = []
    if RESOURCE_LINK in supported_messages:
        placements = ["course_navigation"] if platform.is_canvas else []
        messages.append(_message(RESOURCE_LINK, urls, title, placements))
    if DEEP_LINKING in supported_messages:
        placements = ["assignment_selection", "link_selection"] if platform.is_canvas else []
        messages.append(_message(DEEP_LINKING, urls, title, placements))
    offered = set(platform.scopes_supported)
    scopes = [scope for scope in TOOL_SCOPES if not offered or scope in offered]
    tool_configuration: dict[str, Any] = {
        "domain": urls.domain,
        "target_link_uri": urls.launch,
        "description": description,
        "claims": list(REQUESTED_CLAIMS),
        "messages": messages,
        "custom_parameters": {},
    }
    if platform.is_canvas:
        tool_configuration[CANVAS_PRIVACY_LEVEL] = "public"
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": urls.redirect_uris,
        "client_name": title,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: tool_configuration,
    }


def register_with_platform(
    platform: PlatformConfiguration,
    registration_token: str,
    request_body: dict[str, Any],
    http: requests.Session,
) -> RegistrationResult:
    """POST the registration; the token is single-use, so this is called once per attempt."""
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    what = gettext("the platform's registration response")
    _, answer = fetch_json(
        http,
        platform.registration_endpoint,
        method="POST",
        max_bytes=MAX_RESPONSE_BYTES,
        timeout=HTTP_TIMEOUT,
        ok_statuses=(200, 201),
        json_body=request_body,
        headers=headers,
        error=_refusal(
            what,
            unreachable=gettext("could not reach the platform's registration endpoint"),
            refused=lambda failure: gettext(
                "the platform refused the registration (HTTP %(status)s): %(detail)s",
                status=failure.status,
                detail=failure.detail[:300],
            ),
        ),
    )
    document = _json_object(answer, what)
    client_id = document.get("client_id")
    if not isinstance(client_id, str | int) or str(client_id) == "":
        raise DynamicRegistrationError(
            gettext("the platform's registration response has no client_id.")
        )
    tool_configuration = document.get(TOOL_CONFIGURATION) or {}
    deployment_id = (
        tool_configuration.get("deployment_id") if isinstance(tool_configuration, dict) else None
    )
    deployments = (str(deployment_id),) if deployment_id not in (None, "") else ()
    return RegistrationResult(client_id=str(client_id), deployment_ids=deployments)


def platform_registration(
    platform: PlatformConfiguration, result: RegistrationResult
) -> registrations_repo.PlatformRegistration:
    """What the tool stores of a platform that registered (frames allowed from its origin)."""
    return registrations_repo.PlatformRegistration(
        issuer=platform.issuer,
        client_id=result.client_id,
        auth_login_url=platform.authorization_endpoint,
        auth_token_url=platform.token_endpoint,
        auth_audience=platform.authorization_server,
        jwks_url=platform.jwks_uri,
        deployment_ids=result.deployment_ids,
        frame_origins=(platform.origin,),
    )


def save_registration(
    platform: PlatformConfiguration, result: RegistrationResult, app: Flask | None = None
) -> list[str]:
    """Store (or extend) the registration; return the deployment ids that are now known."""
    with db.write_transaction(app) as session:
        record = registrations_repo.upsert_registration(
            session, platform_registration(platform, result), when_known="add_deployments"
        )
    return list(record.deployment_ids)
