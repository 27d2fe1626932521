"""The tool's public URLs and what it asks of platforms, in one place.

The setup page, the Canvas JSON and dynamic registration all describe the same tool; deriving
them from one definition keeps the three from drifting apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from lti_app.lti import claims as c

AGS_SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
)
NRPS_SCOPES = ("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",)
TOOL_SCOPES = AGS_SCOPES + NRPS_SCOPES
# Names let trainers recognise peers; email is used for sign-up confirmations.
REQUESTED_CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email", "locale")
RESOURCE_LINK = c.RESOURCE_LINK_REQUEST
DEEP_LINKING = c.DEEP_LINKING_REQUEST


@dataclass(frozen=True)
class ToolUrls:
    base_url: str

    @property
    def login(self) -> str:
        return f"{self.base_url}/lti/login"

    @property
    def launch(self) -> str:
        return f"{self.base_url}/lti/launch"

    @property
    def deep_link(self) -> str:
        # Deep-linking requests arrive at the launch URL, which routes on the message type.
        return self.launch

    @property
    def jwks(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    @property
    def register(self) -> str:
        return f"{self.base_url}/lti/register"

    @property
    def canvas_json(self) -> str:
        return f"{self.base_url}/lti/canvas.json"

    @property
    def setup(self) -> str:
        return f"{self.base_url}/lti/setup"

    @property
    def redirect_uris(self) -> list[str]:
        return list(dict.fromkeys([self.launch, self.deep_link]))

    @property
    def domain(self) -> str:
        """Host and port, as Moodle and Canvas compare it with the launch URL's."""
        return urlsplit(self.base_url).netloc


def current_tool_urls() -> ToolUrls:
    """The URLs of the app handling this request (``BASE_URL``)."""
    return ToolUrls(current_app.config["BASE_URL"])
