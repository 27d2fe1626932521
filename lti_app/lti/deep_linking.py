"""Deep Linking 2.0 responses: the content items an instructor picked, signed by the tool.

We sign the ``LtiDeepLinkingResponse`` ourselves (PyJWT, the tool's current key and kid)
rather than through pylti1p3's ``DeepLink``: that one always sends ``data: null`` (the spec
says echo ``data`` only when the request had it) and writes an unescaped auto-post form.
Custom parameters name the item (``kind`` is what the launch dispatcher routes on), and a
``lineItem`` asks the platform to create a gradebook column for graded items.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt

from lti_app.i18n import gettext
from lti_app.lti import claims as c
from lti_app.lti import keys
from lti_app.lti.errors import LaunchError
from lti_app.lti.launch import DeepLinkSettings, Launch
from lti_app.lti.outbound_policy import OutboundRefused, check_platform_url

RESPONSE_MESSAGE_TYPE = "LtiDeepLinkingResponse"
CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
MSG = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
RESOURCE_LINK_TYPE = "ltiResourceLink"
# Research §1: keep a deep-linking response short-lived (60-300 s); the browser posts it at once.
RESPONSE_LIFETIME_SECONDS = 300
KIND_PARAMETER = c.CUSTOM_KIND  # what the launch dispatcher routes on
REF_PARAMETER = c.CUSTOM_REF


class DeepLinkingNotPossible(Exception):
    """The platform's request rules out what the tool offers; the message says why."""


class DeepLinkReturnInvalid(LaunchError):
    """The signed selection would be posted somewhere that is not the platform: refused at
    launch, before an instructor picks anything (the browser would carry our signed JWT)."""

    title = "The platform asked for the selection to go elsewhere"
    message = (
        "This deep-linking request names a return address that is not on the learning "
        "platform's own host (or not an http(s) address), so the tool will not send your "
        "selection there. Ask your platform administrator to check the tool's registration."
    )


def check_return_url(body: dict[str, Any], hosts: frozenset[str]) -> None:
    """LTI DL 2.0 §4.4.1 + our rule: ``deep_link_return_url`` is http(s) on a registered host
    of the platform (or a listed origin). Only for deep-linking requests."""
    if body.get(c.MESSAGE_TYPE) != c.DEEP_LINKING_REQUEST:
        return
    settings = body.get(c.DEEP_LINKING_SETTINGS)
    url = settings.get("deep_link_return_url") if isinstance(settings, dict) else None
    try:
        check_platform_url(url, hosts, what="deep_link_return_url")
    except OutboundRefused as refused:
        raise DeepLinkReturnInvalid(str(refused)) from None


@dataclass(frozen=True)
class LineItemRequest:
    score_maximum: float
    label: str
    resource_id: str
    tag: str

    def as_json(self) -> dict[str, Any]:
        return {
            "scoreMaximum": self.score_maximum,
            "label": self.label[:255],
            "resourceId": self.resource_id,
            "tag": self.tag,
        }


@dataclass(frozen=True)
class ResourceLinkItem:
    """One ``ltiResourceLink`` content item."""

    kind: str
    ref: str
    title: str
    text: str
    url: str
    line_item: LineItemRequest | None = None
    extra_custom: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "type": RESOURCE_LINK_TYPE,
            "title": self.title[:255],
            "text": self.text[:1024],
            "url": self.url,
            "custom": {KIND_PARAMETER: self.kind, REF_PARAMETER: self.ref, **self.extra_custom},
        }
        if self.line_item is not None:
            item["lineItem"] = self.line_item.as_json()
        return item


def check_settings(settings: DeepLinkSettings | None) -> DeepLinkSettings:
    """The tool answers only with resource links; say so when the placement wants others."""
    if settings is None:
        raise DeepLinkingNotPossible(
            gettext(
                "This launch is not a deep-linking request, so there is nothing to add to the "
                "course."
            )
        )
    if settings.accept_types and RESOURCE_LINK_TYPE not in settings.accept_types:
        accepted = ", ".join(settings.accept_types)
        raise DeepLinkingNotPossible(
            gettext(
                "This place in your course accepts only: %(accepted)s. The intervision tool adds "
                "LTI activity links; add it from a placement that accepts activities "
                "(e.g. 'Add an activity' in Moodle, an assignment or module item in Canvas).",
                accepted=accepted,
            )
        )
    return settings


def response_claims(
    launch: Launch, items: Sequence[ResourceLinkItem], now: float, message: str | None = None
) -> dict[str, Any]:
    settings = check_settings(launch.deep_link)
    if len(items) > 1 and not settings.accept_multiple:
        raise DeepLinkingNotPossible(gettext("The platform accepts only one item per request."))
    body: dict[str, Any] = {
        "iss": launch.tenant.client_id,
        "aud": launch.tenant.issuer,
        "iat": int(now),
        "exp": int(now) + RESPONSE_LIFETIME_SECONDS,
        "nonce": uuid.uuid4().hex,
        c.DEPLOYMENT_ID: launch.tenant.deployment_id,
        c.MESSAGE_TYPE: RESPONSE_MESSAGE_TYPE,
        c.VERSION: "1.3.0",
        CONTENT_ITEMS: [item.as_json() for item in items],
    }
    if settings.data is not None:
        body[DATA] = settings.data
    if message:
        body[MSG] = message
    return body


def signed_response(
    launch: Launch, items: Sequence[ResourceLinkItem], message: str | None = None
) -> str:
    """The JWT to POST (as form field ``JWT``) to the platform's deep_link_return_url."""
    signing = keys.current_signing_key()
    return jwt.encode(
        response_claims(launch, items, time.time(), message),
        signing.private_key,
        algorithm=keys.SIGNING_ALGORITHM,
        headers={"kid": signing.kid, "typ": "JWT"},
    )
