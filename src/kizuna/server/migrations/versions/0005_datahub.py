"""Data hub: the registry of warehouse data sets, each with an owner, visibility and licence.

``datahub_dataset`` (`kizuna.server.tables.datahub.Dataset`): one row per warehouse data set
the platform serves; the rows themselves stay in the warehouse (DuckDB and Parquet).

Revision ID: 0005
Revises: 0004
Created: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "datahub_dataset"
VISIBILITIES = ("private", "partners", "network", "public")
KINDS = ("time_series", "map", "table")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("licence", sa.String(64), nullable=True),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("warehouse_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.Column("time_column", sa.String(200), nullable=True),
        sa.Column("value_column", sa.String(200), nullable=True),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("label_column", sa.String(200), nullable=True),
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("first_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("geojson", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organisation.id"],
            name=f"fk_{TABLE}_owner_org_id_organisation",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["city.id"], name=f"fk_{TABLE}_city_id_city", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
        sa.UniqueConstraint("city_id", "name", name=f"uq_{TABLE}_city_id_name"),
        sa.UniqueConstraint("warehouse_name", name=f"uq_{TABLE}_warehouse_name"),
        sa.CheckConstraint(_in("visibility", VISIBILITIES), name=op.f(f"ck_{TABLE}_visibility")),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f(f"ck_{TABLE}_kind")),
        sa.CheckConstraint(
            "visibility <> 'public' OR licence IS NOT NULL",
            name=op.f(f"ck_{TABLE}_licence_when_public"),
        ),
    )
    op.create_index(f"ix_{TABLE}_owner_org_id", TABLE, ["owner_org_id"])
    op.create_index(f"ix_{TABLE}_city_id", TABLE, ["city_id"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_city_id", table_name=TABLE)
    op.drop_index(f"ix_{TABLE}_owner_org_id", table_name=TABLE)
    op.drop_table(TABLE)
