"""The Canvas developer-key JSON (Admin → Developer Keys → + LTI Key → Enter URL / Paste JSON),
and the command that then tells the tool about the Canvas school (shown on /lti/setup)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from lti_app.i18n import gettext
from lti_app.lti.tool_urls import DEEP_LINKING, RESOURCE_LINK, TOOL_SCOPES, ToolUrls


def canvas_developer_key(urls: ToolUrls, *, title: str, description: str) -> dict[str, Any]:
    """Required fields per Canvas' lti_dev_key_config (research: lti.md §3.3)."""
    placements = [
        {
            "placement": "course_navigation",
            "message_type": RESOURCE_LINK,
            "target_link_uri": urls.launch,
            "text": title,
            "default": "enabled",
        },
        {
            "placement": "link_selection",
            "message_type": DEEP_LINKING,
            "target_link_uri": urls.deep_link,
            "text": title,
        },
        {
            "placement": "assignment_selection",
            "message_type": DEEP_LINKING,
            "target_link_uri": urls.deep_link,
            "text": title,
        },
    ]
    return {
        "title": title,
        "description": description,
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "redirect_uris": urls.redirect_uris,
        "public_jwk_url": urls.jwks,
        "scopes": list(TOOL_SCOPES),
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "domain": urls.domain,
                "privacy_level": "public",
                "settings": {"placements": placements},
            }
        ],
        "custom_fields": {"canvas_user_id": "$Canvas.user.id"},
    }


# Canvas Cloud (every instructure.com school): one issuer and one sign-in service for all, so
# the tool tells schools apart by client id, and frames are allowed per school address.
CANVAS_CLOUD_ISSUER = "https://canvas.instructure.com"
CANVAS_CLOUD_LOGIN_URL = "https://sso.canvaslms.com/api/lti/authorize_redirect"
CANVAS_CLOUD_JWKS_URL = "https://sso.canvaslms.com/api/lti/security/jwks"
CLIENT_ID_PATTERN = re.compile(r"^[0-9]{1,32}$")
DEPLOYMENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9:._-]{1,255}$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
HOST_PATTERN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+(?::[0-9]{{1,5}})?$")


@dataclass(frozen=True)
class CanvasCommand:
    """The ``intervision platform add`` command for one Canvas Cloud school, from the three
    values the Canvas admin copies; fields left empty stay as capitalised placeholders."""

    client_id: str = ""
    deployment_id: str = ""
    canvas_url: str = ""  # https://school.instructure.com (what users type)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return bool(self.client_id and self.deployment_id and self.canvas_url)

    @property
    def text(self) -> str:
        school = self.canvas_url or "https://SCHOOL.instructure.com"
        parts = [
            ("--issuer", CANVAS_CLOUD_ISSUER),
            ("--client-id", self.client_id or "CLIENT_ID"),
            ("--auth-login-url", CANVAS_CLOUD_LOGIN_URL),
            ("--auth-token-url", f"{school}/login/oauth2/token"),
            ("--jwks-url", CANVAS_CLOUD_JWKS_URL),
            ("--deployment-id", self.deployment_id or "DEPLOYMENT_ID"),
            ("--frame-origin", school),
        ]
        lines = [f"  {option} {shlex.quote(value)}" for option, value in parts]
        return "intervision platform add \\\n" + " \\\n".join(lines)


def canvas_command(client_id: str, deployment_id: str, canvas_address: str) -> CanvasCommand:
    """Check what the admin typed into the setup page; a wrong value is named, not used."""
    problems: dict[str, str] = {}
    client_id, deployment_id = client_id.strip(), deployment_id.strip()
    if client_id and not CLIENT_ID_PATTERN.match(client_id):
        problems["client_id"] = gettext(
            "A Canvas client id is a number, such as 10000000000042 (Developer Keys, Details)."
        )
        client_id = ""
    if deployment_id and not DEPLOYMENT_ID_PATTERN.match(deployment_id):
        problems["deployment_id"] = gettext(
            "A deployment id has letters, digits and : . _ - only, such as 1:4dde05e8ca19…"
        )
        deployment_id = ""
    canvas_url = ""
    address = canvas_address.strip().removeprefix("https://").rstrip("/")
    if address:
        if HOST_PATTERN.match(address):
            canvas_url = f"https://{address.lower()}"
        else:
            problems["canvas_address"] = gettext(
                "Enter the address your users open Canvas at, such as school.instructure.com."
            )
    return CanvasCommand(client_id, deployment_id, canvas_url, problems)
