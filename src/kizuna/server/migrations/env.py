"""Alembic's environment: run the migrations on the connection `kizuna.server.db.migrate` gives.

Without a connection in ``config.attributes`` (Alembic's own command line),
the database is ``KIZUNA_DATABASE_URL`` or the default SQLite file.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kizuna.server.tables import Base

config = context.config


def run(connection: Connection) -> None:
    """Run the pending migrations on `connection` (batch mode: SQLite rebuilds tables)."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Use the connection `migrate` handed over, or open one (Alembic's own command line)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported: use kizuna db upgrade")
    from kizuna.server.db import make_engine
    from kizuna.server.settings import Settings

    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = make_engine(url)
    try:
        with engine.begin() as opened:
            run(opened)
    finally:
        engine.dispose()


main()
