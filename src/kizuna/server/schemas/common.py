"""Shapes shared by every part of the JSON API: errors, pages of lists, health."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """The error shape of every failed request."""

    code: str = Field(description="A stable machine-readable name: not_found, input_error, ...")
    message: str
    hint: str | None = Field(description="How to fix it, when we know.")
    details: list[dict[str, Any]] = Field(
        description="Where: file, row, column or field of each problem."
    )


class ErrorOut(BaseModel):
    """``{"error": {...}}``: what every 4xx and 5xx answer holds."""

    error: ErrorBody


class PageInfo(BaseModel):
    """Where a page of a list stands: `total` items match, this page starts at `offset`."""

    total: int = Field(ge=0, description="Items matching the filters, over all pages.")
    limit: int = Field(ge=1, description="Largest number of items on a page.")
    offset: int = Field(ge=0, description="Items skipped before this page.")
    next: str | None = Field(None, description="Address of the next page; null on the last.")


class Health(BaseModel):
    """Liveness and database reachability."""

    status: str
    version: str
    database: str
