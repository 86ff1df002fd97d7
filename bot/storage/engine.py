"""The SQLAlchemy engine for a state-database URL, with timeouts, pooling and one error type.

- `sqlite:///path` (the default: the data dir's state.db): WAL journal, a busy timeout, real
  transactions (the pysqlite recipe from the SQLAlchemy docs), a thread-safe connection pool.
- `postgresql://` / `postgres://` URLs run on psycopg 3 (`postgresql+psycopg://`), with a
  connect timeout and a per-statement timeout on every pooled connection.

Every database call goes through `guard()`, which turns a driver or SQLAlchemy exception into
`bot.errors.DatabaseError` with a short message that never carries credentials, SQL or values.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from bot.errors import DatabaseError

DEFAULT_TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 5


def normalize_url(url: str) -> URL:
    """The SQLAlchemy URL for a DATABASE_URL: PostgreSQL always on the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"invalid database URL ({type(exc).__name__})") from exc
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    raise DatabaseError(f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// or postgresql://")


def describe(url: str | URL) -> str:
    """Where the database is, for messages and logs: never the user name or the password."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<invalid URL>"
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{parsed.database or ':memory:'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"


def is_postgres(engine_or_url: Engine | URL) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else engine_or_url
    return url.get_backend_name() == "postgresql"


def make_engine(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Engine:
    """A pooled engine safe to share between threads (the adapters call from worker threads)."""
    sa_url = normalize_url(url)
    try:
        if sa_url.get_backend_name() == "sqlite":
            return _sqlite_engine(sa_url, timeout_seconds)
        return _postgres_engine(sa_url, timeout_seconds)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot open database {describe(sa_url)}: {type(exc).__name__}") from exc


def _sqlite_engine(url: URL, timeout_seconds: float) -> Engine:
    path = url.database or ""
    memory = path in ("", ":memory:")
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": timeout_seconds}}
    if memory:  # one shared connection, or every pooled connection would see its own empty database
        kwargs["poolclass"] = StaticPool
    else:
        kwargs.update(pool_size=5, max_overflow=10, pool_timeout=timeout_seconds)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN (transactional DDL too)
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(timeout_seconds * 1000)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # execution_options(sqlite_begin="IMMEDIATE") takes the write lock up front (migrations)
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', '')}".strip())

    return engine


def _postgres_engine(url: URL, timeout_seconds: float) -> Engine:
    options = f"-c statement_timeout={int(timeout_seconds * 1000)} -c lock_timeout={int(timeout_seconds * 1000)}"
    existing = url.query.get("options")
    if existing:  # e.g. a search_path given in the URL: keep it
        options = f"{existing if isinstance(existing, str) else ' '.join(existing)} {options}"
        url = url.difference_update_query(["options"])
    return create_engine(
        url,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": options},
        pool_size=5, max_overflow=10, pool_timeout=timeout_seconds, pool_pre_ping=True,
    )


@contextmanager
def guard(where: str, action: str = "database error on") -> Iterator[None]:
    """Turn any driver/SQLAlchemy failure inside the block into a short `DatabaseError`."""
    try:
        yield
    except DatabaseError:
        raise
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        raise DatabaseError(f"{action} {where}: {type(cause).__name__}") from exc
    except OSError as exc:  # e.g. the SQLite file's folder cannot be created
        raise DatabaseError(f"{action} {where}: {type(exc).__name__}") from exc


def upsert_insert(engine: Engine, table: Any) -> Any:
    """The dialect's INSERT that supports ON CONFLICT (PostgreSQL and SQLite both have it)."""
    if is_postgres(engine):
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


class Repository:
    """Base of the repositories: an engine shared by all of them, and guarded connections."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.where = describe(engine.url)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with guard(self.where), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction: committed at the end of the block, rolled back on error."""
        with guard(self.where), self.engine.begin() as conn:
            yield conn
