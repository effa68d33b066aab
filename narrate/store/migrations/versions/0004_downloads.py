"""Listening figures: downloads per listener, episode and day; the day's listener salt; imported access logs."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "downloads",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("episode_id", sa.String(32), nullable=False, index=True),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("listener", sa.String(64)),
        sa.Column("bytes", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("counted_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("episode_id", "day", "listener", name="uq_download_listener"),
    )
    op.create_table(
        "listener_salts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
    )
    op.create_table(
        "log_imports",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, index=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("requests", sa.Integer, nullable=False, server_default="0"),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
