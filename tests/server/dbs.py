"""Fresh databases on every engine the tests run on: an SQLite file, or a PostgreSQL schema.

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
from sqlalchemy import make_url

from kizuna.server.db import make_engine, normalise_url
from kizuna.server.settings import sqlite_url

POSTGRES_URL_ENV = "KIZUNA_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "KIZUNA_REQUIRE_POSTGRES"
#: The engines every storage and tenancy test runs on.
ENGINES = ("sqlite", "postgresql")


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
