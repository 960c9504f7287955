"""SDG: indicator data sets and VLR projects of cities.

``sdg_dataset`` (a shared object: owner, visibility, licence) holds a city's Open SDG data,
one ``sdg_indicator`` row per indicator (CSV text, config as JSON and as uploaded);
``vlr_project`` (a shared object, one per city) the settings and narratives of its VLR.

Revision ID: 0006
Revises: 0005
Created: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VISIBILITIES = ("private", "partners", "network", "public")


def _sharing(table: str) -> list[sa.Column | sa.Constraint]:
    """The columns and constraints of a shared object (as `SharedObject` declares them)."""
    visibilities = ", ".join(repr(v) for v in VISIBILITIES)
    return [
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("licence", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organisation.id"],
            name=f"fk_{table}_owner_org_id_organisation",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(f"visibility IN ({visibilities})", name=op.f(f"ck_{table}_visibility")),
        sa.CheckConstraint(
            "visibility <> 'public' OR licence IS NOT NULL",
            name=op.f(f"ck_{table}_licence_when_public"),
        ),
    ]


def _city(table: str) -> list[sa.Column | sa.Constraint]:
    return [
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["city.id"], name=f"fk_{table}_city_id_city", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "sdg_dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        *_city("sdg_dataset"),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        *_sharing("sdg_dataset"),
        sa.PrimaryKeyConstraint("id", name="pk_sdg_dataset"),
        sa.UniqueConstraint("city_id", "name", name="uq_sdg_dataset_city_id_name"),
    )
    op.create_index("ix_sdg_dataset_city_id", "sdg_dataset", ["city_id"])
    op.create_index("ix_sdg_dataset_owner_org_id", "sdg_dataset", ["owner_org_id"])
    op.create_table(
        "sdg_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("csv_text", sa.Text(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("config_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sdg_dataset.id"],
            name="fk_sdg_indicator_dataset_id_sdg_dataset",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sdg_indicator"),
        sa.UniqueConstraint(
            "dataset_id", "indicator_id", name="uq_sdg_indicator_dataset_id_indicator_id"
        ),
    )
    op.create_index("ix_sdg_indicator_dataset_id", "sdg_indicator", ["dataset_id"])
    op.create_table(
        "vlr_project",
        sa.Column("id", sa.Integer(), nullable=False),
        *_city("vlr_project"),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.Column("use_plan", sa.Boolean(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("narratives", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_sharing("vlr_project"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sdg_dataset.id"],
            name="fk_vlr_project_dataset_id_sdg_dataset",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_vlr_project"),
    )
    op.create_index("ix_vlr_project_city_id", "vlr_project", ["city_id"], unique=True)
    op.create_index("ix_vlr_project_dataset_id", "vlr_project", ["dataset_id"])
    op.create_index("ix_vlr_project_owner_org_id", "vlr_project", ["owner_org_id"])


def downgrade() -> None:
    for table in ("vlr_project", "sdg_indicator", "sdg_dataset"):
        op.drop_table(table)
