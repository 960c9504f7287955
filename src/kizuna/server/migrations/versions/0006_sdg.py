"""SDG: indicator data sets and VLR projects of cities.

Revision ID: 0006
Revises: 0005
Created: 2026-12-01
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: the tables of this part of the platform come with its server pages."""


def downgrade() -> None:
    """Nothing to undo."""
