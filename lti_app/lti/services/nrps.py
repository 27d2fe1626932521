"""Names and Role Provisioning Services 2.0: the course roster, across every page.

Pages are linked with ``Link: <url>; rel="next"``. RFC 8288 also allows the token form
``rel=next`` (lti1p3platform sends it, and pylti1p3 then silently stops after page 1: research
lti.md §1), so both are accepted, as is a ``rel`` listing several relation types. Next links
must stay on the memberships URL's origin, so the bearer token never leaves the platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask

from lti_app.lti.services.http import ServiceError, Timeout, checked_url, request
from lti_app.lti.services.tokens import ServiceClient, TokenCache, token_cache

MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIP_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200

_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL_PARAM = re.compile(r";\s*rel\s*=\s*(?:\"([^\"]*)\"|([^\s;,\"]+))", re.IGNORECASE)


def next_link(link_header: str | None) -> str | None:
    """The target of ``rel=next`` (quoted or not) in a Link header, or None."""
    if not link_header:
        return None
    for match in _LINK_VALUE.finditer(link_header):
        target, params = match.group(1), match.group(2) or ""
        for rel in _REL_PARAM.finditer(params):
            relations = (rel.group(1) if rel.group(1) is not None else rel.group(2)).split()
            if "next" in (relation.lower() for relation in relations):
                return target.strip()
    return None


@dataclass(frozen=True)
class Member:
    user_id: str
    roles: tuple[str, ...]
    status: str
    name: str
    email: str


@dataclass(frozen=True)
class Roster:
    context_id: str
    members: tuple[Member, ...]
    pages: int


def _member(raw: Any) -> Member | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("user_id"), str):
        return None
    roles = raw.get("roles")
    return Member(
        user_id=raw["user_id"],
        roles=tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
        status=str(raw.get("status") or "Active"),
        name=str(raw.get("name") or ""),
        email=str(raw.get("email") or ""),
    )


def _same_origin(first: str, other: str) -> bool:
    a, b = urlsplit(first), urlsplit(other)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def fetch_roster(
    client: ServiceClient,
    memberships_url: str,
    *,
    timeout: Timeout,
    tokens: TokenCache = token_cache,
    app: Flask | None = None,
    max_pages: int = MAX_PAGES,
) -> Roster:
    """Every member of the context, following next links until there are none. A roster URL
    off the registration's hosts is refused before the token is fetched."""
    checked_url(memberships_url, client.allowed_hosts, what="NRPS roster URL", app=app)
    token = tokens.get(client, [MEMBERSHIP_SCOPE], timeout, app)
    headers = {"Authorization": f"Bearer {token}", "Accept": MEMBERSHIP_MEDIA_TYPE}
    members: dict[str, Member] = {}
    context_id = ""
    url: str | None = memberships_url
    seen: set[str] = set()
    pages = 0
    while url is not None:
        if url in seen or pages >= max_pages:
            raise ServiceError(
                f"NRPS: paging loop or more than {max_pages} pages at {url}", retryable=False
            )
        seen.add(url)
        try:
            response = request(
                "GET", url, what="NRPS roster", timeout=timeout, headers=headers, app=app
            )
        except ServiceError as problem:
            if problem.status == 401:
                tokens.invalidate(client, [MEMBERSHIP_SCOPE])
            raise
        pages += 1
        try:
            body = response.json()
        except ValueError:
            raise ServiceError(f"NRPS: {url} did not answer JSON", retryable=True) from None
        if not isinstance(body, dict):
            raise ServiceError(f"NRPS: {url} answered {type(body).__name__}", retryable=True)
        context = body.get("context")
        if isinstance(context, dict) and isinstance(context.get("id"), str):
            context_id = context_id or context["id"]
        for raw in body.get("members") or []:
            member = _member(raw)
            if member is not None:
                members.setdefault(member.user_id, member)
        following = next_link(response.headers.get("Link"))
        if following is not None:
            following = urljoin(url, following)
            if not _same_origin(memberships_url, following):
                raise ServiceError(
                    f"NRPS: next link {following} leaves the platform", retryable=False
                )
        url = following
    return Roster(context_id=context_id, members=tuple(members.values()), pages=pages)
