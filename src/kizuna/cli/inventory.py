"""`kizuna inventory ...`: compute GPC inventories from CSV or Excel files."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from kizuna.cli.console import err, fmt_t, out, reported_errors
from kizuna.inventory import InventoryResult, compute, read_inventory_file, to_json, totals_frame
from kizuna.inventory.mappings import parse_mapping
from kizuna.inventory.results import refs_frame

app = typer.Typer(
    rich_markup_mode="markdown", help="GHG inventories by the GPC standard.", no_args_is_help=True
)


class Gwp(StrEnum):
    AR4 = "AR4"
    AR5 = "AR5"
    AR6 = "AR6"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Detail(StrEnum):
    totals = "totals"
    refs = "refs"


@app.command("compute")
def compute_command(
    path: Path = typer.Argument(..., help="Inventory file: CSV or Excel, long or wide layout."),
    gwp: Gwp = typer.Option(Gwp.AR5, "--gwp", help="IPCC GWP-100 set for converting gases."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    sheet: str | None = typer.Option(
        None, help="Workbook sheet (default: the first that holds an inventory)."
    ),
    city: str | None = typer.Option(None, help="City, for files without a city column."),
    year: int | None = typer.Option(None, help="Year, for files without a year column."),
    column: list[str] = typer.Option(
        [],
        "--column",
        "-c",
        help="Map a file column to a layout column: FILE_COLUMN=LAYOUT_COLUMN.",
    ),
    mapping: str | None = typer.Option(None, help="A named column mapping: carbon-monitor."),
    detail: Detail = typer.Option(
        Detail.totals,
        help="CSV: one row per city-year (totals) or per city-year and GPC number (refs).",
    ),
) -> None:
    """Compute BASIC, BASIC+ and territorial totals, breakdowns and completeness (tCO2e).

    JSON prints one object for one inventory and an array for a file of several
    city-years. Errors go to stderr with the file, row, column and a fix, and the
    command exits with status 1.
    """
    with reported_errors():
        with err.status(f"Reading {path.name} ...", spinner="dots"):
            columns = parse_mapping(column, mapping)
            book = read_inventory_file(
                path, gwp=gwp.value, sheet=sheet, city=city, year=year, columns=columns
            )
            results = compute(book)
        if fmt is Format.json:
            sys.stdout.write(to_json(results) + "\n")
        elif fmt is Format.csv:
            frame = totals_frame(results) if detail is Detail.totals else refs_frame(results)
            frame.to_csv(sys.stdout, index=False)
        else:
            _print_tables(results, book.source)


#: Rows the table format shows before pointing to CSV or JSON for the rest.
TABLE_ROWS = 40


def _print_tables(results: list[InventoryResult], source: str) -> None:
    count = f"{len(results)} inventor{'y' if len(results) == 1 else 'ies'}"
    table = Table(title=f"{source}: {count}, tCO2e, GWP-100 {results[0].gwp}")
    with_pop = any(r.population for r in results)
    names = ["City", "Year", "BASIC", "BASIC+", "Territorial", "BASIC coverage"]
    if with_pop:
        names.insert(5, "BASIC t/person")
    for name in names:
        table.add_column(name, justify="left" if name == "City" else "right", no_wrap=True)
    for r in results[:TABLE_ROWS]:
        cov = r.completeness_summary["basic"]
        row = [
            r.city,
            str(r.year),
            fmt_t(r.totals["basic"]),
            fmt_t(r.totals["basic_plus"]),
            fmt_t(r.totals["territorial"]),
            f"{cov['covered']}/{cov['required']}",
        ]
        if with_pop:
            per_cap = r.per_capita.get("basic")
            row.insert(5, "" if per_cap is None else f"{per_cap:.2f}")
        table.add_row(*row)
    out.print(table)
    if len(results) > TABLE_ROWS:
        out.print(f"... and {len(results) - TABLE_ROWS:,} more; use --format csv or json for all.")
    if len(results) == 1:
        out.print(_sector_scope_table(results[0]))


def _sector_scope_table(r: InventoryResult) -> Table:
    table = Table(title=f"{r.city} {r.year} by sector and scope (tCO2e)")
    table.add_column("Sector")
    for scope in ("1", "2", "3"):
        table.add_column(f"Scope {scope}", justify="right")
    table.add_column("Total", justify="right")
    for sector, by_scope in r.by_sector_scope.items():
        table.add_row(
            sector, *(fmt_t(by_scope.get(s)) for s in ("1", "2", "3")), fmt_t(r.by_sector[sector])
        )
    return table
