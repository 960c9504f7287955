"""Bad input raises InputError naming file, row, column and the fix; nothing partial comes back."""

from pathlib import Path

import pytest

from kizuna.errors import InputError
from kizuna.inventory import read_inventory_file

HEADER = (
    "city,year,gpc_ref,gas,activity_value,activity_unit,ef_value,ef_unit,"
    "emissions_value,emissions_unit,notation_key,explanation\n"
)


def error_for(tmp_path: Path, body: str, header: str = HEADER, **kwargs: object) -> InputError:
    path = tmp_path / "bad.csv"
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_inventory_file(path, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_unknown_reference_number(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.9.1,CO2,,,,,5,t,,\n")
    assert "unknown GPC reference number 'I.9.1'" in str(err)
    assert "bad.csv" in str(err)
    assert err.where[0].row == 2
    assert err.where[0].column == "gpc_ref"
    assert "did you mean" in str(err)


def test_unknown_gas(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.1,CO2,,,,,5,t,,\nS,2020,I.1.1,XYZ,,,,,5,t,,\n")
    assert "unknown gas 'XYZ'" in str(err)
    assert [w.row for w in err.where] == [3]


def test_factor_per_kwh_applied_to_litres(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.2,CO2,100000,l,0.45,kg/kWh,,,,\n")
    assert "'kg/kWh' cannot be applied to activity in 'l'" in str(err)
    assert "kWh" in (err.hint or str(err))
    assert err.where[0].row == 2


def test_gas_in_unit_must_match_row(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.1,CO2,10,TJ,5,kg CH4/TJ,,,,\n")
    assert "names CH4 but the row's gas is CO2" in str(err)


def test_emissions_unit_must_be_a_mass(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.1,CO2,,,,,5,kWh,,\n")
    assert "emissions_unit" in str(err)


def test_unknown_unit(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.1,CO2,10,barrels of fun,5,kg/TJ,,,,\n")
    assert "not a unit Kizuna knows" in str(err)


@pytest.mark.parametrize(
    ("body", "message", "column"),
    [
        (
            "S,2020,I.1.1,CO2,-5,TJ,56100,kg/TJ,,,,\n",
            "activity_value is negative",
            "activity_value",
        ),
        ("S,2020,I.1.1,CO2,5,TJ,-1,kg/TJ,,,,\n", "ef_value is negative", "ef_value"),
        ("S,2020,I.1.1,CO2,,,,,-5,t,,\n", "emissions_value is negative", "emissions_value"),
        ("S,2020,I.1.1,CO2,,,,,abc,t,,\n", "emissions_value is not a number", "emissions_value"),
        (
            "S,2020,I.1.1,CO2,12a,TJ,5,kg/TJ,,,,\n",
            "activity_value is not a number",
            "activity_value",
        ),
    ],
)
def test_bad_values(tmp_path: Path, body: str, message: str, column: str) -> None:
    err = error_for(tmp_path, body)
    assert message in str(err)
    assert err.where[0].column == column
    assert err.where[0].row == 2


def test_row_with_no_value_or_two_kinds(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.1,CO2,,,,,,,,\nS,2020,I.1.1,CO2,,,,,5,t,NO,\n")
    text = str(err)
    assert "2 problems" in text
    assert "row has no value at row 2" in text
    assert "more than one kind of value at row 3" in text


def test_unknown_notation_key(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.1.1,,,,,,,,XX,\n")
    assert "unknown notation key 'XX'" in str(err)


def test_missing_year(tmp_path: Path) -> None:
    err = error_for(
        tmp_path, "I.1.1,CO2,5,t\n", header="gpc_ref,gas,emissions_value,emissions_unit\n"
    )
    assert "no year column" in str(err)
    assert "--year" in str(err)


def test_all_problems_reported_together(tmp_path: Path) -> None:
    body = (
        "S,2020,I.9.1,CO2,,,,,5,t,,\n"
        "S,2020,I.1.1,XYZ,,,,,5,t,,\n"
        "S,2020,I.1.2,CO2,100,l,0.45,kg/kWh,,,,\n"
    )
    err = error_for(tmp_path, body)
    assert "3 problems" in str(err)
    assert sorted(w.row for w in err.where) == [2, 3, 4]


def test_not_an_inventory(tmp_path: Path) -> None:
    err = error_for(tmp_path, "1,2\n", header="a,b\n")
    assert "neither a long nor a wide inventory" in str(err)


def test_missing_file_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_inventory_file(tmp_path / "nope.csv")
    other = tmp_path / "x.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="unsupported file type"):
        read_inventory_file(other)


def test_error_as_json_shape(tmp_path: Path) -> None:
    err = error_for(tmp_path, "S,2020,I.9.1,CO2,,,,,5,t,,\n")
    shape = err.as_dict()["error"]
    assert shape["code"] == "input_error"
    assert shape["details"] == [{"file": "bad.csv", "row": 2, "column": "gpc_ref"}]
