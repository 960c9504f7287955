"""The series of an Open SDG indicator that its progress is measured on, as Open SDG picks them.

An indicator config turns the calculation on with ``auto_progress_calculation: true`` and
lists one entry per series in ``progress_calculation_options``::

    auto_progress_calculation: true
    progress_calculation_options:
      - direction: negative        # positive (higher is better) or negative (the default)
        target: 7.25               # optional; without it the growth thresholds apply
        target_year: 2030          # default 2030
        base_year: 2015            # default 2015; the next year with data if 2015 has none
        limit: 100                 # optional natural limit (no target)
        series: ...                # optional: pick a Series value
        unit: ...                  # optional: pick a Units value
        disaggregation:            # optional: pick a breakdown; else the total (headline)
          - {field: Sex, value: Female}

As in Open SDG, a series is the rows left after picking the unit, series and breakdown (or,
without a breakdown, the rows where every disaggregation is blank); its current year is the
latest year with a value; a ``Progress`` column, when present, replaces ``Value``; years
such as ``2015-16`` count as 2015. With the calculation off, a ``progress_status`` given by
hand in the config is the indicator's status (without a score).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError, Location
from kizuna.sdg.opensdg import IndicatorData, disaggregation_columns, year_numbers
from kizuna.sdg.progress import DEFAULT_BASE_YEAR, DEFAULT_TARGET_YEAR, SERIES_COLUMNS

#: Option keys Kizuna reads (others, such as progress_thresholds, are refused).
OPTION_KEYS = {
    "direction",
    "target",
    "target_year",
    "base_year",
    "limit",
    "series",
    "unit",
    "disaggregation",
}


def progress_enabled(item: IndicatorData) -> bool:
    """True when the config turns the automatic progress calculation on."""
    return item.config.get("auto_progress_calculation") is True


def progress_options(item: IndicatorData) -> list[dict[str, Any]]:
    """The config's ``progress_calculation_options`` (one empty option when none are given),
    checked: `InputError` for an unknown key or a bad direction."""
    options = item.config.get("progress_calculation_options") or [{}]
    where = Location(item.config_path.name if item.config_path else item.id)
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
        raise InputError(
            f"{item.id}: progress_calculation_options must be a list of mappings",
            where=where,
        )
    for option in options:
        unknown = set(option) - OPTION_KEYS
        if unknown:
            raise InputError(
                f"{item.id}: progress_calculation_options has unsupported keys {sorted(unknown)}",
                where=where,
                hint="supported: " + ", ".join(sorted(OPTION_KEYS)),
            )
        if option.get("direction", "negative") not in ("positive", "negative"):
            raise InputError(
                f"{item.id}: direction must be positive or negative, "
                f"not {option.get('direction')!r}",
                where=where,
            )
    return options


def series_tag(item: IndicatorData, option: dict[str, Any]) -> str:
    """A name for the series an option picks: ``13-2-2`` or ``5-5-1 / Female``."""
    parts = [item.id]
    for key in ("series", "unit"):
        if option.get(key) is not None:
            parts.append(str(option[key]))
    for disaggregation in option.get("disaggregation") or []:
        parts.append(str(disaggregation.get("value")))
    return " / ".join(parts)


def select_rows(item: IndicatorData, option: dict[str, Any]) -> pd.DataFrame:
    """The rows of `item` that `option` picks, as columns ``year`` (int) and ``value``,
    sorted by year; `InputError` when several sub-series remain or a year repeats."""
    frame = item.frame
    where = Location(item.csv_path.name if item.csv_path else item.id)
    keep = pd.Series(True, index=frame.index)
    for key, column in (("unit", "Units"), ("series", "Series")):
        if option.get(key) is not None and column in frame:
            keep &= frame[column] == option[key]
    picks = option.get("disaggregation") or []
    for pick in picks:
        column = pick.get("field")
        if column not in frame:
            raise InputError(
                f"{item.id}: no column {column!r} to pick the breakdown {pick}",
                where=where,
                hint="disaggregation entries are {field: <column>, value: <value>}",
            )
        keep &= frame[column] == pick.get("value")
    picked_columns = {p.get("field") for p in picks}
    for column in disaggregation_columns(frame):
        if column not in picked_columns:
            keep &= frame[column].isna()
    rows = frame[keep.to_numpy()]
    for column in ("Units", "Series", "GeoCode"):
        if column in rows and rows[column].nunique(dropna=True) > 1:
            raise InputError(
                f"{item.id}: the series {series_tag(item, option)!r} mixes several "
                f"{column} values {sorted(rows[column].dropna().unique().tolist())}",
                where=where,
                hint=f"pick one with `{'unit' if column == 'Units' else column.lower()}:` in "
                "progress_calculation_options",
            )
    values = rows["Progress"] if "Progress" in rows else rows["Value"]
    out = pd.DataFrame({"year": year_numbers(rows["Year"]), "value": values.astype(float)})
    out = out[out["value"].notna()]
    dupes = out["year"][out["year"].duplicated()]
    if not dupes.empty:
        raise InputError(
            f"{item.id}: the series {series_tag(item, option)!r} has several values for "
            f"{int(dupes.iloc[0])}",
            where=where,
            hint="a series has one value per year; pick a breakdown or unit",
        )
    return out.sort_values("year").reset_index(drop=True)


def series_inputs(item: IndicatorData, option: dict[str, Any]) -> dict[str, Any]:
    """One row of the series table (`kizuna.sdg.progress.SERIES_COLUMNS`) for an option:
    the base year (the option's, default 2015, or the next year with data), base value,
    current (latest) year and value, direction, target, target year and limit. Years and
    values are NaN when the series has no data from the base year on."""
    rows = select_rows(item, option)
    base_year = float(option.get("base_year", DEFAULT_BASE_YEAR))
    later = rows[rows["year"] >= base_year]
    target = option.get("target")
    row: dict[str, Any] = {
        "indicator": item.id,
        "series": series_tag(item, option),
        "direction": 1 if option.get("direction") == "positive" else -1,
        "target": np.nan if target is None else float(target),
        "target_year": float(option.get("target_year", DEFAULT_TARGET_YEAR)),
        "limit": np.nan if option.get("limit") is None else float(option["limit"]),
    }
    if later.empty:
        row.update(base_year=np.nan, base_value=np.nan, current_year=np.nan, current_value=np.nan)
    else:
        row.update(
            base_year=float(later["year"].iloc[0]),
            base_value=float(later["value"].iloc[0]),
            current_year=float(later["year"].iloc[-1]),
            current_value=float(later["value"].iloc[-1]),
        )
    return row


def series_table(items: list[IndicatorData]) -> pd.DataFrame:
    """The series table of every indicator whose progress calculation is on: one row per
    option, columns ``indicator`` and `SERIES_COLUMNS` (ready for `assess_frame`)."""
    rows = [
        series_inputs(item, option)
        for item in items
        if progress_enabled(item)
        for option in progress_options(item)
    ]
    columns = ["indicator", *SERIES_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


def breakdown_table(item: IndicatorData) -> pd.DataFrame:
    """Series for each single breakdown of `item` (one disaggregation column set, the others
    blank), one per Series and Units value they come in: the "leave no one behind" view.
    Each takes the progress option of the same series and unit when the config has one
    (its target included), else the direction and base year of the first option without a
    target. Columns as `series_table` plus ``field`` and ``group``."""
    options = progress_options(item) if progress_enabled(item) else [{}]
    frame = item.frame
    columns = disaggregation_columns(frame)
    rows = []
    for column in columns:
        others = [c for c in columns if c != column]
        for group in frame[column].dropna().unique().tolist():
            picked = frame[(frame[column] == group) & frame[others].isna().all(axis=1)]
            keys = [k for k in ("Series", "Units") if k in picked]
            combos = picked[keys].drop_duplicates().to_dict("records") if keys else [{}]
            for combo in combos:
                series = combo.get("Series") if not pd.isna(combo.get("Series")) else None
                unit = combo.get("Units") if not pd.isna(combo.get("Units")) else None
                option = _matching_option(options, series, unit)
                option.update(disaggregation=[{"field": column, "value": group}])
                if series is not None:
                    option["series"] = series
                if unit is not None:
                    option["unit"] = unit
                row = series_inputs(item, option)
                rows.append({**row, "field": column, "group": group})
    names = ["indicator", *SERIES_COLUMNS, "field", "group"]
    return pd.DataFrame(rows, columns=names)


def _matching_option(
    options: list[dict[str, Any]], series: str | None, unit: str | None
) -> dict[str, Any]:
    for option in options:
        if option.get("series") == series and option.get("unit") == unit:
            return {k: v for k, v in option.items() if k != "disaggregation"}
    first = options[0]
    return {k: first[k] for k in ("direction", "base_year") if k in first}
