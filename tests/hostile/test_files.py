"""Each hostile file is refused within 10 s under a 1 GiB address-space limit, naming file and limit.

Each reading runs in a child process (``sandbox``) with ``RLIMIT_AS`` at 1 GiB; importing pandas
and exclusionscreen takes about half of that, so a reader that built the dense grid a file
declares would fail with a MemoryError (or be killed) instead of the error asserted here.
"""

from __future__ import annotations

import zipfile

import pytest

from exclusionscreen.errors import InputFileError
from exclusionscreen.holdings import ReadLimits, load_holdings

from . import files, sandbox

PEAK_MIB = 600  # the import alone peaks near 150 MiB resident


def refused(outcome: sandbox.Outcome, path, limit: str) -> None:
    assert not outcome.timed_out, "reading ran past 10 s"
    assert outcome.error == "InputFileError", outcome
    assert outcome.message.startswith(f"{path}: refused: "), outcome.message
    assert f"limit ReadLimits.{limit}=" in outcome.message
    assert f"limits=ReadLimits({limit}=...)" in outcome.message
    assert outcome.seconds < 10
    assert outcome.peak_mib < PEAK_MIB, outcome


@pytest.mark.parametrize("name", ["xfd20000", "xfd1048576"])
def test_a_cell_far_away_in_a_small_workbook(hostile, name):
    path = hostile[name]
    assert path.stat().st_size < 5_000
    outcome = sandbox.load(path)
    refused(outcome, path, "max_columns")
    assert "holds something in column 16,384" in outcome.message
    # raised past the columns, the rectangle is still refused
    outcome = sandbox.load(path, limits={"max_columns": 16_384})
    refused(outcome, path, "max_cells")
    assert "by 16,384 columns" in outcome.message


def test_repeated_large_shared_strings(hostile):
    path = hostile["shared_strings"]
    assert path.stat().st_size < 300_000
    outcome = sandbox.load(path)
    refused(outcome, path, "max_text_chars")


def test_one_line_of_100000_fields(hostile):
    path = hostile["wide_csv"]
    assert path.stat().st_size < 3_000_000
    outcome = sandbox.load(path)
    refused(outcome, path, "max_columns")
    assert "line 8,002 has 100,000 fields" in outcome.message


def test_a_sheet_that_inflates_past_500_mb(hostile):
    path = hostile["ratio_bomb"]
    sheet = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert path.stat().st_size < 2_000_000 and sheet.file_size > 500_000_000
    assert 100 < sheet.file_size / sheet.compress_size < 500  # under the old check's ratio
    outcome = sandbox.load(path)
    refused(outcome, path, "max_inflated")
    outcome = sandbox.load(path, limits={"max_inflated": 2**30})
    refused(outcome, path, "max_ratio")
    # with both raised, counting cells stops it (a small count keeps the test fast)
    outcome = sandbox.load(path, limits={"max_inflated": 2**30, "max_ratio": 1000, "max_cells": 50_000})
    refused(outcome, path, "max_cells")


def test_a_memory_error_is_not_reported_as_corruption(hostile):
    # every limit raised: the address-space limit is reached instead, and said so
    limits = {"max_columns": 16_384, "max_cells": 10**12, "max_text_chars": 10**12}
    outcome = sandbox.load(hostile["xfd20000"], limits=limits)
    assert outcome.error == "InputFileError", outcome
    assert "ran out of memory" in outcome.message and "corrupt" not in outcome.message


# limits at their exact boundary, in process (small files)


def test_columns_at_the_boundary(tmp_path):
    path = files.far_cell(tmp_path / "far.xlsx", "E9")  # the table has 3 columns, one cell in column 5
    assert len(load_holdings(path, limits=ReadLimits(max_columns=5))) == 3
    with pytest.raises(InputFileError, match=r"far\.xlsx: refused: sheet 'Holdings', cell E9 holds something"):
        load_holdings(path, limits=ReadLimits(max_columns=4))


def test_empty_cells_to_the_right_do_not_count(tmp_path):
    path = files.write_workbook(
        tmp_path / "styled.xlsx",
        files._sheet(files.table_rows(), '<row r="9"><c r="XFD9" s="0"/></row>'),
        files._strings([]),
    )
    assert len(load_holdings(path)) == 3


def test_cell_characters_at_the_boundary(tmp_path):
    table = [row[:] for row in files.TABLE]
    table[1][1] = "N" * 40
    path = files.write_workbook(tmp_path / "long.xlsx", files._sheet(files.table_rows(table)), files._strings([]))
    assert len(load_holdings(path, limits=ReadLimits(max_cell_chars=40))) == 3
    with pytest.raises(InputFileError, match=r"long\.xlsx: refused: sheet 'Holdings', cell B2 holds more than 39"):
        load_holdings(path, limits=ReadLimits(max_cell_chars=39))
    csv = tmp_path / "long.csv"
    csv.write_text("\n".join(",".join(map(str, row)) for row in table) + "\n", encoding="utf-8")
    assert len(load_holdings(csv, limits=ReadLimits(max_cell_chars=40))) == 3
    with pytest.raises(InputFileError, match=r"long\.csv: refused: a field on line 2 holds 40 characters"):
        load_holdings(csv, limits=ReadLimits(max_cell_chars=39))


def test_cells_at_the_boundary(tmp_path):
    path = files.far_cell(tmp_path / "t.xlsx", "A4")  # replaces nothing: 12 cells of the table + 1
    cells = sum(len(row) for row in files.TABLE) + 1
    assert len(load_holdings(path, limits=ReadLimits(max_cells=cells))) == 3
    with pytest.raises(InputFileError, match=rf"t\.xlsx: refused: more than {cells - 1} cells hold something"):
        load_holdings(path, limits=ReadLimits(max_cells=cells - 1))


def test_limits_are_checked():
    with pytest.raises(ValueError, match="ReadLimits.max_cells: expected a positive whole number"):
        ReadLimits(max_cells=0)
    with pytest.raises(TypeError, match="limits: expected a ReadLimits"):
        load_holdings("x.csv", limits={"max_cells": 5})
