"""Messy inputs read like clean ones: padding, case, dtypes, partial populations, many cities."""

import numpy as np
import pandas as pd
import pytest

from kizuna.errors import InputError
from kizuna.inventory import compute, read_inventory_frame

COLUMNS = [
    "city",
    "year",
    "gpc_ref",
    "gas",
    "activity_value",
    "activity_unit",
    "ef_value",
    "ef_unit",
    "emissions_value",
    "emissions_unit",
    "notation_key",
    "explanation",
]
N = np.nan
ROWS = [
    ("Osaka", 2020, "I.1.1", "CO2", 100.0, "TJ", 56100.0, "kg/TJ", N, None, None, None),
    ("Kobe", 2019, "I.1.1", "CH4", 100.0, "TJ", 5.0, "kg CH4/TJ", N, None, None, None),
    ("Osaka", 2020, "I.1.2", "CO2", 1000.0, "MWh", 0.45, "t/MWh", N, None, None, None),
    ("Kobe", 2019, "II.1.1", "N2O", N, None, N, None, 2.0, "t", None, None),
    ("Osaka", 2020, "IV.1", "SF6", N, None, N, None, 100.0, "kg", None, None),
    ("Kobe", 2019, "I.4.4", None, N, None, N, None, N, None, "NO", "no plants"),
    ("Osaka", 2019, "III.1.1", "CO2e", N, None, N, None, 1.5, "kt CO2e", None, None),
    ("Kobe", 2020, "I.3.2", "CO2", N, None, N, None, N, None, "IE (I.2.2)", "in I.2.2"),
]


def clean() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    for c in COLUMNS:
        if frame[c].dtype == object:
            frame[c] = frame[c].astype("str")
    return frame


def messy() -> pd.DataFrame:
    frame = clean()
    frame["city"] = " " + frame["city"] + "  "
    frame["gas"] = frame["gas"].str.lower()
    frame["gpc_ref"] = frame["gpc_ref"] + " "
    for c in ("activity_unit", "ef_unit", "emissions_unit", "notation_key", "explanation"):
        frame[c] = "\t" + frame[c] + " "
    return frame


def results_of(frame: pd.DataFrame, **kwargs: object) -> list[dict]:
    return [r.to_dict() for r in compute(read_inventory_frame(frame, **kwargs))]  # type: ignore[arg-type]


def test_padding_and_case_read_like_clean_text() -> None:
    a, b = read_inventory_frame(clean(), gwp="AR6"), read_inventory_frame(messy(), gwp="AR6")
    pd.testing.assert_frame_equal(a.entries, b.entries)
    assert results_of(clean(), gwp="AR6") == results_of(messy(), gwp="AR6")


@pytest.mark.parametrize("dtype", ["category", "object"])
def test_categorical_and_object_columns_read_like_str(dtype: str) -> None:
    frame = messy()
    for c in frame.columns:
        if frame[c].dtype == "str":
            frame[c] = frame[c].astype(dtype)
    pd.testing.assert_frame_equal(
        read_inventory_frame(frame).entries, read_inventory_frame(clean()).entries
    )
    assert results_of(frame) == results_of(clean())


def test_entry_dtypes_and_sorted_categories() -> None:
    entries = read_inventory_frame(messy()).entries
    assert list(entries["city"].cat.categories) == ["Kobe", "Osaka"]
    assert list(entries["gas"].cat.categories) == ["CH4", "CO2", "CO2e", "N2O", "SF6"]
    assert list(entries["kind"].cat.categories) == ["activity", "emission", "notation"]
    assert str(entries["city"].cat.categories.dtype) == "str"
    assert entries["year"].dtype == np.int64
    assert entries["row"].tolist() == list(range(2, 2 + len(ROWS)))
    for c in ("notation_key", "explanation", "description", "source"):
        assert str(entries[c].dtype) == "str", c
    assert entries["notation_key"].tolist()[5:] == ["NO", np.nan, "IE"]
    assert entries["explanation"].tolist()[:2] == ["", ""]
    # a notation row without a gas has none; one with a gas keeps it
    assert pd.isna(entries["gas"].iloc[5])
    assert entries["gas"].iloc[7] == "CO2"


def test_notation_key_is_text_without_notation_rows() -> None:
    entries = read_inventory_frame(clean().iloc[:5]).entries
    assert str(entries["notation_key"].dtype) == "str"
    assert entries["notation_key"].isna().all()
    assert list(entries["kind"].cat.categories) == ["activity", "emission"]


