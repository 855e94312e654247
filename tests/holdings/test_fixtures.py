"""The loader on the project's own small files, one quirk of real holdings files each."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from exclusionscreen import Holdings
from exclusionscreen.holdings import load_holdings, load_report

from . import workbooks
from .conftest import FIXTURES


def reasons(loaded) -> dict[int, str]:
    """source_row -> reason of every skipped row of what load_holdings returned (or its report)."""
    skipped = load_report(loaded).skipped
    return dict(zip(skipped["source_row"], skipped["reason"], strict=True))


def test_ishares_style_csv_bom_preamble_quoted_numbers_multiline_footer():
    frame, files = load_holdings(FIXTURES / "ishares_style_en.csv")
    report = files[0]
    assert len(frame) == 8
    assert report.rows_read == 20 == report.holdings + len(report.skipped)
    assert report.header_row == 10 and report.table_end_row == 18
    assert reasons(files) == {
        **{r: "preamble" for r in range(1, 9)},
        9: "blank",
        10: "header",
        19: "blank",
        20: "disclaimer",
    }
    # the footer is one quoted record over three lines; its text is reported, not a holding
    assert report.skipped.iloc[-1]["text"].startswith("The content contained herein")
    assert frame["source_row"].tolist() == list(range(11, 19))
    first = frame.iloc[0]
    assert first["ticker"] == "EXRB" and first["security_name"] == "EXAMPLE ROBOTICS CORP"
    assert first["market_value"] == pytest.approx(1_234_567.89)
    assert first["quantity"] == pytest.approx(10_000)
    assert first["weight"] == pytest.approx(0.405)
    assert first["country"] == "US" and first["country_raw"] == "United States"
    assert report.as_of == pd.Timestamp("2024-03-28")
    assert (frame["as_of"] == pd.Timestamp("2024-03-28")).all()
    assert report.weight_scale == "percent" and "Weight (%)" in report.weight_scale_reason
    assert report.weight_sum == pytest.approx(1.0)


def test_non_security_rows_are_kept_with_their_asset_class():
    frame = load_holdings(FIXTURES / "ishares_style_en.csv").holdings.set_index("ticker")
    assert frame["asset_class"].to_dict() == {
        "EXRB": "equity",
        "SMPF": "equity",
        "FCTV": "equity",
        "XTSLA": "money_market",
        "USD": "cash",
        "ESM4": "futures",
        "UBFUT": "collateral",
        "EUR": "fx",
    }
    assert frame.loc["UBFUT", "asset_class_raw"] == "Cash Collateral and Margins"
    # parentheses mean a negative number; weights still add up to 100 %
    assert frame.loc["EUR", "market_value"] == pytest.approx(-3047.50)
    assert frame["weight"].sum() == pytest.approx(1.0)


def test_market_currency_wins_over_the_base_currency_column():
    report = load_report(load_holdings(FIXTURES / "ishares_style_en.csv"))[0]
    assert report.column_mapping["Market Currency"] == "currency"
    assert "Currency" in report.unmapped_columns
    assert any("'Currency' also names currency" in n for n in report.notes)


def test_german_file_decimal_comma_semicolons_cp1252_total_line():
    frame, files = load_holdings(FIXTURES / "fondspositionen_de.csv")
    report = files[0]
    assert len(frame) == 6
    assert report.rows_read == 14 == report.holdings + len(report.skipped)
    assert reasons(files) == {
        1: "preamble",
        2: "preamble",
        3: "blank",
        4: "header",
        11: "blank",
        12: "total line",
        13: "blank",
        14: "disclaimer",
    }
    assert report.details == {
        "encoding": "cp1252 (not valid UTF-8; detected by charset-normalizer, German text)",
        "delimiter": ";",
    }
    assert report.locale.startswith("German column names, decimal comma")
    assert report.column_mapping["Emittententicker"] == "ticker"
    assert report.column_mapping["Gewichtung (%)"] == "weight"
    assert report.column_mapping["Marktwert"] == "market_value"
    assert report.column_mapping["Nominale"] == "quantity"
    by_ticker = frame.set_index("ticker")
    assert by_ticker.loc["MUST", "market_value"] == pytest.approx(1_234_567.89)
    assert by_ticker.loc["MUST", "quantity"] == pytest.approx(10_000)
    assert by_ticker.loc["MUST", "weight"] == pytest.approx(0.4525)
    assert by_ticker.loc["CHF", "market_value"] == pytest.approx(-2_456.78)
    assert by_ticker.loc["BSPL", "exchange"] == "Wiener Börse"
    assert by_ticker["country"].fillna("-").tolist() == ["DE", "AT", "CH", "DE", "-", "CH"]
    assert by_ticker["asset_class"].tolist() == ["equity", "equity", "equity", "cash", "futures", "fx"]
    assert report.as_of == pd.Timestamp("2024-09-30")
    assert report.weight_sum == pytest.approx(1.0)


def test_french_file_narrow_spaces_percent_signs_and_date_column():
    frame, files = load_holdings(FIXTURES / "positions_fr.csv")
    report = files[0]
    assert len(frame) == 4
    assert report.weight_scale == "percent" and "percent sign" in report.weight_scale_reason
    assert frame["market_value"].tolist() == pytest.approx([1_250_000, 750_000, 505_000, -5_000])
    assert frame["weight"].tolist() == pytest.approx([0.5, 0.3, 0.202, -0.002])
    assert frame["asset_class"].tolist() == ["equity", "equity", "fixed_income", "cash"]
    assert frame["country"].tolist() == ["FR", "DE", "FR", "FR"]
    assert report.as_of == pd.Timestamp("2024-03-28")  # 28/03/2024, day first
    assert pd.isna(frame["isin"].iloc[3])  # "-" is no identifier


def test_custodian_file_identifiers_fraction_weights_and_portfolio_column():
    frame, files = load_holdings(FIXTURES / "custodian_fractions.csv")
    report = files[0]
    assert len(frame) == 10
    assert report.weight_scale == "fraction"
    assert report.weight_sums == pytest.approx({"ACC-1": 1.0, "ACC-2": 1.0})
    assert frame["portfolio_id"].value_counts().to_dict() == {"ACC-1": 8, "ACC-2": 2}
    rows = frame.set_index("source_row")
    # a US CUSIP gives a US ISIN; an 8-character CUSIP is completed first
    assert rows.loc[2, "isin"] == "US12345AB136"
    assert rows.loc[3, "cusip"] == "98765XY34" and rows.loc[3, "isin"] == "US98765XY342"
    assert "check digit completed" in rows.loc[3, "identifier_issues"]
    # a Canadian CUSIP gives a CA ISIN, a UK SEDOL a GB ISIN
    assert rows.loc[4, "isin"] == "CA13579Q1063"
    assert rows.loc[5, "isin"] == "GB00B0XMPL84"
    assert rows.loc[11, "isin"] == "GB00B1SMPL07"
    # invalid identifiers are kept, with the reason
    assert rows.loc[7, "isin"] == "DE000MUST017"
    assert "isin 'DE000MUST017': invalid" in rows.loc[7, "identifier_issues"]
    assert rows.loc[7, "lei"] == "5299000EXAMPLE000193"
    assert "lei '5299000SAMPLE0000259': invalid" in rows.loc[8, "identifier_issues"]
    # placeholders are missing values, parentheses a negative number
    assert rows.loc[9, ["isin", "cusip", "sedol"]].isna().all()
    assert rows.loc[9, "market_value"] == pytest.approx(-12_500)
    assert rows.loc[9, "asset_class"] == "cash"


def test_duplicate_positions_are_kept_and_reported():
    frame, files = load_holdings(FIXTURES / "custodian_fractions.csv")
    report = files[0]
    assert len(frame) == 10  # both rows of the position stay
    assert report.duplicates["source_row"].tolist() == [5, 6]
    assert set(report.duplicates["position_key"]) == {"GB00B0XMPL84"}
    assert any("2 rows hold a position" in w for w in report.warnings)


def test_title_block_on_second_sheet_with_total_line(tmp_path):
    path = workbooks.title_block_second_sheet(tmp_path / "fund.xlsx")
    frame, files = load_holdings(path)
    report = files[0]
    assert report.sheet == "Positions" and report.sheets == ("Cover", "Positions")
    assert report.header_row == 5 and report.table_end_row == 10
    assert len(frame) == 5
    assert reasons(files) == {
        1: "preamble",
        2: "preamble",
        3: "preamble",
        4: "blank",
        5: "header",
        11: "total line",
        12: "blank",
        13: "disclaimer",
    }
    assert report.as_of == pd.Timestamp("2024-12-31")
    assert report.column_mapping["% of Net Assets"] == "weight"
    assert report.column_mapping["Market Value (EUR)"] == "market_value"
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert frame["asset_class"].tolist() == ["equity", "equity", "fixed_income", "cash", "equity"]
    assert frame["security_name"].tolist()[3] == "EUR CASH"
    assert not frame["security_name"].isin(["Total", "Example Balanced Fund"]).any()


def test_named_sheet_is_used_and_a_sheet_without_table_fails(tmp_path):
    from exclusionscreen.errors import ColumnMappingError, InputFileError

    path = workbooks.title_block_second_sheet(tmp_path / "fund.xlsx")
    assert load_report(load_holdings(path, sheet="Positions"))[0].sheet == "Positions"
    assert load_report(load_holdings(path, sheet=1))[0].sheet == "Positions"
    with pytest.raises(ColumnMappingError, match="fund.xlsx: no holdings table found"):
        load_holdings(path, sheet="Cover")
    with pytest.raises(InputFileError, match="no sheet named 'Missing'; sheets: Cover, Positions"):
        load_holdings(path, sheet="Missing")


def test_user_edited_workbook(tmp_path):
    path = workbooks.user_edited(tmp_path / "edited.xlsx")
    frame, files = load_holdings(path)
    report = files[0]
    assert report.sheet == "holdings"  # not the summary sheet before it
    assert len(frame) == 7
    assert reasons(files) == {
        1: "header",
        7: "disclaimer",
        8: "disclaimer",
        11: "blank",
        12: "footer",
        13: "disclaimer",
    }
    assert "Column1" in report.unmapped_columns
    # numbers stored as text are numbers
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert frame["quantity"].iloc[0] == pytest.approx(10_000)
    # 8-character CUSIPs are completed and give US ISINs
    assert frame["cusip"].iloc[0] == "12345AB13" and frame["isin"].iloc[0] == "US12345AB136"
    # a CUSIP typed as a number gets its leading zero back
    water = frame.set_index("ticker").loc["SMPW"]
    assert water["cusip"] == "012345674" and water["isin"] == "US0123456743"
    # the cash line keeps its odd identifiers, is cash, and gets no ISIN
    cash = frame.set_index("ticker").loc["CASH_USD"]
    assert cash["asset_class"] == "cash" and pd.isna(cash["isin"])
    assert cash["identifier"] == "CASH_USD"
    assert "sedol 'UNASSIGNED': invalid" in cash["identifier_issues"]
    assert report.column_mapping["Identifier"].startswith("cusip")


def test_parquet_and_frame_inputs(tmp_path):
    source = pd.DataFrame(
        {
            "ISIN": ["FR000FICT030", "DE000MUST018", None],
            "Name": ["FICTIVE AERONAUTIQUE SA", "MUSTER CHEMIE AG", "Total"],
            "Weight": [0.6, 0.4, 1.0],
        }
    )
    before = source.copy()
    path = tmp_path / "positions.parquet"
    source.to_parquet(path)
    from_file = load_holdings(path)
    from_frame = load_holdings(source)
    pd.testing.assert_frame_equal(source, before)  # the input frame is not modified
    for (frame, files), kind in ((from_file, "parquet"), (from_frame, "frame")):
        report = files[0]
        assert report.format == kind
        assert frame["isin"].tolist() == ["FR000FICT030", "DE000MUST018"]
        assert frame["weight"].tolist() == pytest.approx([0.6, 0.4])
        assert report.skipped["reason"].tolist() == ["total line"]
        assert report.rows_read == 3
    assert load_report(from_frame)[0].portfolio_id == "frame"


def test_several_files_each_their_own_portfolio_with_unique_holding_ids(tmp_path):
    frame, files = load_holdings([FIXTURES / "ishares_style_en.csv", FIXTURES / "fondspositionen_de.csv"])
    assert frame["portfolio_id"].value_counts().to_dict() == {"ishares_style_en": 8, "fondspositionen_de": 6}
    assert frame["holding_id"].is_unique
    assert frame["holding_id"].iloc[0] == "ishares_style_en:11"
    assert len(files) == 2


def test_one_portfolio_for_several_files_keeps_holding_ids_unique():
    paths = [FIXTURES / "ishares_style_en.csv", FIXTURES / "fondspositionen_de.csv"]
    frame, _ = load_holdings(paths, portfolio_id="combined")
    assert set(frame["portfolio_id"]) == {"combined"}
    assert frame["holding_id"].is_unique
    assert frame["holding_id"].iloc[0] == "combined:ishares_style_en.csv:11"
    per_file, _ = load_holdings(paths, portfolio_id=["a", "b"])
    assert per_file["portfolio_id"].unique().tolist() == ["a", "b"]
    by_name, _ = load_holdings(paths, portfolio_id={"fondspositionen_de.csv": "de"})
    assert by_name["portfolio_id"].unique().tolist() == ["ishares_style_en", "de"]
    with pytest.raises(ValueError, match="2 ids given for 1 files"):
        load_holdings(paths[:1], portfolio_id=["a", "b"])


def test_folder_of_files(tmp_path):
    for name in ("ishares_style_en.csv", "positions_fr.csv"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    frame, _ = load_holdings(tmp_path)
    assert set(frame["portfolio_id"]) == {"ishares_style_en", "positions_fr"}


def test_column_map_wins_over_aliases_and_can_ignore_columns():
    frame, files = load_holdings(
        FIXTURES / "ishares_style_en.csv", column_map={"Currency": "currency", "Location": None}
    )
    report = files[0]
    assert report.column_mapping["Currency"] == "currency"
    assert "Market Currency" in report.unmapped_columns and "Location" in report.unmapped_columns
    assert frame["country"].isna().all()
    with pytest.raises(ValueError, match="unknown canonical column"):
        load_holdings(FIXTURES / "ishares_style_en.csv", column_map={"Name": "label"})


def test_column_map_makes_an_unknown_header_usable(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "Wertpapier-Nr,Bezeichnung,Quote\nFR000FICT030,FICTIVE SA,60\nDE000MUST018,MUSTER AG,40\n", encoding="utf-8"
    )
    frame, _ = load_holdings(path, column_map={"Wertpapier-Nr": "isin", "Quote": "weight"})
    assert frame["isin"].tolist() == ["FR000FICT030", "DE000MUST018"]
    assert frame["weight"].tolist() == pytest.approx([0.6, 0.4])


def test_result_meets_the_holdings_contract_and_carries_the_report():
    frame, _ = load_holdings(FIXTURES / "ishares_style_en.csv")
    expected = list(Holdings.to_schema().columns)
    assert list(frame.columns[: len(expected)]) == expected
    assert {"source_file", "source_row", "asset_class_raw", "country_raw"} <= set(frame.columns)
    assert frame["source_file"].unique().tolist() == [str(FIXTURES / "ishares_style_en.csv")]


def test_input_file_is_never_modified():
    path = FIXTURES / "fondspositionen_de.csv"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    report = load_report(load_holdings(path))[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before == report.sha256


def test_progress_bar_for_many_files(tmp_path, capsys):
    paths = []
    for i in range(4):
        path = tmp_path / f"fund{i}.csv"
        path.write_bytes((FIXTURES / "positions_fr.csv").read_bytes())
        paths.append(path)
    frame, _ = load_holdings(paths, progress=True)
    assert frame["portfolio_id"].nunique() == 4
    assert "Loading holdings" in capsys.readouterr().err
    load_holdings(paths, progress=False)
    assert capsys.readouterr().err == ""


def test_formulas_without_saved_results_are_reported(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ISIN", "Name", "Weight"])
    sheet.append(["FR000FICT030", "FICTIVE AERONAUTIQUE SA", "=60"])
    sheet.append(["DE000MUST018", "MUSTER CHEMIE AG", "=40"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)  # openpyxl stores formulas without their results
    frame, files = load_holdings(path, sheet="Sheet")
    report = files[0]
    assert len(frame) == 2 and frame["weight"].isna().all()
    assert any("'Weight' holds no numbers" in w for w in report.warnings)


def test_sheet_given_for_a_csv_is_reported():
    report = load_report(load_holdings(FIXTURES / "positions_fr.csv", sheet="Positions"))[0]
    assert "sheet 'Positions' ignored: a csv source has no sheets" in report.warnings


def test_a_frame_with_columns_but_no_rows_gives_no_holdings():
    frame, files = load_holdings(pd.DataFrame({"ISIN": [], "Name": [], "Weight": []}))
    report = files[0]
    assert len(frame) == 0 and report.rows_read == 0
    assert "no holdings below the header row" in report.warnings


def test_a_holding_without_numbers_inside_the_table_but_not_below_it(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text(
        "Ticker,Name,Weight\nAAA1,ALPHA ONE CORP,60\nBBB2,BETA TWO CORP,\n"
        "CCC3,GAMMA THREE CORP,40\n\nTicker Symbol:,SPY\n",
        encoding="utf-8",
    )
    loaded = load_holdings(path)
    frame = loaded.holdings
    assert frame["ticker"].tolist() == ["AAA1", "BBB2", "CCC3"]
    assert pd.isna(frame["weight"].iloc[1])
    assert reasons(loaded) == {1: "header", 5: "blank", 6: "footer"}
