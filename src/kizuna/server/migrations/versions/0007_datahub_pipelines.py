"""Data hub pipelines: a city's pipeline files and what their last run did.

``datahub_pipeline`` (`kizuna.server.tables.datahub.HubPipeline`): a shared object (owner,
visibility, licence) of a city, with the pipeline file as written and as validated.

Revision ID: 0007
Revises: 0006
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "datahub_pipeline"
VISIBILITIES = ("private", "partners", "network", "public")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("licence", sa.String(64), nullable=True),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("last_run", sa.JSON(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint(
            "visibility IN ({})".format(", ".join(repr(v) for v in VISIBILITIES)),
            name=op.f(f"ck_{TABLE}_visibility"),
        ),
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
