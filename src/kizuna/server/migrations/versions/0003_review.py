"""Review: stored scenario sets and reviews (stress tests, risk runs, progress, re-plans) of plans.

Revision ID: 0003
Revises: 0002
Created: 2026-12-01
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: the tables of this part of the platform come with its server pages."""


def downgrade() -> None:
    """Nothing to undo."""
