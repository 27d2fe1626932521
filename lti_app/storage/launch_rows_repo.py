"""Find or create the tenant, course and user rows a launch names (django-lti does the same).

Rows are keyed by what the platform guarantees stable: tenant = (issuer, client_id,
deployment_id), course = (tenant, context id), user = (issuer, sub). Names and titles are
refreshed when they change. A returning user costs one SELECT per row; a first launch inserts
inside a SAVEPOINT, so two first launches racing on a UNIQUE constraint both succeed (the loser
reads the winner's row) without aborting the surrounding launch transaction. Statements are
built once (Core, bound parameters): this runs on every launch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Executable, Row, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from lti_app.storage.models import CourseContext, LtiUser, Tenant, utc_now

_TENANT = cast(Table, Tenant.__table__)
_COURSE = cast(Table, CourseContext.__table__)
_USER = cast(Table, LtiUser.__table__)

_SELECT_TENANT = select(_TENANT.c.id).where(
    _TENANT.c.issuer == bindparam("issuer"),
    _TENANT.c.client_id == bindparam("client_id"),
    _TENANT.c.deployment_id == bindparam("deployment_id"),
)
_INSERT_TENANT = insert(_TENANT)
_SELECT_COURSE = select(_COURSE.c.id, _COURSE.c.title).where(
    _COURSE.c.tenant_id == bindparam("tenant_id"),
    _COURSE.c.context_id == bindparam("context_id"),
)
_INSERT_COURSE = insert(_COURSE)
_UPDATE_COURSE_TITLE = (
    update(_COURSE).where(_COURSE.c.id == bindparam("row_id")).values(title=bindparam("title"))
)
_SELECT_USER = select(_USER.c.id, _USER.c.name, _USER.c.email, _USER.c.locale).where(
    _USER.c.issuer == bindparam("issuer"), _USER.c.sub == bindparam("sub")
)
_INSERT_USER = insert(_USER)
_UPDATE_USER = (
    update(_USER)
    .where(_USER.c.id == bindparam("row_id"))
    .values(
        name=bindparam("name"),
        email=bindparam("email"),
        locale=bindparam("locale"),
        updated_at=bindparam("now"),
    )
)
_SELECT_LOCALES = select(_USER.c.id, _USER.c.locale).where(
    _USER.c.id.in_(bindparam("ids", expanding=True)), _USER.c.locale.is_not(None)
)


@dataclass(frozen=True)
class LaunchIdentity:
    """The launch's claims that name rows (already length-limited by the caller)."""

    issuer: str
    client_id: str
    deployment_id: str
    subject: str
    name: str | None
    email: str | None
    context_id: str | None
    context_title: str | None
    locale: str | None = None
    """The launch's language, already reduced to one the tool speaks (``nl``); None: keep."""


@dataclass(frozen=True)
class LaunchRows:
    tenant_id: int
    course_id: int | None
    course_title: str
    user_id: int
    user_name: str
    user_email: str


def _find_or_insert(
    connection: Connection,
    find: Executable,
    key: dict[str, Any],
    add: Executable,
    values: dict[str, Any],
) -> Row[Any]:
    row = connection.execute(find, key).first()
    if row is not None:
        return row
    try:
        with connection.begin_nested():
            connection.execute(add, values)
    except IntegrityError:
        pass  # a concurrent first launch inserted it: read the winner's row
    return connection.execute(find, key).one()


def _tenant_id(connection: Connection, who: LaunchIdentity) -> int:
    key = {"issuer": who.issuer, "client_id": who.client_id, "deployment_id": who.deployment_id}
    row = _find_or_insert(
        connection, _SELECT_TENANT, key, _INSERT_TENANT, {**key, "created_at": utc_now()}
    )
    return int(row.id)


def _course(connection: Connection, tenant_id: int, who: LaunchIdentity) -> tuple[int, str] | None:
    if who.context_id is None:
        return None
    key = {"tenant_id": tenant_id, "context_id": who.context_id}
    values = {**key, "title": who.context_title, "created_at": utc_now()}
    row = _find_or_insert(connection, _SELECT_COURSE, key, _INSERT_COURSE, values)
    title = row.title
    if who.context_title and title != who.context_title:
        connection.execute(_UPDATE_COURSE_TITLE, {"row_id": row.id, "title": who.context_title})
        title = who.context_title
    return int(row.id), title or ""


def _user_id(connection: Connection, who: LaunchIdentity) -> int:
    now = utc_now()
    key = {"issuer": who.issuer, "sub": who.subject}
    values = {**key, "name": who.name, "email": who.email, "locale": who.locale, "updated_at": now}
    row = _find_or_insert(connection, _SELECT_USER, key, _INSERT_USER, values)
    # Only what the platform shares now: a platform that stops sharing names clears them.
    # The language is the last one a launch named (a launch without one keeps it).
    locale = who.locale or row.locale
    if row.name != who.name or row.email != who.email or row.locale != locale:
        connection.execute(
            _UPDATE_USER,
            {"row_id": row.id, "name": who.name, "email": who.email, "locale": locale, "now": now},
        )
    return int(row.id)


def user_locales(connection: Connection, user_ids: Sequence[int]) -> dict[int, str]:
    """The stored language of each of these people that has one (for the worker's e-mails)."""
    if not user_ids:
        return {}
    rows = connection.execute(_SELECT_LOCALES, {"ids": list(user_ids)})
    return {int(row.id): str(row.locale) for row in rows}


def upsert_launch_rows(connection: Connection, who: LaunchIdentity) -> LaunchRows:
    """Inside the launch's write transaction: the rows' ids (created or refreshed)."""
    tenant_id = _tenant_id(connection, who)
    course = _course(connection, tenant_id, who)
    user_id = _user_id(connection, who)
    return LaunchRows(
        tenant_id=tenant_id,
        course_id=course[0] if course else None,
        course_title=course[1] if course else "",
        user_id=user_id,
        user_name=who.name or "",
        user_email=who.email or "",
    )