def test_population_first_number_of_each_city_year() -> None:
    frame = clean()
    frame["population"] = [N, 2_000.0, 1_000.0, N, 3_000.0, 1_500.0, N, N]
    meta = read_inventory_frame(frame).meta
    assert meta.index.tolist() == [("Kobe", 2019), ("Kobe", 2020), ("Osaka", 2019), ("Osaka", 2020)]
    assert meta["population"].tolist()[0] == 2_000.0  # row 2 of Kobe 2019
    assert np.isnan(meta["population"].tolist()[1])  # Kobe 2020 gives none
    assert np.isnan(meta["population"].tolist()[2])
    assert meta["population"].tolist()[3] == 1_000.0  # Osaka 2020: first non-blank
    (kobe_2019, *_) = compute(read_inventory_frame(frame))
    assert kobe_2019.population == 2_000.0


def test_population_as_text() -> None:
    frame = clean()
    frame["Population"] = pd.array(
        [None, "n/a", " 1200 ", "900", None, None, None, None], dtype="str"
    )
    meta = read_inventory_frame(frame).meta
    assert meta.loc[("Osaka", 2020), "population"] == 1_200.0  # "n/a" reads as blank
    assert meta.loc[("Kobe", 2019), "population"] == 900.0


def test_many_cities_sorted_with_sparse_years() -> None:
    rng = np.random.default_rng(7)
    n = 5_000
    cities = np.array([f"C{i:03d}" for i in rng.integers(0, 300, n)], dtype=object)
    years = rng.choice([1990, 2005, 2020], n)
    values = rng.random(n)
    frame = pd.DataFrame(
        {
            "city": cities,
            "year": years,
            "gpc_ref": "I.1.1",
            "gas": "CO2",
            "emissions_value": values,
            "emissions_unit": "t",
        }
    )
    results = compute(read_inventory_frame(frame))
    expected = pd.Series(values).groupby([cities, years]).sum()
    assert [(r.city, r.year) for r in results] == list(expected.index)
    assert [r.totals["basic"] for r in results] == pytest.approx(expected.tolist())


def test_years_far_apart() -> None:
    frame = pd.DataFrame(
        {
            "city": ["A", "A", "B"],
            "year": [1, 10**9, 1],
            "gpc_ref": "I.1.1",
            "gas": "CO2",
            "emissions_value": [1.0, 2.0, 3.0],
            "emissions_unit": "t",
        }
    )
    results = compute(read_inventory_frame(frame))
    assert [(r.city, r.year, r.totals["basic"]) for r in results] == [
        ("A", 1, 1.0),
        ("A", 10**9, 2.0),
        ("B", 1, 3.0),
    ]


def test_blank_reference_number_is_missing() -> None:
    frame = clean()
    frame.loc[1, "gpc_ref"] = "   "
    frame.loc[2, "gpc_ref"] = np.nan
    with pytest.raises(InputError) as info:
        read_inventory_frame(frame, source="f.csv")
    assert str(info.value).startswith("f.csv: gpc_ref is missing in column 'gpc_ref' at rows 3, 4")


def test_one_problem_per_unit_combination_whatever_the_spelling() -> None:
    frame = clean()
    frame.loc[0, "ef_unit"] = "kg CH4/TJ"  # CO2 row, CH4 factor
    frame.loc[2, ["gas", "activity_unit", "ef_unit"]] = [" co2", "TJ", " kg CH4/TJ"]
    frame.loc[4, "emissions_unit"] = "kWh"
    with pytest.raises(InputError) as info:
        read_inventory_frame(frame, source="f.csv")
    text = str(info.value)
    assert "f.csv has 2 problems:" in text
    assert "names CH4 but the row's gas is CO2 in column 'ef_unit' at rows 2, 4" in text
    assert "'kWh' is not a mass unit" in text
    assert [w.row for w in info.value.where] == [2, 4, 6]


def test_unit_problems_in_order_of_first_appearance_among_checked_rows() -> None:
    # notation rows (not checked for units) name m3 and t CH4 first
    frame = pd.DataFrame(
        {
            "city": "S",
            "year": 2020,
            "gpc_ref": "I.1.1",
            "gas": ["N2O", "SF6", "CO2", "CH4", "N2O", "SF6"],
            "emissions_value": [N, N, 5.0, 5.0, 5.0, 5.0],
            "emissions_unit": ["m3", "t CH4", "kWh", "m3", "t CH4", "m3"],
            "notation_key": ["NO", "NE", None, None, None, None],
        }
    )
    with pytest.raises(InputError) as info:
        read_inventory_frame(frame)
    lines = str(info.value).splitlines()[1:]
    assert [line.split(" in column")[0] for line in lines] == [
        "  - 'kWh' is not a mass unit: write emissions in t, kg or kt",
        "  - 'm3' is not a mass unit: write emissions in t, kg or kt",
        "  - 'm3' is not a mass unit: write emissions in t, kg or kt",
        "  - unit 't CH4' names CH4 but the row's gas is N2O",
    ]
    assert [w.row for w in info.value.where] == [4, 5, 7, 6]
