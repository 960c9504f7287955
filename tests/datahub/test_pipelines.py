"""Pipelines: smart-meter readings to GPC activity data and an indicator, incrementally.

The readings are those of `datahub_support.meter_frame` (residential 0.75 kWh and
commercial 2 kWh each hour, months counted in Asia/Tokyo). January to March 2024 has
744 + 696 + 744 = 2,184 hours, so:

    residential (I.1.2) = 0.75 x 2,184 = 1,638 kWh = 1.638 MWh
    commercial  (I.2.2) = 2.00 x 2,184 = 4,368 kWh = 4.368 MWh

With 0.441 t CO2/MWh the inventory computes 0.722358 t (I.1.2) and 1.926288 t (I.2.2).
The indicator divides by 100 persons: (1,638 + 4,368) / 100 = 60.06 kWh per person.

Then April arrives (720 h: residential 540 kWh, commercial 1,440 kWh) with a late meter m4
for March (commercial, 1 kWh x 744 h = 744 kWh). Only March and April are recomputed;
2024 becomes residential 2,178 kWh and commercial 4,368 + 744 + 1,440 = 6,552 kWh.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from datahub_support import METER_SPEC, meter_frame

from kizuna.datahub import (
    Mode,
    Warehouse,
    import_file,
    load_pipeline,
    parse_pipeline,
    run_pipeline,
)
from kizuna.errors import InputError
from kizuna.inventory import compute, read_inventory_file

PIPELINE = """
name: smart-meters
description: Smart-meter electricity of Sample City's buildings
input: {dataset: meters}
aggregate: {by: [building_type], unit: kWh}
outputs:
  - kind: activity
    name: buildings
    city: Sample City
    column: building_type
    map: {residential: I.1.2, commercial: I.2.2}
    unit: MWh
    emission_factor: {value: 0.441, unit: t/MWh, gas: CO2}
    file: out/activity.csv
  - kind: indicator
    name: per-person
    indicator: 7.x.1
    unit: kWh
    disaggregate: [building_type]
    divide_by: {name: person, value: 100}
    file: out/indicator.csv
