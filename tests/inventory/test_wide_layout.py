"""The wide layout: one row per city-year, GPC numbers as columns, messy notation keys."""

from pathlib import Path

import pytest

from kizuna.errors import InputError
from kizuna.inventory import compute, read_inventory_file
from kizuna.inventory.notation import parse_notation


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("NO", ("NO", "")),
        ("NO ", ("NO", "")),
        ("NE; NE", ("NE", "")),
        ("IE (I.1.1)", ("IE", "included in I.1.1")),
        ("NO; IE", ("NO", "as written: NO; IE")),
        ("c", ("C", "")),
        ("12.3", None),
        ("n/a", None),
    ],
)
def test_notation_cells(cell: str, expected: tuple[str, str] | None) -> None:
    assert parse_notation(cell) == expected


def test_wide_file(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "City,Year,Population,I.1.1,I.1.2,I.4.4,II.1.1,III.1.2,IV.1,VI.1\n"
        "Alpha,2019,1000,100,50,30,IE (I.1.1),NO ,7,NE; NE\n"
        "Alpha,2020,1000,90,45,,20,5,NE,2\n",
        encoding="utf-8",
    )
    a19, a20 = compute(read_inventory_file(path))
    assert a19.totals["basic"] == pytest.approx(150)
    assert a19.totals["basic_plus"] == pytest.approx(157)
    assert a19.totals["territorial"] == pytest.approx(100 + 30 + 7)
    assert a19.per_capita["basic"] == pytest.approx(0.15)
    notes = {c["gpc_ref"]: c for c in a19.completeness}
    assert notes["II.1.1"]["notation_key"] == "IE"
    assert notes["II.1.1"]["explanation"] == "included in I.1.1"
    assert notes["III.1.2"]["notation_key"] == "NO"
    assert a20.totals["basic_plus_s3"] == pytest.approx(90 + 45 + 20 + 5 + 2)
    assert a19.by_gas == {"CO2e": pytest.approx(187)}


def test_wide_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("city,year,I.1.1,I.1.2\nAlpha,2019,100,lots\nAlpha,2020,-4,1\n")
    with pytest.raises(InputError) as info:
        read_inventory_file(path)
    text = str(info.value)
    assert "'lots' is neither a number nor a notation key in column 'I.1.2' at row 2" in text
    assert "negative emissions in column 'I.1.1' at row 3" in text


def test_unknown_reference_column(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("city,year,I.1.1,I.1.9\nAlpha,2019,1,2\n")
    with pytest.raises(InputError, match=r"unknown GPC reference number 'I.1.9' as a column"):
        read_inventory_file(path)


def test_duplicate_city_year(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("city,year,I.1.1,I.1.2\nAlpha,2019,1,2\nAlpha,2019,3,4\n")
    with pytest.raises(InputError, match="same city and year"):
        read_inventory_file(path)
