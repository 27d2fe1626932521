"""The launch of the current request: restored from the server side, exposed as ``g.lti_launch``.

The session holds a short list of launch ids (``launch_session``); the URL may name one of them
(``/launch/<id>/...``, ``launch_urls``). A named id must be in the session (else 403); without
one the newest launch is used and this request's URLs are built under it. The claims and our
row ids come from the launch record. Identity is never taken from anything else. Each process
keeps the launches it restored for a short while (``launch_cache``), after the session check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, g

from lti_app.lti import headers, launch_session, launch_urls, state_store
from lti_app.lti.errors import InstructorRequired, LaunchNotInSession, LaunchRequired
from lti_app.lti.launch import (
    AbsentLaunch,
    CourseRef,
    Launch,
    LaunchClaims,
    TenantRef,
    UserRef,
    parse_claims,
)
from lti_app.lti.launch_cache import DEFAULT_TTL_SECONDS, EXPIRES_AT, LaunchCache

P = ParamSpec("P")
R = TypeVar("R")
LAUNCH_CACHE_EXTENSION = "intervision_launch_cache"
LAUNCH_CACHE_SETTING = "LTI_LAUNCH_CACHE_SECONDS"


def init_launch_cache(app: Flask) -> None:
    """One cache of restored launches per app (so per process); ``LTI_LAUNCH_CACHE_SECONDS``
    bounds how long one is kept (0: not at all)."""
    ttl = float(app.config.get(LAUNCH_CACHE_SETTING, DEFAULT_TTL_SECONDS))
    app.extensions[LAUNCH_CACHE_EXTENSION] = LaunchCache(ttl=ttl)


def launch_cache(app: Flask | None = None) -> LaunchCache:
    cache: LaunchCache = (app or current_app).extensions[LAUNCH_CACHE_EXTENSION]
    return cache


def launch_record(
    launch: Launch, body: Mapping[str, Any], expires_at: float | None = None
) -> dict[str, Any]:
    """What is stored per launch: the validated claims (pylti1p3's from_cache reads them too),
    our row references, and when the store will let the record go (Unix seconds, set just
    before the store sets its own: how long ``launch_cache`` may keep it)."""
    return {
        EXPIRES_AT: expires_at,
        "claims": dict(body),
        "client_id": launch.tenant.client_id,
        "tenant": [launch.tenant.id, launch.tenant.deployment_id],
        "course": (
            [launch.course.id, launch.course.context_id, launch.course.title]
            if launch.course
            else None
        ),
        "user": launch.user.id,
    }


def build_launch(
    launch_id: str,
    claims: LaunchClaims,
    tenant: TenantRef,
    course: CourseRef | None,
    user: UserRef,
) -> Launch:
    """The Launch views see: our row references plus what the (already parsed) claims say."""
    return Launch(
        launch_id=launch_id,
        tenant=tenant,
        course=course,
        user=user,
        role=claims.role,
        message_type=claims.message_type,
        resource_link=claims.resource_link,
        custom=claims.custom,
        ags=claims.ags,
        nrps=claims.nrps,
        deep_link=claims.deep_link,
        is_test_user=claims.is_test_user,
        locale=claims.locale,
    )


def _restore(launch_id: str) -> Launch | None:
    """The launch from this process's cache, else from its record (then cached)."""
    cache = launch_cache()
    cached = cache.get(launch_id)
    if cached is not None:
        return cached
    record = state_store.load_launch(launch_id)
    if record is None:
        return None
    launch = _from_record(launch_id, record)
    if launch is not None:
        cache.put(launch, record.get(EXPIRES_AT))
    return launch


def _from_record(launch_id: str, record: Mapping[str, Any]) -> Launch | None:
    try:
        claims = parse_claims(record["claims"], record["client_id"])
        tenant_id, deployment_id = record["tenant"]
        tenant = TenantRef(int(tenant_id), claims.issuer, record["client_id"], deployment_id)
        course_data = record.get("course")
        course = (
            CourseRef(
                int(course_data[0]), course_data[1], course_data[2] or "", claims.context_label
            )
            if course_data
            else None
        )
        user = UserRef(int(record["user"]), claims.subject, claims.name, claims.email)
    except (KeyError, TypeError, ValueError):
        return None
    return build_launch(launch_id, claims, tenant, course, user)


def load_current_launch() -> None:
    """before_request: set ``g.lti_launch`` (a Launch or AbsentLaunch); no query without one.

    Never falls back from a named launch to another one: an action from an older tab must
    act on that tab's course or not at all.
    """
    g.lti_launch = AbsentLaunch()
    held = launch_session.held_launch_ids()
    requested = launch_urls.requested_launch_id()
    if requested is not None and requested not in held:
        launch_urls.bind_urls_to_launch(None)  # links on the error page must not repeat it
        headers.allow_framing_by_any_platform()  # the page is shown inside the LMS frame
        raise LaunchNotInSession(f"URL names a launch outside this session's {len(held)}")
    launch_id = requested or (held[-1] if held else None)
    launch = _restore(launch_id) if launch_id else None
    if launch is None:
        return  # expired record: pages that need a launch answer 401
    g.lti_launch = launch
    launch_urls.bind_urls_to_launch(launch.launch_id)


def current_launch() -> Launch | AbsentLaunch:
    launch = g.get("lti_launch")
    if launch is None:
        load_current_launch()
        launch = g.lti_launch
    return launch  # type: ignore[no-any-return]


def require_launch() -> Launch:
    launch = current_launch()
    if not isinstance(launch, Launch):
        raise LaunchRequired("no launch in this session")
    return launch


def launch_required(view: Callable[P, R]) -> Callable[P, R]:
    """401 page (with a way back) unless the request belongs to a launch."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        require_launch()
        return view(*args, **kwargs)

    return wrapped


def instructor_required(view: Callable[P, R]) -> Callable[P, R]:
    """403 page unless the launch role is instructor or administrator."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not require_launch().is_instructor:
            raise InstructorRequired("launch role is not an instructor role")
        return view(*args, **kwargs)

    return wrapped
