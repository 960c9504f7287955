"""Network: city profiles' extra fields, providers, solutions, case studies, partnerships.

Revision ID: 0004
Revises: 0003
Created: 2026-12-01
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: the tables of this part of the platform come with its server pages."""


def downgrade() -> None:
    """Nothing to undo."""
