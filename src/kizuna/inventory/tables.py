"""Loading a CSV or Excel file into a DataFrame and finding the sheet that holds an inventory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kizuna.errors import InputError
from kizuna.reference.gpc import gpc_taxonomy

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


def normalise(name: object) -> str:
    """A column name as matched: stripped, lower case, spaces and hyphens as underscores."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def looks_like_inventory(columns: pd.Index) -> bool:
    """True when the columns hold a long (``gpc_ref``) or wide (GPC numbers) inventory."""
    names = {normalise(c) for c in columns}
    refs = {str(c).strip() for c in columns} & set(gpc_taxonomy().index)
    return "gpc_ref" in names or len(refs) >= 3


def load_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Read `path` (CSV or Excel) into a DataFrame with the header on the first row.

    For a workbook without `sheet`, the first sheet whose columns hold an
    inventory is taken (the C40 workbook starts with a cover sheet).
    """
    if not path.exists():
        raise InputError(f"{path}: no such file", hint="check the path")
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return pd.read_csv(path, skipinitialspace=False, low_memory=False)
        if suffix in EXCEL_SUFFIXES:
            return _load_sheet(path, sheet)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            f"{path.name}: cannot be read as {suffix[1:].upper()} ({exc})",
            hint="save it as UTF-8 CSV or as an Excel workbook",
        ) from None
    raise InputError(
        f"{path.name}: unsupported file type {suffix or '(none)'}",
        hint=f"use one of {', '.join(sorted(CSV_SUFFIXES | EXCEL_SUFFIXES))}",
    )


def _load_sheet(path: Path, sheet: str | None) -> pd.DataFrame:
    """Sheet `sheet` of the workbook, or else its first sheet that holds an inventory."""
    if sheet is not None:
        try:
            return pd.read_excel(path, sheet_name=sheet, engine="calamine")
        except (KeyError, ValueError) as exc:
            raise InputError(
                f"{path.name}: no sheet {sheet!r} ({exc})",
                hint="name a sheet of the workbook with --sheet",
            ) from None
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    for frame in sheets.values():
        if looks_like_inventory(frame.columns):
            return frame
    raise InputError(
        f"{path.name}: no sheet holds an inventory (sheets: {', '.join(sheets)})",
        hint="a sheet needs a 'gpc_ref' column (long layout) or one column per GPC "
        "reference number such as I.1.1 (wide layout) on its first row",
    )
