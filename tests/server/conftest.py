"""Fixtures of the server tests: the app on a real SQLite file with the test cities loaded,
and fresh databases on every engine (SQLite and PostgreSQL) for storage and tenancy tests.

PostgreSQL comes from ``KIZUNA_TEST_POSTGRES_URL`` (a database the tests may
create schemas in; each test or module gets its own schema, dropped after).
Without it the PostgreSQL cases are skipped with the reason, unless
``KIZUNA_REQUIRE_POSTGRES=1`` (as in CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from kizuna.demo import load_demo
from kizuna.server import Settings, create_app
from kizuna.server.db import make_engine, migrate, normalise_url, session_factory
from kizuna.server.settings import sqlite_url

#: Two made-up cities: Testville (2015 and 2021) and Emptyburg (2020, one entry).
DATA = Path(__file__).parent / "data"

POSTGRES_URL_ENV = "KIZUNA_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "KIZUNA_REQUIRE_POSTGRES"
#: The engines every storage and tenancy test runs on.
ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app on a fresh SQLite file holding the cities of ``tests/server/data``."""
    db = tmp_path_factory.mktemp("db") / "kizuna.sqlite"
    application = create_app(Settings(database_url=sqlite_url(db)))
    with application.state.sessionmaker() as session:
        load_demo(session, DATA)
    return application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


# --- fresh databases on every engine -----------------------------------------------------------


def postgres_base_url() -> str:
    """``KIZUNA_TEST_POSTGRES_URL``, or skip (fail under ``KIZUNA_REQUIRE_POSTGRES=1``)."""
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if not url:
        reason = (
            f"{POSTGRES_URL_ENV} is not set: no PostgreSQL to test against "
            "(CI starts one; see .ci/run)"
        )
        if os.environ.get(REQUIRE_POSTGRES_ENV, "") not in ("", "0"):
            pytest.fail(f"{REQUIRE_POSTGRES_ENV} is set but {reason}")
        pytest.skip(reason)
    return normalise_url(url)


def in_schema(url: str, schema: str) -> str:
    """`url` with `schema` first on the PostgreSQL search path (tables are made there)."""
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@contextmanager
def fresh_database(engine_name: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: an SQLite file in `folder`, or a new PostgreSQL schema."""
    if engine_name == "sqlite":
        yield sqlite_url(folder / "kizuna.sqlite")
        return
    base = postgres_base_url()
    schema = f"kizuna_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield in_schema(base, schema)
    finally:
        with admin.begin() as connection:
            # a test that left a transaction open fails here instead of hanging the run
            connection.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine in turn (SQLite file, PostgreSQL schema)."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to the newest revision, on each engine in turn."""
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_sessions(db_engine: Engine) -> sessionmaker[Session]:
    """Sessions on `db_engine`."""
    return session_factory(db_engine)


@pytest.fixture(scope="module", params=ENGINES)
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Like `db_engine`, shared by the tests of one module (they must not commit)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()
