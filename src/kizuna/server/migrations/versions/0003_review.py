"""Review: stored scenario sets and reviews (stress tests, risk runs, progress, re-plans) of plans.

Two shared tables (owner organisation, visibility, licence, as in 0002):

- ``scenario_set``: an uploaded scenario file, validated, as JSON;
- ``plan_review``: one review of a city plan, with its kind, inputs, headline summary and
  the library's result; deleted with its plan, and keeps no link to a deleted scenario set.

Revision ID: 0003
Revises: 0002
Created: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VISIBILITIES = ("private", "partners", "network", "public")
KINDS = ("stress", "risk", "progress", "replan")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _sharing(table: str) -> list[sa.Column | sa.Constraint]:
    """The columns and constraints every shared table has (see 0002)."""
    return [
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("licence", sa.String(64), nullable=True),
        sa.Column("owner_org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organisation.id"],
            name=f"fk_{table}_owner_org_id_organisation",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(_in("visibility", VISIBILITIES), name=op.f(f"ck_{table}_visibility")),
        sa.CheckConstraint(
            "visibility <> 'public' OR licence IS NOT NULL",
            name=op.f(f"ck_{table}_licence_when_public"),
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "scenario_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("scenarios", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_sharing("scenario_set"),
    )
    op.create_index("ix_scenario_set_owner_org_id", "scenario_set", ["owner_org_id"])
    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("scenario_set_id", sa.Integer(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("plan_computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        *_sharing("plan_review"),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["city_plan.id"],
            name="fk_plan_review_plan_id_city_plan",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_set_id"],
            ["scenario_set.id"],
            name="fk_plan_review_scenario_set_id_scenario_set",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_plan_review_kind")),
    )
    op.create_index("ix_plan_review_owner_org_id", "plan_review", ["owner_org_id"])
    op.create_index("ix_plan_review_plan_id", "plan_review", ["plan_id"])
    op.create_index("ix_plan_review_scenario_set_id", "plan_review", ["scenario_set_id"])


def downgrade() -> None:
    op.execute("DELETE FROM object_share WHERE object_type IN ('review', 'scenario_set')")
    op.drop_table("plan_review")
    op.drop_table("scenario_set")
