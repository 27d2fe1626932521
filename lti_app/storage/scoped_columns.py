"""Columns every course-scoped row carries: its tenant, its course and, where it has one, a person.

Shared by the sign-up, exercise and notification models so each such column is declared once
the same way (``ON DELETE CASCADE``; a nullable person is ``SET NULL``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, ForeignKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column


def tenant() -> Mapped[int]:
    return mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))


def course() -> Mapped[int]:
    return mapped_column(ForeignKey("course_context.id", ondelete="CASCADE"))


def person(nullable: bool = False) -> Any:
    if nullable:
        return mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"), default=None)
    return mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))


def course_fk(column: str, table: str) -> ForeignKeyConstraint:
    """``(column, tenant_id, course_id)`` → ``table``'s ``(id, tenant_id, course_id)``, cascading.

    The database itself then refuses a row whose course differs from the row it hangs off.
    """
    return ForeignKeyConstraint(
        [column, "tenant_id", "course_id"],
        [f"{table}.id", f"{table}.tenant_id", f"{table}.course_id"],
        ondelete="CASCADE",
    )
