"""The review's Plotly figures: JSON-ready dicts with the traces each page needs."""

from __future__ import annotations

import json

import pandas as pd

from kizuna.planning import Plan, PlanResult
from kizuna.review import actuals_from_frame, default_scenarios, monte_carlo, stress_test
from kizuna.review.charts import (
    fan_figure,
    progress_figure,
    replan_figure,
    replan_units_figure,
    stress_figure,
    tornado_figure,
)
from kizuna.review.html import render_review
from kizuna.review.replan import replan
from kizuna.review.tracking import track_progress


def test_figures_of_the_demo_plan(yokohama: tuple[Plan, PlanResult]) -> None:
    plan, result = yokohama
    stress = stress_test(plan, result, default_scenarios())
    fig = stress_figure(stress)
    names = [t["name"] for t in fig["data"]]
    assert names[:5] == [o.name for o in stress.outcomes]
    assert "Milestone cap" in names
    mc = monte_carlo(plan, result, draws=300, seed=0)
    fan = fan_figure(mc)
    assert [t["name"] for t in fan["data"] if t.get("fill")] == ["P5-P95", "P10-P90", "P25-P75"]
    tornado = tornado_figure(mc, top=5)
    rho = tornado["data"][0]["x"]
    assert len(rho) == 5
    assert [abs(r) for r in rho] == sorted(abs(r) for r in rho)  # largest on top (last)
    rows = [
        {
            "year": 2026,
            "sector": s,
            "emissions_tco2e": 1.05 * result.emissions_by_sector.loc[2026, s],
        }
        for s in result.emissions_by_sector.columns
    ]
    actuals = actuals_from_frame(pd.DataFrame(rows), plan)
    progress = progress_figure(track_progress(plan, actuals, result))
    assert any(t["name"].startswith("Trend to 2030") for t in progress["data"])
    r = replan(plan, actuals, result)
    assert len(replan_figure(r)["data"]) >= 2
    assert replan_units_figure(r)["data"][0]["name"] == "Before"
    for figure in (fig, fan, tornado, progress):
        json.dumps(figure)  # JSON-ready: no numpy values
    page = render_review("Review", [("Fan", fan, mc.milestones_frame())])
    assert "Plotly.newPlot" in page
    assert "cdn" not in page.lower().split("<script>")[0]
