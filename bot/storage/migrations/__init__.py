"""Alembic migrations of the state database (run by `bot.storage.migrate`, no alembic.ini)."""
