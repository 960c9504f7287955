"""Measurements shared by the benchmarks: repeated timings and their Markdown tables."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated runs."""

    seconds: tuple[float, ...]

    @property
    def best(self) -> float:
        """The fastest run (the one least disturbed by other load on the machine)."""
        return min(self.seconds)

    @property
    def median(self) -> float:
        """The median run."""
        return statistics.median(self.seconds)


class Table:
    """A Markdown table of measurements: label, best, median, note."""

    def __init__(self) -> None:
        """Start with the header."""
        self.rows: list[tuple[str, str, str, str]] = [("measurement", "best", "median", "note")]

    def add(self, label: str, best: str, median: str, note: str = "") -> None:
        """Add one row."""
        self.rows.append((label, best, median, note))

    def render(self) -> str:
        """The table as aligned Markdown."""
        widths = [max(len(row[i]) for row in self.rows) for i in range(4)]
        align = ("<", ">", ">", "<")

        def line(cells: Sequence[str]) -> str:
            parts = [f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True)]
            return "| " + " | ".join(parts) + " |"

        rule = (
            "|"
            + "|".join(
                "-" * (w + 1) + (":" if a == ">" else "-")
                for a, w in zip(align, widths, strict=True)
            )
            + "|"
        )
        return "\n".join([line(self.rows[0]), rule, *(line(r) for r in self.rows[1:])])
