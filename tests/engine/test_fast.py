"""The column operations behind the screen give what the plain pandas operations give."""

import numpy as np
import pandas as pd
import pytest

from exclusionscreen._fast import distinct_rows, isin, lookup, spans


@pytest.mark.parametrize("key_type", ["string", "str", "object"])
@pytest.mark.parametrize("index_type", ["string", "str"])
def test_lookup_finds_what_map_finds_whatever_the_text_types(key_type, index_type):
    table = pd.Series(["Acme", "Brackenfold"], index=pd.Index(["I1", "I2"], dtype=index_type))
    keys = pd.Series(["I2", None, "I9", "I1"], index=[10, 11, 12, 13], dtype=key_type)
    got = lookup(keys, table)
    assert got.index.tolist() == [10, 11, 12, 13]
    assert got.tolist()[0] == "Brackenfold" and got.tolist()[3] == "Acme"
    assert got.isna().tolist() == [False, True, True, False]


def test_lookup_in_an_empty_table_finds_nothing():
    keys = pd.Series(["I1", None], dtype="string", name="issuer_id")
    table = pd.Series([], dtype="str")
    got = lookup(keys, table)
    assert got.isna().all() and len(got) == 2
    assert got.dtype == table.dtype and got.name == "issuer_id"


def test_isin_matches_pandas_and_never_finds_missing():
    values = pd.Series(["a", None, "b", "c"], dtype="string")
    assert isin(values, {"a", "c"}).tolist() == [True, False, False, True]
    assert isin(values, pd.Series(["b", None], dtype="str")).tolist() == [False, False, True, False]


def test_distinct_rows_give_every_row_back():
    frame = pd.DataFrame({"a": ["x", "y", "x", None, None], "b": ["1", "2", "1", None, "3"]})
    codes, first = distinct_rows(frame)
    assert codes.tolist() == [0, 1, 0, 2, 3]
    assert first.tolist() == [0, 1, 3, 4]
    back = frame.iloc[first].reset_index(drop=True).take(codes).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, frame)
    assert np.array_equal(distinct_rows(frame.iloc[:0])[0], np.zeros(0))


def test_spans_lists_each_run_in_turn():
    assert spans(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]
    assert spans(np.array([], dtype=int), np.array([], dtype=int)).tolist() == []
