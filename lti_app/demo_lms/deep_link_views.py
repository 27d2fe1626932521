"""Deep-link return: verify the tool's signed response, then add its content items to the course.

lti1p3platform verifies the signature against the tool's key set (fetched from its JWKS URL);
0.1.8 does not check audience, issuer, deployment or replay, so this view does: the response must
come from our client, for this platform and deployment, and echo the single-use ``data`` value
the request carried (a replayed response finds it spent).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from lti1p3platform.exceptions import (
    LtiDeepLinkingResponseException,
    LtiException,
    LtiServiceException,
)

from lti_app.demo_lms.context import DemoLms, current_lms
from lti_app.demo_lms.launches import DEEP_LINK_TYPES
from lti_app.demo_lms.services import create_line_item

bp = Blueprint("demo_deep_link", __name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class DeepLinkResponseInvalid(ValueError):
    """The tool's deep-linking response is refused; the message says why."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_claims(lms: DemoLms, body: dict[str, Any]) -> dict[str, Any]:
    settings = lms.settings
    if body.get("iss") != settings.client_id:
        raise DeepLinkResponseInvalid("iss is not this platform's client id for the tool")
    if settings.issuer not in _as_list(body.get("aud")):
        raise DeepLinkResponseInvalid("aud does not name this platform")
    if "exp" not in body or "iat" not in body:
        raise DeepLinkResponseInvalid("exp and iat are required")
    if body.get(CLAIM + "deployment_id") != settings.deployment_id:
        raise DeepLinkResponseInvalid("deployment_id is not this course's deployment")
    if body.get(CLAIM + "version") != "1.3.0":
        raise DeepLinkResponseInvalid("version must be 1.3.0")
    data = body.get(DL_CLAIM + "data")
    with lms.store.change() as state:
        pending = state["pending_deep_links"].pop(data, None) if isinstance(data, str) else None
    if pending is None or pending["expires_at"] < time.time():
        raise DeepLinkResponseInvalid(
            "the response's data does not match an open deep-linking request (used already, "
            "or more than 30 minutes old); start deep linking again"
        )
    return body


def _same_origin(url: str, base: str) -> bool:
    one, two = urlsplit(url), urlsplit(base)
    return (one.scheme, one.netloc) == (two.scheme, two.netloc)


def _new_link(lms: DemoLms, item: dict[str, Any], number: int) -> dict[str, Any]:
    """A course link from one content item; tool links must point back at the tool."""
    item_type = item.get("type")
    default_url = lms.settings.tool_launch_url if item_type == "ltiResourceLink" else ""
    url = str(item.get("url") or default_url)
    if item_type == "ltiResourceLink" and not _same_origin(url, lms.settings.tool_base_url):
        raise DeepLinkResponseInvalid(f"ltiResourceLink url {url!r} is not on the tool's origin")
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeepLinkResponseInvalid(f"content item url {url!r} must be http(s)")
    custom = item.get("custom")
    custom = custom if isinstance(custom, dict) else {}
    return {
        "id": f"dl-{number}",
        "type": item_type,
        "title": str(item.get("title") or url)[:200],
        "text": str(item.get("text") or "")[:1000],
        "url": url,
        "custom": {str(k): str(v) for k, v in custom.items()},
        "line_item": item.get("lineItem") if isinstance(item.get("lineItem"), dict) else None,
        "line_item_id": None,
    }


def _add_items(lms: DemoLms, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with lms.store.change() as state:
        start = len(state["links"]) + 1
        added = [_new_link(lms, item, start + offset) for offset, item in enumerate(items)]
        for link in added:
            raw_line_item = link.pop("line_item", None)
            if link["type"] == "ltiResourceLink" and raw_line_item:
                try:
                    item = create_line_item(
                        lms,
                        state,
                        {**_line_item_of(link, raw_line_item), "resourceLinkId": link["id"]},
                    )
                except LtiServiceException as error:
                    raise DeepLinkResponseInvalid(
                        f"lineItem of {link['title']!r}: {error.message}"
                    ) from None
                link["line_item_id"] = item["id"].rsplit("/", 1)[-1]
        state["links"].extend(added)
    return added


def _line_item_of(link: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": str(raw.get("label") or link["title"]),
        **{key: raw[key] for key in ("scoreMaximum", "resourceId", "tag") if key in raw},
    }


@bp.post("/deep-link/return")
def deep_link_return() -> ResponseReturnValue:
    lms = current_lms()
    token = request.form.get("JWT", "")
    if not token:
        return _refused("The form carried no JWT field.")
    conf = lms.conf()
    conf.set_accepted_deeplinking_types(list(DEEP_LINK_TYPES))
    try:
        body = conf.tool_validate_and_decode(token)
        _check_claims(lms, body)
        items = conf.validate_deeplinking_resp({"JWT": token})
        added = _add_items(lms, [i for i in items if isinstance(i, dict)])
    except requests.RequestException as error:
        return _refused(f"The tool's key set could not be fetched: {error}", status=502)
    except (jwt.PyJWTError, LtiException, LtiDeepLinkingResponseException) as error:
        return _refused(f"The signed response was not accepted: {error}")
    except DeepLinkResponseInvalid as error:
        return _refused(str(error))
    return render_template(
        "deep_link_done.html",
        added=added,
        message=body.get(DL_CLAIM + "msg"),
        error=body.get(DL_CLAIM + "errormsg"),
    )


def _refused(message: str, status: int = 400) -> ResponseReturnValue:
    return render_template(
        "message.html", title="Deep-linking response refused", message=message
    ), status
