"""The plan figures: trajectory with abatement wedges, MACC and the model-derived curve
(`kizuna.reports.plan_charts`, `macc_charts`, `plan_data`)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from kizuna.planning import PlanResult
from kizuna.reports.formatting import KTCO2E
from kizuna.reports.macc_charts import axis_top, macc_figure, sweep_figure
from kizuna.reports.plan_charts import trajectory_figure, wedges
from kizuna.reports.plan_data import hover_text, short_name


def traces(figure: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [t for t in figure["data"] if t.get("name") == name]


def test_trajectory_traces(result: PlanResult) -> None:
    figure = trajectory_figure(result)
    names = [t["name"] for t in figure["data"]]
    assert names[0] == "Planned emissions"
    assert "Business as usual" in names
    # one wedge per measure that abates anything; the CCS pilot is never built
    assert [w.measure for w in wedges(result)] == ["led", "ev", "flare"]
    assert {"LED", "Electric cars <EV>", "Landfill flare"} <= set(names)
    assert "CCS pilot" not in names
    assert {"Milestone met", "Milestone missed", "Gap to milestone"} <= set(names)
    assert figure["data"][1]["fill"] == "tonexty"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Emissions (tCO2e/yr)"
    assert figure["layout"]["xaxis"]["title"]["text"] == "Year"
    json.dumps(figure)  # plain JSON, ready to embed


def test_wedges_fill_the_space_between_plan_and_bau(result: PlanResult) -> None:
    figure = trajectory_figure(result)
    plan_line = traces(figure, "Planned emissions")[0]
    bau_line = traces(figure, "Business as usual")[0]
    stack = [t for t in figure["data"] if t.get("fill") == "tonexty"]
    assert plan_line["x"] == result.years
    for k, year in enumerate(result.years):
        own = sum(t["customdata"][k] for t in stack)
        assert own == pytest.approx(result.bau[year] - result.emissions[year], abs=1e-6)
        assert stack[-1]["y"][k] == pytest.approx(bau_line["y"][k], abs=1e-6)
        assert plan_line["y"][k] == pytest.approx(result.emissions[year], abs=1e-6)
        # each wedge's top is the one below plus its own abatement
        below = plan_line["y"][k]
        for t in stack:
            assert t["y"][k] == pytest.approx(below + t["customdata"][k], abs=1e-6)
            below = t["y"][k]


def test_milestones_on_the_trajectory(result: PlanResult) -> None:
    figure = trajectory_figure(result)
    met = traces(figure, "Milestone met")[0]
    missed = traces(figure, "Milestone missed")[0]
    assert met["x"] == [2025, 2026, 2027]
    assert missed["x"] == list(range(2028, 2036))
    # caps from the linear path: 2030 = (1 - 0.3) x 1,600 t
    assert missed["y"][missed["x"].index(2030)] == pytest.approx(1120)
    gap = traces(figure, "Gap to milestone")[0]
    assert gap["x"][:3] == [2028, 2028, None]
    by_year = {m.year: m for m in result.milestones}
    assert gap["y"][1] - gap["y"][0] == pytest.approx(by_year[2028].gap)


def test_trajectory_unit_by_magnitude(result: PlanResult) -> None:
    data = result.to_dict()
    scaled = {
        **data,
        "bau": {y: v * 1e4 for y, v in data["bau"].items()},
        "emissions": {y: v * 1e4 for y, v in data["emissions"].items()},
        "measures": [],
        "milestones": [],
    }
    figure = trajectory_figure(scaled)
    assert figure["layout"]["yaxis"]["title"]["text"] == "Emissions (MtCO2e/yr)"
    assert figure["data"][0]["y"][0] == pytest.approx(data["emissions"]["2025"] * 1e4 / 1e6)
    assert trajectory_figure(data, KTCO2E)["layout"]["yaxis"]["title"]["text"] == (
        "Emissions (ktCO2e/yr)"
    )


def test_macc_bar_widths_are_the_abatement_potentials(macc: pd.DataFrame) -> None:
    figure = macc_figure(macc, "JPY")
    bars = figure["data"]
    assert {t["type"] for t in bars} == {"bar"}
    assert [t["name"] for t in bars] == ["Stationary energy", "Waste", "Transportation"]
    drawn = {
        c[1]: (w, x, y)
        for t in bars
        for c, w, x, y in zip(t["customdata"], t["width"], t["x"], t["y"], strict=True)
    }
    assert set(drawn) == set(macc["measure"])
    for row in macc.itertuples():
        width, centre, height = drawn[row.measure]
        assert width == pytest.approx(row.abatement_tco2e_per_year)  # tCO2e/yr, unit tCO2e
        # bars sit side by side, sorted by LCOA: each ends at the running total
        assert centre + width / 2 == pytest.approx(row.cumulative_tco2e_per_year)
        assert height == pytest.approx(row.lcoa)
    layout = figure["layout"]
    assert layout["yaxis"]["title"]["text"] == "Levelised cost of abatement (JPY/tCO2e)"
    assert layout["xaxis"]["title"]["text"] == "Annual abatement potential (tCO2e/yr)"
    assert "%{customdata[0]}" in bars[0]["hovertemplate"]  # the measure name on hover
    assert bars[0]["customdata"][0][0] == "LED"
    assert bars[0]["customdata"][0][3] == "0.43"  # LCOA shown with the decimals it needs


def test_macc_in_kilotonnes_and_needed_abatement(macc: pd.DataFrame) -> None:
    big = macc.assign(
        abatement_tco2e_per_year=macc["abatement_tco2e_per_year"] * 100,
        cumulative_tco2e_per_year=macc["cumulative_tco2e_per_year"] * 100,
    )
    figure = macc_figure(big.to_dict(orient="records"), "EUR", needed_tco2e={2030: 30_000})
    assert figure["layout"]["xaxis"]["title"]["text"] == "Annual abatement potential (ktCO2e/yr)"
    widths = sorted(w for t in figure["data"] if t["type"] == "bar" for w in t["width"])
    assert widths == pytest.approx(sorted(big["abatement_tco2e_per_year"] / 1e3))
    (line,) = traces(figure, "2030 needs 30 ktCO2e/yr")
    assert line["x"] == pytest.approx([30, 30])
    assert line["y"] == figure["layout"]["yaxis"]["range"]  # from bottom to top


def test_macc_leaves_out_measures_without_abatement(macc: pd.DataFrame) -> None:
    rows = macc.to_dict(orient="records")
    rows.append({**rows[0], "measure": "none", "lcoa": None, "abatement_tco2e_per_year": 0.0})
    figure = macc_figure(rows, "JPY")
    assert "none" not in [c[1] for t in figure["data"] for c in t["customdata"]]


def test_sweep_curve(sweep: pd.DataFrame) -> None:
    figure = sweep_figure(sweep, "JPY")
    (curve,) = figure["data"]
    reached = sweep[sweep["gap_tco2e"] <= 1e-6]
    assert curve["x"] == pytest.approx(list(reached["abatement_tco2e"]))
    assert curve["y"] == pytest.approx(list(reached["marginal_cost"]))
    assert len(curve["x"]) == 3  # the full ambition misses the 2030 milestone
    note = figure["layout"]["annotations"][0]["text"]
    assert note.startswith("From 100 % of the targets the 2030 milestone is missed")
    assert figure["layout"]["xaxis"]["title"]["text"] == "Abatement in 2030 (tCO2e/yr)"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Marginal cost (JPY/tCO2e)"


def test_macc_axis_stops_below_a_far_costlier_measure(macc: pd.DataFrame) -> None:
    # the CCS pilot costs about 134,856 JPY/tCO2e, over 10,000 times the EVs (12 JPY/tCO2e)
    figure = macc_figure(macc, "JPY")
    ccs = float(macc.loc[macc["measure"] == "ccs", "lcoa"].iloc[0])
    ev = float(macc.loc[macc["measure"] == "ev", "lcoa"].iloc[0])
    low, high = figure["layout"]["yaxis"]["range"]
    assert ev < high < 2 * ev
    assert low < 0 or low == pytest.approx(-0.05 * 1.2 * ev)
    (label,) = [a for a in figure["layout"]["annotations"] if a["text"].startswith("▲")]
    assert label["text"] == f"▲ {ccs:,.0f}"


@pytest.mark.parametrize(
    ("costs", "top"),
    [
        ([], 0.0),
        ([-5.0, 10.0, 20.0, 30.0], 30.0),  # no outlier
        ([1.0, 2.0, 3.0, 1000.0], 3.6),  # one outlier of four is cut
        ([1.0, 2.0, 500.0, 1000.0], 1000.0),  # two of four are not
        ([1.0] * 5 + [2.0, 30.0, 600.0, 1e4], 36.0),  # at most a quarter (2 of 9) are cut
    ],
)
def test_axis_top(costs: list[float], top: float) -> None:
    assert axis_top(costs) == pytest.approx(top)


def test_macc_cuts_far_savings_too(macc: pd.DataFrame) -> None:
    rows = macc.to_dict(orient="records")
    rows[0] = {**rows[0], "lcoa": -1e6}  # LED saving a million JPY per tCO2e
    rows[1] = {**rows[1], "lcoa": -10.0}  # the flare saving 10
    figure = macc_figure(rows, "JPY")
    low, _ = figure["layout"]["yaxis"]["range"]
    assert -20 < low < -12  # 1.2 x the next saving, and room for the label
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert "▼ -1,000,000" in labels


def test_macc_needs_far_beyond_the_curve_stay_in_the_legend(macc: pd.DataFrame) -> None:
    total = float(macc["abatement_tco2e_per_year"].sum())  # 425 t/yr
    figure = macc_figure(macc, "JPY", needed_tco2e={2030: 400.0, 2050: 10 * total})
    near, far = (t for t in figure["data"] if t["type"] == "scatter")
    assert near["name"] == "2030 needs 400 tCO2e/yr"
    assert far["name"] == f"2050 needs {10 * total:,.0f} tCO2e/yr (beyond the curve)"
    assert figure["layout"]["xaxis"]["range"] == pytest.approx([0, 1.03 * total])


def test_long_measure_names_are_cut_in_the_legend_only(result: PlanResult) -> None:
    long = "Industrial heat pump for process heat below 100 C replacing a gas boiler"
    assert short_name(long) == "Industrial heat pump for process heat b…"
    assert len(short_name(long)) == 40
    assert short_name("LED") == "LED"
    assert hover_text("Cars <EV> & %{x}") == "Cars &lt;EV&gt; &amp; %&#123;x}"
    ev = traces(trajectory_figure(result), "Electric cars <EV>")[0]
    assert ev["hovertemplate"].startswith("Electric cars &lt;EV&gt;<br>")
