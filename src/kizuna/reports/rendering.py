"""Jinja2 rendering shared by the reports and the web pages: the template folder and the
number filters (thousands separators, emission and money units)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from kizuna.reports.formatting import (
    format_cost,
    format_emissions,
    format_money,
    format_number,
    format_percent,
    pick_money_unit,
)


def format_amount(amount: float | None, currency: str) -> str:
    """One amount of money with its own unit: ``"12.5 billion JPY"``, ``"830 JPY"``."""
    unit = pick_money_unit([amount], currency)
    return f"{format_money(amount, unit)} {unit.label}"


def template_filters() -> dict[str, Callable[..., Any]]:
    """The filters every Kizuna template may use: ``number``, ``emissions``, ``percent``,
    ``money`` (in a `MoneyUnit`), ``amount`` (with its own unit) and ``cost`` (per tCO2e)."""
    return {
        "cost": format_cost,
        "number": format_number,
        "emissions": format_emissions,
        "percent": format_percent,
        "money": format_money,
        "amount": format_amount,
    }


def report_environment() -> Environment:
    """The Jinja2 environment of ``kizuna/reports/templates`` with `template_filters`."""
    env = Environment(
        loader=PackageLoader("kizuna.reports", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(template_filters())
    return env
