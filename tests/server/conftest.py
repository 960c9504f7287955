"""Fixtures of the server tests: an app on a real SQLite file with the test cities loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kizuna.demo import load_demo
from kizuna.server import Settings, create_app
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
