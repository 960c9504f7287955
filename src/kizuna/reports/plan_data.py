"""The JSON shapes of `kizuna.planning` as chart inputs: results, tables, years, names.

A result is ``PlanResult.to_dict()`` (or the `PlanResult` itself), whose year keys are
text (``"2030"``); a table is a DataFrame such as ``macc_table(plan)`` or its records.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kizuna.planning import PlanResult
from kizuna.reports.formatting import EmissionUnit, decimals_for

ResultLike = PlanResult | Mapping[str, Any]
TableLike = pd.DataFrame | Sequence[Mapping[str, Any]]

PLAN_COLOUR = "#1c2733"
BAU_COLOUR = "#7f8c8d"
MET_COLOUR = "#1d6b35"
MISSED_COLOUR = "#c0392b"


def result_dict(result: ResultLike) -> Mapping[str, Any]:
    """The JSON shape of a plan result (``PlanResult.to_dict()``)."""
    return result.to_dict() if isinstance(result, PlanResult) else result


def records(table: TableLike) -> list[dict[str, Any]]:
    """The rows of a DataFrame (or already a sequence of mappings) as plain dicts."""
    if isinstance(table, pd.DataFrame):
        return [dict(row) for row in table.to_dict(orient="records")]
    return [dict(row) for row in table]


def by_year(values: Mapping[Any, float]) -> dict[int, float]:
    """``{"2030": 1.0}`` or ``{2030: 1.0}`` as ``{2030: 1.0}``, ordered by year."""
    return {int(year): float(v) for year, v in sorted(values.items(), key=lambda kv: int(kv[0]))}


def finite(value: Any) -> float | None:
    """`value` as a float, or None when it is missing or not finite (NaN from a DataFrame)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def short_name(name: str, size: int = 40) -> str:
    """`name` cut to `size` characters with an ellipsis, for legends."""
    return name if len(name) <= size else name[: size - 1].rstrip() + "…"


def hover_text(text: str) -> str:
    """`text` shown as such in a Plotly hover template: no ``%{...}`` substitution, and
    ``<``, ``>`` and ``&`` as entities (Plotly reads the template as a little HTML)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("%{", "%&#123;")


def value_format(unit: EmissionUnit) -> str:
    """The d3 number format for values in `unit`."""
    return ",.2f" if decimals_for(unit) else ",.0f"
