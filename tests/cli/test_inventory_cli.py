"""`kizuna inventory compute`: table, JSON and CSV output; errors on stderr with exit 1."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kizuna.cli.main import app

runner = CliRunner()

LONG = (
    "city,year,gpc_ref,gas,activity_value,activity_unit,ef_value,ef_unit,emissions_value,"
    "emissions_unit,notation_key,explanation\n"
    "Sample,2020,I.1.1,CO2,1200,TJ,56100,kg/TJ,,,,\n"
    "Sample,2020,I.1.2,CO2,100000,MWh,0.45,t/MWh,,,,\n"
    "Sample,2020,I.4.4,,,,,,,,NO,no power plant\n"
)


@pytest.fixture
def long_file(tmp_path: Path) -> Path:
    path = tmp_path / "sample.csv"
    path.write_text(LONG, encoding="utf-8")
    return path


def test_json_one_inventory_is_an_object(long_file: Path) -> None:
    result = runner.invoke(app, ["inventory", "compute", str(long_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["city"] == "Sample"
    assert data["year"] == 2020
    assert data["gwp"] == "AR5"
    assert data["totals"]["basic"] == pytest.approx(67_320 + 45_000)
    assert data["totals"]["territorial"] == pytest.approx(67_320)
    for key in ("basic_plus", "territorial"):
        assert key in data["totals"]
    for key in ("by_sector", "by_scope", "by_gas", "by_ref"):
        assert data[key]
    assert data["by_scope"] == {"1": pytest.approx(67_320), "2": pytest.approx(45_000)}


def test_table_output(long_file: Path) -> None:
    result = runner.invoke(app, ["inventory", "compute", str(long_file), "--gwp", "AR6"])
    assert result.exit_code == 0
    assert "112,320" in result.stdout
    assert "Stationary energy" in result.stdout


def test_csv_output(long_file: Path) -> None:
    result = runner.invoke(app, ["inventory", "compute", str(long_file), "-f", "csv"])
    header, row = result.stdout.strip().splitlines()
    assert header.startswith("city,year,gwp,population,basic_tco2e")
    assert row.startswith("Sample,2020,AR5")
    refs = runner.invoke(
        app, ["inventory", "compute", str(long_file), "-f", "csv", "--detail", "refs"]
    )
    assert len(refs.stdout.strip().splitlines()) == 1 + 54


def test_error_goes_to_stderr_with_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(LONG.replace("I.1.2", "I.1.9"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kizuna", "inventory", "compute", str(bad), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "unknown GPC reference number 'I.1.9'" in proc.stderr
    assert "row 3" in proc.stderr


def test_column_mapping_option(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("town,yr,ref,g,v,u\nX,2020,I.1.1,CO2,5,t\n", encoding="utf-8")
    args = [
        "inventory",
        "compute",
        str(path),
        "-f",
        "json",
        "-c",
        "town=city",
        "-c",
        "yr=year",
        "-c",
        "ref=gpc_ref",
        "-c",
        "g=gas",
        "-c",
        "v=emissions_value",
        "-c",
        "u=emissions_unit",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["basic"] == 5


@pytest.mark.shared_data
def test_c40_workbook_prints_an_array(shared_data: Path) -> None:
    workbook = shared_data / "cities" / "c40-gpc-inventories-2023.xlsx"
    result = runner.invoke(app, ["inventory", "compute", str(workbook), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert len(data) == 329
    la = next(d for d in data if (d["city"], d["year"]) == ("Los Angeles", 2019))
    assert la["totals"]["basic"] > 0


def test_reference_commands() -> None:
    gpc = runner.invoke(app, ["reference", "gpc"])
    assert "VI.1" in gpc.stdout
    gwp = runner.invoke(app, ["reference", "gwp"])
    assert "27.9" in gwp.stdout
