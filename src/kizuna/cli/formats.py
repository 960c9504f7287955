"""Output formats shared by the commands."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
