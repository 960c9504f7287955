"""File connectors: schema inference, units, the preview, and bad files that fail clearly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from datahub_support import METER_SPEC, leftovers

from kizuna.datahub import Warehouse, import_file, preview_file, read_file
from kizuna.datahub.schema import ColumnType
from kizuna.errors import InputError

READINGS = (
    "meter_id,building_type,timestamp,energy [kWh]\n"
    "m1,residential,2024-01-01T00:00:00+09:00,1.5\n"
    "m2,commercial,2024-01-01T00:30:00+09:00,2\n"
    "m1,residential,2024-01-01T01:00:00+09:00,\n"
)
SPEC = METER_SPEC


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_preview_infers_types_units_and_keeps_first_rows(tmp_path: Path) -> None:
    """Header 'energy [kWh]' gives column energy with unit kWh; the blank reading counts as
    missing; times with +09:00 are converted to UTC (00:00 JST = 15:00 UTC the day before)."""
    preview = preview_file(write(tmp_path, "m.csv", READINGS), rows=2)
    schema = preview.schema
    assert schema.names == ["meter_id", "building_type", "timestamp", "energy"]
    assert schema["energy"].type is ColumnType.number
    assert schema["energy"].unit == "kWh"
    assert schema["energy"].missing == 1
    assert schema["timestamp"].type is ColumnType.datetime
    assert schema["meter_id"].type is ColumnType.string
    assert preview.rows == 3
    assert len(preview.head) == 2
    assert preview.head[0]["timestamp"].startswith("2023-12-31T15:00:00")
    assert preview.ok
    data = preview.to_dict()
    assert data["schema"]["columns"][3] == {
        "name": "energy",
        "type": "number",
        "unit": "kWh",
        "missing": 1,
        "examples": [1.5, 2.0],
    }


@pytest.mark.parametrize(
    ("name", "writer"),
    [
        ("m.parquet", lambda f, p: f.to_parquet(p)),
        ("m.xlsx", lambda f, p: f.to_excel(p, index=False)),
        ("m.json", lambda f, p: p.write_text(json.dumps({"data": f.to_dict("records")}))),
    ],
)
def test_parquet_excel_and_json_read_to_the_same_types(tmp_path: Path, name: str, writer) -> None:
    frame = pd.DataFrame({"station": ["a", "b"], "pm25": [12.5, 8.0], "count": [3, 4]})
    path = tmp_path / name
    writer(frame, path)
    loaded = read_file(path)
    assert loaded.schema["pm25"].type is ColumnType.number
    assert loaded.schema["count"].type is ColumnType.integer
    assert loaded.frame["pm25"].tolist() == [12.5, 8.0]


def test_geojson_features_become_rows_with_their_geometry(tmp_path: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "d1",
                "properties": {"name": "Naka", "area_km2": 7.0},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
            {
                "type": "Feature",
                "id": "d2",
                "properties": {"name": "Nishi", "area_km2": 6.9},
                "geometry": {"type": "Point", "coordinates": [2, 2]},
            },
        ],
    }
    loaded = read_file(write(tmp_path, "districts.geojson", json.dumps(collection)))
    assert loaded.format == "geojson"
    assert loaded.frame["feature_id"].tolist() == ["d1", "d2"]
    assert loaded.schema["geometry"].type is ColumnType.geometry
    assert loaded.geojson == collection


def test_wrong_encoding_names_the_line_and_the_fix(tmp_path: Path) -> None:
    """A Shift_JIS file read as UTF-8: the first byte of 横浜 (0x89) on line 3 cannot decode."""
    text = "city,value\nKurume,1\n横浜,2\n".encode("shift_jis")
    path = write(tmp_path, "sjis.csv", text)
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert "not valid utf-8" in message
    assert "line 3" in message
    assert "--encoding" in message
    assert caught.value.where[0].row == 3
    assert read_file(path, encoding="shift_jis").frame["city"].tolist() == ["Kurume", "横浜"]


def test_mixed_types_are_reported_with_their_rows(tmp_path: Path) -> None:
    """Nine numbers and 'n/a' at file row 6 and 'err' at row 9: 80 % numbers, so mixed."""
    values = ["1", "2", "3", "4", "n/a", "6", "7", "err", "9", "10"]
    text = "time,value\n" + "".join(f"2024-01-{i + 1:02d},{v}\n" for i, v in enumerate(values))
    preview = preview_file(write(tmp_path, "mixed.csv", text))
    (problem,) = preview.problems
    assert problem.message.startswith("mixed types: 80% of the cells are numbers")
    assert [w.row for w in problem.where] == [6, 9]
    assert problem.where[0].column == "value"


def test_bad_unit_cells_are_problems(tmp_path: Path) -> None:
    text = "activity,unit\n1,kWh\n2,kilowatts-ish\n3,MWh\n"
    (problem,) = preview_file(write(tmp_path, "u.csv", text)).problems
    assert "'kilowatts-ish' is not a unit" in problem.message
    assert [w.row for w in problem.where] == [3]


def test_a_file_far_over_the_limit_fails_before_it_is_read(tmp_path: Path) -> None:
    """A sparse 2 GiB file: the size check fails at once, without reading it."""
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.truncate(2 * 1024**3)
    with pytest.raises(InputError, match=r"2,048\.0 MiB, above the limit of 50\.0 MiB"):
        read_file(path)
    with pytest.raises(InputError, match="above the limit"):
        read_file(write(tmp_path, "small.csv", READINGS), max_bytes=10)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("x.docx", "hello", "unsupported file type .docx"),
        ("empty.csv", "", "is empty"),
        ("broken.json", '{"a": [1, 2', "not valid JSON"),
        ("scalar.json", "[1, 2, 3]", "holds no list of records"),
        (
            "bad.geojson",
            '{"type": "FeatureCollection", "features": [{"type": "Point"}]}',
            "are not GeoJSON Features",
        ),
    ],
)
def test_unreadable_files_fail_clearly(tmp_path: Path, name: str, text: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        read_file(write(tmp_path, name, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "meter_id,when,energy [kWh]\nm1,2024-01-01T00:00:00Z,1\n",
            "missing columns 'timestamp', 'building_type' (the file has",
        ),
        (
            "meter_id,building_type,timestamp,energy [kWh]\nm1,r,2024-01-01T00:00:00Z,high\n",
            "the value column holds strings, not numbers",
        ),
        (
            "meter_id,building_type,timestamp,energy [kg]\nm1,r,2024-01-01T00:00:00Z,1\n",
            "the unit 'kg' cannot be converted to 'kWh'",
        ),
        (
            "meter_id,building_type,timestamp,energy\nm1,r,2024-01-01T00:00:00Z,1\n",
            "no unit for the values",
        ),
        (
            "meter_id,building_type,timestamp,energy [kWh]\nm1,r,yesterday,1\n",
            "the time column holds strings",
        ),
    ],
)
def test_bad_files_fail_the_import_and_leave_nothing_behind(
    tmp_path: Path, warehouse: Warehouse, text: str, expected: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError, match=re.escape(expected)):
        import_file(path, warehouse, SPEC)
    assert not warehouse.datasets()
    assert leftovers(warehouse.root) == []


def test_mixed_types_and_blank_times_are_raised_together(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    rows = [f"m1,r,2024-01-{d:02d}T00:00:00Z,{d}" for d in range(1, 10)]
    rows[3] = "m1,r,,4"
    rows[6] = "m1,r,2024-01-07T00:00:00Z,seven"
    path = write(
        tmp_path,
        "two.csv",
        "meter_id,building_type,timestamp,energy [kWh]\n" + "\n".join(rows) + "\n",
    )
    with pytest.raises(InputError) as caught:
        import_file(path, warehouse, SPEC)
    text = str(caught.value)
    assert "mixed types" in text
    assert "row 8" in text
    assert leftovers(warehouse.root) == []
