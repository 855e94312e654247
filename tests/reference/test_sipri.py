"""The SIPRI readers read every sheet of the Top 100 and the whole trade register as SIPRI prints them."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from exclusionscreen.contracts import CountryExposure, Involvement, validate
from exclusionscreen.errors import InputFileError
from exclusionscreen.reference import (
    ReferenceDataWarning,
    deliveries_to_exposure,
    read_sipri_top100,
    read_sipri_trade_register,
)

from .conftest import TOP100, needs_shared

pytestmark = needs_shared


def test_top100_2022_rows_checked_by_hand(top100_2022):
    validate(top100_2022, Involvement)
    assert len(top100_2022) == 100
    rows = top100_2022.set_index("issuer_name")
    assert rows.loc["Lockheed Martin Corp.", "revenue_share"] == pytest.approx(59390 / 65984)
    assert rows.loc["Raytheon Technologies", "revenue_share"] == pytest.approx(39570 / 67074)
    assert rows.loc["Diehl", "country"] == "DE"
    assert rows.loc["Ultra Electronics Group", "rank"] == 100
    assert pd.isna(rows.loc["AECC", "revenue_share"])  # '. .' in the sheet
    assert rows.loc["Airbus", "country_name"] == "Trans-European"
    assert pd.isna(rows.loc["Airbus", "country"])
    assert set(top100_2022["category"]) == {"conventional_weapons"}
    assert set(top100_2022["involvement_type"]) == {"arms_revenue"}
    assert (top100_2022["evidence_date"] == pd.Timestamp("2022-12-31")).all()
    assert top100_2022["source"].eq("SIPRI Arms Industry Database, Top 100 for 2022").all()
    assert "59,390" in rows.loc["Lockheed Martin Corp.", "note"]


def test_sheets_of_every_layout_read_with_100_companies():
    # 2002 (no previous rank, trailing space), 2013 (bad figures), 2019 (MERGED!), 2023 (notes)
    years = (2002, 2013, 2019, 2023)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frames = {year: read_sipri_top100(TOP100, year) for year in years}
    assert {year: len(f) for year, f in frames.items()} == {y: 100 for y in years}
    assert frames[2023].set_index("issuer_name").loc["RTX", "revenue_share"] == pytest.approx(40660 / 68920)
    # Sheet '2002 ' (trailing space), no previous-rank column; a share printed as 100.3%.
    assert frames[2002].set_index("issuer_name").loc["United Defense Industries", "revenue_share"] == 1.0
    # 'CSIC - MERGED!' is printed in the 2019 sheet.
    csic = frames[2019].set_index("issuer_name").loc["CSIC"]
    assert "MERGED" in csic["note"] and csic["revenue_share"] == pytest.approx(0.1500206)
    # 2013: arms revenue 1150 against total revenue 316 for Sierra Nevada: left unknown.
    assert pd.isna(frames[2013].set_index("issuer_name").loc["Sierra Nevada Corp.", "revenue_share"])
    messages = [str(w.message) for w in caught if issubclass(w.category, ReferenceDataWarning)]
    assert len(messages) == 1 and "Sierra Nevada Corp." in messages[0]


def test_top100_errors_name_the_file():
    with pytest.raises(InputFileError, match="no sheet for 1999"):
        read_sipri_top100(TOP100, 1999)
    with pytest.raises(InputFileError, match="no such file"):
        read_sipri_top100(TOP100.with_name("missing.xlsx"), 2022)


def test_trade_register_rows_checked_by_hand(deliveries):
    assert len(deliveries) == 25024
    first = deliveries.iloc[0]
    assert (first["supplier"], first["supplier_country"], first["recipient"], first["recipient_country"]) == (
        "Albania",
        "AL",
        "Burkina Faso",
        "BF",
    )
    assert (first["designation"], first["number_delivered"], first["tiv_delivered"]) == ("PM-43 120mm", 12, 1.2)
    assert first["source_row"] == 13
    deal = deliveries[deliveries["deal_id"].eq("14150")]
    assert deal["delivery_year"].tolist() == [1999, 2000, 2001, 2002, 2003, 2004]
    assert set(deal["recipient_country"]) == {"PK"}
    houthis = deliveries[deliveries["recipient"].eq("Houthi rebels (Yemen)*")]
    assert len(houthis) and houthis["recipient_country"].isna().all()
    assert deliveries["source"].iloc[0].endswith("(data generated 12 Feb 2026 12:26:12 PM)")
    assert deliveries.loc[deliveries["recipient"].eq("Turkiye"), "recipient_country"].eq("TR").all()
    assert deliveries.loc[deliveries["recipient"].eq("DR Congo"), "recipient_country"].eq("CD").all()


def test_deliveries_become_exposure_of_sovereign_issuers(deliveries):
    issuers = pd.DataFrame(
        {"issuer_id": ["US-TREASURY", "ACME"], "issuer_type": ["sovereign", "corporate"], "country": ["US", "US"]}
    )
    exposure = deliveries_to_exposure(deliveries, issuers)
    validate(exposure, CountryExposure)
    assert set(exposure["issuer_id"]) == {"US-TREASURY"}
    us = deliveries[deliveries["supplier_country"].eq("US") & deliveries["recipient_country"].notna()]
    assert len(exposure) == len(us)
    saudi_2020 = exposure[exposure["recipient_country"].eq("SA") & exposure["year"].eq(2020)]
    assert len(saudi_2020) == 20
    assert saudi_2020["value"].sum() == pytest.approx(2137.64)
    assert (exposure["value_unit"] == "SIPRI TIV (millions)").all()


def test_trade_register_without_header_is_refused(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("Transfers of major conventional arms;\nnothing here;\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no header line"):
        read_sipri_trade_register(path)


def test_small_register_export_with_preamble_and_semicolons(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(
        "Transfers of major conventional arms;\nData generated: 1 Jan 2026;\n;\n"
        "SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,"
        "Order date,Order date is estimate,Numbers delivered,Numbers delivered is estimate,"
        "Delivery year,Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,"
        "TIV delivery values,Local production;\n"
        "1,Viet Nam,Soviet Union,Example-1,example gun,Artillery,2001,No,2,No,2002,No,New,"
        "1,1,2,No;\n",
        encoding="utf-8",
    )
    frame = read_sipri_trade_register(path)
    assert frame[["supplier_country", "delivery_year", "tiv_delivered"]].iloc[0].tolist() == ["VN", 2002, 2.0]
    assert pd.isna(frame["recipient_country"].iloc[0])
    assert frame["source_row"].iloc[0] == 5
