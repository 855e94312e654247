"""Bad and hostile input: a clear error that names the file, and nothing parsed that should not be."""

from __future__ import annotations

import zipfile

import defusedxml
import openpyxl
import openpyxl.xml
import pytest

from exclusionscreen.errors import ColumnMappingError, ContractError, InputFileError
from exclusionscreen.holdings import ReadLimits, load_holdings

from . import workbooks
from .conftest import FIXTURES


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match=r"empty\.csv: the file is empty"):
        load_holdings(path)
    path.write_text(" \n\n  \n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"empty\.csv: the file is empty"):
        load_holdings(path)


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(InputFileError, match=r"nowhere\.csv: no such file"):
        load_holdings(tmp_path / "nowhere.csv")
    with pytest.raises(InputFileError, match="the folder holds no"):
        load_holdings(tmp_path)


def test_no_recognisable_table_lists_columns_required_and_aliases():
    with pytest.raises(ColumnMappingError) as caught:
        load_holdings(FIXTURES / "no_table.txt")
    message = str(caught.value)
    assert message.startswith(str(FIXTURES / "no_table.txt") + ": no holdings table found")
    assert "Columns found in the most table-like row: Dear investor, this quarter" in message
    assert "Required: at least one of isin, cusip, sedol, lei, identifier, ticker, security_name" in message
    assert "Aliases tried: " in message and "Emittententicker" in message and "Code ISIN" in message
    assert caught.value.path == str(FIXTURES / "no_table.txt")


def test_unknown_columns_fail_with_the_columns_found(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Foo,Bar,Baz\n1,2,3\n4,5,6\n", encoding="utf-8")
    with pytest.raises(
        ColumnMappingError,
        match=r"odd\.csv: .*Columns found in the most "
        r"table-like row: Foo, Bar, Baz",
    ):
        load_holdings(path)


def test_truncated_workbook(tmp_path):
    whole = workbooks.title_block_second_sheet(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputFileError, match=r"cut\.xlsx: truncated or corrupt workbook"):
        load_holdings(path)


def test_corrupt_part_inside_a_workbook(tmp_path):
    source = workbooks.title_block_second_sheet(tmp_path / "whole.xlsx")
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]  # well-formed XML no longer
            new.writestr(item, data)
    with pytest.raises(InputFileError, match=r"damaged\.xlsx: truncated or corrupt workbook"):
        load_holdings(path)


def test_files_that_are_not_spreadsheets(tmp_path):
    cases = {
        "report.xlsx": (b"this is plain text, not a workbook\n", "not a zip archive"),
        "scan.csv": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy binary Excel"),
        "blob.bin": (b"\x00\x01\x02\x03" * 100, "not a spreadsheet or text file"),
        "archive.xlsx": (None, "a zip archive, but not an .xlsx workbook"),
        "data.parquet": (b"not parquet at all", "corrupt Parquet file"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        if data is None:
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("readme.txt", "hello")
        else:
            path.write_bytes(data)
        with pytest.raises(InputFileError, match=f"{name}: .*{message}"):
            load_holdings(path)


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.iterparse.__module__.startswith("defusedxml")


def test_entity_expansion_payload_is_refused(tmp_path):
    path = workbooks.entity_payload(tmp_path)
    with pytest.raises(
        InputFileError,
        match=r"entities\.xlsx: refused: part xl/worksheets/sheet2\.xml "
        r"declares a DTD or XML entities",
    ):
        load_holdings(path)
    # and openpyxl on its own, through defusedxml, refuses it too
    with pytest.raises((defusedxml.DefusedXmlException, ValueError)) as caught:
        book = openpyxl.load_workbook(path, read_only=True)
        list(book["Positions"].iter_rows(values_only=True))
    error = caught.value
    assert isinstance(error, defusedxml.DefusedXmlException) or isinstance(
        error.__cause__ or error.__context__, defusedxml.DefusedXmlException
    )


def test_zip_bomb_is_refused_before_decompressing(tmp_path):
    path = workbooks.zip_bomb(tmp_path)
    assert path.stat().st_size < 200_000
    with pytest.raises(
        InputFileError,
        match=r"bomb\.xlsx: refused: part xl/media/padding\.xml "
        r"decompresses .* times its stored size",
    ):
        load_holdings(path)


def test_total_size_limit(tmp_path):
    path = workbooks.title_block_second_sheet(tmp_path / "fund.xlsx")
    inflated = sum(m.file_size for m in zipfile.ZipFile(path).infolist())
    with pytest.raises(
        InputFileError,
        match=rf"fund\.xlsx: refused: the workbook would decompress to {inflated:,} bytes "
        rf"\(limit ReadLimits\.max_inflated={inflated - 1:,}; pass load_holdings",
    ):
        load_holdings(path, limits=ReadLimits(max_inflated=inflated - 1))
    assert len(load_holdings(path, limits=ReadLimits(max_inflated=inflated))) == 5  # the exact boundary


def test_a_bad_file_among_many_names_that_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    with pytest.raises(InputFileError, match=r"bad\.csv: the file is empty"):
        load_holdings([FIXTURES / "positions_fr.csv", bad])


def test_wrong_argument_types():
    with pytest.raises(ValueError, match="expected file paths or DataFrames"):
        load_holdings([42])
    with pytest.raises(ValueError, match="no files given"):
        load_holdings([])


def test_a_contract_error_names_the_line_as_the_file_counts_it(tmp_path):
    path = tmp_path / "weights.csv"
    path.write_text(
        "Fund X\nAs of 2026-06-30\nISIN,Name,Weight\nUS0378331005,APPLE INC,0.5\nUS5949181045,MICROSOFT CORP,-300\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ContractError, match=r"(?s)weights\.csv: .*check greater_than_or_equal_to\(-1\.0\): line 5: -3\.0"
    ):
        load_holdings(path)


def test_a_contract_error_names_the_sheet_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for values in (["Fund X"], [], ["ISIN", "Name", "Weight"], ["US0378331005", "APPLE INC", 0.5]):
        sheet.append(values)
    sheet.append(["US5949181045", "MICROSOFT CORP", -300])
    path = tmp_path / "weights.xlsx"
    book.save(path)
    with pytest.raises(ContractError, match=r"(?s)weights\.xlsx: .*: row 5: -3\.0") as caught:
        load_holdings(path)
    assert caught.value.failure_cases["source_row"].tolist() == [5]
