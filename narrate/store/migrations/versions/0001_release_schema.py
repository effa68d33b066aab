"""The schema of the last release before migrations: episodes, staff API tokens, staff sessions.

Also adopts a database made before migrations existed: tables it has are kept, and columns older releases lacked
are added (each has a default), so every earlier database arrives here whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _episodes() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("guid", sa.String(64), nullable=False, unique=True),
        sa.Column("feed", sa.String(64), nullable=False, index=True),
        sa.Column("source_key", sa.String(512), nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("article_json", sa.Text, nullable=False, server_default=""),
        sa.Column("script_json", sa.Text, nullable=False, server_default=""),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("author", sa.Text),
        sa.Column("site", sa.Text),
        sa.Column("language", sa.String(16), nullable=False, server_default="en"),
        sa.Column("link", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("engine", sa.String(32), nullable=False, server_default=""),
        sa.Column("voice", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="queued", index=True),
        sa.Column("reason", sa.Text),
        sa.Column("render_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("segments_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("segments_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("phase_progress", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("notice", sa.Text),
        sa.Column("fingerprint", sa.String(64)),
        sa.Column("rev", sa.String(32)),
        sa.Column("audio_path", sa.Text),
        sa.Column("transcript_path", sa.Text),
        sa.Column("chapters_path", sa.Text),
        sa.Column("bytes", sa.Integer),
        sa.Column("duration", sa.Float),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("feed", "source_key", name="uq_episode_source"),
    ]


def _api_tokens() -> list[sa.Column]:
    return [
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    ]


def _staff_sessions() -> list[sa.Column]:
    return [
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    ]


TABLES = {"episodes": _episodes, "api_tokens": _api_tokens, "staff_sessions": _staff_sessions}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, columns in TABLES.items():
        if name not in existing:
            op.create_table(name, *columns())
            continue
        present = {column["name"] for column in inspector.get_columns(name)}
        missing = [c for c in columns() if isinstance(c, sa.Column) and c.name not in present]
        if missing:
            with op.batch_alter_table(name) as batch:
                for column in missing:
                    column.index = None  # only whole tables are created with their indexes
                    column.unique = None
                    batch.add_column(column)
