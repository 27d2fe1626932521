"""The validated launch as views see it: a frozen ``Launch`` or the null ``AbsentLaunch``.

Views never read claims or pylti1p3 objects; they get ``g.lti_launch``, typed and immutable,
whose tenant, course and user ids come from our own database rows (upserted at launch), so every
query can be scoped by them. Modelled on django-lti's LtiLaunch / AbsentLtiLaunch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from lti_app.domain.grading import LaunchedLink
from lti_app.domain.roles import Role
from lti_app.domain.scope import CourseScope, PersonInCourse
from lti_app.lti import claims as c
from lti_app.lti.roles import is_test_user, map_roles


@dataclass(frozen=True)
class TenantRef:
    """A tenant is (issuer, client_id, deployment_id) (LTI Core §6.2.1)."""

    id: int
    issuer: str
    client_id: str
    deployment_id: str


@dataclass(frozen=True)
class CourseRef:
    """A course is a tenant plus the platform's context id."""

    id: int
    context_id: str
    title: str
    label: str


@dataclass(frozen=True)
class UserRef:
    """A person is (issuer, sub); name and email only if the platform shares them."""

    id: int
    subject: str
    name: str
    email: str


@dataclass(frozen=True)
class ResourceLink:
    id: str
    title: str


@dataclass(frozen=True)
class AgsEndpoint:
    scopes: tuple[str, ...]
    lineitems_url: str | None
    lineitem_url: str | None


@dataclass(frozen=True)
class NrpsEndpoint:
    context_memberships_url: str


@dataclass(frozen=True)
class DeepLinkSettings:
    return_url: str
    accept_types: tuple[str, ...]
    accept_multiple: bool
    data: str | None


@dataclass(frozen=True)
class LaunchClaims:
    """What a launch says, parsed from a validated id_token body; no database ids yet."""

    issuer: str
    client_id: str
    deployment_id: str
    subject: str
    name: str
    email: str
    context_id: str | None
    context_title: str
    context_label: str
    role: Role
    roles: tuple[str, ...]
    is_test_user: bool
    message_type: str
    target_link_uri: str
    resource_link: ResourceLink | None
    custom: Mapping[str, str]
    ags: AgsEndpoint | None
    nrps: NrpsEndpoint | None
    deep_link: DeepLinkSettings | None
    locale: str = ""
    """``launch_presentation.locale`` as sent (e.g. ``nl-NL``); lti_app.i18n normalises it."""


@dataclass(frozen=True)
class Launch:
    """A present, validated launch bound to our tenant, course and user rows."""

    launch_id: str
    tenant: TenantRef
    course: CourseRef | None
    user: UserRef
    role: Role
    message_type: str
    resource_link: ResourceLink | None
    custom: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    ags: AgsEndpoint | None = None
    nrps: NrpsEndpoint | None = None
    deep_link: DeepLinkSettings | None = None
    is_test_user: bool = False
    locale: str = ""
    is_present: Literal[True] = True

    @property
    def is_instructor(self) -> bool:
        return self.role.is_instructor

    @property
    def scope(self) -> CourseScope | None:
        """The course this launch acts in; None for a launch outside a course."""
        if self.course is None:
            return None
        return CourseScope(tenant_id=self.tenant.id, course_id=self.course.id)

    @property
    def person(self) -> PersonInCourse | None:
        """This user inside the launch's course; None outside a course."""
        scope = self.scope
        return PersonInCourse(scope, self.user.id) if scope is not None else None

    @property
    def launched_link(self) -> LaunchedLink:
        """The link's activity and line item, for the domain's grading rule."""
        return LaunchedLink(
            kind=self.custom.get(c.CUSTOM_KIND, ""),
            ref=self.custom.get(c.CUSTOM_REF, ""),
            lineitem_url=self.ags.lineitem_url if self.ags else None,
            may_post_scores=self.ags is not None and c.AGS_SCORE_SCOPE in self.ags.scopes,
        )


