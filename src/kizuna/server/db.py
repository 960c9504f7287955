"""The platform database: engine, sessions and migrations (and, re-exported, its tables).

SQLite by default, PostgreSQL for a service (``KIZUNA_DATABASE_URL``); any
SQLAlchemy URL works. The schema is made and kept up to date by the packaged
Alembic migrations, run by `migrate` (the web app runs it at start-up, the CLI
with ``kizuna db upgrade``): the same migrations on every engine.

The tables live in `kizuna.server.tables`; they are re-exported here so that
``from kizuna.server.db import City`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url
from sqlalchemy.orm import Session, sessionmaker

from kizuna.server.tables import (
    ApiToken,
    AuditEntry,
    Base,
    City,
    CityPlan,
    Inventory,
    JSONDict,
    JSONList,
    LoginAttempt,
    Membership,
    Organisation,
    Share,
    User,
    WebSession,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "City",
    "CityPlan",
    "Inventory",
    "JSONDict",
    "JSONList",
    "LoginAttempt",
    "Membership",
    "Organisation",
    "Share",
    "User",
    "WebSession",
    "alembic_config",
    "create_all",
    "current_revision",
    "head_revision",
    "make_engine",
    "migrate",
    "normalise_url",
    "session_factory",
    "transaction",
]

#: The revision of the schema that ``create_all`` made before there were migrations.
BASELINE_REVISION = "0001"
#: Key of the PostgreSQL advisory lock that serialises concurrent `migrate` calls.
MIGRATION_LOCK_KEY = 0x4B495A554E41  # "KIZUNA"


def normalise_url(url: str) -> str:
    """`url` with the psycopg (v3) driver for a bare ``postgresql://`` or ``postgres://`` URL."""
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare) :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; for an SQLite file, its folder is made and foreign keys are enforced."""
    url = normalise_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of `engine`'s database to `revision` (default: the newest).

    The one place the schema is made: the app at start-up, ``kizuna demo``,
    ``kizuna db upgrade`` and the tests all call it. All of it runs in one
    transaction, on SQLite too, so a failed migration leaves the database as it
    was; concurrent callers (several workers starting at once) wait for each
    other. A database made by ``create_all`` before the migrations existed is
    recognised and upgraded in place.
    """
    from alembic import command

    config = alembic_config()
    with _migration_connection(engine) as connection:
        if _is_legacy(connection):
            config.attributes["connection"] = connection
            command.stamp(config, BASELINE_REVISION)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def create_all(engine: Engine) -> None:
    """Make or update the schema: the older name of `migrate`, kept for existing callers."""
    migrate(engine)


def current_revision(engine: Engine) -> str | None:
    """The migration revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest migration revision this version of Kizuna knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def alembic_config() -> Any:
    """Alembic's configuration for the packaged migrations (``kizuna.server:migrations``)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kizuna.server:migrations")
    return config


def _is_legacy(connection: Connection) -> bool:
    """True for a database whose tables ``create_all`` made, without a migration revision."""
    tables = set(inspect(connection).get_table_names())
    return "city" in tables and "alembic_version" not in tables


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for the migrations, locked against concurrent ones.

    PostgreSQL: transactional DDL and an advisory lock. SQLite: foreign keys
    off while tables are rebuilt (dropping a parent table would otherwise
    cascade), an explicit ``BEGIN IMMEDIATE`` so the DDL is transactional and
    the database locked, and a foreign key check before commit.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                yield connection
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if problems:
                    raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
            finally:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
        else:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
                    )
                yield connection


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session
