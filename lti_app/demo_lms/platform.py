"""Glue between Flask and the lti1p3platform library, which does the platform-side protocol.

The library is framework-neutral: it wants a request adapter, a platform configuration that
hands out one Registration, an OIDC login class that knows how to redirect, and a launch class
that knows how to render the auto-posting form. Each is a few lines here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import redirect, render_template, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from werkzeug.wrappers import Response as WerkzeugResponse

from lti_app.demo_lms.keys import PlatformKey
from lti_app.demo_lms.settings import DemoLmsSettings

# Query parameters the library does arithmetic on (page + 1): cast them, or page 2 is a 500.
INTEGER_QUERY_PARAMETERS = ("page", "limit")
DL_SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


class BadQueryParameter(ValueError):
    """A paging parameter is not a positive whole number."""


def _query_parameters() -> dict[str, Any]:
    params: dict[str, Any] = request.args.to_dict()
    for name in INTEGER_QUERY_PARAMETERS:
        if name in params:
            raw = params[name]
            if not raw.isdigit() or int(raw) < 1:
                raise BadQueryParameter(f"query parameter {name}={raw!r} must be a number ≥ 1")
            params[name] = int(raw)
    return params


class FlaskPlatformRequest(Request):  # type: ignore[misc]
    """The current Flask request in the shape lti1p3platform reads."""

    def build_metadata(self, request_: Any) -> TRequest:
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": _query_parameters(),
            "headers": request.headers,
            "content_type": request.content_type,
            "path": request.path,
            "json": request.get_json(silent=True) if request.is_json else None,
        }


def current_platform_request() -> FlaskPlatformRequest:
    return FlaskPlatformRequest(request)


class DemoPlatformConf(LTI1P3PlatformConfAbstract):  # type: ignore[misc]
    """One registration: the intervision tool, as an LMS admin would have entered it."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self.settings: DemoLmsSettings = kwargs["settings"]
        self.platform_key: PlatformKey = kwargs["platform_key"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        settings = self.settings
        registration = (
            Registration()
            .set_iss(settings.issuer)
            .set_client_id(settings.client_id)
            .set_deployment_id(settings.deployment_id)
            .set_oidc_login_url(settings.tool_login_url)
            .set_launch_url(settings.tool_launch_url)
            .set_deeplink_launch_url(settings.tool_launch_url)
            .set_platform_public_key(self.platform_key.public_pem)
            .set_platform_private_key(self.platform_key.private_pem)
            .set_tool_key_set_url(settings.tool_jwks_url)
        )
        # Newer lti1p3platform (HEAD) wants these; 0.1.8 lacks them.
        if hasattr(registration, "set_access_token_url"):
            registration.set_access_token_url(settings.token_url)
        if hasattr(registration, "set_tool_redirect_uris"):
            registration.set_tool_redirect_uris(list(settings.tool_redirect_uris))
        if hasattr(registration, "allow_loopback_http"):
            registration.allow_loopback_http = True
        return registration


def platform_conf(settings: DemoLmsSettings, platform_key: PlatformKey) -> DemoPlatformConf:
    """A fresh configuration per request (the library caches the registration on it)."""
    conf = DemoPlatformConf(settings=settings, platform_key=platform_key)
    conf.get_registration()
    return conf


class DemoOIDCLogin(OIDCLoginAbstract):  # type: ignore[misc]
    """Third-party-initiated login: send the browser to the tool's login URL."""

    storage_target: str | None = None  # the frame that answers Platform Storage messages

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> WerkzeugResponse:
        if self.storage_target:
            separator = "&" if "?" in url else "?"
            url += separator + urlencode({"lti_storage_target": self.storage_target})
        return redirect(url, code=302)


class DemoMessageLaunch(LTIAdvantageMessageLaunchAbstract):  # type: ignore[misc]
    """The signed id_token, delivered by a form that posts itself to the tool's redirect_uri."""

    def set_deep_linking_data(self, data: str) -> None:
        """The spec's ``data`` is an opaque string; the library's ``set_dl`` wants a dict."""
        assert self._deep_linking_launch_data is not None, "call set_dl() first"
        self._deep_linking_launch_data[DL_SETTINGS_CLAIM]["data"] = data

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        return render_template(
            "autopost.html",
            action=launch_data["launch_url"],
            fields={"id_token": launch_data["id_token"], "state": launch_data["state"]},
            purpose="Signing you in to the tool…",
        )
