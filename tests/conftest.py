"""Shared fixtures: archive databases (SQLite always, PostgreSQL when reachable)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig

pytest_plugins = ["tests.site.plugin"]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_TEST_PG = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str:
    return os.environ.get("NEWSARCHIVE_TEST_PG") or DEFAULT_TEST_PG


def skip_or_fail(reason: str) -> None:
    """Skip where a service is optional; under CI a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the CI machine must provide it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The PostgreSQL server URL, or a skip (a failure under CI) when unreachable."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from newsarchive.storage.db import make_engine

    url = _postgres_url()
    try:
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        skip_or_fail(
            f"PostgreSQL not reachable at {url} (set NEWSARCHIVE_TEST_PG): {str(exc).splitlines()[0]}"
        )
    yield url


def _pg_schema_url(server_url: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    query = dict(url.query)
    query["options"] = f"-csearch_path={schema}"
    return url.set(query=query).render_as_string(hide_password=False)


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    from sqlalchemy import text

    from newsarchive.storage.db import make_engine

    schema = f"na_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(postgres_server, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def archive_config(tmp_path: Path, db_url: str) -> ArchiveConfig:
    return ArchiveConfig(home=tmp_path / "home", db_url=db_url)


@pytest.fixture
def archive(archive_config: ArchiveConfig) -> Iterator[Archive]:
    with Archive(archive_config) as opened:
        yield opened
