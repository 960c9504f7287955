"""The `kizuna` command: one sub-command group per domain."""

from __future__ import annotations

import typer

from kizuna import __version__
from kizuna.cli import data, db, inventory, network, plan, reference, review, sdg, vlr
from kizuna.cli.demo import demo

app = typer.Typer(
    rich_markup_mode="markdown",
    name="kizuna",
    help="Kizuna: GHG inventories, climate plans and SDG reports for cities, on one open platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(inventory.app, name="inventory")
app.add_typer(plan.app, name="plan")
app.add_typer(review.app, name="review")
app.add_typer(reference.app, name="reference")
app.add_typer(db.app, name="db")
app.add_typer(data.app, name="data")
app.add_typer(network.app, name="network")
app.add_typer(sdg.app, name="sdg")
app.add_typer(vlr.app, name="vlr")
app.command("demo")(demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kizuna {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Kizuna: GHG inventories, climate plans and SDG reports for cities."""
