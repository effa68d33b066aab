"""A failed render records its kind as the CLI's exit code (5 engine, 6 audio, 7 publishing, ...)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("exit_code", sa.Integer, nullable=True))
