"""The warehouse: monthly partitions, fingerprints, lineage, and one transaction per import."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from datahub_support import METER_SPEC, leftovers, meter_frame

from kizuna.datahub import DatasetSpec, Mode, SourceInfo, Warehouse, import_file, import_frame
from kizuna.datahub import warehouse as warehouse_module
from kizuna.datahub.warehouse import default_warehouse_dir
from kizuna.errors import InputError, NotFound

SPEC = replace(METER_SPEC, city="sample", public=True)


def csv(tmp_path: Path, frame: pd.DataFrame, name: str = "meters.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_months_are_counted_in_the_data_sets_time_zone(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    """Readings of 2024-01-31 23:00 JST (14:00 UTC) are January; 2024-02-01 00:00 JST is
    February, though it is still January 31 in UTC."""
    frame = meter_frame("2024-01-31 23:00", "2024-02-01 00:00")
    result = import_file(csv(tmp_path, frame), warehouse, SPEC)
    assert result.stored.partitions == ("2024-01", "2024-02")
    info = warehouse.dataset("meters")
    assert [(p.partition, p.rows) for p in info.partitions] == [("2024-01", 3), ("2024-02", 3)]
    assert info.unit == "Wh"
    assert info.to_dict()["time_range"] == [
        "2024-01-31T14:00:00+00:00",
        "2024-01-31T15:00:00+00:00",
    ]
    stored = warehouse.read("meters")
    assert sorted(stored["_month"].unique()) == ["2024-01", "2024-02"]
    assert stored["energy"].sum() == pytest.approx(2 * (500 + 250 + 2000))


def test_appending_changes_the_fingerprints_of_the_months_it_touches_only(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    import_file(csv(tmp_path, meter_frame("2024-01-01", "2024-02-29 23:00")), warehouse, SPEC)
    before = warehouse.fingerprints("meters")
    later = meter_frame("2024-02-15", "2024-03-02 23:00")
    import_file(csv(tmp_path, later, "later.csv"), warehouse, SPEC, mode=Mode.append)
    after = warehouse.fingerprints("meters")
    assert after["2024-01"] == before["2024-01"]
    assert after["2024-02"] != before["2024-02"]
    assert "2024-03" in after
    assert "2024-03" not in before
    assert len(warehouse.files("meters", ["2024-02"])) == 2


def test_lineage_records_source_time_and_transformation(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = csv(tmp_path, meter_frame("2024-01-01", "2024-01-01 03:00"))
    import_file(path, warehouse, SPEC)
    import_file(path, warehouse, SPEC, mode=Mode.append)
    records = warehouse.lineage("meters")
    assert [r.transformation for r in records] == ["import csv (append)", "import csv (create)"]
    assert records[0].source == str(path.resolve())
    assert records[0].retrieved_at is not None
    assert records[0].details["rows"] == 12


def test_create_twice_and_mismatched_append_are_errors(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = csv(tmp_path, meter_frame("2024-01-01", "2024-01-01 03:00"))
    import_file(path, warehouse, SPEC)
    with pytest.raises(InputError, match="already exists"):
        import_file(path, warehouse, SPEC)
    other = meter_frame("2024-01-02", "2024-01-02 01:00").assign(extra="x")
    with pytest.raises(InputError, match="new 'extra'"):
        import_file(csv(tmp_path, other, "other.csv"), warehouse, SPEC, mode=Mode.append)
    assert warehouse.dataset("meters").rows == 12


def test_replace_drops_the_old_rows(tmp_path: Path, warehouse: Warehouse) -> None:
    import_file(csv(tmp_path, meter_frame("2024-01-01", "2024-03-01")), warehouse, SPEC)
    import_file(
        csv(tmp_path, meter_frame("2024-05-01", "2024-05-01 01:00"), "may.csv"),
        warehouse,
        SPEC,
        mode=Mode.replace,
    )
    info = warehouse.dataset("meters")
    assert [p.partition for p in info.partitions] == ["2024-05"]
    assert info.rows == 6
    assert len(list((warehouse.root / "datasets" / "meters").rglob("*.parquet"))) == 1


def test_a_failure_while_committing_leaves_nothing_behind(
    tmp_path: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first import is kept; the second fails after moving one of its two files into
    place: its rows, partitions, lineage and files are all gone, and the first is intact."""
    first = csv(tmp_path, meter_frame("2024-01-01", "2024-01-01 01:00"))
    import_file(first, warehouse, SPEC)
    kept = leftovers(warehouse.root)
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(src: str | os.PathLike, dst: str | os.PathLike) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(warehouse_module.os, "replace", failing_replace)
    second = csv(tmp_path, meter_frame("2024-01-31 23:00", "2024-02-01 00:00"), "second.csv")
    with pytest.raises(OSError, match="disk full"):
        import_file(second, warehouse, SPEC, mode=Mode.append)
    assert len(calls) == 2
    assert leftovers(warehouse.root) == kept
    assert warehouse.dataset("meters").rows == 6
    assert len(warehouse.lineage("meters")) == 1


def test_unknown_data_sets_are_not_found(warehouse: Warehouse) -> None:
    with pytest.raises(NotFound, match="no data set 'nope'"):
        warehouse.dataset("nope")


def test_frames_from_connectors_are_typed_and_stored(warehouse: Warehouse) -> None:
    frame = pd.DataFrame(
        {
            "entity": ["s1", "s1"],
            "time": ["2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"],
            "value": ["1.5", "2.5"],
        }
    )
    spec = DatasetSpec("air", time_column="time", value_column="value", unit="ug/m3")
    result = import_frame(frame, warehouse, spec, SourceInfo("http://broker", "ngsi-ld"))
    assert result.stored.partitions == ("2024-03", "2024-04")
    assert warehouse.read("air")["value"].sum() == pytest.approx(4.0)


def test_the_default_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIZUNA_DATAHUB_DIR", str(tmp_path / "hub"))
    assert default_warehouse_dir() == tmp_path / "hub"
    monkeypatch.delenv("KIZUNA_DATAHUB_DIR")
    assert default_warehouse_dir().parts[-2:] == ("kizuna", "datahub")
