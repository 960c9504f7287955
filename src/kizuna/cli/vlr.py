"""`kizuna vlr ...`: Voluntary Local Reviews from a CITY_DIR (docs/sdg.md, "The VLR")."""

from __future__ import annotations

from pathlib import Path

import typer

from kizuna.cli.console import err, reported_errors
from kizuna.errors import InputError

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Voluntary Local Reviews (VLR) as HTML or PDF.",
    no_args_is_help=True,
)


@app.command("build")
def build_command(
    city_dir: Path = typer.Argument(
        ..., help="The city's folder: city.yaml, data/, indicator-config/, narrative/, plan."
    ),
    output: Path = typer.Option(..., "-o", "--out", help="report.html or report.pdf"),
    lang: str = typer.Option("en", "--lang", help="Language of the report: en or ja."),
) -> None:
    """Build a Voluntary Local Review (VLR) as HTML or PDF.

    Build the VLR: narrative sections from the city's Markdown, computed sections from its
    indicators (Open SDG files) and its climate plan, in one HTML file or a PDF."""
    from kizuna.sdg.vlr import build_vlr, load_city_dir

    with reported_errors():
        if lang not in ("en", "ja"):
            raise InputError(f"no VLR texts in {lang!r}", hint="use --lang en or --lang ja")
        city = load_city_dir(city_dir)
        with err.status(
            f"Building the VLR of {city.config.name} ({lang}, {len(city.indicators)} indicators)"
            f"{', optimising its plan' if city.plan else ''} ...",
            spinner="dots",
        ):
            path = build_vlr(city, output, lang)
        err.print(f"Wrote {path} ({path.stat().st_size:,} bytes)")
