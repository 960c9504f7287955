"""`kizuna plan ...`: least-cost roadmaps and marginal abatement cost curves."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from kizuna.cli.console import err, fmt_t, out, reported_errors
from kizuna.cli.formats import OutputFormat
from kizuna.planning import Plan, PlanResult, load_plan, optimise
from kizuna.planning.library import measure_library
from kizuna.planning.macc import macc_sweep, macc_table

app = typer.Typer(
    rich_markup_mode="markdown",
    help="Back-casting plans: least-cost roadmap (HiGHS) and MACC.",
    no_args_is_help=True,
)


@app.command("optimize")
def optimize_command(
    path: Path = typer.Argument(..., help="Plan file (YAML or JSON, see docs/formats.md)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
    out_dir: Path | None = typer.Option(
        None, "--out", help="Folder for CSVs and an HTML report with the charts."
    ),
    threads: int = typer.Option(1, min=1, help="HiGHS threads."),
) -> None:
    """Choose the measures and their schedule that meet the milestones at least cost.

    Milestones are elastic: a target out of reach is reported as a gap by year (tCO2e)
    with its marginal cost at the penalty, not as a failure. Money is in the plan's
    currency; NPV is discounted to the plan's start_year.
    """
    with reported_errors():
        plan = load_plan(path)
        with err.status(
            f"Optimising {plan.city}: {len(plan.measures)} measures, "
            f"{plan.start_year}-{plan.end_year} ...",
            spinner="dots",
        ):
            result = optimise(plan, threads=threads)
        if out_dir is not None:
            written = _write_outputs(plan, result, out_dir)
            err.print(f"Wrote {', '.join(p.name for p in written)} to {out_dir}")
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        else:
            _print_result(result)


@app.command("macc")
def macc_command(
    path: Path = typer.Argument(..., help="Plan file (YAML or JSON)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
    sweep: int = typer.Option(
        0,
        min=0,
        help="Also re-solve the plan at N ambition levels "
        "(10 % .. 100 % of its targets): the model-"
        "derived curve.",
    ),
) -> None:
    """Levelised cost of abatement of every measure, sorted (currency per tCO2e)."""
    with reported_errors():
        plan = load_plan(path)
        table = macc_table(plan)
        curve = None
        if sweep:
            levels = [(i + 1) / sweep for i in range(sweep)]
            with err.status(f"Solving {sweep} ambition levels ...", spinner="dots"):
                curve = macc_sweep(plan, levels)
        if fmt is OutputFormat.json:
            data = {"currency": plan.currency, "measures": _records(table)}
            if curve is not None:
                data["sweep"] = _records(curve)
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            return
        t = Table(title=f"MACC: {plan.city} ({plan.currency} per tCO2e)")
        for name in ("Measure", "Sector", "LCOA", "tCO2e/yr", "Cumulative tCO2e/yr"):
            t.add_column(name, justify="left" if name in ("Measure", "Sector") else "right")
        for row in table.itertuples():
            lcoa = "" if row.lcoa is None or row.lcoa != row.lcoa else f"{row.lcoa:,.0f}"
            t.add_row(
                row.measure,
                row.sector,
                lcoa,
                fmt_t(row.abatement_tco2e_per_year),
                fmt_t(row.cumulative_tco2e_per_year),
            )
        out.print(t)
        if curve is not None:
            c = Table(title="Model-derived curve (first target year)")
            for name in ("Ambition", "Abatement tCO2e", "Marginal cost", "Gap tCO2e"):
                c.add_column(name, justify="right")
            for row in curve.itertuples():
                c.add_row(
                    f"{row.ambition:.0%}",
                    fmt_t(row.abatement_tco2e),
                    f"{row.marginal_cost:,.0f}",
                    fmt_t(row.gap_tco2e),
                )
            out.print(c)


@app.command("replan")
def replan_command(
    path: Path = typer.Argument(..., help="Plan file (YAML or JSON, see docs/formats.md)."),
    actuals: Path = typer.Option(
        ..., "--actuals", help="Actuals CSV (year, sector, emissions_tco2e) or inventory file."
    ),
    delivery: Path | None = typer.Option(
        None, "--delivery", help="Delivery records CSV (year, measure, installed)."
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
    out_dir: Path | None = typer.Option(
        None, "--out", help="Folder for CSVs and an HTML page with the charts."
    ),
) -> None:
    """Re-optimise the rest of the horizon after what actually happened.

    Re-optimise the rest of the horizon after the actuals: the past fixed to what
    happened, BAU re-projected from the actual year, the remaining carbon budget carried
    forward. Reports the measures added, advanced, delayed or dropped and the cost change."""
    from kizuna.review import read_actuals, replan
    from kizuna.review.charts import replan_figure, replan_units_figure
    from kizuna.review.html import write_review

    with reported_errors():
        plan = load_plan(path)
        observed = read_actuals(actuals, plan, delivery=delivery)
        with err.status(f"Re-planning {plan.city} from {observed.latest_year} ...", spinner="dots"):
            result = replan(plan, observed, optimise(plan))
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            result.changes_frame().to_csv(out_dir / "replan_changes.csv", index=False)
            result.replanned.schedule_frame().to_csv(out_dir / "replan_schedule.csv", index=False)
            write_review(
                out_dir / "replan.html",
                f"Re-plan: {plan.city} from {result.actual_year}",
                [
                    ("Emissions before and after", replan_figure(result), None),
                    ("What changed", replan_units_figure(result), result.changes_frame()),
                ],
                result.reasons,
            )
            err.print(f"Wrote replan_changes.csv, replan_schedule.csv, replan.html to {out_dir}")
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
            return
        out.print(
            f"[bold]{plan.city}[/]: re-planned from {result.actual_year}; NPV "
            f"{result.original.npv:,.0f} -> {result.replanned.npv:,.0f} {plan.currency} "
            f"({result.cost_change:+,.0f}); emissions to date {fmt_t(result.excess)} tCO2e "
            "against the plan"
        )
        if result.remaining_budget is not None:
            out.print(
                f"Remaining carbon budget {fmt_t(result.remaining_budget)} tCO2e (planned "
                f"{fmt_t(result.remaining_budget_planned)})"
            )
        for reason in result.reasons:
            out.print(f"- {reason}")
        t = Table(title=f"Changes after {result.actual_year} (units installed)")
        for name in ("Measure", "Change", "Before", "After", "Why"):
            t.add_column(name, justify="right" if name in ("Before", "After") else "left")
        for c in result.changes:
            if c.change != "unchanged":
                t.add_row(
                    c.measure, c.change, f"{c.units_before:,.0f}", f"{c.units_after:,.0f}", c.reason
                )
        out.print(t)


@app.command("library")
def library_command(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the packaged measure library (per-unit figures, each with its source)."""
    lib = measure_library()
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(lib, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    t = Table(title=f"Measure library ({lib['currency']} {lib['price_year']}, per unit)")
    for name in ("Id", "Sector", "Unit", "Capex", "Opex/yr", "Life"):
        t.add_column(name, justify="left" if name in ("Id", "Sector", "Unit") else "right")
    for m in lib["measures"].values():
        t.add_row(
            m["id"],
            m["sector"],
            m.get("unit", ""),
            f"{m.get('capex', 0):,.0f}",
            f"{m.get('opex', 0):,.0f}",
            str(m["lifetime"]),
        )
    out.print(t)


def _print_result(r: PlanResult) -> None:
    out.print(
        f"[bold]{r.city}[/]: {r.status}; NPV {r.npv:,.0f} {r.currency}; green investment "
        f"{r.green_investment:,.0f} {r.currency}; net savings {r.net_savings:,.0f} "
        f"{r.currency}; {'all milestones met' if r.all_met else 'MILESTONES MISSED'}"
    )
    t = Table(title="Milestones (tCO2e; marginal cost in currency per tCO2e of that year)")
    for name in ("Year", "Scope", "Cap", "Planned", "Gap", "Marginal cost"):
        t.add_column(name, justify="right")
    for m in r.milestones:
        mc = "" if m.marginal_cost is None else f"{m.marginal_cost:,.0f}"
        t.add_row(
            str(m.year),
            m.sector or "city",
            fmt_t(m.cap),
            fmt_t(m.emissions),
            fmt_t(m.gap) if m.gap > 0 else "met",
            mc,
        )
    out.print(t)
    mt = Table(title=f"Measures taken ({r.currency})")
    for name in ("Measure", "Units", "tCO2e abated", "Capex", "Opex", "LCOA"):
        mt.add_column(name, justify="left" if name == "Measure" else "right")
    for m in sorted(r.measures, key=lambda m: -sum(m.abatement.values())):
        if m.units_installed <= 0:
            continue
        mt.add_row(
            m.id,
            f"{m.units_installed:,.0f}",
            fmt_t(sum(m.abatement.values())),
            f"{m.capex:,.0f}",
            f"{m.opex:,.0f}",
            "" if m.lcoa is None else f"{m.lcoa:,.0f}",
        )
    out.print(mt)


def _write_outputs(plan: Plan, result: PlanResult, folder: Path) -> list[Path]:
    from kizuna.reports.plan_report import write_plan_report

    folder.mkdir(parents=True, exist_ok=True)
    frames = {
        "trajectory.csv": result.trajectory_frame(),
        "emissions_by_sector.csv": result.emissions_by_sector,
        "milestones.csv": result.milestones_frame(),
        "measures.csv": result.measures_frame(),
        "schedule.csv": result.schedule_frame(),
    }
    written = []
    for name, frame in frames.items():
        path = folder / name
        frame.to_csv(path, index=name in ("trajectory.csv", "emissions_by_sector.csv"))
        written.append(path)
    table = macc_table(plan)
    table.to_csv(folder / "macc.csv", index=False)
    written.append(folder / "macc.csv")
    written.append(write_plan_report(plan, result, table, folder / "report.html"))
    return written


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records"))
