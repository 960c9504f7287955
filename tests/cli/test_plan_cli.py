"""`kizuna plan optimize` and `kizuna plan macc`: JSON shapes, tables, errors."""

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
base_year: 2020
start_year: 2025
end_year: 2030
discount_rate: 0.0
baseline:
  sectors:
    Energy: {emissions: 1000}
targets:
  - {year: 2030, reduction: 0.15}
milestones: targets_only
measures:
  - {id: A, name: Cheap, sector: Energy, potential: 100, abatement: 1, opex: 10, lifetime: 20}
  - {id: B, name: Dear, sector: Energy, potential: 100, abatement: 1, opex: 20, lifetime: 20}
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_optimize_json_shape(plan_file: Path) -> None:
    result = runner.invoke(app, ["plan", "optimize", str(plan_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "optimal"
    # 150 t needed in 2030 only; units installed in 2030 run one year in the horizon
    assert data["npv"] == pytest.approx(100 * 10 + 50 * 20)
    assert set(data["emissions"]) == {str(y) for y in range(2025, 2031)}
    (m,) = data["milestones"]
    assert {k: m[k] for k in ("year", "cap", "emissions", "gap")} == {
        "year": 2030,
        "cap": pytest.approx(850),
        "emissions": pytest.approx(850),
        "gap": 0,
    }
    assert m["marginal_cost"] == pytest.approx(20)
    a = data["measures"][0]
    assert {"id", "installed", "stock", "abatement", "capex", "opex"} <= set(a)
    assert a["installed"]["2030"] == pytest.approx(100)
    assert a["stock"]["2030"] == pytest.approx(100)
    assert a["abatement"]["2030"] == pytest.approx(100)


def test_optimize_table(plan_file: Path) -> None:
    result = runner.invoke(app, ["plan", "optimize", str(plan_file)])
    assert result.exit_code == 0
    assert "all milestones met" in result.stdout
    assert "850" in result.stdout


def test_macc_json_with_sweep(plan_file: Path) -> None:
    result = runner.invoke(app, ["plan", "macc", str(plan_file), "-f", "json", "--sweep", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["measure"] for m in data["measures"]] == ["A", "B"]
    assert data["measures"][0]["lcoa"] == pytest.approx(10)
    assert [s["abatement_tco2e"] for s in data["sweep"]] == pytest.approx([75, 150])
    assert [s["marginal_cost"] for s in data["sweep"]] == pytest.approx([10, 20])


def test_bad_plan_exits_1_with_message_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PLAN.replace("lifetime: 20}", "lifetime: -1}", 1), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kizuna", "plan", "optimize", str(bad), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "measures[0].lifetime" in proc.stderr


def test_json_stdout_stays_clean_of_solver_banner(plan_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kizuna", "plan", "optimize", str(plan_file), "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stdout)["status"] == "optimal"
