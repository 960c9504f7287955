"""`kizuna review stress|risk|track|scenarios` and `kizuna plan replan`: JSON shapes, tables,
files written with --out, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kizuna.cli.main import app

runner = CliRunner()

PLAN = """\
city: Testville
currency: JPY
base_year: 2024
start_year: 2025
end_year: 2030
discount_rate: 0.05
baseline:
  sectors:
    Energy: {emissions: 100}
targets:
  - {year: 2030, reduction: 0.0}
milestones: {method: budget, budget: 450}
measures:
  - {id: A, name: A, sector: Energy, potential: 200, max_rate: 150, abatement: 1, opex: 1,
     lifetime: 10}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("year,sector,emissions_tco2e\n2025,Energy,110\n2026,total,110\n", "utf-8")
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(
        "scenarios:\n  - {id: dip, name: Dip, shocks: [{year: 2030, drop: 0.1}]}\n", "utf-8"
    )
    return {"plan": plan, "actuals": actuals, "scenarios": scenarios}


def run(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_stress_json(files: dict[str, Path]) -> None:
    """Plan (see tests/review/review_plans.budget_data): 450 t in all; "dip" takes 10 t off
    2030's BAU (the plan's 2030 emissions are 0 after 100 t abated: still 0)."""
    data = run("review", "stress", str(files["plan"]), "--scenarios", str(files["scenarios"]))
    assert [s["scenario"] for s in data["scenarios"]] == ["plan", "dip"]
    plan, dip = data["scenarios"]
    assert plan["cumulative_emissions"] == pytest.approx(450)
    assert plan["within_budget"] is True
    assert dip["emissions"]["2030"] == pytest.approx(0)
    assert dip["bau"]["2030"] == pytest.approx(90)


def test_stress_with_the_packaged_set_writes_files(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["review", "stress", str(files["plan"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "pandemic" in result.stdout
    assert {p.name for p in out.iterdir()} == {"stress.csv", "stress_paths.csv", "stress.html"}


def test_risk_json_has_milestones_and_the_fan(files: dict[str, Path]) -> None:
    data = run("review", "risk", str(files["plan"]), "--draws", "500", "--seed", "3")
    assert data["draws"] == 500
    assert data["seed"] == 3
    (m,) = data["milestones"]
    assert {"year", "cap", "probability", "standard_error", "expected_shortfall"} <= set(m)
    assert (m["year"], m["cap"]) == (2030, pytest.approx(100))
    assert 0 <= m["probability"] <= 1
    assert [row["year"] for row in data["fan"]] == list(range(2025, 2031))
    assert {"p5", "p50", "p95", "planned"} <= set(data["fan"][0])
    again = run("review", "risk", str(files["plan"]), "--draws", "500", "--seed", "3")
    assert again == data


def test_track_table_and_json(files: dict[str, Path]) -> None:
    """110 t in 2026 against 100 planned: off track by 10 t."""
    result = runner.invoke(
        app, ["review", "track", str(files["plan"]), "--actuals", str(files["actuals"])]
    )
    assert result.exit_code == 0, result.output
    assert "off track" in result.stdout
    data = run("review", "track", str(files["plan"]), "--actuals", str(files["actuals"]))
    city = data["scopes"][0]
    assert (city["year"], city["actual"], city["gap"], city["on_track"]) == (
        2026,
        110,
        pytest.approx(10),
        False,
    )


def test_replan_json_and_files(files: dict[str, Path], tmp_path: Path) -> None:
    """20 t above the plan in 2025-2026: 230 t of budget left instead of 250."""
    data = run("plan", "replan", str(files["plan"]), "--actuals", str(files["actuals"]))
    assert data["actual_year"] == 2026
    assert data["excess"] == pytest.approx(20)
    assert data["remaining_budget"] == pytest.approx(230)
    assert [c["change"] for c in data["changes"]] == ["increased"]
    out = tmp_path / "replan"
    result = runner.invoke(
        app,
        [
            "plan",
            "replan",
            str(files["plan"]),
            "--actuals",
            str(files["actuals"]),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "increased" in result.stdout
    assert (out / "replan.html").exists()


def test_scenarios_listing() -> None:
    result = runner.invoke(app, ["review", "scenarios"])
    assert result.exit_code == 0
    assert "fast-grid" in result.stdout


def test_bad_scenario_file_exits_1_with_the_field_on_stderr(files: dict[str, Path]) -> None:
    files["scenarios"].write_text("scenarios:\n  - {id: x, name: X, discount_rate: 2}\n", "utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kizuna",
            "review",
            "stress",
            str(files["plan"]),
            "--scenarios",
            str(files["scenarios"]),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "scenarios[0].discount_rate" in proc.stderr
