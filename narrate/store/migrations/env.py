"""Alembic's entry point: migrations run on the connection narrate.store.schema.upgrade hands over."""

from alembic import context

from narrate.store.models import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite changes columns by copying the table
)
with context.begin_transaction():
    context.run_migrations()
