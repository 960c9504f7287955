"""Open SDG's data format both ways: the real starter files, folders, errors, series picking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kizuna.errors import InputError
from kizuna.sdg.opensdg import (
    IndicatorData,
    format_value,
    indicator_config_text,
    indicator_csv_text,
    read_data_dir,
    read_indicator,
    read_indicator_csv,
    write_data_dir,
)
from kizuna.sdg.series import breakdown_table, select_rows, series_inputs, series_table

STARTER = "sdg/open-sdg-starter"


@pytest.mark.shared_data
def test_starter_files_round_trip(shared_data: Path, tmp_path: Path) -> None:
    """indicator_1-1-1.csv (Year, Group, Value; blank Group = total) and its config come back
    byte for byte (the config without its BOM), and through a written data folder."""
    folder = shared_data / STARTER
    item = read_indicator(folder / "indicator_1-1-1.csv")
    assert item.id == "1-1-1"
    assert item.config_path.name == "indicator-config_1-1-1.yml"
    assert item.disaggregations == ["Group"]
    assert item.frame["Value"].tolist() == [1.0, 3.0, 2.0, 1.0, 3.0, 2.0]
    assert item.frame["Group"].isna().tolist() == [False, False, True] * 2
    assert item.config["indicator_number"] == "1.1.1"
    assert indicator_csv_text(item.frame) == (folder / "indicator_1-1-1.csv").read_text("utf-8")
    original = (folder / "indicator-config_1-1-1.yml").read_text(encoding="utf-8-sig")
    assert indicator_config_text(item.config) == original
    written = write_data_dir([item], tmp_path / "site")
    assert [p.relative_to(tmp_path / "site").as_posix() for p in written] == [
        "data/indicator_1-1-1.csv",
        "indicator-config/1-1-1.yml",
    ]
    (back,) = read_data_dir(tmp_path / "site")
    pd.testing.assert_frame_equal(back.frame, item.frame)
    assert back.config == item.config


def test_values_years_and_columns(tmp_path: Path) -> None:
    """Reference periods stay as text (2015-16 counts as 2015); values keep their shortest
    form; units, series and GeoCode are not disaggregations."""
    path = tmp_path / "indicator_3-1-1.csv"
    text = (
        "Year,Series,Units,Sex,GeoCode,Value\n"
        "2015-16,A,Percent,,JP-14,0.1\n"
        "2016-17,A,Percent,Female,JP-14,12.25\n"
        "2017-18,A,Percent,,JP-14,\n"
    )
    path.write_text(text, encoding="utf-8")
    frame = read_indicator_csv(path)
    assert frame["Year"].tolist() == ["2015-16", "2016-17", "2017-18"]
    assert np.isnan(frame["Value"].iloc[2])
    assert indicator_csv_text(frame) == text
    item = IndicatorData("3-1-1", frame, {})
    assert item.disaggregations == ["Sex"]
    rows = select_rows(item, {})
    assert rows["year"].tolist() == [2015]
    assert rows["value"].tolist() == [0.1]
    assert [format_value(v) for v in (1.0, 0.1, 1e-7, None, float("nan"), 1234567.0)] == [
        "1",
        "0.1",
        "1e-07",
        "",
        "",
        "1234567",
    ]


def test_csv_errors_name_row_and_column(tmp_path: Path) -> None:
    bad_order = tmp_path / "indicator_1-1-1.csv"
    bad_order.write_text("Value,Year\n1,2015\n", encoding="utf-8")
    with pytest.raises(InputError, match="Year as its first column"):
        read_indicator_csv(bad_order)
    bad_value = tmp_path / "indicator_1-2-1.csv"
    bad_value.write_text("Year,Value\n2015,1\n2016,12%\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a number") as info:
        read_indicator_csv(bad_value)
    assert (info.value.where[0].row, info.value.where[0].column) == (3, "Value")
    with pytest.raises(InputError, match=r"indicator_<id>\.csv"):
        read_indicator(tmp_path / "data.csv")


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Year": [2015, 2020, 2015, 2020, 2015, 2020],
            "Sex": [None, None, "Female", "Female", "Male", "Male"],
            "Value": [10.0, 8.0, 12.0, 11.0, 8.0, 5.0],
        }
    )


def test_series_picking_as_open_sdg() -> None:
    """Headline = rows with every disaggregation blank; a breakdown picks its rows; base year
    2015 by default, or the next year with data; the latest year is the current one."""
    item = IndicatorData(
        "5-2-1",
        _frame(),
        {
            "auto_progress_calculation": True,
            "progress_calculation_options": [
                {"direction": "negative", "target": 5},
                {"disaggregation": [{"field": "Sex", "value": "Female"}], "base_year": 2010},
            ],
        },
    )
    table = series_table([item])
    assert table["series"].tolist() == ["5-2-1", "5-2-1 / Female"]
    assert table[["base_value", "current_value"]].values.tolist() == [[10.0, 8.0], [12.0, 11.0]]
    assert table["base_year"].tolist() == [2015.0, 2015.0]  # 2010 has no data: next year
    assert table["direction"].tolist() == [-1, -1]  # Open SDG's default is negative
    groups = breakdown_table(item)
    assert groups["group"].tolist() == ["Female", "Male"]
    assert groups["target"].tolist() == [5.0, 5.0]  # the headline option's target applies
    with pytest.raises(InputError, match="unsupported keys"):
        series_table(
            [
                IndicatorData(
                    "x",
                    _frame(),
                    {
                        "auto_progress_calculation": True,
                        "progress_calculation_options": [{"progress_thresholds": {"high": 1}}],
                    },
                )
            ]
        )


def test_series_must_be_single() -> None:
    """Two values in one year (two units mixed) are refused with a hint."""
    frame = pd.DataFrame({"Year": [2015, 2015], "Units": ["t", "kg"], "Value": [1.0, 1000.0]})
    item = IndicatorData("12-5-1", frame, {})
    with pytest.raises(InputError, match="mixes several Units"):
        series_inputs(item, {})
    assert series_inputs(item, {"unit": "t"})["base_value"] == 1.0


@pytest.mark.parametrize("layout", ["sibling", "inside", "flat"])
def test_config_locations(tmp_path: Path, layout: str) -> None:
    """Configs are found in indicator-config/ beside or inside the data folder, or flat as
    indicator-config_<id>.yml (the starter's layout)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "indicator_1-1-1.csv").write_text("Year,Value\n2015,1\n", encoding="utf-8")
    where = {
        "sibling": tmp_path / "indicator-config" / "1-1-1.yml",
        "inside": data / "indicator-config" / "1-1-1.yml",
        "flat": data / "indicator-config_1-1-1.yml",
    }[layout]
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text("indicator_number: '1.1.1'\n", encoding="utf-8")
    (item,) = read_data_dir(data)
    assert item.config == {"indicator_number": "1.1.1"}
    (again,) = read_data_dir(tmp_path)  # the data/ subfolder of a site
    assert again.id == "1-1-1"
