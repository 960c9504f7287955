"""``kizuna demo``: serve the web dashboard with the demo cities loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from kizuna.cli.console import out, reported_errors
from kizuna.demo import load_demo
from kizuna.server import Settings, create_app
from kizuna.server.settings import sqlite_url
from kizuna.server.tenancy.datahub import warehouse_dir


def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = 8000,
    db: Annotated[
        Path | None,
        typer.Option(
            help="SQLite file to create or update. Default: kizuna.sqlite in the user data "
            "folder, or KIZUNA_DATABASE_URL when set.",
            dir_okay=False,
            writable=True,
        ),
    ] = None,
) -> None:
    """Serve the web dashboard with the demo cities loaded.

    Creates the database if needed, loads the demo cities with their GPC
    inventories (running it again updates them, it does not duplicate), and
    serves the dashboard until Ctrl+C. Everything, Plotly.js included, is
    served from this machine: no internet access is needed.

    Example: kizuna demo --port 8080 --db ./demo.sqlite
    """
    updates: dict[str, object] = {"host": host, "port": port}
    if db is not None:
        updates["database_url"] = sqlite_url(db)
    settings = Settings().model_copy(update=updates)
    with reported_errors():
        app = create_app(settings)
        status = out.status("Loading the demo cities and computing their inventories...")
        warehouse = warehouse_dir(settings.datahub_dir, settings.database_url)
        with status, app.state.sessionmaker() as session:
            session.info["datahub_dir"] = str(warehouse)  # the demo's data sets, beside its db
            summary = load_demo(session)
    out.print(
        f"Loaded {_count(summary.cities, 'city', 'cities')}, "
        f"{_count(summary.inventories, 'inventory', 'inventories')}, "
        f"{_count(summary.plans, 'plan', 'plans')} and "
        f"{_count(summary.extras, 'other object', 'other objects')} (reviews, SDG data, "
        f"network, data sets) into {settings.database_url}; data hub warehouse: {warehouse}",
        highlight=False,
    )
    if summary.logins:
        # plain lines, never cropped or folded, so an email or password copies whole
        out.print("Demo accounts (demo passwords only; sign in at /signin):", highlight=False)
        width = max(len(login.email) for login in summary.logins)
        for login in summary.logins:
            out.print(
                f"  {login.email:<{width}}  {login.password}  ({login.role.value})",
                highlight=False,
                markup=False,
            )
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(
        f"Kizuna dashboard: [bold link=http://{shown_host}:{port}/]http://{shown_host}:{port}/[/]"
        "  (Ctrl+C to stop)"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _count(n: int, one: str, many: str) -> str:
    """``1 plan``, ``3 plans``."""
    return f"{n} {one if n == 1 else many}"
