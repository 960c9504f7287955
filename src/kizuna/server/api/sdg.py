"""The sdg routes of the JSON API (``/api/v1``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sdg"])
