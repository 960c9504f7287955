"""Collecting input problems so one error reports every bad row at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kizuna.errors import InputError, Location


@dataclass
class Problems:
    """Problems found while reading one file; `raise_if_any` raises one `InputError` for all."""

    source: str
    found: list[tuple[str, list[Location], str | None]] = field(default_factory=list)

    def add(
        self,
        message: str,
        rows: np.ndarray | list[int] | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        """Add a problem at `rows` (file rows; None or empty for the whole file or column)."""
        rows_list = [] if rows is None else [int(r) for r in np.asarray(rows).ravel()]
        where = (
            [Location(self.source, r, column) for r in rows_list]
            if rows_list
            else [Location(self.source, None, column)]
        )
        self.found.append((message, where, hint))

    def flag(
        self,
        mask: np.ndarray,
        rows: np.ndarray,
        message: str,
        hint: str,
        column: str | None = None,
    ) -> None:
        """Add a problem at the file rows `rows[mask]`, if the boolean `mask` selects any."""
        if mask.any():
            self.add(message, rows[mask], column, hint)

    def raise_if_any(self) -> None:
        """Raise one `InputError` naming every problem found, if there is any."""
        if not self.found:
            return
        if len(self.found) == 1:
            message, where, hint = self.found[0]
            raise InputError(
                f"{self.source}: {message}{_where_text(where)}",
                where=where,
                hint=hint,
                where_in_message=True,
            )
        lines = [f"{self.source} has {len(self.found)} problems:"]
        all_where: list[Location] = []
        for message, where, hint in self.found:
            fix = f". Fix: {hint}" if hint else ""
            lines.append(f"  - {message}{_where_text(where)}{fix}")
            all_where.extend(where)
        raise InputError("\n".join(lines), where=all_where, where_in_message=True)


def _where_text(where: list[Location]) -> str:
    """The column and rows of a problem as text, such as `` in column 'gas' at rows 2, 3``."""
    rows = [w.row for w in where if w.row is not None]
    column = where[0].column if where else None
    text = f" in column {column!r}" if column else ""
    if rows:
        text += f" at row{'s' if len(rows) > 1 else ''} {_rows_text(rows)}"
    return text


def _rows_text(rows: list[int]) -> str:
    """The first five rows, then how many more."""
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
