"""The long layout: activity x emission factor, direct emissions, notation keys; hand-computed."""

from pathlib import Path

import pandas as pd
import pytest

from kizuna.inventory import compute, read_inventory_file, read_inventory_frame

HEADER = (
    "city,year,gpc_ref,gas,activity_value,activity_unit,ef_value,ef_unit,"
    "emissions_value,emissions_unit,notation_key,explanation\n"
)


def write(tmp_path: Path, body: str, name: str = "inv.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


SAMPLE = """\
Sample,2020,I.1.1,CO2,1200,TJ,56100,kg/TJ,,,,
Sample,2020,I.1.1,CH4,1200,TJ,5,kg CH4/TJ,,,,
Sample,2020,I.1.2,CO2,100000,MWh,0.45,t/MWh,,,,
Sample,2020,II.1.1,N2O,,,,,2,t,,
Sample,2020,III.1.1,CO2e,,,,,12.5,kt,,
Sample,2020,IV.1,SF6,,,,,100,kg,,
Sample,2020,I.4.4,,,,,,,,NO,no power plants in the city
Sample,2020,I.3.2,,,,,,,,IE,included in I.2.2
"""


def test_hand_computed_totals_ar6(tmp_path: Path) -> None:
    (r,) = compute(read_inventory_file(write(tmp_path, SAMPLE), gwp="AR6"))
    # I.1.1: 1200 TJ x 56100 kg/TJ = 67 320 t CO2; 1200 TJ x 5 kg/TJ = 6 t CH4 x 27.9 = 167.4
    assert r.by_ref["I.1.1"] == pytest.approx(67_320 + 167.4)
    # I.1.2: 100 000 MWh x 0.45 t/MWh = 45 000 t
    assert r.by_ref["I.1.2"] == pytest.approx(45_000)
    # II.1.1: 2 t N2O x 273; III.1.1: 12.5 kt CO2e; IV.1: 0.1 t SF6 x 25 200
    assert r.by_ref["II.1.1"] == pytest.approx(546)
    assert r.by_ref["III.1.1"] == pytest.approx(12_500)
    assert r.by_ref["IV.1"] == pytest.approx(2_520)
    basic = 67_487.4 + 45_000 + 546 + 12_500
    assert r.totals["basic"] == pytest.approx(basic)
    assert r.totals["basic_plus"] == pytest.approx(basic + 2_520)
    assert r.totals["territorial"] == pytest.approx(67_487.4 + 546 + 12_500 + 2_520)
    assert r.by_scope == pytest.approx({"1": 83_053.4, "2": 45_000})
    assert r.by_gas == pytest.approx(
        {"CO2": 112_320, "CH4": 167.4, "N2O": 546, "CO2e": 12_500, "SF6": 2_520}
    )
    assert r.by_sector_scope["Stationary energy"] == pytest.approx({"1": 67_487.4, "2": 45_000})


def test_gwp_set_changes_only_non_co2_gases(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE)
    (ar4,) = compute(read_inventory_file(path, gwp="AR4"))
    (ar5,) = compute(read_inventory_file(path, gwp="AR5"))
    assert ar4.by_gas["CO2"] == ar5.by_gas["CO2"] == pytest.approx(112_320)
    assert ar4.by_gas["CH4"] == pytest.approx(6 * 25)
    assert ar5.by_gas["CH4"] == pytest.approx(6 * 28)
    assert ar5.by_gas["N2O"] == pytest.approx(2 * 265)


def test_notation_keys_and_completeness(tmp_path: Path) -> None:
    (r,) = compute(read_inventory_file(write(tmp_path, SAMPLE)))
    status = {c["gpc_ref"]: c for c in r.completeness}
    assert status["I.4.4"]["status"] == "notation"
    assert status["I.4.4"]["notation_key"] == "NO"
    assert status["I.4.4"]["explanation"] == "no power plants in the city"
    assert status["I.3.2"]["notation_key"] == "IE"
    assert status["I.1.1"]["status"] == "value"
    assert status["I.5.1"]["status"] == "missing"
    # BASIC numbers covered: I.1.1, I.1.2, I.3.2 (IE), II.1.1, III.1.1 of 32
    assert r.completeness_summary["basic"] == {"covered": 5, "required": 32, "with_value": 4}


def test_city_and_year_from_arguments(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("gpc_ref,gas,emissions_value,emissions_unit\nI.1.1,CO2,5,t\n")
    (r,) = compute(read_inventory_file(path, city="Kobe", year=2019))
    assert (r.city, r.year, r.totals["basic"]) == ("Kobe", 2019, 5)


def test_several_city_years_sorted(tmp_path: Path) -> None:
    body = "B,2021,I.1.1,CO2e,,,,,3,t,,\nA,2020,I.1.1,CO2e,,,,,1,t,,\nA,2019,I.1.1,CO2e,,,,,2,t,,\n"
    results = compute(read_inventory_file(write(tmp_path, body)))
    assert [(r.city, r.year, r.totals["basic"]) for r in results] == [
        ("A", 2019, 2),
        ("A", 2020, 1),
        ("B", 2021, 3),
    ]


def test_excel_reads_like_csv(tmp_path: Path) -> None:
    csv = write(tmp_path, SAMPLE)
    xlsx = tmp_path / "inv.xlsx"
    pd.read_csv(csv).to_excel(xlsx, index=False, sheet_name="Inventory")
    (a,) = compute(read_inventory_file(csv))
    (b,) = compute(read_inventory_file(xlsx))
    assert a.totals == pytest.approx(b.totals)


def test_frame_with_categorical_columns_equals_file(tmp_path: Path) -> None:
    csv = write(tmp_path, SAMPLE)
    frame = pd.read_csv(csv)
    for col in ("gpc_ref", "gas", "activity_unit", "ef_unit", "emissions_unit"):
        frame[col] = frame[col].astype("category")
    (a,) = compute(read_inventory_frame(frame))
    (b,) = compute(read_inventory_file(csv))
    assert a.totals == pytest.approx(b.totals)


def test_negative_removals_allowed_in_afolu(tmp_path: Path) -> None:
    body = "S,2020,V.2,CO2,,,,,-500,t,,\nS,2020,V.1,CH4,,,,,10,t,,\n"
    (r,) = compute(read_inventory_file(write(tmp_path, body), gwp="AR5"))
    assert r.by_sector["AFOLU"] == pytest.approx(-500 + 280)
    assert r.totals["basic"] == 0
