"""The load report travels beside the holdings: the Skipped and About sheets describe what was screened."""

from __future__ import annotations

import pickle

import openpyxl
import pandas as pd
import pytest

import exclusionscreen as xs
from exclusionscreen._resources import bundled_dir

SAMPLE = bundled_dir("sample_portfolios")
AS_OF = "2026-09-30"


@pytest.fixture(scope="module")
def sample():
    loaded = xs.load_holdings(sorted(p for p in (SAMPLE / "2026Q3").iterdir() if p.suffix in {".csv", ".xlsx"}))
    return loaded, xs.load_universe(SAMPLE / "universe"), xs.load_policy(SAMPLE / "fund_policy.yaml")


def _screen(holdings, sample, **options):
    _, universe, policy = sample
    return xs.screen(holdings, universe, policy, as_of=AS_OF, **options)


def _holdings_inputs(result) -> pd.DataFrame:
    return result.inputs[result.inputs["kind"] == "holdings"]


def test_a_load_result_screens_as_its_frame_with_its_report(sample):
    loaded = sample[0]
    whole = _screen(loaded, sample)
    apart = _screen(loaded.holdings, sample, load_report=loaded.report)
    pd.testing.assert_frame_equal(whole.skipped, apart.skipped)
    pd.testing.assert_frame_equal(whole.inputs.drop(columns="sha256"), apart.inputs.drop(columns="sha256"))
    pd.testing.assert_frame_equal(whole.holdings, apart.holdings)
    # every file, every skipped row, and each file's rows as read
    assert len(whole.skipped) == len(loaded.report.skipped) == 38
    rows = _holdings_inputs(whole).set_index("path")["rows"]
    assert rows.to_dict() == {f.path: f.rows_read for f in loaded.report}


def test_a_frame_alone_has_no_skipped_rows_and_no_holdings_files(sample):
    result = _screen(sample[0].holdings, sample)
    assert result.skipped.empty and list(result.skipped.columns) == ["source_file", "source_row", "reason", "text"]
    assert _holdings_inputs(result).empty


def test_one_file_kept_gives_only_that_files_skipped_rows_and_input(sample):
    holdings, report = sample[0]
    kept = report[1].path  # global_equity.csv
    result = _screen(holdings[holdings["source_file"] == kept], sample, load_report=report)
    assert set(result.skipped["source_file"]) == {kept}
    assert len(result.skipped) == len(report[1].skipped) == 12
    assert _holdings_inputs(result)["path"].tolist() == [kept]
    assert _holdings_inputs(result)["rows"].tolist() == [report[1].rows_read]


def test_rows_filtered_out_of_a_file_are_not_counted_as_its_rows(sample):
    holdings, report = sample[0]
    equity = report[1]
    dropped = holdings.index[holdings["source_file"] == equity.path][:5]
    result = _screen(holdings.drop(index=dropped), sample, load_report=report)
    rows = _holdings_inputs(result).set_index("path")["rows"]
    assert rows[equity.path] == equity.rows_read - 5 == equity.holdings - 5 + len(equity.skipped)
    assert rows[report[0].path] == report[0].rows_read  # the other files are whole
    assert len(result.skipped) == len(report.skipped)  # every file is still present


def test_the_workbook_of_a_filtered_screen_describes_only_what_was_screened(sample, tmp_path):
    holdings, report = sample[0]
    kept = report[0].path  # corporate_bonds.xlsx
    result = _screen(holdings[holdings["source_file"] == kept], sample, load_report=report)
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "one_file.xlsx"), read_only=True)
    skipped = list(book["Skipped"].iter_rows(min_row=2, values_only=True))
    assert len(skipped) == len(report[0].skipped) and {r[0] for r in skipped} == {kept}
    about = [r[1] for r in book["About"].iter_rows(values_only=True) if r and r[0] == "holdings"]
    assert about == [kept]
    book.close()


def test_the_report_is_given_once(sample):
    loaded = sample[0]
    with pytest.raises(xs.ArgumentError, match="carries its own report"):
        _screen(loaded, sample, load_report=loaded.report)
    with pytest.raises(xs.ArgumentError, match="expected a LoadReport"):
        _screen(loaded.holdings, sample, load_report=loaded.holdings)


def test_a_load_result_pickles_and_its_frame_carries_no_attrs(sample):
    loaded = sample[0]
    assert loaded.holdings.attrs == {}
    again = pickle.loads(pickle.dumps(loaded))
    pd.testing.assert_frame_equal(again.holdings, loaded.holdings)
    assert [f.path for f in again.report] == [f.path for f in loaded.report]
