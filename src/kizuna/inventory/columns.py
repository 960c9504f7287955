"""Columns of an input table as whole arrays; text as integer codes into its distinct values.

A text column of a million entries holds a few dozen distinct values (cities, GPC
numbers, gases, units). `text_codes` factorizes it once (pandas hashes the column in
C) and strips the distinct values. Cleaning, validation, unit parsing, GWP lookup and
building categoricals then run once per distinct value, and the results reach the rows
as ``per_value[codes]``: no Python code runs per row, and no column is converted
between Arrow strings and Python ``str`` objects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from kizuna.inventory.problems import Problems

#: pandas' default text dtype (``str``: Arrow-backed in pandas 3, blanks as NaN).
STR_DTYPE = "str"


@dataclass(frozen=True)
class CodedColumn:
    """A column as ``values[codes]``: per row an integer code into its distinct values.

    Columns read by `text_codes` hold stripped strings, and a blank cell (empty,
    whitespace only, NaN, or a column the table does not have) is ``""``.
    """

    codes: np.ndarray  # one code per row, 0 <= code < len(values)
    values: np.ndarray  # object array of distinct values

    def per_row(self, per_value: np.ndarray | Sequence[Any]) -> np.ndarray:
        """Spread `per_value` (one item per distinct value) to the rows."""
        return np.asarray(per_value)[self.codes]

    def blank(self) -> np.ndarray:
        """Per row: is the cell blank?"""
        return self.per_row(self.values == "")

    def map(self, function: Callable[[Any], Any]) -> CodedColumn:
        """`function` applied once per distinct value; equal results share one code.

        None and NaN results become one NaN value.
        """
        results = np.empty(len(self.values), dtype=object)
        results[:] = [function(v) for v in self.values]
        codes, values = pd.factorize(results, use_na_sentinel=False)
        return CodedColumn(codes[self.codes], np.asarray(values, dtype=object))

    def take(self, rows: np.ndarray) -> CodedColumn:
        """The column at `rows` (a boolean mask or positions), with the same distinct values."""
        return CodedColumn(self.codes[rows], self.values)

    def first_seen(self) -> np.ndarray:
        """Per distinct value: its rank in order of first appearance in the rows (absent: last)."""
        rank = np.full(len(self.values), len(self.values), dtype=np.int64)
        seen = pd.unique(self.codes)
        rank[seen] = np.arange(len(seen))
        return rank

    def categorical(self) -> pd.Categorical:
        """As ``pd.Categorical(values[codes])``: categories are the used values, sorted."""
        used = np.bincount(self.codes, minlength=len(self.values)) > 0
        used &= pd.notna(self.values).astype(bool)
        categories = self.values[used]
        order = np.argsort(categories, kind="stable")
        new_code = np.full(len(self.values), -1, dtype=np.int64)
        new_code[np.flatnonzero(used)[order]] = np.arange(len(order))
        return pd.Categorical.from_codes(
            new_code[self.codes],
            categories=pd.Index(categories[order], dtype=STR_DTYPE),
            validate=False,
        )

    def strings(self) -> ExtensionArray:
        """The column as a pandas ``str`` array (None and NaN values as NaN)."""
        return pd.array(self.values, dtype=STR_DTYPE).take(self.codes)


def constant(value: Any, n: int) -> CodedColumn:
    """A column of `n` rows that all hold `value`."""
    values = np.empty(1, dtype=object)
    values[0] = value
    return CodedColumn(np.zeros(n, dtype=np.intp), values)


def text_codes(df: pd.DataFrame, column: str) -> CodedColumn:
    """Column `column` of `df` as stripped text; blanks, NaN and an absent column read as ``""``.

    Any dtype is accepted (``str``, object, categorical, numbers); a value becomes
    ``str(value).strip()``.
    """
    if column not in df.columns:
        return constant("", len(df))
    codes, uniques = pd.factorize(df[column])  # a missing value gets code -1
    stripped = [str(u).strip() for u in uniques]
    stripped.append("")  # the value of code -1
    merged, values = pd.factorize(np.array(stripped, dtype=object))
    return CodedColumn(merged[codes], np.asarray(values, dtype=object))


def combine_codes(
    codes: Sequence[np.ndarray], sizes: Sequence[int]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct combinations of several code columns (codes of column k below sizes[k]).

    Returns the combination of each row, and per column the code it has in each
    combination. Combinations are sorted by the first column's code, then the second's...
    """
    if len(codes) > 2 and math.prod(sizes) > _MAX_KEY:  # keep the combined key in int64
        head, head_parts = combine_codes(codes[:2], sizes[:2])
        combination, parts = combine_codes([head, *codes[2:]], [len(head_parts[0]), *sizes[2:]])
        return combination, [p[parts[0]] for p in head_parts] + parts[1:]
    key = np.asarray(codes[0], dtype=np.int64)
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        key = key * size + c
    combination, distinct = dense_codes(key, math.prod(sizes))
    parts = []
    for size in reversed(sizes):
        distinct, code = np.divmod(distinct, size)
        parts.append(code)
    return combination, parts[::-1]


def dense_codes(key: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """For integer keys in ``[0, span)``: the rank of each among the distinct keys, and those.

    A small key space is handled with a lookup table (no sort); a large one with `np.unique`.
    """
    if span <= 4 * len(key) + 1024:
        present = np.zeros(span, dtype=bool)
        present[key] = True
        rank = np.cumsum(present) - 1
        return rank[key], np.flatnonzero(present)
    distinct, rank = np.unique(key, return_inverse=True)
    return rank, distinct


_MAX_KEY = 2**62


def numbers(df: pd.DataFrame, column: str, rows: np.ndarray, problems: Problems) -> np.ndarray:
    """Column `column` as floats (NaN for blanks); flags text that is not a number."""
    if column not in df.columns:
        return np.full(len(df), np.nan)
    col = df[column]
    if pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)
    values = pd.to_numeric(col, errors="coerce")
    junk = values.isna() & col.notna() & col.astype("string").str.strip().ne("")
    problems.flag(
        junk.to_numpy(bool),
        rows,
        f"{column} is not a number",
        "write plain numbers with a dot as decimal separator and no thousands separators",
        column,
    )
    return values.to_numpy(dtype=float, na_value=np.nan)


def filled(df: pd.DataFrame, column: str) -> np.ndarray:
    """Per row: does the cell hold anything (a number or some text)?"""
    if column not in df.columns:
        return np.zeros(len(df), dtype=bool)
    col = df[column]
    if pd.api.types.is_numeric_dtype(col):
        return col.notna().to_numpy()
    return (col.notna() & col.astype("string").str.strip().ne("")).to_numpy(bool)
