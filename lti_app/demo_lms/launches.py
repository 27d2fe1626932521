"""Start a launch (login initiation) and finish it (the signed id_token) for the demo course.

The LMS remembers each launch it starts under a random ``lti_message_hint`` for five minutes,
once: the authorization request must come back with that hint, for the same person.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from werkzeug.wrappers import Response

from lti_app.demo_lms.context import DemoLms
from lti_app.demo_lms.platform import DemoMessageLaunch, DemoOIDCLogin, current_platform_request
from lti_app.demo_lms.settings import COURSE_OFFERING, DemoUser

LOGIN_LIFETIME_SECONDS = 300
DEEP_LINK_LIFETIME_SECONDS = 1800  # the instructor may take a while to choose content
DEEP_LINK_TYPES = ("ltiResourceLink", "link")
TOOL_PLATFORM = "https://purl.imsglobal.org/spec/lti/claim/tool_platform"
LAUNCH_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def home_link(lms: DemoLms) -> dict[str, Any]:
    course = lms.settings.course
    return {
        "id": course.home_link_id,
        "type": "ltiResourceLink",
        "title": course.home_link_title,
        "url": lms.settings.tool_launch_url,
        "custom": {},
        "line_item_id": None,
    }


def course_links(lms: DemoLms, state: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool's placement first, then what deep linking added, oldest first."""
    return [home_link(lms), *state["links"]]


def find_link(lms: DemoLms, state: dict[str, Any], link_id: str) -> dict[str, Any] | None:
    return next((link for link in course_links(lms, state) if link["id"] == link_id), None)


def start_launch(
    lms: DemoLms, user: DemoUser, kind: str, link: dict[str, Any] | None, locale: str = ""
) -> Response:
    """Remember the launch, then send the browser (in the iframe) to the tool's login URL;
    ``locale`` (e.g. ``nl-NL``) goes into the launch's ``launch_presentation``."""
    hint = secrets.token_urlsafe(24)
    target = lms.settings.tool_launch_url if link is None else link["url"]
    with lms.store.change() as state:
        state["pending_logins"][hint] = {
            "user": user.sub,
            "kind": kind,
            "link_id": None if link is None else link["id"],
            "target_link_uri": target,
            "locale": locale,
            "expires_at": time.time() + LOGIN_LIFETIME_SECONDS,
        }
    login = DemoOIDCLogin(current_platform_request(), lms.conf())
    login.set_launch_url(target)
    login.set_lti_message_hint(hint=hint)
    if lms.settings.platform_storage:
        login.storage_target = "_parent"  # the course page itself (static/platform_storage.js)
    response: Response = login.initiate_login(user.sub)
    return response


def build_launch(lms: DemoLms, pending: dict[str, Any], user: DemoUser) -> str:
    """The auto-posting form with the signed id_token for a validated authorization request."""
    settings = lms.settings
    launch = DemoMessageLaunch(current_platform_request(), lms.conf())
    launch.set_user_data(user.sub, list(user.roles), full_name=user.name, email_address=user.email)
    names = {"given_name": user.given_name, "family_name": user.family_name}
    launch.set_extra_claims(
        {
            **{claim: value for claim, value in names.items() if value},  # omitted if withheld
            TOOL_PLATFORM: {
                "guid": settings.issuer,
                "name": "Intervision demo LMS",
                "product_family_code": "intervision-demo-lms",
                "version": "1",
            },
        }
    )
    course = settings.course
    launch.set_launch_context_claim(
        course.context_id, [COURSE_OFFERING], course.title, course.label
    )
    launch.set_launch_presentation_claim("iframe", return_url=settings.course_url)
    if pending.get("locale"):  # the library's setter has no locale parameter
        presentation = dict(launch.lti_claim_launch_presentation or {})
        presentation[LAUNCH_PRESENTATION] = {
            **presentation.get(LAUNCH_PRESENTATION, {}),
            "locale": pending["locale"],
        }
        launch.lti_claim_launch_presentation = presentation
    launch.set_nrps(settings.memberships_url)
    if pending["kind"] == "deep_link":
        launch.set_ags(settings.lineitems_url)
        _add_deep_linking(lms, launch, user)
    else:
        with lms.store.change() as state:
            link = find_link(lms, state, pending["link_id"] or "")
        if link is None:
            raise LookupError("the course link of this launch was removed")
        launch.set_launch_url(pending["target_link_uri"])
        launch.set_resource_link_claim(link["id"], title=link["title"])
        item_id = link.get("line_item_id")
        launch.set_ags(settings.lineitems_url, settings.lineitem_url(item_id) if item_id else None)
        if link.get("custom"):
            launch.set_custom_parameters_claim(dict(link["custom"]))
    html: str = launch.lti_launch()
    return html


def _add_deep_linking(lms: DemoLms, launch: DemoMessageLaunch, user: DemoUser) -> None:
    """Deep-linking settings with an opaque, single-use ``data`` value the response must echo."""
    token = secrets.token_urlsafe(24)
    with lms.store.change() as state:
        state["pending_deep_links"][token] = {
            "user": user.sub,
            "expires_at": time.time() + DEEP_LINK_LIFETIME_SECONDS,
        }
    launch.set_dl(
        lms.settings.deep_link_return_url,
        title="Add intervision activities",
        description="Choose what to place in the demo course.",
        accept_types=set(DEEP_LINK_TYPES),
    )
    launch.set_deep_linking_data(token)
