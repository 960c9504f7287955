"""`kizuna review ...`: scenarios, stress tests, Monte Carlo risk and progress tracking."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.table import Table

from kizuna.cli.console import err, fmt_t, out, reported_errors
from kizuna.cli.formats import OutputFormat
from kizuna.planning import Plan, PlanResult, load_plan, optimise
from kizuna.review import (
    ProgressResult,
    RiskResult,
    StressResult,
    default_scenarios,
    load_risk,
    load_scenarios,
    monte_carlo,
    read_actuals,
    reoptimise,
    stress_test,
    track_progress,
)
from kizuna.review.charts import fan_figure, progress_figure, stress_figure, tornado_figure
from kizuna.review.html import write_review

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Review a plan: scenarios, stress tests, Monte Carlo risk, progress tracking.",
    no_args_is_help=True,
)

PLAN_ARG = typer.Argument(..., help="Plan file (YAML or JSON, see docs/formats.md).")
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
OUT = typer.Option(None, "--out", help="Folder for CSVs and an HTML page with the charts.")
SCENARIOS = typer.Option(
    None, "--scenarios", help="Scenario file (docs/review.md); default: the packaged set."
)


def optimised(plan: Plan) -> PlanResult:
    """The plan's roadmap, with a status line on stderr."""
    with err.status(f"Optimising {plan.city}: {len(plan.measures)} measures ...", spinner="dots"):
        return optimise(plan)


def emit_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=float) + "\n")


