"""The Canvas developer-key JSON (Admin → Developer Keys → + LTI Key → Enter URL / Paste JSON)."""

from __future__ import annotations

from typing import Any

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