@dataclass(frozen=True)
class AbsentLaunch:
    """Null object for requests without a launch: checks read the same way, nothing leaks."""

    is_present: Literal[False] = False
    role: Role = Role.GUEST
    is_instructor: bool = False


def _text(value: Any, limit: int = 255) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _dict(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


ACTIVITY_PARAMETERS = (c.CUSTOM_KIND, c.CUSTOM_REF)
"""What a link names its activity by; also read from the target link's query (below)."""


def _custom(body: Mapping[str, Any]) -> Mapping[str, str]:
    raw = _dict(body, c.CUSTOM)
    custom = {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int)}
    target = body.get(c.TARGET_LINK_URI)
    if isinstance(target, str) and not all(custom.get(name) for name in ACTIVITY_PARAMETERS):
        # Moodle's Common Cartridge 1.1 import keeps a link's launch URL but drops its custom
        # parameters, so packaged links also carry the activity in the (signed) target URL.
        query = parse_qs(urlsplit(target[:2048]).query)
        for name in ACTIVITY_PARAMETERS:
            if not custom.get(name) and query.get(name):
                custom[name] = query[name][0][:255]
    return MappingProxyType(custom)


def _ags(body: Mapping[str, Any]) -> AgsEndpoint | None:
    raw = _dict(body, c.AGS_ENDPOINT)
    if not raw:
        return None
    return AgsEndpoint(
        scopes=_strings(raw.get("scope")),
        lineitems_url=raw.get("lineitems") if isinstance(raw.get("lineitems"), str) else None,
        lineitem_url=raw.get("lineitem") if isinstance(raw.get("lineitem"), str) else None,
    )


def _nrps(body: Mapping[str, Any]) -> NrpsEndpoint | None:
    url = _dict(body, c.NRPS).get("context_memberships_url")
    return NrpsEndpoint(url) if isinstance(url, str) and url else None


def _deep_link(body: Mapping[str, Any]) -> DeepLinkSettings | None:
    raw = _dict(body, c.DEEP_LINKING_SETTINGS)
    url = raw.get("deep_link_return_url")
    if not isinstance(url, str) or not url:
        return None
    data = raw.get("data")
    return DeepLinkSettings(
        return_url=url,
        accept_types=_strings(raw.get("accept_types")),
        accept_multiple=bool(raw.get("accept_multiple", False)),
        data=data if isinstance(data, str) else None,
    )


def _client_id(body: Mapping[str, Any], fallback: str) -> str:
    return fallback or _text(body.get("azp")) or _text(body.get("aud"))


def parse_claims(body: Mapping[str, Any], client_id: str = "") -> LaunchClaims:
    """Read a *validated* id_token body into typed values; strings are length-limited."""
    roles = _strings(body.get(c.ROLES))
    context = _dict(body, c.CONTEXT)
    link = _dict(body, c.RESOURCE_LINK)
    context_id = context.get("id")
    return LaunchClaims(
        issuer=_text(body.get("iss"), 1024),
        client_id=_client_id(body, client_id),
        deployment_id=_text(body.get(c.DEPLOYMENT_ID)),
        subject=_text(body.get("sub")),
        name=_text(body.get("name")),
        email=_text(body.get("email")),
        context_id=_text(context_id) if isinstance(context_id, str) and context_id else None,
        context_title=_text(context.get("title")),
        context_label=_text(context.get("label")),
        role=map_roles(roles),
        roles=roles,
        is_test_user=is_test_user(roles),
        message_type=_text(body.get(c.MESSAGE_TYPE)),
        target_link_uri=_text(body.get(c.TARGET_LINK_URI), 2048),
        resource_link=(
            ResourceLink(_text(link.get("id")), _text(link.get("title")))
            if isinstance(link.get("id"), str)
            else None
        ),
        custom=_custom(body),
        ags=_ags(body),
        nrps=_nrps(body),
        deep_link=_deep_link(body),
        locale=_text(_dict(body, c.LAUNCH_PRESENTATION).get("locale"), 35),
    )
