"""lti_user.locale: the language of a person's last launch that named one (issue 13)

The worker writes e-mails and notices outside any request, so it cannot read the launch's
``launch_presentation.locale``; the launch upsert keeps it here. NULL until a launch names a
language the tool speaks (the deployment default applies then).

Revision ID: 0012_user_locale
Revises: 0010_exercise_group_stable_group
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_user_locale"
down_revision: str | None = "0010_exercise_group_stable_group"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lti_user") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lti_user") as batch:
        batch.drop_column("locale")
