"""Alembic migrations, configured in code: `upgrade(url)` brings a database to the newest schema.

Run at start-up (by `Database(url)`) and by `cs-copilot db upgrade`. A database created before
migrations existed (the first schema's tables, no `alembic_version`) is stamped with the base
revision first, then upgraded, keeping its rows. On PostgreSQL an advisory lock makes replicas
that start together migrate one after the other.
"""

from __future__ import annotations

import functools
import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

from bot.storage.engine import describe, guard, is_postgres, make_engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASE_REVISION = "0001"
LEGACY_TABLES = ("processed_events", "feedback", "thread_turns", "answers")
_LOCK_KEY = 0x63735F636F70  # "cs_cop": pg_advisory_xact_lock key for migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found")
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str) -> str:
    """Migrate the database at `url` to the newest revision; returns that revision."""
    engine = make_engine(url)
    try:
        return upgrade_engine(engine)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine) -> str:
    """Migrate through an existing engine (one transaction); returns the resulting revision.

    Processes starting together migrate one at a time: a PostgreSQL advisory lock, or SQLite's write
    lock taken at BEGIN; the later one then finds the schema at head.
    """
    with guard(describe(engine.url), "cannot migrate database"):
        for attempt in range(1, 6):
            try:
                return _upgrade_once(engine)
            except OperationalError as exc:
                # SQLite can answer "database is locked" at once, without its busy wait, when replicas open a
                # new file together (the switch to WAL, a stale read snapshot): the migration is retried
                if is_postgres(engine) or "locked" not in str(exc) or attempt == 5:
                    raise
                log.info("state database busy while migrating, retrying (%d)", attempt)
                time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _upgrade_once(engine: Engine) -> str:
    with engine.connect() as probe:  # the usual case, cheap: already at head
        if current_revision(probe) == head_revision():
            return head_revision()
    with engine.connect() as conn, conn.execution_options(sqlite_begin="IMMEDIATE").begin():
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        config = alembic_config(conn)
        if current_revision(conn) is None and _has_legacy_tables(conn):
            command.stamp(config, BASE_REVISION)
        command.upgrade(config, "head")
        return current_revision(conn) or ""


def _has_legacy_tables(conn: Connection) -> bool:
    present = set(inspect(conn).get_table_names())
    return all(name in present for name in LEGACY_TABLES)


def make_revision(message: str, autogenerate: bool = True) -> Path:
    """Write a draft revision `NNNN_<message>.py` after the current head (for developers adding a table).

    With `autogenerate`, Alembic compares `bot.storage.models` with a scratch SQLite database at head
    and drafts the `op.create_table(...)` calls; review the draft before committing it.
    """
    import re
    import tempfile

    number = f"{int(head_revision()) + 1:04d}"
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_") or "revision"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            upgrade_engine(engine)
            with engine.begin() as conn:
                config = alembic_config(conn)
                config.set_main_option("file_template", f"{number}_{slug}")
                script = command.revision(config, message=message, autogenerate=autogenerate, rev_id=number)
        finally:
            engine.dispose()
    head_revision.cache_clear()
    scripts = script if isinstance(script, list) else [script]
    return Path(scripts[0].path) if scripts and scripts[0] is not None else MIGRATIONS / "versions"


def main(argv: list[str] | None = None) -> None:
    """`python -m bot.storage.migrate upgrade URL` | `python -m bot.storage.migrate revision "message"`."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "upgrade":
        print(upgrade(args[1]))
    elif len(args) == 2 and args[0] == "revision":
        print(make_revision(args[1]))
    else:
        print(main.__doc__)
        raise SystemExit(2)


if __name__ == "__main__":
    main()
