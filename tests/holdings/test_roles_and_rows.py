"""Column roles from header words and content; rows that carry an identifier or a value are kept."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from exclusionscreen.errors import InputFileError
from exclusionscreen.holdings import load_holdings, load_report
from exclusionscreen.holdings._roles import confirm, header_currency, role_from_words
from exclusionscreen.identifiers import isin_check_digit

DEPOT = """Depotauszug;Depot 1234567
Stand;30.06.2025

ISIN;Wertpapierbezeichnung;Stück;Kurs;Kurswert in EUR;Anteil in %
DE0007164600;SAP SE;120;250,10;30.012,00;60,00
DE0008404005;ALLIANZ SE;70;285,90;20.013,00;40,00
"""


def test_a_german_depot_export_loads_without_a_column_map(tmp_path):
    path = tmp_path / "depot.csv"
    path.write_text(DEPOT, encoding="utf-8")
    frame, loaded_report = load_holdings(path)
    report = loaded_report[0]
    assert report.column_mapping == {
        "ISIN": "isin",
        "Wertpapierbezeichnung": "security_name",
        "Stück": "quantity",
        "Kurs": "price",
        "Kurswert in EUR": "market_value",
        "Anteil in %": "weight",
    }
    assert frame["market_value"].tolist() == [30012.0, 20013.0]
    assert frame["weight"].tolist() == [0.6, 0.4]
    assert (frame["market_value_currency"] == "EUR").all()
    assert (
        "Kurswert in EUR: header words, content: 100% of values are numbers (90% sure, values in EUR)"
        in (report.details["col. rules"])
    )


def test_a_custodian_workbook_keeps_mkt_val_pct_of_nav_and_the_trailing_cash_line(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Custodian statement"])
    sheet.append([])
    sheet.append(["Security ISIN", "Security Description", "Mkt Val (EUR)", "% of NAV"])
    sheet.append(["US0378331005", "APPLE INC", 600000.0, 60.0])
    sheet.append(["NL0010273215", "ASML HOLDING", 300000.0, 30.0])
    sheet.append([None, "EUR CASH", 100000.0, 10.0])
    book.save(tmp_path / "custodian.xlsx")
    frame, loaded_report = load_holdings(tmp_path / "custodian.xlsx")
    report = loaded_report[0]
    assert report.column_mapping["Mkt Val (EUR)"] == "market_value"
    assert report.column_mapping["% of NAV"] == "weight"
    assert len(frame) == 3 and frame["weight"].sum() == pytest.approx(1.0)
    cash = frame.iloc[-1]
    assert cash["security_name"] == "EUR CASH" and cash["asset_class"] == "cash" and cash["market_value"] == 100000.0


def test_rows_with_a_valid_isin_and_no_value_at_the_end_are_holdings(tmp_path):
    path = tmp_path / "trail.csv"
    path.write_text(
        "ISIN,Name,Market Value,Weight\n"
        "US0378331005,APPLE INC,600,60\n"
        "NL0010273215,ASML,300,30\n"
        "DE0007164600,SAP SE,,\n"
        "DE0008404005,ALLIANZ SE,,\n"
        "DE0008404006,NOT AN ISIN (check digit),,\n"
        "This document is for information only,,,\n",
        encoding="utf-8",
    )
    frame, loaded_report = load_holdings(path)
    report = loaded_report[0]
    assert frame["isin"].tolist() == ["US0378331005", "NL0010273215", "DE0007164600", "DE0008404005"]
    assert report.skipped["source_row"].tolist() == [1, 6, 7]
    assert report.accounted


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Mkt Val (EUR)", "market_value"),
        ("% of NAV", "weight"),
        ("% of funds", "weight"),
        ("Wertpapierbezeichnung", "security_name"),
        ("Kurswert in EUR", "market_value"),
        ("Holding Ticker", "ticker"),
        ("Shares/Par Value", "quantity"),
        ("valorisation", "market_value"),
        ("controvalore", "market_value"),
        ("poids", "weight"),
        ("libellé", "security_name"),
        ("Type of Security", "asset_class"),
        ("Position ID", "holding_id"),
        ("Accrual Date", None),
        ("Ownership", None),
        ("Voting", None),
    ],
)
def test_roles_from_header_words(header, role):
    assert role_from_words(header) == role


def test_currency_named_in_a_header():
    assert header_currency("Market Value(USD)") == "USD"
    assert header_currency("Kurswert in EUR") == "EUR"
    assert header_currency("Marktwert €") == "EUR"
    assert header_currency("Market value $") is None  # several currencies use "$"
    assert header_currency("Value Date") is None


def test_content_confirms_or_refutes_a_role():
    assert confirm("weight", pd.Series(["60", "40"], dtype="string"))[0] is True
    assert confirm("weight", pd.Series(["0.6", "0.4"], dtype="string"))[0] is True
    assert confirm("weight", pd.Series(["6000", "4000"], dtype="string"))[0] is False
    assert confirm("market_value", pd.Series(["APPLE", "ASML"], dtype="string"))[0] is False
    assert confirm("isin", pd.Series(["US0378331005", "x"], dtype="string"))[0] is True


def test_a_refuted_header_guess_is_not_used(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("ISIN,Name,Valuation notes\nUS0378331005,APPLE INC,see annex\n", encoding="utf-8")
    report = load_report(load_holdings(path))[0]
    assert "Valuation notes" not in report.column_mapping
    assert any("'Valuation notes'" in n and "not used" in n for n in report.notes)


def test_owner_and_lock_files_in_a_folder_are_skipped_and_said_so(tmp_path):
    (tmp_path / "book.csv").write_text("ISIN,Name,Weight\nUS0378331005,APPLE INC,100\n", encoding="utf-8")
    (tmp_path / "~$book.xlsx").write_bytes(b"\x0bowner\x00" * 20)
    (tmp_path / ".~lock.book.csv#").write_text("user,host", encoding="utf-8")
    frame, loaded_report = load_holdings(tmp_path)
    assert len(frame) == 1
    assert any("~$book.xlsx: skipped, an office or editor lock file" in w for w in loaded_report.warnings)


def test_an_own_holding_id_column_is_kept_and_repeats_reported(tmp_path):
    path = tmp_path / "lots.csv"
    path.write_text(
        "Position ID,ISIN,Name,Weight\nL-1,US0378331005,APPLE INC,50\nL-2,NL0010273215,ASML,30\n"
        "L-2,DE0007164600,SAP SE,20\n",
        encoding="utf-8",
    )
    frame, loaded_report = load_holdings(path)
    assert frame["holding_id"].tolist() == ["L-1", "L-2#3", "L-2#4"]
    assert any("repeat a holding id" in w and "'L-2'" in w for w in loaded_report.warnings)


def test_a_typed_frame_takes_the_fast_lane():
    frame = pd.DataFrame(
        {
            "portfolio_id": ["A", "A", "B"],
            "isin": ["US0378331005", "NL0010273215", "US0378331005"],
            "security_name": ["APPLE INC", "ASML", "APPLE INC"],
            "weight": [0.6, 0.4, 1.0],
            "market_value": [60.0, 40.0, 10.0],
        }
    )
    loaded, report = load_holdings(frame)
    report = report[0]
    assert report.locale == "typed table" and report.weight_sums == {"A": 1.0, "B": 1.0}
    assert loaded["portfolio_id"].tolist() == ["A", "A", "B"]
    assert loaded["holding_id"].tolist() == ["A:1", "A:2", "B:3"]
    text = frame.assign(weight=frame["weight"].astype(str))  # numbers as text: the careful way
    assert load_report(load_holdings(text))[0].locale != "typed table"


def test_an_unclosed_quote_is_an_error_naming_its_line(tmp_path):
    lines = ["ISIN,Name,Weight"] + [f"US0378331005,NAME {i},1" for i in range(100)]
    lines[3] = 'US0378331005,"BROKEN NAME,1'
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="line 4: a quote opens and does not close"):
        load_holdings(path)


def test_a_quoted_multiline_footer_is_no_error(tmp_path):
    path = tmp_path / "footer.csv"
    path.write_text(
        'ISIN,Name,Weight\nUS0378331005,APPLE INC,100\n\n"Past performance, as always,\nis no guide.\nRead it."\n',
        encoding="utf-8",
    )
    assert len(load_holdings(path).holdings) == 1


def test_a_holding_named_total_with_an_identifier_is_kept_and_the_total_line_skipped(tmp_path):
    # the totals label is the whole cell; a row that also carries an ISIN is a security so named
    kettle, named_total = (body + isin_check_digit(body) for body in ("XS00KETTLE1", "XS00TOTAL01"))
    path = tmp_path / "total.csv"
    path.write_text(
        f"Name,ISIN,Market Value\nFictional Kettle Works plc,{kettle},600\nTotal,{named_total},300\nTotal,,900\n",
        encoding="utf-8",
    )
    frame, loaded_report = load_holdings(path)
    report = loaded_report[0]
    assert frame["isin"].tolist() == [kettle, named_total]
    assert report.skipped[["source_row", "reason"]].values.tolist() == [[1, "header"], [4, "total line"]]
    assert report.accounted
