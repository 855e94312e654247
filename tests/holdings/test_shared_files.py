"""The iShares and SPDR files in ../shared/data/holdings load with the right number of holdings.

The test names the files it checks (``CHECKED``); other files in the folder have tests of their own.

The expected counts were taken from the files themselves, by a route independent of the
loader, and each test recounts them the same way:

- iShares CSVs: the records that have as many fields as the header row (15 for IVV, 12 for the
  UCITS files), minus the header itself. Preamble lines have two fields, blank lines and the
  legal footer one.
- SPDR 2024 workbook: the rows below the header whose ``Identifier`` cell holds a 9-character
  CUSIP (the table has no other kind of row).
- SPDR 2021 user-edited workbook: rows 2-511 of sheet ``holdings`` (the block above the first
  blank row) minus the two rows without a ticker ("The GLD prospectus is available by
  clicking" / "here.") that the editor sorted into the table.
"""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from exclusionscreen.holdings import load_holdings, load_report
from exclusionscreen.identifiers import is_valid_cusip, isin_from_cusip

from .conftest import SHARED_HOLDINGS, needs_shared

pytestmark = needs_shared

ISHARES = {  # file: (fields per table row, holdings counted by hand once)
    "IVV_holdings_2023-04-06.csv": (15, 507),
    "SWDA_holdings.csv": (12, 1342),
    "iesg_holdings.csv": (12, 131),
    "weqw_holdings.csv": (12, 1260),
}


def count_table_records(path, width: int) -> int:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return sum(1 for record in csv.reader(handle) if len(record) == width) - 1


def count_spy_2024(path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book["holdings"].iter_rows(min_row=6, values_only=True))
    book.close()
    return sum(1 for row in rows if isinstance(row[2], str) and len(row[2].strip()) == 9)


def count_spy_2021(path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book["holdings"].iter_rows(min_row=2, max_row=511, values_only=True))
    book.close()
    return sum(1 for row in rows if row[1] is not None)


SPDR = ("spy_holdings_2024-05-10.xlsx", "spy_holdings_2021_user_edited.xlsx")
CHECKED = (*sorted(ISHARES), *SPDR)


@pytest.fixture(scope="module")
def loaded_files():
    return load_holdings([SHARED_HOLDINGS / name for name in CHECKED])


@pytest.fixture(scope="module")
def loaded(loaded_files) -> dict[str, pd.DataFrame]:
    frame, report = loaded_files
    return {r.path.rsplit("/", 1)[-1]: frame[frame["source_file"] == r.path] for r in report}


@pytest.fixture(scope="module")
def reports(loaded_files, loaded) -> dict:
    return {name: load_report(loaded_files)[name] for name in loaded}


@pytest.mark.parametrize("name", sorted(ISHARES))
def test_ishares_counts(name, loaded, reports):
    width, counted = ISHARES[name]
    assert count_table_records(SHARED_HOLDINGS / name, width) == counted
    assert len(loaded[name]) == counted == reports[name].holdings


def test_spdr_counts(loaded, reports):
    spy24 = "spy_holdings_2024-05-10.xlsx"
    spy21 = "spy_holdings_2021_user_edited.xlsx"
    assert count_spy_2024(SHARED_HOLDINGS / spy24) == len(loaded[spy24]) == 504
    assert count_spy_2021(SHARED_HOLDINGS / spy21) == len(loaded[spy21]) == 508


def test_every_row_is_accounted_for(reports):
    assert sorted(reports) == sorted(CHECKED)
    for report in reports.values():
        assert report.rows_read == report.holdings + len(report.skipped), report.path


def test_weights_sum_to_about_100_percent(loaded, reports):
    for name, frame in loaded.items():
        assert frame["weight"].sum() == pytest.approx(1.0, abs=0.002), name
        assert reports[name].weight_sum == pytest.approx(frame["weight"].sum())
        assert frame["weight"].between(-1, 1).all()


