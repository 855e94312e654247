"""Text from the inputs stays text: no formula, no error value, no link, no crash on control characters."""

from __future__ import annotations

import zipfile
from dataclasses import replace

import openpyxl
import pandas as pd

from .conftest import HOSTILE_NAMES


def cells(book):
    for ws in book:
        for row in ws.iter_rows():
            yield from (c for c in row if c.value is not None)


def test_no_cell_holds_a_formula(hostile_book, sample_book):
    for book in (hostile_book, sample_book):
        formulas = [(c.parent.title, c.coordinate, c.value) for c in cells(book) if c.data_type == "f"]
        assert formulas == []


def test_no_formula_in_the_file_itself(hostile_report):
    with zipfile.ZipFile(hostile_report) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_hostile_names_read_back_as_the_same_text(hostile_book):
    ws = hostile_book["Holdings not clear"]  # the hostile names resolve to no issuer
    head = [c.value for c in ws[1]]
    ids = head.index("holding_id")
    names = head.index("security_name")
    found = {row[ids].value: row[names] for row in ws.iter_rows(min_row=2)}
    for key, name in HOSTILE_NAMES.items():
        cell = found[key]
        assert cell.value == name
        assert cell.data_type == "s"  # "#N/A" is text, not an error value
        assert cell.hyperlink is None
        # Excel keeps text starting with = + - @ as text even when the cell is edited
        assert cell.quotePrefix == name.startswith(("=", "+", "-", "@"))


def test_hostile_issuer_name_and_source_stay_text(hostile_book):
    flags = hostile_book["Flags"]
    values = {c.value for c in cells(hostile_book) if c.parent is flags}
    assert '=HYPERLINK("https://attacker.example","Trap")' in values
    assert "=cmd|' /C calc'!A0" in values
    # a javascript: address is shown, never linked
    js = [c for c in cells(hostile_book) if c.value == "javascript:alert(1)"]
    assert js and all(c.hyperlink is None for c in js)


def test_control_characters_are_dropped_not_fatal(hostile_result, tmp_path):
    skipped = pd.DataFrame(
        {
            "source_file": ["holdings.csv"],
            "source_row": [3],
            "reason": ["preamble"],
            "text": ["Fund\x00 report\x07 \x1b[31mred\x0b"],
        }
    )
    result = replace(hostile_result, skipped=skipped, warnings=("list\x08 is stale",))
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "controls.xlsx"))
    assert book["Skipped"]["D2"].value == "Fund report [31mred"
    summary = [c.value for c in cells(book) if c.parent.title == "Summary"]
    assert "list is stale" in summary


def test_long_text_is_cut_to_what_a_cell_holds(hostile_result, tmp_path):
    skipped = pd.DataFrame({"source_file": ["a.csv"], "source_row": [1], "reason": ["long"], "text": ["x" * 40_000]})
    book = openpyxl.load_workbook(replace(hostile_result, skipped=skipped).to_excel(tmp_path / "long.xlsx"))
    assert len(book["Skipped"]["D2"].value) == 32_767
