"""Text columns as codes into distinct values, and distinct combinations of code columns."""

import numpy as np
import pandas as pd
import pytest

from kizuna.inventory.columns import CodedColumn, combine_codes, dense_codes, text_codes


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_text_codes_strip_and_merge_blanks(dtype: str) -> None:
    raw = pd.Series(["a", " a", None, "b ", "  ", "", "a"], dtype=dtype)
    column = text_codes(pd.DataFrame({"x": raw}), "x")
    assert column.values[column.codes].tolist() == ["a", "a", "", "b", "", "", "a"]
    assert len(set(column.values)) == len(column.values)
    assert column.blank().tolist() == [False, False, True, False, True, True, False]


def test_text_codes_of_numbers_and_absent_columns() -> None:
    df = pd.DataFrame({"n": [2019, 2020, 2019]})
    assert text_codes(df, "n").values[text_codes(df, "n").codes].tolist() == [
        "2019",
        "2020",
        "2019",
    ]
    absent = text_codes(df, "nothing")
    assert absent.blank().all()
    assert len(absent.codes) == 3


def test_map_merges_equal_results_and_missing() -> None:
    column = CodedColumn(np.array([0, 1, 2, 3, 1]), np.array(["co2", "CO2", "x", ""], dtype=object))
    mapped = column.map(lambda v: {"co2": "CO2", "CO2": "CO2"}.get(v))
    assert len(mapped.values) == 2
    assert mapped.codes[0] == mapped.codes[1] == mapped.codes[4]
    assert mapped.codes[2] == mapped.codes[3]
    assert pd.isna(mapped.values[mapped.codes[2]])


def test_categorical_is_sorted_and_has_only_used_values() -> None:
    column = CodedColumn(np.array([2, 0, 2]), np.array(["b", "unused", "a", None], dtype=object))
    cat = column.categorical()
    assert list(cat.categories) == ["a", "b"]
    assert cat.tolist() == ["a", "b", "a"]
    expected = pd.Categorical(np.array(["a", "b", "a"], dtype=object))
    assert cat.dtype == expected.dtype


def test_strings_is_pandas_text() -> None:
    column = CodedColumn(np.array([1, 0, 1]), np.array(["x", None], dtype=object))
    out = column.strings()
    assert str(out.dtype) == "str"
    assert pd.isna(out[0])
    assert out[1] == "x"


def test_first_seen_ranks_values_by_first_appearance() -> None:
    column = CodedColumn(np.array([2, 2, 0, 2]), np.array(["a", "b", "c"], dtype=object))
    assert column.first_seen().tolist() == [1, 3, 0]


@pytest.mark.parametrize("span", [10, 10**12])
def test_dense_codes_table_and_sort_agree(span: int) -> None:
    key = np.array([7, 3, 7, 9, 3]) * (span // 10)
    rank, distinct = dense_codes(key, span)
    assert distinct.tolist() == sorted(set(key.tolist()))
    assert distinct[rank].tolist() == key.tolist()


@pytest.mark.parametrize("size", [4, 2**25])
def test_combine_codes_sorted_by_columns(size: int) -> None:
    rng = np.random.default_rng(0)
    codes = [rng.integers(0, 4, 200) for _ in range(3)]
    combination, parts = combine_codes(codes, [size, size, size])
    triples = list(zip(*(p.tolist() for p in parts), strict=True))
    assert triples == sorted(set(zip(*(c.tolist() for c in codes), strict=True)))
    for k in range(3):
        assert np.array_equal(parts[k][combination], codes[k])
