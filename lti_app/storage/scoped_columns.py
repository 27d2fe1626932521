"""Columns every course-scoped row carries: its tenant, its course and, where it has one, a person.

Shared by the sign-up, exercise and notification models so each such column is declared once
the same way (``ON DELETE CASCADE``; a nullable person is ``SET NULL``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column


def tenant() -> Mapped[int]:
    return mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))


def course() -> Mapped[int]:
    return mapped_column(ForeignKey("course_context.id", ondelete="CASCADE"))


def person(nullable: bool = False) -> Any:
    if nullable:
        return mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"), default=None)
    return mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
