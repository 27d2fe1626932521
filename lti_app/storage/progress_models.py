"""Which learner marked which module page as done, per course (server-side, not localStorage).

Scoped by tenant and course like every course row; one row per (course, user, module), so a
double click or two tabs cannot create two completions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.storage.models import ID_LENGTH, Base, utc_now


class ModuleCompletion(Base):
    __tablename__ = "module_completion"
    __table_args__ = (UniqueConstraint("tenant_id", "course_id", "user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(
        ForeignKey("course_context.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(ID_LENGTH))
    completed_at: Mapped[datetime] = mapped_column(default=utc_now)
