"""Stable groups of a sheet: the groups and their members, replaced as a whole (a group keeps
its id, and so its sessions, by name)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.signup_models import SignupGroup, SignupGroupMember, SignupSession
from lti_app.storage.signups_repo._common import _in_course, _require_sheet
from lti_app.storage.signups_repo.records import GroupRecord


def sheet_groups(session: Session, scope: CourseScope, sheet_id: int) -> tuple[GroupRecord, ...]:
    """The sheet's stable groups in creation order, members in the order they were added."""
    groups = session.scalars(
        select(SignupGroup)
        .where(*_in_course(SignupGroup, scope), SignupGroup.sheet_id == sheet_id)
        .order_by(SignupGroup.id)
    ).all()
    members: dict[int, list[int]] = {group.id: [] for group in groups}
    for group_id, user_id in session.execute(
        select(SignupGroupMember.group_id, SignupGroupMember.user_id)
        .where(*_in_course(SignupGroupMember, scope), SignupGroupMember.sheet_id == sheet_id)
        .order_by(SignupGroupMember.id)
    ):
        members[group_id].append(user_id)
    return tuple(
        GroupRecord(group.id, group.sheet_id, group.name, tuple(members[group.id]))
        for group in groups
    )


def group_members(bind: Session | Connection, scope: CourseScope, group_id: int) -> frozenset[int]:
    """The user ids of one stable group of this course."""
    return frozenset(
        bind.execute(
            select(SignupGroupMember.user_id).where(
                *_in_course(SignupGroupMember, scope), SignupGroupMember.group_id == group_id
            )
        ).scalars()
    )


def save_groups(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    groups: Sequence[tuple[str, Sequence[int]]],
    now: datetime,
) -> tuple[GroupRecord, ...]:
    """Make the sheet's groups exactly ``groups`` (name, members): a group keeps its id (and
    its sessions) by name; a group no longer named is deleted unless it has sessions, which
    keep it, empty. Call it with the sheet locked (:func:`lock_sheet`)."""
    _require_sheet(session, scope, sheet_id)
    existing = {
        group.name: group
        for group in session.scalars(
            select(SignupGroup).where(
                *_in_course(SignupGroup, scope), SignupGroup.sheet_id == sheet_id
            )
        )
    }
    session.execute(
        delete(SignupGroupMember)
        .where(*_in_course(SignupGroupMember, scope), SignupGroupMember.sheet_id == sheet_id)
        .execution_options(synchronize_session=False)
    )
    wanted = {name for name, _ in groups}
    for name, group in existing.items():
        if name in wanted:
            continue
        in_use = session.scalar(
            select(func.count(SignupSession.id)).where(
                *_in_course(SignupSession, scope), SignupSession.group_id == group.id
            )
        )
        if not in_use:
            session.delete(group)
    for name, people in groups:
        found = existing.get(name)
        if found is not None:
            group = found
        else:
            group = SignupGroup(
                tenant_id=scope.tenant_id,
                course_id=scope.course_id,
                sheet_id=sheet_id,
                name=name,
                created_at=now,
            )
            session.add(group)
            session.flush()
        session.add_all(
            SignupGroupMember(
                tenant_id=scope.tenant_id,
                course_id=scope.course_id,
                sheet_id=sheet_id,
                group_id=group.id,
                user_id=user_id,
                created_at=now,
            )
            for user_id in people
        )
    session.flush()
    return sheet_groups(session, scope, sheet_id)
