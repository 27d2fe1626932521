"""Claim names of LTI 1.3 Core, Deep Linking 2.0, AGS 2.0 and NRPS 2.0 (one place, no typos)."""

from __future__ import annotations

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
TOOL_PLATFORM = LTI + "tool_platform"
ROLE_SCOPE_MENTOR = LTI + "role_scope_mentor"

AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

AGS_SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"

# Custom parameters our deep-linked items carry: the activity kind (what the launch dispatcher
# routes on) and the activity's id within the course (a module slug, a sheet or exercise id).
CUSTOM_KIND = "kind"
CUSTOM_REF = "intervision_ref"

# The JSON type of every claim the tool or pylti1p3 reads (LTI Core 1.3 §5, OIDC Core §5.1,
# DL 2.0 §4.4, AGS 2.0 §3.1, NRPS 2.0 §3.6). ``token_checks.check_claim_types`` refuses a launch
# whose claim has another type (a 400, where pylti1p3 would crash on ``.get`` of a list); the
# route fuzz mutates every entry to every other JSON type. A ``null`` counts as absent. Claims
# nothing reads (launch_presentation, tool_platform, lis, ...) are left alone: refusing them
# would only turn away platforms that fill them oddly. Types: "string", "number", "boolean",
# "object", "strings" (an array of strings), "audience" (a string or an array of strings).
CLAIM_TYPES: dict[str, str] = {
    "iss": "string",
    "sub": "string",
    "aud": "audience",
    "azp": "string",
    "exp": "number",
    "iat": "number",
    "nbf": "number",
    "nonce": "string",
    "name": "string",
    "email": "string",
    MESSAGE_TYPE: "string",
    VERSION: "string",
    DEPLOYMENT_ID: "string",
    TARGET_LINK_URI: "string",
    RESOURCE_LINK: "object",
    ROLES: "strings",
    CONTEXT: "object",
    CUSTOM: "object",
    AGS_ENDPOINT: "object",
    NRPS: "object",
    DEEP_LINKING_SETTINGS: "object",
}

# Members of object claims that are read, by (claim, member).
MEMBER_TYPES: dict[tuple[str, str], str] = {
    (RESOURCE_LINK, "id"): "string",
    (RESOURCE_LINK, "title"): "string",
    (CONTEXT, "id"): "string",
    (CONTEXT, "label"): "string",
    (CONTEXT, "title"): "string",
    (AGS_ENDPOINT, "scope"): "strings",
    (AGS_ENDPOINT, "lineitems"): "string",
    (AGS_ENDPOINT, "lineitem"): "string",
    (NRPS, "context_memberships_url"): "string",
    (DEEP_LINKING_SETTINGS, "deep_link_return_url"): "string",
    (DEEP_LINKING_SETTINGS, "accept_types"): "strings",
    (DEEP_LINKING_SETTINGS, "accept_presentation_document_targets"): "strings",
    (DEEP_LINKING_SETTINGS, "accept_multiple"): "boolean",
    (DEEP_LINKING_SETTINGS, "data"): "string",
}
