"""Shared console helpers: where output and errors go, and how a KizunaError ends a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from kizuna.errors import KizunaError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a `KizunaError` into its message on stderr and exit status 1."""
    try:
        yield
    except KizunaError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(code=1) from None


def fmt_t(value: float | None) -> str:
    """A tCO2e figure with thousands separators and no decimals (blank for None)."""
    return "" if value is None else f"{value:,.0f}"
