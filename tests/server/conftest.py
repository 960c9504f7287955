"""Fixtures of the server tests: the app on a real SQLite file with the test cities loaded,
and fresh databases on every engine (SQLite and PostgreSQL) for storage and tenancy tests.

PostgreSQL comes from ``KIZUNA_TEST_POSTGRES_URL`` (a database the tests may
create schemas in; each test or module gets its own schema, dropped after).
Without it the PostgreSQL cases are skipped with the reason, unless
``KIZUNA_REQUIRE_POSTGRES=1`` (as in CI), which turns the skip into a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbs import ENGINES, fresh_database
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kizuna.demo import load_demo
from kizuna.server import Settings, create_app
from kizuna.server.db import make_engine, migrate, session_factory
from kizuna.server.settings import sqlite_url

#: Two made-up cities: Testville (2015 and 2021) and Emptyburg (2020, one entry).
DATA = Path(__file__).parent / "data"


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
