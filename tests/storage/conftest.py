"""A fresh PostgreSQL schema per test (tests never see each other's rows), and SQLite files."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import psycopg
import pytest


@pytest.fixture()
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """`pg_url` with its own empty schema first on the search_path; dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in pg_url else "?"
    yield f"{pg_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("pg_schema_url"))
