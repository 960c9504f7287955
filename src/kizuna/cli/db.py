"""`kizuna db ...`: make, upgrade and inspect the platform database (Alembic migrations)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import make_url

from kizuna.cli.console import out, reported_errors
from kizuna.server.db import current_revision, head_revision, make_engine, migrate, normalise_url
from kizuna.server.settings import Settings, sqlite_url

app = typer.Typer(
    rich_markup_mode="markdown",
    help="The platform database: migrations (SQLite or PostgreSQL).",
    no_args_is_help=True,
)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="SQLAlchemy database URL. Default: KIZUNA_DATABASE_URL, else kizuna.sqlite "
        "in the user data folder.",
        show_default=False,
    ),
]


def _url(url: str | None) -> str:
    return normalise_url(url or Settings().database_url)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@app.command("upgrade")
def upgrade(
    url: UrlOption = None,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create the database or bring its schema up to date (safe to run at every deploy).

    Example: kizuna db upgrade --url postgresql+psycopg://kizuna@localhost/kizuna
    """
    database = _url(url)
    with reported_errors():
        engine = make_engine(database)
        try:
            before = current_revision(engine)
            migrate(engine, revision)
            after = current_revision(engine)
        finally:
            engine.dispose()
    change = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    out.print(f"{_shown(database)}: {change} revision {after}", highlight=False)


@app.command("current")
def current(url: UrlOption = None) -> None:
    """Show the database's migration revision and whether it is the newest."""
    database = _url(url)
    with reported_errors():
        engine = make_engine(database)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    head = head_revision()
    state = "up to date" if revision == head else f"behind: run kizuna db upgrade (head is {head})"
    out.print(
        f"{_shown(database)}: revision {revision or 'none (empty)'}, {state}", highlight=False
    )
    if revision != head:
        raise typer.Exit(code=1)


@app.command("revision")
def revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the revision does.")],
    autogenerate: Annotated[
        bool, typer.Option(help="Fill in the differences between the tables and the migrations.")
    ] = True,
) -> None:
    """Start a new migration in kizuna/server/migrations/versions (for developers).

    With --autogenerate, the differences are found against a scratch SQLite
    database at the current head; read and edit the file before committing it.
    """
    from alembic import command

    from kizuna.server.db import alembic_config

    head = head_revision()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(sqlite_url(Path(folder) / "scratch.sqlite"))
        try:
            migrate(engine)
            config = alembic_config()
            with engine.connect() as connection:
                config.attributes["connection"] = connection
                script = command.revision(
                    config,
                    message=message,
                    autogenerate=autogenerate,
                    rev_id=f"{int(head) + 1:04d}",
                )
        finally:
            engine.dispose()
    path = script.path if script is not None and not isinstance(script, list) else "?"
    out.print(f"New migration: {path}", highlight=False)
