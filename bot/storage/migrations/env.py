"""Alembic environment: runs on the connection that `bot.storage.migrate` passes in.

There is no alembic.ini: the configuration is built in code (`bot.storage.migrate.alembic_config`),
so a pip-installed copy migrates exactly like a checkout.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bot.storage.models import Base


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations through bot.storage.migrate.upgrade(url)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE by copy on SQLite
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run `cs-copilot db upgrade`")
run_migrations_online()
