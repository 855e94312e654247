"""After reading: every file's rows put together once, with holding ids, duplicate positions and
the contract check giving what file-by-file work gives."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from exclusionscreen.errors import ContractError
from exclusionscreen.holdings import _positions, load_holdings
from exclusionscreen.holdings._checks import checked_once
from exclusionscreen.holdings._columns import _check_distinct, check_identifiers
from exclusionscreen.holdings._positions import duplicate_positions
from exclusionscreen.identifiers import isin_check_digit

from .conftest import FIXTURES

_FALLBACK = ("ticker", "exchange", "security_name", "asset_class", "identifier")


def _isin(n: int) -> str:
    body = f"XS{n:09d}"
    return body + isin_check_digit(body)


def _string_keys(frame: pd.DataFrame) -> pd.Series:
    """The position key as text for every row: the first valid identifier, else the fallback
    parts joined with "|" (missing as ""). The reference the integer codes must agree with."""
    key = pd.Series(pd.NA, index=frame.index, dtype="string")
    for column in ("isin", "cusip", "sedol", "lei"):
        if column in frame.columns:
            values = frame[column].astype("string")
            ok = np.array(
                [_positions._CHECKS[column] is None or _positions._CHECKS[column](v) for v in values.fillna("")]
            )
            if column == "isin":
                ok = _positions._valid_isins(values).fillna(False).to_numpy(dtype=bool)
            key = key.fillna(values.where(ok & values.notna().to_numpy()))
    parts = [frame[c].astype("string").fillna("") for c in _FALLBACK if c in frame.columns]
    if parts:
        fallback = parts[0].str.cat(parts[1:], sep="|") if len(parts) > 1 else parts[0]
        key = key.fillna(fallback)
    return key


def _reference_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    key = _string_keys(frame)
    pair = frame["portfolio_id"].astype(object) + "\x00" + key.astype(object).fillna("\x01")
    dup = (pair.duplicated(keep=False) & key.notna()).to_numpy()
    found = frame.loc[dup, ["source_file", "source_row", "portfolio_id", "holding_id"]].copy()
    found["position_key"] = key[dup]
    return found.reset_index(drop=True)


def _random_positions(seed: int, rows: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def pick(values: list) -> list:
        return [values[i] for i in rng.integers(0, len(values), rows)]

    return pd.DataFrame(
        {
            "portfolio_id": pick(["A", "B", "C"]),
            "isin": pick([None, None, None, _isin(1), _isin(2), "XS0000000019"]),  # the last is invalid
            "ticker": pick([None, "", "T1", "T2", "A|B", "A"]),
            "exchange": pick([None, "", "XNYS", "B|C", "C"]),
            "security_name": pick([None, "APPLE INC", "ASML", ""]),
            "asset_class": pick([None, "equity", "cash"]),
            "source_file": "f.csv",
            "source_row": np.arange(rows) + 2,
            "holding_id": [f"h{i}" for i in range(rows)],
        }
    ).astype({c: "string" for c in ("portfolio_id", "isin", "ticker", "exchange", "security_name", "asset_class")})


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("counted", [True, False])
def test_positions_by_codes_equal_positions_by_joined_text(seed, counted, monkeypatch):
    if not counted:  # every range hashed rather than counted
        monkeypatch.setattr(_positions, "_COUNTED_FROM", -1)
    frame = _random_positions(seed)
    if seed % 2:  # no separator anywhere: the integer codes of the parts decide
        frame[["ticker", "exchange"]] = frame[["ticker", "exchange"]].replace({"A|B": "AB", "B|C": "BC"})
    if seed >= 4:  # no identifier column at all
        frame = frame.drop(columns="isin")
    found = duplicate_positions(frame)
    pd.testing.assert_frame_equal(found, _reference_duplicates(frame))
    assert len(found)


def test_the_fallback_key_counts_missing_parts_as_empty():
    frame = pd.DataFrame(
        {
            "portfolio_id": ["P"] * 6,
            "ticker": ["T1", "T1", "T1", None, "", "T2"],
            "exchange": [None, "", "XNYS", None, None, None],
            "security_name": ["APPLE INC", "APPLE INC", "APPLE INC", "USD CASH", "USD CASH", None],
            "asset_class": ["equity", "equity", "equity", "cash", None, None],
            "source_file": "f.csv",
            "source_row": [2, 3, 4, 5, 6, 7],
            "holding_id": list("abcdef"),
        },
        dtype="string",
    ).astype({"source_row": "int64"})
    found = duplicate_positions(frame)
    # a missing exchange and an empty one are the same; another exchange is another position;
    # a missing asset class is not "cash"
    assert found["source_row"].tolist() == [2, 3]
    assert found["position_key"].tolist() == ["T1||APPLE INC|equity"] * 2
    assert found["position_key"].dtype == "string"


def test_a_separator_inside_a_value_joins_keys_as_the_text_does():
    frame = pd.DataFrame(
        {
            "portfolio_id": ["P", "P", "P"],
            "ticker": ["A|B", "A", "A"],
            "exchange": ["C", "B|C", "B"],
            "source_file": "f.csv",
            "source_row": [2, 3, 4],
            "holding_id": ["a", "b", "c"],
        }
    )
    found = duplicate_positions(frame)
    assert found["position_key"].tolist() == ["A|B|C", "A|B|C"]


def test_a_fallback_of_one_column_meets_an_identifier_of_the_same_text():
    frame = pd.DataFrame(
        {
            "portfolio_id": ["P", "P"],
            "isin": [_isin(7), None],
            "ticker": [None, _isin(7)],
            "source_file": "f.csv",
            "source_row": [2, 3],
            "holding_id": ["a", "b"],
        }
    )
    assert duplicate_positions(frame)["position_key"].tolist() == [_isin(7)] * 2


def test_no_identifier_in_any_row_is_checked_once_with_the_same_result():
    frame = pd.DataFrame(
        {
            "isin": pd.Series([None] * 4, dtype="string"),
            "country": ["US", "CA", None, "US"],
            "asset_class": ["equity", "cash", "equity", None],
        }
    )
    pd.testing.assert_frame_equal(check_identifiers(frame), _check_distinct(frame))
    without = frame.drop(columns="isin")
    pd.testing.assert_frame_equal(check_identifiers(without), _check_distinct(without))
    assert check_identifiers(without)[["isin", "cusip", "sedol", "lei", "identifier_issues"]].isna().all().all()


def _csv(path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_holding_id_repeated_across_files_is_kept_with_its_line(tmp_path):
    _csv(tmp_path / "a.csv", ["Position ID,ISIN,Name,Weight", f"L-1,{_isin(1)},ONE,50", f"L-2,{_isin(2)},TWO,50"])
    _csv(tmp_path / "b.csv", ["Position ID,ISIN,Name,Weight", f"L-3,{_isin(3)},THREE,50", f"L-1,{_isin(1)},ONE,50"])
    frame, report = load_holdings(tmp_path)
    assert frame["holding_id"].tolist() == ["L-1#2", "L-2", "L-3", "L-1#3"]
    said = [w for w in report.warnings if "repeat a holding id" in w]
    assert len(said) == 2 and all("1 rows" in w and "'L-1'" in w for w in said)
    assert "a.csv: 1 rows repeat" in said[0] and "b.csv: 1 rows repeat" in said[1]


def test_files_of_one_name_in_one_portfolio_are_told_apart_by_position(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        _csv(tmp_path / folder / "fund.csv", ["ISIN,Name,Weight", f"{_isin(1)},ONE,100"])
    frame, _ = load_holdings([tmp_path / "x" / "fund.csv", tmp_path / "y" / "fund.csv"], portfolio_id="P")
    assert frame["holding_id"].tolist() == ["P:fund.csv#1:2", "P:fund.csv#2:2"]


def _workbook(path, sheets: dict[str, list[str]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, isins in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(["ISIN", "Security Name", "Weight (%)"])
        for isin in isins:
            sheet.append([isin, f"HOLDING {isin}", 100 / len(isins)])
    book.save(path)
    return path


def test_duplicates_within_a_workbooks_sheets_are_reported_per_sheet(tmp_path):
    path = _workbook(
        tmp_path / "umbrella.xlsx", {"Fund 1": [_isin(1), _isin(1), _isin(2)], "Fund 2": [_isin(1), _isin(3), _isin(3)]}
    )
    frame, report = load_holdings(path)
    first, second = report
    assert first.duplicates["position_key"].tolist() == [_isin(1)] * 2
    assert first.duplicates["portfolio_id"].unique().tolist() == ["umbrella:Fund 1"]
    assert second.duplicates["position_key"].tolist() == [_isin(3)] * 2  # the ISIN of Fund 1 is another portfolio's
    assert second.duplicates["source_row"].tolist() == [3, 4]
    assert any("2 rows hold a position" in w for w in first.warnings)
    # one portfolio for every sheet: the position is held across the sheets, and both reports say so
    _, as_one = load_holdings(path, portfolio_id="U")
    assert [len(r.duplicates) for r in as_one] == [5, 5]
    assert as_one[0].duplicates["holding_id"].is_unique


def test_the_reports_of_files_without_duplicates_have_empty_tables_of_their_own():
    frame, report = load_holdings([FIXTURES / "ishares_style_en.csv", FIXTURES / "custodian_fractions.csv"])
    clean, doubled = report
    assert len(clean.duplicates) == 0 and list(clean.duplicates.columns) == list(doubled.duplicates.columns)
    assert clean.duplicates is not doubled.duplicates
    assert doubled.duplicates["source_row"].tolist() == [5, 6]


def _frame(position: int, rows: int = 3, weight: float = 0.1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "portfolio_id": pd.Series([f"fund_{position:04d}"] * rows, dtype="string"),
            "security_name": pd.Series([f"NAME {position}-{r}" for r in range(rows)], dtype="string"),
            "asset_class": pd.Series(["equity"] * rows, dtype="string"),
            "weight": [weight] * rows,
            "source_file": f"fund_{position:04d}.csv",
            "source_row": np.arange(rows, dtype=np.int64) + 11,
        }
    )


def test_a_contract_error_in_the_500th_file_names_that_file_and_line():
    frames = [_frame(i) for i in range(700)]
    frames[499] = _frame(499).assign(weight=[0.1, -3.0, 0.1])
    frames[650] = _frame(650).assign(weight=[5.0, 0.1, 0.1])  # a later file fails too
    labels = [f"fund_{i:04d}.csv" for i in range(700)]
    with pytest.raises(ContractError, match=r"(?s)^fund_0499\.csv: .*weight.*line 12: -3\.0") as caught:
        checked_once(frames, labels, labels, ["csv"] * 700)
    assert caught.value.failure_cases["source_row"].tolist() == [12]
    frame, notes = checked_once(frames[:499], labels[:499], labels[:499], ["csv"] * 499)
    assert len(frame) == 1497 and frame["holding_id"].iloc[-1] == "fund_0498:13" and notes == []


def test_a_contract_error_names_the_first_failing_file_of_a_folder(tmp_path):
    for i in range(12):
        weight = "-300" if i in (9, 11) else "100"
        _csv(tmp_path / f"f{i:02d}.csv", ["ISIN,Name,Weight", f"{_isin(i + 1)},NAME {i},{weight}"])
    with pytest.raises(ContractError, match=r"(?s)f09\.csv: .*line 2: -3\.0"):
        load_holdings(tmp_path)


def test_frames_checked_and_unchecked_together(tmp_path):
    typed = pd.DataFrame({"portfolio_id": ["T", "T"], "isin": [_isin(5), _isin(5)], "security_name": ["X", "X"]})
    _csv(tmp_path / "a.csv", ["CUSIP,Name,Weight,Country", "03783310,APPLE INC,100,US"])
    frame, report = load_holdings([typed, tmp_path / "a.csv", typed])
    assert frame["holding_id"].tolist() == ["T:<frame 1>:1", "T:<frame 1>:2", "a:2", "T:<frame 3>:1", "T:<frame 3>:2"]
    assert frame["portfolio_id"].tolist() == ["T", "T", "a", "T", "T"]
    assert frame.loc[2, "cusip"] == "037833100" and frame.loc[2, "isin"] == "US0378331005"  # checked after reading
    assert frame["holding_id"].is_unique
    # one portfolio T across both frames: its four rows hold one position, each frame reports its own
    assert [r.duplicates["source_row"].tolist() for r in report] == [[1, 2], [], [1, 2]]
    assert report[2].duplicates["holding_id"].tolist() == ["T:<frame 3>:1", "T:<frame 3>:2"]


def test_a_separator_is_found_in_any_chunk_of_a_column_and_only_in_its_own_rows():
    values = pd.Series(["A|B", "C", "D", None, "E"], dtype="string")
    assert _positions._may_hold(values, "|")
    assert not _positions._may_hold(values.iloc[1:], "|")  # a slice: its bytes only
    assert _positions._may_hold(pd.concat([values.iloc[1:3], values.iloc[:1]]), "|")
    small = pd.Series(pd.arrays.ArrowStringArray(pa.array(["x", "y|z"], type=pa.string())))
    assert _positions._may_hold(small, "|") and not _positions._may_hold(small.iloc[:1], "|")
    assert _positions._may_hold(pd.Series(["a", "b|c"], dtype=object), "|")
    assert not _positions._may_hold(pd.Series([None, None], dtype="string"), "|")


def test_a_failure_of_the_whole_alone_names_every_file():
    # one own id in two files on the same line: "X#11" twice, which neither file breaks alone
    frames = [_frame(i, rows=1).assign(holding_id=pd.Series(["X"], dtype="string")) for i in range(3)]
    frames[2] = _frame(2, rows=1)
    labels = ["a.csv", "b.csv", "c.csv"]
    with pytest.raises(ContractError, match=r"(?s)^3 files: .*holding_id.*field_uniqueness.*'X#11'"):
        checked_once(frames, labels, labels, ["csv"] * 3)
