"""`kizuna sdg progress`, `kizuna sdg framework import`, `kizuna sdg goals`, `kizuna vlr build`."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kizuna.cli.main import app

runner = CliRunner()
DEMO = Path(str(files("kizuna.demo").joinpath("data", "sdg", "yokohama")))

SERIES = """\
series,base_year,base_value,current_year,current_value,direction,target,target_year,limit
fishing,2015,14.5,2023,10.2,-1,7.25,2030,
coverage,2015,90.0,2021,93.2,1,,,100
flat,2020,5,2020,5,1,,,
"""


@pytest.fixture
def series_csv(tmp_path: Path) -> Path:
    path = tmp_path / "series.csv"
    path.write_text(SERIES, encoding="utf-8")
    return path


def test_progress_series_csv_json(series_csv: Path) -> None:
    """The issue's worked examples to 7 digits; one year of data is not available."""
    result = runner.invoke(
        app, ["sdg", "progress", "--series-csv", str(series_csv), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["series"] for d in data] == ["fishing", "coverage", "flat"]
    first, second, third = data
    assert round(first["progress_value"], 7) == 0.9525902
    assert round(first["score"], 7) == 2.5185564
    assert first["status"] == "substantial_progress"
    assert round(second["progress_value"], 7) == 0.0058400
    assert round(second["score"], 7) == 2.8153866
    assert second["status"] == "substantial_progress"
    assert second["target"] is None
    assert second["limit"] == 100
    assert (third["progress_value"], third["score"], third["status"]) == (
        None,
        None,
        "not_available",
    )


def test_progress_series_csv_table(series_csv: Path) -> None:
    result = runner.invoke(app, ["sdg", "progress", "--series-csv", str(series_csv)])
    assert result.exit_code == 0, result.output
    assert "2.5185564" in result.stdout
    assert "Substantial" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "series,base_year,base_value,current_year,current_value,direction\na,2015,1,2020,2,0\n",
            "direction must be 1 or -1",
        ),
        (
            "series,base_year,base_value,current_year,current_value,direction\na,2015,x,2020,2,1\n",
            "base_value is not a number",
        ),
        (
            "series,base_year,base_value,current_year,current_value\na,2015,1,2020,2\n",
            "missing columns",
        ),
    ],
)
def test_progress_series_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["sdg", "progress", "--series-csv", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_progress_needs_one_input() -> None:
    result = runner.invoke(app, ["sdg", "progress"])
    assert result.exit_code == 1
    assert "either DATA_DIR or --series-csv" in result.stderr


def test_progress_data_dir_json() -> None:
    """The Yokohama demo's data folder: indicators, targets and goals with their statuses."""
    result = runner.invoke(app, ["sdg", "progress", str(DEMO / "data"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_id = {i["id"]: i for i in data["indicators"]}
    assert by_id["12-5-L1"]["status"] == "target_achieved"
    assert by_id["13-2-2"]["series"][0]["status"] == "moderate_progress"
    assert {g["key"] for g in data["goals"]} == {"1", "5", "11", "12", "13"}
    assert data["status_counts"]["target_achieved"] == 1


@pytest.mark.shared_data
def test_framework_import(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "framework.json"
    result = runner.invoke(
        app,
        [
            "sdg",
            "framework",
            "import",
            str(shared_data / "sdg/un-global-indicator-framework-2025.csv"),
            "--translations",
            str(shared_data / "sdg/translations"),
            "--lang",
            "zh-Hans",
            "-o",
            str(out),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "goals": 17,
        "targets": 169,
        "indicator_rows": 251,
        "unique_indicators": 235,
    }
    saved = json.loads(out.read_text(encoding="utf-8"))
    first = next(t for t in saved["targets"] if t["number"] == "1.1")
    assert first["titles"]["zh-Hans"].startswith("到2030年")
    table = runner.invoke(app, ["sdg", "framework", "import", str(out)])
    assert table.exit_code == 0
    assert "169 targets" in table.stdout


def test_goals_json_and_japanese_table() -> None:
    result = runner.invoke(app, ["sdg", "goals", "--format", "json"])
    assert result.exit_code == 0
    goals = json.loads(result.stdout)
    assert len(goals) == 17
    assert goals[12]["colour"] == "#3F7E44"
    ja = runner.invoke(app, ["sdg", "goals", "--lang", "ja"])
    assert "気候変動に具体的な対策を" in ja.stdout


def test_vlr_build_html(tmp_path: Path) -> None:
    out = tmp_path / "vlr.html"
    result = runner.invoke(app, ["vlr", "build", str(DEMO), "-o", str(out), "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "誰一人取り残さない" in out.read_text(encoding="utf-8")
    assert result.stdout == ""  # progress goes to stderr
    bad = runner.invoke(app, ["vlr", "build", str(DEMO), "-o", str(out), "--lang", "fr"])
    assert bad.exit_code == 1
    assert "use --lang en or --lang ja" in bad.stderr
