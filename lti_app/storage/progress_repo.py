"""Queries for module completions; every one filtered by tenant and course."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.storage.progress_models import ModuleCompletion


def find_completion(
    session: Session, tenant_id: int, course_id: int, user_id: int, module_slug: str
) -> ModuleCompletion | None:
    return session.scalar(
        select(ModuleCompletion).where(
            ModuleCompletion.tenant_id == tenant_id,
            ModuleCompletion.course_id == course_id,
            ModuleCompletion.user_id == user_id,
            ModuleCompletion.module_slug == module_slug,
        )
    )


def mark_done(
    session: Session,
    tenant_id: int,
    course_id: int,
    user_id: int,
    module_slug: str,
    now: datetime,
) -> tuple[ModuleCompletion, bool]:
    """Insert the completion once; returns (row, created). A concurrent insert is not an error:
    the unique constraint decides, inside a savepoint, and the winner's row is returned."""
    existing = find_completion(session, tenant_id, course_id, user_id, module_slug)
    if existing is not None:
        return existing, False
    row = ModuleCompletion(
        tenant_id=tenant_id,
        course_id=course_id,
        user_id=user_id,
        module_slug=module_slug,
        completed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = find_completion(session, tenant_id, course_id, user_id, module_slug)
        assert winner is not None
        return winner, False
    return row, True
