"""Baseline: cities, inventories and plans, as ``create_all`` made them before migrations.

A database made by an older Kizuna (tables, no ``alembic_version``) is stamped
at this revision by `kizuna.server.db.migrate` and upgraded from here.

Revision ID: 0001
Revises:
Created: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_ja", sa.String(200), nullable=True),
        sa.Column("country", sa.String(100), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("population_year", sa.Integer(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_city"),
    )
    op.create_index("ix_city_slug", "city", ["slug"], unique=True)
    op.create_table(
        "inventory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("gwp", sa.String(16), nullable=False),
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["city.id"], name="fk_inventory_city_id_city", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inventory"),
        sa.UniqueConstraint("city_id", "year", "gwp", name="uq_inventory_city_id_year_gwp"),
    )
    op.create_index("ix_inventory_city_id", "inventory", ["city_id"])
    op.create_table(
        "city_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("macc", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["city.id"], name="fk_city_plan_city_id_city", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_city_plan"),
    )
    op.create_index("ix_city_plan_city_id", "city_plan", ["city_id"], unique=True)


def downgrade() -> None:
    op.drop_table("city_plan")
    op.drop_table("inventory")
    op.drop_table("city")
