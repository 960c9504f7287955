"""Open SDG's data format: one CSV per indicator and its indicator config (YAML), both ways.

An indicator CSV (``indicator_11-6-2.csv``) has ``Year`` as its first column and ``Value``
as its last; the columns between are disaggregations (``Sex``, ``Age``, ...) where a blank
cell means "total", plus the optional columns ``Units``, ``Series`` and ``GeoCode`` (and
the other non-disaggregation columns in `NON_DISAGGREGATION`). One row is one value::

    Year,Units,Sex,Value
    2015,Percent,,12.5
    2015,Percent,Female,13.1

The indicator config (``indicator-config/11-6-2.yml``) is Open SDG's metadata of the
indicator: ``indicator_number``, ``indicator_name``, ``computation_units``,
``reporting_status``, ``auto_progress_calculation`` and ``progress_calculation_options``
(see `kizuna.sdg.series`) and many display settings, kept as they are. Kizuna's own
fields (Japanese name, the global indicators a local one maps to, sources) sit in one
``kizuna:`` block that Open SDG ignores (`kizuna.sdg.local`).

Reading and writing keep a file as it was: the column order, the text of every cell and of
the years (``2015-16`` stays), values written back in their shortest exact form (``1``,
not ``1.0``), and the config's keys in their order with number-like texts quoted
(``indicator_number: '1.1.1'``).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from kizuna.errors import InputError, Location

#: Columns that are not disaggregations (Open SDG's defaults; ``Progress`` holds values
#: transformed for the progress calculation).
NON_DISAGGREGATION = (
    "Year",
    "Value",
    "Units",
    "Series",
    "GeoCode",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "Progress",
)
CSV_NAME = re.compile(r"^indicator_(.+)\.csv$")


@dataclass
class IndicatorData:
    """One indicator's data (`frame`: Year first, Value last) and config, with the files
    they came from (None when built in memory)."""

    id: str
    frame: pd.DataFrame
    config: dict[str, Any] = field(default_factory=dict)
    csv_path: Path | None = None
    config_path: Path | None = None

    @property
    def disaggregations(self) -> list[str]:
        """The disaggregation columns (every column but `NON_DISAGGREGATION`)."""
        return disaggregation_columns(self.frame)

    @property
    def kizuna(self) -> dict[str, Any]:
        """The config's ``kizuna:`` block (empty when there is none)."""
        block = self.config.get("kizuna")
        return block if isinstance(block, dict) else {}


def disaggregation_columns(frame: pd.DataFrame) -> list[str]:
    """The disaggregation columns of an indicator frame."""
    return [c for c in frame.columns if c not in NON_DISAGGREGATION]


def year_numbers(years: pd.Series) -> pd.Series:
    """Years as integers: ``2015`` and ``2015-16`` (a reference period) are 2015."""
    text = years.astype(str).str.strip().str.slice(0, 4)
    return pd.to_numeric(text, errors="coerce")


# --- CSV ------------------------------------------------------------------------------------


def read_indicator_csv(path: str | Path) -> pd.DataFrame:
    """An indicator CSV as a DataFrame: ``Year`` (int, or text when some years are periods
    such as ``2015-16``), disaggregations and other columns as text with blanks as None,
    ``Value`` as float (NaN for a blank). Raises `InputError` naming the row and column of a
    value that is not a number, or when Year is not first or Value not last."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="give an Open SDG indicator CSV")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: not a readable CSV ({exc})", where=Location(path.name)
        ) from None
    return read_indicator_text(text, path.name)


def read_indicator_text(text: str, source: str = "<csv>") -> pd.DataFrame:
    """`read_indicator_csv` of the text of an indicator CSV (a stored copy, say); `source`
    names it in errors."""
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{source}: not a readable CSV ({exc})", where=Location(source)) from None
    return _typed(raw, source)


def _typed(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    columns = list(raw.columns)
    if not columns or columns[0] != "Year" or columns[-1] != "Value":
        raise InputError(
            f"{source}: an Open SDG CSV has Year as its first column and Value as its last "
            f"(found {columns})",
            where=Location(source),
            hint="put the disaggregation columns between Year and Value",
        )
    frame = pd.DataFrame(index=raw.index)
    years = raw["Year"].str.strip()
    bad_years = year_numbers(years).isna()
    if bad_years.any():
        row = int(np.flatnonzero(bad_years.to_numpy())[0])
        raise InputError(
            f"{source}: Year {raw['Year'].iloc[row]!r} is not a year",
            where=Location(source, row=row + 2, column="Year"),
            hint="write years as 2015, or reference periods as 2015-16",
        )
    frame["Year"] = years.astype(int) if years.str.fullmatch(r"-?\d+").all() else years
    for column in columns[1:-1]:
        frame[column] = raw[column].where(raw[column].str.strip() != "", None)
    text = raw["Value"].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = values.isna() & (text != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{source}: Value {raw['Value'].iloc[row]!r} is not a number",
            where=Location(source, row=row + 2, column="Value"),
            hint="write numbers with a dot for decimals and no thousands separators",
        )
    frame["Value"] = values.astype(float)
    return frame


def format_value(value: float | None) -> str:
    """A value as Open SDG files write it: blank for None/NaN, integers without a decimal
    point, others in their shortest exact form (``0.1``, ``1e-07``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def indicator_csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of an indicator frame: ``Year`` first, ``Value`` last (the other
    columns in their order between), blanks for None, ``\\n`` line ends."""
    if "Year" not in frame.columns or "Value" not in frame.columns:
        raise InputError("an indicator frame needs Year and Value columns")
    middle = [c for c in frame.columns if c not in ("Year", "Value")]
    ordered = frame[["Year", *middle, "Value"]]
    out = ordered.astype(object).where(ordered.notna(), "")
    out["Value"] = [format_value(v) for v in ordered["Value"]]
    out["Year"] = ordered["Year"].astype(str)
    return out.to_csv(index=False, lineterminator="\n")


def write_indicator_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an indicator frame as an Open SDG CSV (UTF-8, no BOM); returns `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(indicator_csv_text(frame), encoding="utf-8")
    return path


# --- config ---------------------------------------------------------------------------------


def read_indicator_config(path: str | Path) -> dict[str, Any]:
    """An indicator config (YAML, with or without a BOM) as a dict in its key order."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="give an Open SDG indicator config")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path.name}: not valid YAML ({exc})", where=Location(path.name)
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            f"{path.name}: an indicator config is a mapping of fields",
            where=Location(path.name),
        )
    return data


