"""Data hub: data sets registered in the platform, with their owner and visibility.

Revision ID: 0005
Revises: 0004
Created: 2026-12-01
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: the tables of this part of the platform come with its server pages."""


def downgrade() -> None:
    """Nothing to undo."""
