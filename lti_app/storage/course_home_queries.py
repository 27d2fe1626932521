"""Read-only queries for the course home; every one filtered by tenant and course."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_app.storage.progress_models import ModuleCompletion


def completion_dates(
    session: Session, tenant_id: int, course_id: int, user_id: int
) -> dict[str, datetime]:
    """When this person marked each module of this course as done (slug → time)."""
    rows = session.execute(
        select(ModuleCompletion.module_slug, ModuleCompletion.completed_at).where(
            ModuleCompletion.tenant_id == tenant_id,
            ModuleCompletion.course_id == course_id,
            ModuleCompletion.user_id == user_id,
        )
    )
    return {slug: completed_at for slug, completed_at in rows}


def completion_counts(session: Session, tenant_id: int, course_id: int) -> dict[str, int]:
    """How many people marked each module of this course as done (slug → count)."""
    rows = session.execute(
        select(ModuleCompletion.module_slug, func.count(ModuleCompletion.id))
        .where(
            ModuleCompletion.tenant_id == tenant_id,
            ModuleCompletion.course_id == course_id,
        )
        .group_by(ModuleCompletion.module_slug)
    )
    return {slug: int(count) for slug, count in rows}


def people_with_progress(session: Session, tenant_id: int, course_id: int) -> int:
    """How many different people in this course marked at least one module as done."""
    count = session.scalar(
        select(func.count(func.distinct(ModuleCompletion.user_id))).where(
            ModuleCompletion.tenant_id == tenant_id,
            ModuleCompletion.course_id == course_id,
        )
    )
    return int(count or 0)
