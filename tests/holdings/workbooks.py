"""Workbooks for the loader tests, written with openpyxl into a test's temporary folder.

Every security in them is fictional; identifiers are made up with valid check digits.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from exclusionscreen.identifiers import cusip_check_digit, isin_check_digit


def title_block_second_sheet(path: Path) -> Path:
    """Holdings on the second sheet, below a title block, with a totals line and a footer.

    Rows of sheet "Positions": 1-3 title, 4 blank, 5 header, 6-10 holdings (native numbers),
    11 total line, 12 blank, 13 disclaimer.
    """
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Example Balanced Fund - quarterly holdings"
    cover["A3"] = "The positions are on the next sheet."
    sheet = book.create_sheet("Positions")
    sheet.append(["Example Balanced Fund"])
    sheet.append(["Portfolio holdings"])
    sheet.append(["As at 31 December 2024"])
    sheet.append([])
    sheet.append(
        ["ISIN", "Security Name", "Asset Type", "Quantity", "Market Value (EUR)", "% of Net Assets", "Country"]
    )
    sheet.append(["FR000FICT030", "FICTIVE AERONAUTIQUE SA", "Equity", 1000, 250000.0, 25.0, "France"])
    sheet.append(["DE000MUST018", "MUSTER CHEMIE AG", "Equity", 2000, 200000.0, 20.0, "Germany"])
    sheet.append(["XS000EXMP077", "EXAMPLE FINANCE 3.5% 2030", "Bond", 300000, 300000.0, 30.0, "Luxembourg"])
    sheet.append([None, "EUR CASH", "Cash", 150000, 150000.0, 15.0, None])
    sheet.append(["CH000FKTV031", "FIKTIV VERSICHERUNG SE", "Equity", 500, 100000.0, 10.0, "Switzerland"])
    sheet.append(["Total", None, None, None, 1000000.0, 100.0, None])
    sheet.append([])
    sheet.append(["Source: fund administrator. Past performance is not a reliable indicator of future results."])
    book.save(path)
    return path


FIVE_CUSIPS = ["12345AB1", "98765XY3", "13579Q10", "24680Z20", "55512E10"]


def user_edited(path: Path) -> Path:
    """A workbook after a person edited it: a summary sheet first, no preamble, numbers stored
    as text, an extra empty column, 8-character CUSIPs, a CUSIP typed as a number (its leading
    zero lost), two note rows sorted into the table, and legal text below it.

    Rows of sheet "holdings": 1 header, 2-6 holdings, 7-8 notes in the table, 9-10 holdings,
    11 blank, 12-13 footer.
    """
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append([])
    summary.append(["Row Labels", "Count of Sector"])
    summary.append(["Industrials", 3])
    summary.append(["Grand Total", 7])
    sheet = book.create_sheet("holdings")
    sheet.append(
        ["Name", "Ticker", "Identifier", "SEDOL", "Weight", "Sector", "Shares Held", "Local Currency", "Column1"]
    )
    rows = [
        ("Example Robotics Corp", "EXRB", FIVE_CUSIPS[0], "-", "20.500000", "Industrials", "10000.000"),
        ("Sample Energy Inc", "SMPE", FIVE_CUSIPS[1], "-", "19.500000", "Energy", "5000.000"),
        ("Illustrative Railways", "ILRW", FIVE_CUSIPS[2], "-", "15.000000", "Industrials", "2000.000"),
        ("Fictive Semiconductor", "FCTV", FIVE_CUSIPS[3], "-", "15.000000", "Technology", "700.000"),
        ("Example Paper Co", "EXPP", FIVE_CUSIPS[4], "-", "10.000000", "Materials", "900.000"),
    ]
    for name, ticker, cusip, sedol, weight, sector, shares in rows:
        sheet.append([name, ticker, cusip, sedol, weight, sector, shares, "USD", None])
    sheet.append(["The prospectus is available by clicking", None, None, None, None, "here."])
    sheet.append(["The summary prospectus is available by clicking ", None, None, None, None, "here."])
    zero_led = "0123456" + "7"  # typed as a number below: Excel drops the leading zero
    sheet.append(
        [
            "Sample Water Utility",
            "SMPW",
            int(zero_led + cusip_check_digit(zero_led)),
            "-",
            "12.000000",
            "Utilities",
            "3000.000",
            "USD",
            None,
        ]
    )
    sheet.append(
        ["US Dollar", "CASH_USD", "CASH_USD", "UNASSIGNED", "8.000000", "Unassigned", "80000.000", "USD", None]
    )
    sheet.append([])
    sheet.append(["Figures in US dollars, rounded."])
    sheet.append(["Investing involves risk, including possible loss of principal."])
    book.save(path)
    return path


def _rewrite(source: Path, target: Path, replace: dict[str, bytes], add: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, replace.get(item.filename, old.read(item.filename)))
        for name, data in add.items():
            new.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def entity_payload(folder: Path) -> Path:
    """A holdings workbook whose holdings sheet declares nested XML entities and uses one."""
    plain = title_block_second_sheet(folder / "plain.xlsx")
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml")
    hostile = b'<?xml version="1.0" encoding="UTF-8"?>' + BILLION_LAUGHS + sheet
    hostile = hostile.replace(b"Portfolio holdings", b"&lol3;")
    return _rewrite(plain, folder / "entities.xlsx", {"xl/worksheets/sheet2.xml": hostile}, {})


def zip_bomb(folder: Path, megabytes: int = 24) -> Path:
    """A valid holdings workbook carrying a part that inflates about a thousand times."""
    plain = title_block_second_sheet(folder / "plain.xlsx")
    padding = b"<x/>" + b" " * (megabytes * 1024 * 1024)
    return _rewrite(plain, folder / "bomb.xlsx", {}, {"xl/media/padding.xml": padding})


def many_sheets(path: Path, sheets: int = 50, rows: int = 3) -> Path:
    """A cover sheet, an empty sheet, then `sheets` sheets "Fund 01"... of `rows` holdings each
    (header on row 1, weights in percent summing to 100). ISINs are made up with valid check digits."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Umbrella fund: one sheet per sub-fund"
    book.create_sheet("Notes")
    for s in range(1, sheets + 1):
        sheet = book.create_sheet(f"Fund {s:02d}")
        sheet.append(["ISIN", "Security Name", "Market Value", "Weight (%)"])
        for r in range(rows):
            body = f"XS{s:04d}{r:05d}"
            sheet.append([body + isin_check_digit(body), f"FICTIVE HOLDING {s:02d}-{r}", 1000.0 * (r + 1), 100 / rows])
    book.save(path)
    return path