def write_frames(folder: Path, frames: dict[str, pd.DataFrame]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = folder / name
        frame.to_csv(path, index=not isinstance(frame.index, pd.RangeIndex))
        written.append(path)
    return written


def told(written: list[Path], folder: Path) -> None:
    err.print(f"Wrote {', '.join(p.name for p in written)} to {folder}")


@app.command("scenarios")
def scenarios_command(scenarios: Path | None = SCENARIOS, fmt: OutputFormat = FORMAT) -> None:
    """List the scenarios of a file (default: the packaged set) with their sources."""
    with reported_errors():
        chosen = load_scenarios(scenarios) if scenarios else default_scenarios()
        if fmt is OutputFormat.json:
            emit_json(chosen.model_dump(mode="json"))
            return
        t = Table(title="Scenarios")
        for name in ("Id", "Name", "Changes", "Sources"):
            t.add_column(name)
        for s in chosen.scenarios:
            changes = [*s.drivers, *(f"shock {x.drop:.1%}" for x in s.shocks)]
            for field in ("energy_intensity", "energy_price", "carbon_price", "discount_rate"):
                if getattr(s, field) is not None:
                    changes.append(field)
            t.add_row(s.id, s.name, ", ".join(changes), ", ".join(x.id for x in s.sources))
        out.print(t)


@app.command("stress")
def stress_command(
    path: Path = PLAN_ARG,
    scenarios: Path | None = SCENARIOS,
    fmt: OutputFormat = FORMAT,
    out_dir: Path | None = OUT,
) -> None:
    """The plan's roadmap, fixed, under each scenario.

    Evaluate the plan's least-cost roadmap, fixed, under each scenario: emissions, the
    milestones it still meets, cost and carbon cost (plan currency, NPV to start_year)."""
    with reported_errors():
        plan = load_plan(path)
        chosen = load_scenarios(scenarios) if scenarios else default_scenarios()
        result = stress_test(plan, optimised(plan), chosen)
        if out_dir is not None:
            written = write_frames(
                out_dir, {"stress.csv": result.table(), "stress_paths.csv": result.paths_frame()}
            )
            written.append(
                write_review(
                    out_dir / "stress.html",
                    f"Stress test: {plan.city}",
                    [("Emissions under each scenario", stress_figure(result), result.table())],
                )
            )
            told(written, out_dir)
        if fmt is OutputFormat.json:
            emit_json(result.to_dict())
        else:
            _print_stress(result)


@app.command("risk")
def risk_command(
    path: Path = PLAN_ARG,
    draws: int = typer.Option(10_000, min=2, help="Monte Carlo draws (Latin hypercube)."),
    seed: int = typer.Option(0, help="Seed of the draws: the same seed gives the same result."),
    risk: Path | None = typer.Option(
        None, "--risk", help="Risk file of uncertainties (docs/review.md); default: packaged."
    ),
    fmt: OutputFormat = FORMAT,
    out_dir: Path | None = OUT,
) -> None:
    """Monte Carlo risk of missing each milestone with the roadmap as planned.

    Probability of meeting each milestone with the roadmap as planned, the fan chart of
    emissions (P5-P95), expected shortfalls (tCO2e) and the uncertainties that matter most."""
    with reported_errors():
        plan = load_plan(path)
        spec = load_risk(risk) if risk else None
        result = optimised(plan)
        with err.status(f"Drawing {draws:,} worlds ...", spinner="dots"):
            mc = monte_carlo(plan, result, spec, draws=draws, seed=seed)
        if out_dir is not None:
            written = write_frames(
                out_dir,
                {
                    "risk_milestones.csv": mc.milestones_frame(),
                    "risk_fan.csv": mc.fan_frame(),
                    "risk_tornado.csv": pd.concat([mc.tornado(o) for o in mc.outcomes]),
                },
            )
            written.append(
                write_review(
                    out_dir / "risk.html",
                    f"Monte Carlo risk: {plan.city} ({mc.draws:,} draws, seed {mc.seed})",
                    [
                        ("Emissions: fan of the draws", fan_figure(mc), mc.milestones_frame()),
                        ("What matters most: cumulative emissions", tornado_figure(mc), None),
                        ("What matters most: NPV", tornado_figure(mc, "npv"), None),
                    ],
                    mc.notes,
                )
            )
            told(written, out_dir)
        if fmt is OutputFormat.json:
            emit_json(mc.to_dict())
        else:
            _print_risk(mc)


@app.command("track")
def track_command(
    path: Path = PLAN_ARG,
    actuals: Path = typer.Option(
        ..., "--actuals", help="Actuals CSV (year, sector, emissions_tco2e) or inventory file."
    ),
    delivery: Path | None = typer.Option(
        None, "--delivery", help="Delivery records CSV (year, measure, installed)."
    ),
    tolerance: float = typer.Option(0.02, min=0, help="Share above the plan still on track."),
    fmt: OutputFormat = FORMAT,
    out_dir: Path | None = OUT,
) -> None:
    """Compare actual emissions and deliveries with the plan.

    Compare actual emissions and deliveries with the plan: on or off track per sector and
    milestone, the gap, and the annual trend needed to close it."""
    with reported_errors():
        plan = load_plan(path)
        observed = read_actuals(actuals, plan, delivery=delivery)
        progress = track_progress(plan, observed, optimised(plan), tolerance=tolerance)
        if out_dir is not None:
            written = write_frames(
                out_dir,
                {
                    "progress_scopes.csv": progress.scopes_frame(),
                    "progress_milestones.csv": progress.milestones_frame(),
                    "progress_delivery.csv": progress.delivery_frame(),
                },
            )
            written.append(
                write_review(
                    out_dir / "progress.html",
                    f"Progress: {plan.city} to {progress.latest_year}",
                    [
                        (
                            "Emissions against the plan",
                            progress_figure(progress),
                            progress.milestones_frame(),
                        ),
                        ("Sectors", None, progress.scopes_frame()),
                        ("Delivery", None, progress.delivery_frame()),
                    ],
                )
            )
            told(written, out_dir)
        if fmt is OutputFormat.json:
            emit_json(progress.to_dict())
        else:
            _print_progress(progress)


@app.command("batch")
def batch_command(
    path: Path = PLAN_ARG,
    scenarios: Path | None = SCENARIOS,
    workers: int = typer.Option(1, min=1, help="Worker processes on this machine."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://host:8786): solve there."
    ),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Re-optimise the plan under each scenario.

    Re-optimise the plan under each scenario (a least-cost roadmap per world), in a process
    pool or on a Dask cluster."""
    with reported_errors():
        plan = load_plan(path)
        chosen = load_scenarios(scenarios) if scenarios else default_scenarios()
        n = len(chosen.scenarios)
        with err.status(f"Re-optimising {n} scenarios ...", spinner="dots") as status:
            results = reoptimise(
                plan,
                chosen,
                workers=workers,
                scheduler=scheduler,
                on_done=lambda k: status.update(f"Re-optimised {k + 1} of {n} scenarios ..."),
            )
        if fmt is OutputFormat.json:
            emit_json(
                {
                    "city": plan.city,
                    "currency": plan.currency,
                    "scenarios": [r.to_dict() for r in results],
                }
            )
            return
        t = Table(title=f"Least-cost roadmap per scenario ({plan.currency})")
        for name in ("Scenario", "NPV", "Milestones", "Largest gap tCO2e"):
            t.add_column(name, justify="left" if name == "Scenario" else "right")
        for r in results:
            met = sum(m["gap"] <= 1e-6 * max(1.0, m["cap"]) for m in r.milestones)
            gap = max((m["gap"] for m in r.milestones), default=0.0)
            t.add_row(r.scenario, f"{r.npv:,.0f}", f"{met}/{len(r.milestones)}", fmt_t(gap))
        out.print(t)


def _print_stress(r: StressResult) -> None:
    t = Table(title=f"Stress test: {r.city} (roadmap fixed; {r.currency}, NPV to start year)")
    columns = [
        "Scenario",
        *(f"{y} tCO2e" for y in r.target_years),
        "Milestones met",
        "Cumulative tCO2e",
        "NPV",
        "Carbon cost",
    ]
    for name in columns:
        t.add_column(name, justify="left" if name == "Scenario" else "right")
    for o in r.outcomes:
        t.add_row(
            o.scenario,
            *(fmt_t(o.emissions[y]) for y in r.target_years),
            f"{o.milestones_met}/{len(o.milestones)}",
            fmt_t(o.cumulative_emissions),
            f"{o.npv:,.0f}",
            f"{o.carbon_cost:,.0f}",
        )
    out.print(t)
    for o in r.outcomes:
        for note in o.notes:
            err.print(f"{o.scenario}: {note}")


def _print_risk(r: RiskResult) -> None:
    out.print(
        f"[bold]{r.city}[/]: {r.draws:,} draws (seed {r.seed}); expected shortfall over the "
        f"milestones {fmt_t(r.expected_shortfall)} tCO2e; NPV P5-P95 {r.npv['p5']:,.0f} to "
        f"{r.npv['p95']:,.0f} {r.currency}"
    )
    t = Table(title="Milestones")
    for name in ("Year", "Scope", "Cap", "Planned", "P(met)", "+/- SE", "Expected shortfall"):
        t.add_column(name, justify="right")
    for m in r.milestones:
        t.add_row(
            str(m.year),
            m.sector or "city",
            fmt_t(m.cap),
            fmt_t(m.planned),
            f"{m.probability:.1%}",
            f"{m.standard_error:.1%}",
            fmt_t(m.expected_shortfall),
        )
    out.print(t)
    tornado = r.tornado(top=10)
    s = Table(title="What matters most (Spearman rho with cumulative emissions)")
    s.add_column("Uncertainty")
    s.add_column("rho", justify="right")
    for row in tornado.itertuples():
        s.add_row(row.uncertainty, f"{row.rho:+.2f}")
    out.print(s)
    for note in r.notes:
        err.print(note)


def _print_progress(p: ProgressResult) -> None:
    verdict = "[green]on track[/]" if p.on_track else "[red]off track[/]"
    out.print(f"[bold]{p.city}[/] to {p.latest_year}: {verdict}")
    t = Table(title=f"Emissions in {p.latest_year} (tCO2e)")
    for name in ("Scope", "Planned", "Actual", "Gap", "Trend /yr", "Planned trend /yr", "Status"):
        t.add_column(name, justify="left" if name == "Scope" else "right")
    for s in p.scopes:
        t.add_row(
            s.sector or "city",
            fmt_t(s.planned),
            fmt_t(s.actual),
            fmt_t(s.gap),
            _pct(s.trend),
            _pct(s.planned_trend),
            "on track" if s.on_track else "OFF TRACK",
        )
    out.print(t)
    m = Table(title="Milestones")
    for name in (
        "Year",
        "Scope",
        "Cap",
        "Status",
        "Projected",
        "Gap",
        "Needed /yr",
        "Needed tCO2e/yr",
    ):
        m.add_column(name, justify="right")
    for x in p.milestones:
        m.add_row(
            str(x.year),
            x.sector or "city",
            fmt_t(x.cap),
            x.status.replace("_", " "),
            fmt_t(x.projected if x.projected is not None else x.actual),
            fmt_t(x.gap),
            _pct(x.required_rate),
            fmt_t(x.required_change_tco2e),
        )
    out.print(m)
    if p.delivery:
        d = Table(title="Delivery to date (units)")
        for name in ("Measure", "Planned", "Delivered", "Ratio", "Status"):
            d.add_column(name, justify="left" if name == "Measure" else "right")
        for x in p.delivery:
            d.add_row(
                x.measure,
                fmt_t(x.planned),
                fmt_t(x.delivered),
                _pct(x.ratio, sign=False),
                "on track" if x.on_track else "OFF TRACK",
            )
        out.print(d)


def _pct(value: float | None, sign: bool = True) -> str:
    if value is None:
        return ""
    return f"{value:+.1%}" if sign else f"{value:.0%}"
