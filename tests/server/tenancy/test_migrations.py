"""The Alembic migrations on SQLite and PostgreSQL: up, idempotent, down and up again, in
step with the models, upgrading a database made before migrations, run by the app and the CLI."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kizuna.cli.db import app as db_cli
from kizuna.server import Settings, create_app
from kizuna.server.db import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    session_factory,
)
from kizuna.server.tables import Base, City, Inventory, Visibility

TABLES = {
    "alembic_version",
    "api_token",
    "audit_entry",
    "city",
    "city_network_profile",
    "city_plan",
    "datahub_dataset",
    "datahub_pipeline",
    "inventory",
    "login_attempt",
    "membership",
    "network_case_study",
    "network_provider",
    "network_solution",
    "notification",
    "object_share",
    "organisation",
    "partnership",
    "partnership_document",
    "partnership_member",
    "partnership_update",
    "sdg_dataset",
    "sdg_indicator",
    "plan_review",
    "scenario_set",
    "user_account",
    "vlr_project",
    "web_session",
}


def test_upgrade_makes_every_table(db_engine: Engine) -> None:
    assert set(inspect(db_engine).get_table_names()) == TABLES
    assert current_revision(db_engine) == head_revision() == "0007"


def test_upgrading_twice_changes_nothing(db_engine: Engine) -> None:
    migrate(db_engine)
    assert current_revision(db_engine) == head_revision()


def test_models_and_migrations_agree(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_down_to_nothing_and_up_again(db_engine: Engine) -> None:
    config = alembic_config()
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    migrate(db_engine)
    assert set(inspect(db_engine).get_table_names()) == TABLES


def test_a_database_from_before_migrations_is_upgraded_in_place(database_url: str) -> None:
    """Tables as ``create_all`` made them (0001's schema, no alembic_version), with rows."""
    engine = make_engine(database_url)
    try:
        migrate(engine, "0001")
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
            connection.execute(
                text(
                    "INSERT INTO city (id, slug, name, country, targets, sources) "
                    "VALUES (1, 'old', 'Old Town', 'JP', '[]', '[]')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO inventory (city_id, year, gwp, source_file, result, entries, "
                    "computed_at) VALUES (1, 2020, 'AR5', 'old.csv', '{}', '[]', CURRENT_TIMESTAMP)"
                )
            )
        migrate(engine)
        assert current_revision(engine) == head_revision()
        with session_factory(engine)() as session:
            city = session.scalars(select(City)).one()
            assert (city.slug, city.owner.slug, city.visibility) == (
                "old",
                "unassigned",
                Visibility.PRIVATE,
            )
            inventory = session.scalars(select(Inventory)).one()
            assert (inventory.year, inventory.owner_org_id) == (2020, city.owner_org_id)
            assert inventory.computed_at.tzinfo is not None
    finally:
        engine.dispose()


def test_the_app_migrates_at_start_up(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url))
    try:
        assert current_revision(app.state.engine) == head_revision()
        with Session(app.state.engine) as session:
            assert session.scalars(select(City)).all() == []
    finally:
        app.state.engine.dispose()


def test_cli_upgrade_and_current(database_url: str) -> None:
    runner = CliRunner()
    behind = runner.invoke(db_cli, ["current", "--url", database_url])
    assert behind.exit_code == 1
    assert "none (empty)" in behind.output
    assert "kizuna db upgrade" in behind.output
    upgraded = runner.invoke(db_cli, ["upgrade", "--url", database_url])
    assert upgraded.exit_code == 0, upgraded.output
    head = head_revision()
    assert f"upgraded from empty to revision {head}" in upgraded.output
    again = runner.invoke(db_cli, ["upgrade", "--url", database_url])
    assert f"already at revision {head}" in again.output
    current = runner.invoke(db_cli, ["current", "--url", database_url])
    assert current.exit_code == 0
    assert f"revision {head}, up to date" in current.output
    password = make_url(database_url).password
    if password:  # a password in the URL is never printed
        assert f":{password}@" not in current.output + upgraded.output
        assert ":***@" in current.output


def test_a_failed_upgrade_changes_nothing(database_url: str) -> None:
    """Revision 0002 fails halfway (a table in its way): the tables it made before are gone."""
    engine = make_engine(database_url)
    try:
        migrate(engine, "0001")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE object_share (id INTEGER PRIMARY KEY)"))
        before = set(inspect(engine).get_table_names())
        with pytest.raises(DBAPIError):
            migrate(engine)
        assert set(inspect(engine).get_table_names()) == before
        assert current_revision(engine) == "0001"
    finally:
        engine.dispose()
