"""The other real files in ../shared/data/holdings load with the right rows, weights and values.

``EXPECTED`` states, per file, the number of holdings, the sum of the weights (as fractions) and
of the market values, and the currency of those values. Each figure was taken from the file by a
route independent of the loader, and each test recounts it the same way:

- N-PORT filing (XML, read with defusedxml's ElementTree): one holding per ``invstOrSec``
  element; market value the sum of ``valUSD``; weight the sum of ``pctVal`` (percent of net
  assets) divided by 100; values in USD (the element's name says so). The fund holds more than
  its net assets (derivatives and delayed-delivery bonds), so its weights sum to about 104 %.
- Vanguard VWRD (CSV, read with the csv module): the records with as many fields as the header
  row ``Holding name,% of funds,Market value,Shares`` (4), minus the header; weight the sum of
  ``% of funds`` with its ``="..%"`` wrapper removed, divided by 100; value the sum of
  ``Market value`` with ``$`` and thousands commas removed. The file names no other dollar (its
  title reads "(USD) Distributing"), so ``$`` is read as USD.
- Xtrackers (XLSX, openpyxl): the rows below the header of the only sheet whose ``ISIN`` cell
  is filled; weight the sum of ``Weighting`` (stored as fractions); no market value column.
- iShares DE (CSV, csv module): the records with 12 fields, minus the header; ``Marktwert`` and
  ``Gewichtung (%)`` read in the German format (``.`` groups thousands, ``,`` is the decimal).
- NBIM (XLSX, openpyxl): the rows below the header with a ``Name``; value the sum of the first
  market value column, ``Market Value(NOK)`` (its header names NOK). The file has no weights:
  ``Voting`` and ``Ownership`` are NBIM's shares of each company, not portfolio weights.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import defusedxml.ElementTree as DET
import openpyxl
import pandas as pd
import pytest

from exclusionscreen.holdings import load_holdings

from .conftest import SHARED_HOLDINGS, needs_shared

pytestmark = needs_shared

NPORT = "nport_goldman_sachs_bond_fund_2023-03-31.xml"
VANGUARD = "vanguard_uk_ftse_all_world_VWRD_2020-07-31.csv"
XTRACKERS = "xtrackers_dws_IE000YKHGYN2_italian_2026-07-04.xlsx"
ISHARES_DE = "ishares_de_stoxx_europe_600_EXSA_2022-02-24.csv"
NBIM = "nbim_gpfg_equity_holdings_2025-06-30_EQ_Industry.xlsx"

EXPECTED = {  # file: (holdings, weight sum, market value sum, values' currency)
    NPORT: (1685, 1.039324, 376_129_711.56, "USD"),
    VANGUARD: (3458, 0.986097, 5_912_196_273.0, "USD"),
    XTRACKERS: (1960, 1.0, None, None),
    ISHARES_DE: (613, 0.9996, 6_336_011_841.97, None),
    NBIM: (8374, None, 14_045_380_821_901.0, "NOK"),
}


def _nport(path) -> tuple[int, float, float]:
    root = DET.parse(path).getroot()
    ns = {"n": "http://www.sec.gov/edgar/nport"}
    items = root.findall("n:formData/n:invstOrSecs/n:invstOrSec", ns)
    value = sum(Decimal(i.find("n:valUSD", ns).text) for i in items)
    pct = sum(Decimal(i.find("n:pctVal", ns).text) for i in items)
    return len(items), float(pct / 100), float(value)


def _csv_records(path, width: int) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [r for r in csv.reader(handle) if len(r) == width][1:]


def _vanguard(path) -> tuple[int, float, float]:
    rows = _csv_records(path, 4)
    weight = sum(Decimal(r[1].strip('="%')) for r in rows) / 100
    value = sum(Decimal(r[2].replace("$", "").replace(",", "")) for r in rows)
    return len(rows), float(weight), float(value)


def _german(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def _ishares_de(path) -> tuple[int, float, float]:
    rows = _csv_records(path, 12)
    weight = sum(_german(r[5]) for r in rows) / 100
    value = sum(_german(r[4]) for r in rows)
    return len(rows), float(weight), float(value)


def _sheet_rows(path) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def _xtrackers(path) -> tuple[int, float, None]:
    header, *rows = _sheet_rows(path)
    isin, weight = header.index("ISIN"), header.index("Weighting")
    held = [r for r in rows if r[isin]]
    return len(held), sum(r[weight] for r in held), None


def _nbim(path) -> tuple[int, None, float]:
    header, *rows = _sheet_rows(path)
    name, value = header.index("Name"), header.index("Market Value(NOK)")
    held = [r for r in rows if r[name]]
    return len(held), None, float(sum(r[value] for r in held))


COUNTERS = {NPORT: _nport, VANGUARD: _vanguard, XTRACKERS: _xtrackers, ISHARES_DE: _ishares_de, NBIM: _nbim}


@pytest.fixture(scope="module")
def loaded() -> tuple[pd.DataFrame, object]:
    frame, loaded_report = load_holdings([SHARED_HOLDINGS / name for name in EXPECTED])
    return frame, loaded_report


def _of(loaded, name: str) -> tuple[pd.DataFrame, object]:
    frame, report = loaded
    file_report = report[name]
    return frame[frame["source_file"] == file_report.path], file_report


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_expectations_are_the_files_own(name):
    holdings, weight, value, _ = EXPECTED[name]
    counted = COUNTERS[name](SHARED_HOLDINGS / name)
    assert counted[0] == holdings
    assert (counted[1] is None) == (weight is None)
    if weight is not None:
        assert counted[1] == pytest.approx(weight, abs=5e-6)
    assert (counted[2] is None) == (value is None)
    if value is not None:
        assert counted[2] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_file_loads_with_its_rows_weights_and_values(name, loaded):
    holdings, weight, value, currency = EXPECTED[name]
    frame, report = _of(loaded, name)
    assert len(frame) == report.holdings == holdings
    assert report.rows_read == report.holdings + len(report.skipped)
    if weight is None:
        assert frame["weight"].isna().all()
    else:
        assert frame["weight"].sum() == pytest.approx(weight, abs=5e-6)
        assert frame["weight"].notna().all()
    if value is None:
        assert frame["market_value"].isna().all()
    else:
        assert frame["market_value"].sum() == pytest.approx(value, rel=1e-9)
    if currency is None:
        assert "market_value_currency" not in frame or frame["market_value_currency"].isna().all()
    else:
        assert (frame["market_value_currency"] == currency).all()


def test_nport_identifiers_and_categories(loaded):
    frame, report = _of(loaded, NPORT)
    assert report.format == "nport" and report.as_of == pd.Timestamp("2023-03-31")
    assert (frame["as_of"] == pd.Timestamp("2023-03-31")).all()
    root = DET.parse(SHARED_HOLDINGS / NPORT).getroot()
    ns = {"n": "http://www.sec.gov/edgar/nport"}
    items = root.findall("n:formData/n:invstOrSecs/n:invstOrSec", ns)
    isins = sum(1 for i in items if i.find("n:identifiers/n:isin", ns) is not None)
    leis = sum(1 for i in items if (i.findtext("n:lei", "", ns) or "N/A") != "N/A")
    placeholders = sum(1 for i in items if i.findtext("n:cusip", "", ns) == "000000000")
    assert frame["isin"].notna().sum() >= isins  # given ones, plus those derived from US CUSIPs
    assert frame["lei"].notna().sum() == leis == 1588
    assert placeholders > 0 and not (frame["cusip"] == "000000000").any()
    assert frame["other_identifiers"].str.startswith("Trade Identifier: ").sum() > 0
    sovereign = frame[frame["issuer_type"] == "sovereign"]
    assert set(sovereign["issuer_category"]) == {"NUSS", "UST"}
    assert (sovereign["issuer_category"] == "NUSS").sum() == 23  # the 23 foreign sovereign bonds
    assert (sovereign["asset_class"] == "fixed_income").all()
    forwards = sum(1 for i in items if i.findtext("n:assetCat", "", ns) == "DFE")
    fx = frame[frame["asset_class_raw"] == "DFE"]
    assert (fx["asset_class"] == "fx").all() and len(fx) == forwards == 644


def test_column_roles_from_header_words_are_reported(loaded):
    _, vanguard = _of(loaded, VANGUARD)
    assert vanguard.column_mapping["% of funds"] == "weight"
    assert "% of funds: header words, content: numbers summing to" in vanguard.details["col. rules"]
    _, nbim = _of(loaded, NBIM)
    assert nbim.column_mapping["Market Value(NOK)"] == "market_value"
    assert "Ownership" in nbim.unmapped_columns and "Voting" in nbim.unmapped_columns
    _, xtrackers = _of(loaded, XTRACKERS)
    assert xtrackers.column_mapping["Type of Security"] == "asset_class"


def test_companies_named_future_are_not_futures(loaded):
    frame, _ = _of(loaded, VANGUARD)
    row = frame[frame["security_name"] == "Future Retail Ltd."]
    assert len(row) == 1 and pd.isna(row["asset_class"].iloc[0])