_NUMBER_LIKE = re.compile(r"^[0-9][0-9.\-]*$")


class _ConfigDumper(yaml.SafeDumper):
    """Writes number-like texts (``'1.1.1'``, ``'2015'``) quoted, as Open SDG does."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if _NUMBER_LIKE.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ConfigDumper.add_representer(str, _represent_str)


def indicator_config_text(config: dict[str, Any]) -> str:
    """The YAML text of an indicator config, keys in their order."""
    return yaml.dump(
        config,
        Dumper=_ConfigDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )


def write_indicator_config(config: dict[str, Any], path: str | Path) -> Path:
    """Write an indicator config as YAML (UTF-8, no BOM); returns `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(indicator_config_text(config), encoding="utf-8")
    return path


# --- folders --------------------------------------------------------------------------------


def _config_candidates(folder: Path, indicator_id: str) -> list[Path]:
    return [
        folder / "indicator-config" / f"{indicator_id}.yml",
        folder.parent / "indicator-config" / f"{indicator_id}.yml",
        folder / f"indicator-config_{indicator_id}.yml",
        folder / f"{indicator_id}.yml",
    ]


def find_config(folder: str | Path, indicator_id: str) -> Path | None:
    """Where the config of `indicator_id` is, looking (in order) in ``indicator-config/``
    inside `folder` and beside it, then for ``indicator-config_<id>.yml`` and ``<id>.yml``
    in `folder`; None when there is none."""
    return next((p for p in _config_candidates(Path(folder), indicator_id) if p.is_file()), None)


def read_indicator(csv_path: str | Path, config_path: str | Path | None = None) -> IndicatorData:
    """One indicator from its CSV and config (found with `find_config` when not given; an
    indicator without a config gets an empty one)."""
    csv_path = Path(csv_path)
    match = CSV_NAME.match(csv_path.name)
    if not match:
        raise InputError(
            f"{csv_path.name}: an Open SDG data file is named indicator_<id>.csv",
            where=Location(csv_path.name),
            hint="for example indicator_11-6-2.csv",
        )
    indicator_id = match.group(1)
    found = Path(config_path) if config_path else find_config(csv_path.parent, indicator_id)
    config = read_indicator_config(found) if found else {}
    return IndicatorData(indicator_id, read_indicator_csv(csv_path), config, csv_path, found)


def read_data_dir(folder: str | Path) -> list[IndicatorData]:
    """Every indicator of an Open SDG data folder: ``indicator_*.csv`` in `folder` (or in
    its ``data/`` subfolder) with their configs, in framework order of their ids."""
    from kizuna.sdg.framework import sort_key

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder", hint="give a folder of indicator_*.csv files")
    data = folder / "data"
    where = data if not list(folder.glob("indicator_*.csv")) and data.is_dir() else folder
    paths = sorted(where.glob("indicator_*.csv"), key=lambda p: sort_key(p.stem[10:]))
    if not paths:
        raise InputError(
            f"{folder}: no indicator_*.csv files",
            hint="an Open SDG data folder holds indicator_<id>.csv and indicator-config/<id>.yml",
        )
    return [read_indicator(p) for p in paths]


def write_data_dir(items: Iterable[IndicatorData], folder: str | Path) -> list[Path]:
    """Write indicators in Open SDG's layout: ``data/indicator_<id>.csv`` and
    ``indicator-config/<id>.yml`` under `folder`; returns the files written."""
    folder = Path(folder)
    written = []
    for item in items:
        written.append(
            write_indicator_csv(item.frame, folder / "data" / f"indicator_{item.id}.csv")
        )
        if item.config:
            path = folder / "indicator-config" / f"{item.id}.yml"
            written.append(write_indicator_config(item.config, path))
    return written
