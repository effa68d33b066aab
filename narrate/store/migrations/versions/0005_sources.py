"""Sources followed by their feed or sitemap, and their entries (issue 15)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("feed", sa.String(64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("backfill", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unpublish_missing", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("secret", sa.Text, nullable=False, server_default=""),
        sa.Column("kind", sa.String(16), nullable=False, server_default=""),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("polled_at", sa.DateTime(timezone=True)),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
        sa.Column("poll_result", sa.Text),
        sa.Column("poll_error", sa.Text),
        sa.Column("poll_queued", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "source_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(16), nullable=False, index=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("link", sa.Text, nullable=False, server_default=""),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("updated", sa.Text),
        sa.Column("feed_hash", sa.String(64)),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("state", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("reason", sa.Text),
        sa.Column("episode_id", sa.String(32)),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("source_id", "key", name="uq_source_entry"),
    )
