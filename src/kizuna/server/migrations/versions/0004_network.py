"""Network: city profiles' extra fields, providers, solutions, case studies, partnerships.

- ``city_network_profile``: a city's GeoNames id, UN/LOCODE, coordinates, area, GDP per
  capita (with currency and year), priority SDGs, off-track indicators, challenges and
  languages, 1:1 with ``city`` (the city table belongs to the platform core; the profile
  follows its city's sharing);
- ``network_provider``, ``network_solution``, ``network_case_study``,
  ``partnership``: shared objects (owner organisation, visibility, licence);
- ``partnership_member`` (roles and invitation status), ``_document``,
  ``_update`` (the feed);
- ``notification``: in-app notifications of each user.

Revision ID: 0004
Revises: 0003
Created: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VISIBILITIES = ("private", "partners", "network", "public")
PROVIDER_KINDS = ("company", "startup", "university", "lab")
COST_BANDS = ("low", "medium", "high")
STAGES = ("idea", "screening", "feasibility", "investment-ready", "financed", "implemented")
MEMBER_ROLES = ("lead", "partner", "provider", "funder", "observer")
MEMBER_STATUSES = ("invited", "accepted", "declined")
UPDATE_KINDS = ("note", "stage", "invitation", "response", "document")
#: Every table of this revision, parents first.
TABLES = (
    "city_network_profile",
    "network_provider",
    "network_solution",
    "network_case_study",
    "partnership",
    "partnership_member",
    "partnership_document",
    "partnership_update",
    "notification",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.JSON(), nullable=nullable)


def _choice(table: str, column: str, values: tuple[str, ...]) -> list[sa.SchemaItem]:
    """A VARCHAR(16) column and its CHECK ``ck_<table>_<column>`` (as `str_enum` makes)."""
    return [
        sa.Column(column, sa.String(16), nullable=False),
        sa.CheckConstraint(_in(column, values), name=op.f(f"ck_{table}_{column}")),
    ]


def _fk(table: str, column: str, parent: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=f"fk_{table}_{column}_{parent}", ondelete=ondelete
    )


def _shared(table: str) -> list[sa.SchemaItem]:
    """Owner organisation, visibility and licence of a shared table, with their rules."""
    return [
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        *_choice(table, "visibility", VISIBILITIES),
        sa.Column("licence", sa.String(64), nullable=True),
        _fk(table, "owner_org_id", "organisation", "RESTRICT"),
        sa.CheckConstraint(
            "visibility <> 'public' OR licence IS NOT NULL",
            name=op.f(f"ck_{table}_licence_when_public"),
        ),
    ]


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(f"ix_{table}_{columns[0]}", table, list(columns), unique=unique)


def upgrade() -> None:
    create_city_profiles()
    create_catalogue()
    create_partnerships()
    create_notifications()


def create_city_profiles() -> None:
    """The extra network fields of a city, 1:1 with ``city``."""
    t = "city_network_profile"
    op.create_table(
        t,
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("locode", sa.String(6), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("area_km2", sa.Double(), nullable=True),
        sa.Column("gdp_per_capita", sa.Double(), nullable=True),
        sa.Column("gdp_currency", sa.String(3), nullable=True),
        sa.Column("gdp_year", sa.Integer(), nullable=True),
        _json("priority_sdgs"),
        _json("off_track_indicators"),
        _json("challenges"),
        _json("languages"),
        _time("updated_at"),
        _fk(t, "city_id", "city", "CASCADE"),
        sa.PrimaryKeyConstraint("city_id", name=f"pk_{t}"),
    )
    _index(t, "geonameid")


def create_catalogue() -> None:
    """Providers, their solutions, and case studies: shared objects."""
    t = "network_provider"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *_choice(t, "kind", PROVIDER_KINDS),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(500), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("fictional", sa.Boolean(), nullable=False),
        _json("sources"),
        _time("created_at"),
        *_shared(t),
        _fk(t, "organisation_id", "organisation", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "slug", unique=True)
    _index(t, "owner_org_id")
    _index(t, "organisation_id")

    t = "network_solution"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sector", sa.String(64), nullable=False),
        sa.Column("measure_type", sa.String(64), nullable=False),
        *_choice(t, "cost_band", COST_BANDS),
        _json("impact", nullable=True),
        sa.Column("trl", sa.Integer(), nullable=False),
        _json("references"),
        _json("regions"),
        _json("sdgs"),
        _json("sources"),
        sa.Column("fictional", sa.Boolean(), nullable=False),
        _time("created_at"),
        *_shared(t),
        _fk(t, "provider_id", "network_provider", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "slug", unique=True)
    _index(t, "owner_org_id")
    _index(t, "provider_id")

    t = "network_case_study"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("city_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("years", sa.String(32), nullable=False),
        _json("measures"),
        sa.Column("sector", sa.String(64), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        _json("cost"),
        _json("outcome"),
        _json("lessons"),
        sa.Column("contact", sa.String(300), nullable=False),
        _json("sdgs"),
        _json("tags"),
        _json("sources"),
        sa.Column("fictional", sa.Boolean(), nullable=False),
        _time("created_at"),
        *_shared(t),
        _fk(t, "city_id", "city", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "slug", unique=True)
    _index(t, "owner_org_id")
    _index(t, "city_id")


def create_partnerships() -> None:
    """Partnership projects, their members, documents and feed."""
    t = "partnership"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        *_choice(t, "stage", STAGES),
        _json("measures"),
        _json("sdgs"),
        _json("timeline"),
        sa.Column("fictional", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        *_shared(t),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "slug", unique=True)
    _index(t, "owner_org_id")

    t = "partnership_member"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        *_choice(t, "role", MEMBER_ROLES),
        *_choice(t, "status", MEMBER_STATUSES),
        _time("invited_at"),
        _time("responded_at", nullable=True),
        _fk(t, "partnership_id", "partnership", "CASCADE"),
        _fk(t, "organisation_id", "organisation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint(
            "partnership_id", "organisation_id", name=f"uq_{t}_partnership_id_organisation_id"
        ),
    )
    _index(t, "partnership_id")
    _index(t, "organisation_id")

    t = "partnership_document"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        _time("added_at"),
        sa.Column("added_by_org_id", sa.Integer(), nullable=True),
        _fk(t, "partnership_id", "partnership", "CASCADE"),
        _fk(t, "added_by_org_id", "organisation", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "partnership_id")

    t = "partnership_update"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        _time("at"),
        sa.Column("author_org_id", sa.Integer(), nullable=True),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        *_choice(t, "kind", UPDATE_KINDS),
        sa.Column("text", sa.Text(), nullable=False),
        _fk(t, "partnership_id", "partnership", "CASCADE"),
        _fk(t, "author_org_id", "organisation", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "partnership_id")


def create_notifications() -> None:
    """In-app notifications, one row per user and event."""
    t = "notification"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(300), nullable=False),
        _json("params"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        _time("created_at"),
        _time("read_at", nullable=True),
        _fk(t, "user_id", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _index(t, "user_id")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