"""
SPEC = METER_SPEC


def load(tmp_path: Path, frame: pd.DataFrame, warehouse: Warehouse, mode: Mode, name: str) -> None:
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    import_file(path, warehouse, SPEC, mode=mode)


@pytest.fixture
def pipeline_file(tmp_path: Path) -> Path:
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE, encoding="utf-8")
    return path


def monthly_kwh(result) -> dict[tuple[str, str], float]:
    m = result.monthly
    return {
        (b, mo): v for b, mo, v in zip(m["building_type"], m["_month"], m["value"], strict=True)
    }


def test_meter_readings_aggregate_to_known_activity_totals(
    tmp_path: Path, warehouse: Warehouse, pipeline_file: Path
) -> None:
    load(tmp_path, meter_frame("2024-01-01", "2024-03-31 23:00"), warehouse, Mode.create, "q1")
    result = run_pipeline(load_pipeline(pipeline_file), warehouse, base_dir=tmp_path)
    assert result.recomputed == ("2024-01", "2024-02", "2024-03")
    assert monthly_kwh(result) == pytest.approx(
        {
            ("commercial", "2024-01"): 1488,
            ("commercial", "2024-02"): 1392,
            ("commercial", "2024-03"): 1488,
            ("residential", "2024-01"): 558,
            ("residential", "2024-02"): 522,
            ("residential", "2024-03"): 558,
        }
    )
    activity = pd.read_csv(tmp_path / "out" / "activity.csv")
    assert activity[["gpc_ref", "activity_value", "activity_unit"]].values.tolist() == [
        ["I.1.2", pytest.approx(1.638), "MWh"],
        ["I.2.2", pytest.approx(4.368), "MWh"],
    ]
    assert activity["months"].tolist() == [3, 3]
    (inventory,) = compute(read_inventory_file(tmp_path / "out" / "activity.csv"))
    assert inventory.city == "Sample City"
    assert inventory.year == 2024
    assert inventory.by_ref == pytest.approx({"I.1.2": 0.722358, "I.2.2": 1.926288})
    indicator = pd.read_csv(tmp_path / "out" / "indicator.csv", keep_default_na=False)
    assert indicator.columns.tolist() == ["Year", "building_type", "Units", "Value"]
    assert indicator.values.tolist() == [
        [2024, "", "kWh per person", pytest.approx(60.06)],
        [2024, "commercial", "kWh per person", pytest.approx(43.68)],
        [2024, "residential", "kWh per person", pytest.approx(16.38)],
    ]


def test_a_rerun_after_appending_recomputes_only_the_new_months(
    tmp_path: Path, warehouse: Warehouse, pipeline_file: Path
) -> None:
    pipeline = load_pipeline(pipeline_file)
    load(tmp_path, meter_frame("2024-01-01", "2024-03-31 23:00"), warehouse, Mode.create, "q1")
    first = run_pipeline(pipeline, warehouse, base_dir=tmp_path)
    stamps = warehouse.state_times("smart-meters", "monthly")

    again = run_pipeline(pipeline, warehouse, base_dir=tmp_path)
    assert again.recomputed == ()
    assert [o.changed for o in again.outputs] == [(), ()]

    load(tmp_path, meter_frame("2024-04-01", "2024-04-30 23:00"), warehouse, Mode.append, "apr")
    late = meter_frame("2024-03-01", "2024-03-31 23:00", {"m4": ("commercial", 1000.0)})
    load(tmp_path, late, warehouse, Mode.append, "late")
    rerun = run_pipeline(pipeline, warehouse, base_dir=tmp_path)
    assert rerun.recomputed == ("2024-03", "2024-04")
    assert rerun.unchanged == ("2024-01", "2024-02")
    after = warehouse.state_times("smart-meters", "monthly")
    assert after["2024-01"] == stamps["2024-01"]
    assert after["2024-02"] == stamps["2024-02"]
    assert after["2024-03"] > stamps["2024-03"]
    before, now = monthly_kwh(first), monthly_kwh(rerun)
    changed = {k for k in now if before.get(k) != pytest.approx(now[k])}
    assert changed == {
        ("commercial", "2024-03"),
        ("commercial", "2024-04"),
        ("residential", "2024-04"),
    }
    assert now[("commercial", "2024-03")] == pytest.approx(1488 + 744)
    activity, indicator = rerun.outputs
    assert activity.changed == ("2024/I.1.2", "2024/I.2.2")
    rows = rerun.tables["buildings"].set_index("gpc_ref")
    assert rows.loc["I.1.2", "activity_value"] == pytest.approx(2.178)
    assert rows.loc["I.2.2", "activity_value"] == pytest.approx(6.552)
    assert rows["months"].tolist() == [4, 4]
    assert indicator.changed == ("2024/", "2024/commercial", "2024/residential")


def test_lineage_runs_from_the_outputs_back_to_the_file(
    tmp_path: Path, warehouse: Warehouse, pipeline_file: Path
) -> None:
    load(tmp_path, meter_frame("2024-01-01", "2024-01-02"), warehouse, Mode.create, "jan")
    run_pipeline(load_pipeline(pipeline_file), warehouse, base_dir=tmp_path)
    chain = warehouse.lineage("smart-meters.buildings")
    assert [r.object for r in chain] == ["smart-meters.buildings", "smart-meters.monthly", "meters"]
    assert chain[1].transformation == "monthly sum of energy by building_type (Wh -> kWh)"
    assert chain[2].source.endswith("jan.csv")
    assert warehouse.derived_from("meters") == [
        "smart-meters.monthly",
        "smart-meters.buildings",
        "smart-meters.per-person",
    ]


def test_partial_years_can_be_left_out(tmp_path: Path, warehouse: Warehouse) -> None:
    load(tmp_path, meter_frame("2024-01-01", "2024-01-31 23:00"), warehouse, Mode.create, "jan")
    data = {
        "name": "p",
        "input": {"dataset": "meters"},
        "aggregate": {"by": ["building_type"]},
        "outputs": [
            {
                "kind": "activity",
                "name": "a",
                "city": "X",
                "column": "building_type",
                "map": {"residential": "I.1.2"},
                "complete_years": True,
                "emission_factor": {"value": 0.4, "unit": "t/MWh"},
            }
        ],
    }
    result = run_pipeline(parse_pipeline(data), warehouse)
    assert result.tables["a"].empty


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {
                "outputs": [
                    {
                        "kind": "activity",
                        "name": "a",
                        "city": "X",
                        "column": "b",
                        "map": {"r": "I.9.9"},
                        "emission_factor": {"value": 1, "unit": "t/MWh"},
                    }
                ]
            },
            "not GPC reference numbers: I.9.9",
        ),
        ({"aggregate": {"by": [], "unit": "blorps"}}, "'blorps' is not a unit"),
        ({"engine": "spark"}, "engine: Input should be 'duckdb' or 'dask'"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_pipeline_files_name_the_field(change: dict, expected: str) -> None:
    data = {"name": "p", "input": {"dataset": "meters"}, **change}
    with pytest.raises(InputError, match=expected):
        parse_pipeline(data)


def test_running_on_a_data_set_without_the_columns_is_an_error(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    load(tmp_path, meter_frame("2024-01-01", "2024-01-01 02:00"), warehouse, Mode.create, "jan")
    pipeline = parse_pipeline(
        {"name": "p", "input": {"dataset": "meters"}, "aggregate": {"by": ["district"]}}
    )
    with pytest.raises(InputError, match="has no column 'district'"):
        run_pipeline(pipeline, warehouse)
