"""`kizuna reference ...`: look at the packaged reference data."""

from __future__ import annotations

import typer
from rich.table import Table

from kizuna.cli.console import out
from kizuna.reference import GWP_SETS, gpc_taxonomy, gwp_values

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Packaged reference data (GPC taxonomy, GWP sets).",
    no_args_is_help=True,
)

_COMMON_GASES = (
    "CO2",
    "CH4",
    "CH4_fossil",
    "CH4_biogenic",
    "N2O",
    "HFC23",
    "HFC32",
    "HFC125",
    "HFC134a",
    "HFC143a",
    "HFC152a",
    "CF4",
    "C2F6",
    "SF6",
    "NF3",
)


@app.command("gpc")
def gpc_command() -> None:
    """List GPC reference numbers with sector, scope and reporting levels (GPC v1.1)."""
    table = Table(title="GPC reference numbers (GPC v1.1, Table 4.1)")
    for name in ("Ref", "Sector", "Sub-sector", "Scope", "BASIC", "BASIC+", "Territorial"):
        table.add_column(name)
    for ref, row in gpc_taxonomy().iterrows():
        table.add_row(
            ref,
            row["sector"],
            row["subsector"],
            str(row["scope"]),
            *("x" if row[f"in_{lv}"] else "" for lv in ("basic", "basic_plus", "territorial")),
        )
    out.print(table)


@app.command("gwp")
def gwp_command(
    all_gases: bool = typer.Option(False, "--all", help="Every species, not only common ones."),
) -> None:
    """Show GWP-100 values of the AR4, AR5 and AR6 sets."""
    sets = {s: gwp_values(s) for s in GWP_SETS}
    gases = sorted(set().union(*sets.values())) if all_gases else _COMMON_GASES
    table = Table(title="GWP-100 (IPCC AR4, AR5, AR6; globalwarmingpotentials package)")
    table.add_column("Gas")
    for s in GWP_SETS:
        table.add_column(s, justify="right")
    for gas in gases:
        table.add_row(gas, *(f"{sets[s][gas]:g}" if gas in sets[s] else "" for s in GWP_SETS))
    out.print(table)