def test_no_preamble_or_footer_text_among_the_holdings(loaded, reports):
    for name, frame in loaded.items():
        names = frame["security_name"].dropna()
        assert names.str.len().max() < 60, name
        texts = reports[name].skipped["text"].dropna()
        assert not names.isin(texts).any(), name
        for fragment in (
            "Fund Holdings as of",
            "The content contained",
            "Past performance",
            "prospectus",
            "Ticker Symbol",
        ):
            assert not names.str.contains(fragment, case=False, regex=False).any(), (name, fragment)


def test_preambles_and_footers_are_reported(reports):
    ivv = reports["IVV_holdings_2023-04-06.csv"]
    assert ivv.header_row == 10 and ivv.table_end_row == 517
    assert ivv.skipped_by_reason == {"preamble": 8, "blank": 2, "header": 1, "disclaimer": 1}
    assert ivv.skipped["text"].iloc[-1].startswith("The content contained herein")
    swda = reports["SWDA_holdings.csv"]
    assert swda.header_row == 1 and swda.skipped_by_reason == {"header": 1, "blank": 1}
    spy24 = reports["spy_holdings_2024-05-10.xlsx"]
    assert spy24.header_row == 5 and spy24.table_end_row == 509
    assert spy24.skipped_by_reason["preamble"] == 3
    spy21 = reports["spy_holdings_2021_user_edited.xlsx"]
    assert spy21.sheet == "holdings" and spy21.sheets == ("holdings", "Suggestion1")
    inside = spy21.skipped.set_index("source_row").loc[[274, 275], "reason"]
    assert inside.tolist() == ["disclaimer", "disclaimer"]
    assert "Column1" in spy21.unmapped_columns


def test_as_of_dates_stated_in_the_files(reports):
    assert reports["IVV_holdings_2023-04-06.csv"].as_of == pd.Timestamp("2023-04-06")
    assert reports["weqw_holdings.csv"].as_of == pd.Timestamp("2025-09-17")
    assert reports["spy_holdings_2024-05-10.xlsx"].as_of == pd.Timestamp("2024-05-10")
    assert reports["SWDA_holdings.csv"].as_of is None  # its preamble was cut off


def test_spdr_identifiers_are_completed_and_derived(loaded):
    for name in ("spy_holdings_2024-05-10.xlsx", "spy_holdings_2021_user_edited.xlsx"):
        frame = loaded[name]
        securities = frame[frame["asset_class"].isna()]
        assert securities["cusip"].map(is_valid_cusip).all(), name
        north_american = securities["cusip"].str[0].str.isdigit()
        expected = securities.loc[north_american, "cusip"].map(isin_from_cusip)
        assert (securities.loc[north_american, "isin"] == expected).all(), name
        assert securities.loc[~north_american, "isin"].isna().all(), name
    completed = loaded["spy_holdings_2021_user_edited.xlsx"]["identifier_issues"]
    assert completed.str.contains("8 characters, check digit completed").sum() == 506


def test_ishares_asset_classes_and_countries(loaded):
    ivv = loaded["IVV_holdings_2023-04-06.csv"]
    assert ivv["asset_class"].value_counts().to_dict() == {
        "equity": 503,
        "money_market": 1,
        "cash": 1,
        "collateral": 1,
        "futures": 1,
    }
    assert (ivv.loc[ivv["asset_class"] == "equity", "country"] == "US").all()
    iesg = loaded["iesg_holdings.csv"]
    assert set(iesg["asset_class"]) == {"equity", "cash", "money_market", "collateral", "fx", "futures"}
    swda = loaded["SWDA_holdings.csv"]
    assert (
        swda["country"].notna().sum() == (swda["country_raw"].notna() & (swda["country_raw"] != "European Union")).sum()
    )


def test_the_report_prints(reports):
    text = str(reports["IVV_holdings_2023-04-06.csv"])
    assert "header row 10, last holding on row 517" in text
    assert "519 read = 507 holdings + 12 skipped" in text
