"""Only plain http(s) addresses become links: one whose text holds a control or bidirectional
character (which can show one address and open another) stays text, and the Summary says so."""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from exclusionscreen.report import _sheets

BASE = "https://example.org/notes/quillmoor"
#: the characters named in the security review, and a few of their kin
TRICKS = {
    "right-to-left override": "\u202e",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "left-to-right isolate": "\u2066",
    "right-to-left isolate": "\u2067",
    "first strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "arabic letter mark": "\u061c",
    "zero width space": "\u200b",
    "escape (C0)": "\x1b",
    "delete": "\x7f",
    "C1 control": "\x9b",
}


def _hidden_characters() -> list[str]:
    """Every control (Cc) and format (Cf) character this Python's Unicode database knows."""
    return [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf")]


def test_every_control_and_format_character_keeps_an_address_from_being_a_link():
    hidden = _hidden_characters()
    assert len(hidden) > 200 and {"\u202e", "\u200e", "\u200f", "\u2066", "\u2069", "\x00", "\x9f"} <= set(hidden)
    urls = pd.Series([f"{BASE}{ch}fdp.exe" for ch in hidden], dtype="str")
    assert not _sheets.link_mask(urls).any()
    assert _sheets.hidden_characters(urls).all()


def test_plain_addresses_stay_links():
    urls = pd.Series(
        [BASE, "http://example.org/a?b=1&c=2#d", "https://example.org/Stra%C3%9Fe", "https://example.org/Straße"],
        dtype="str",
    )
    assert _sheets.link_mask(urls).all()
    assert not _sheets.hidden_characters(urls).any()
    not_web = pd.Series(["javascript:alert(1)", "ftp://example.org/x", "file:///etc/passwd", "example.org"])
    assert not _sheets.link_mask(not_web).any()


def _with_urls(result, urls: list[str]):
    flags = result.flags
    column = pd.Series((urls * len(flags))[: len(flags)], index=flags.index, dtype="str")
    return replace(result, flags=flags.assign(evidence_url=column))


@pytest.mark.parametrize("name", list(TRICKS))
def test_no_clickable_link_hides_a_control_or_bidirectional_character(hostile_result, tmp_path, name):
    trick = f"https://example.org/{TRICKS[name]}gpj.exe"
    result = _with_urls(hostile_result, [trick, BASE])
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "links.xlsx"))
    targets = []
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if cell.hyperlink is not None:
                    target = cell.hyperlink.target or ""
                    targets.append(target)
                    assert not _sheets.hidden_characters(pd.Series([target, str(cell.value)])).any(), (ws.title, cell)
    assert BASE in targets  # the plain address next to it is still a link
    flags = book["Flags"]
    head = [c.value for c in flags[1]]
    cells = [row[head.index("evidence_url")] for row in flags.iter_rows(min_row=2)]
    tricked = [c for c in cells if c.value not in (None, BASE)]
    assert tricked and all(c.hyperlink is None for c in tricked)
    notes = [
        str(v)
        for name in ("Summary", "Warnings")
        if name in book.sheetnames
        for row in book[name].iter_rows(values_only=True)
        for v in row
        if v
    ]
    assert any(
        n.startswith(f"Flags: {len(tricked)} source address(es) hold a control or bidirectional character")
        for n in notes
    )


def test_the_summary_names_addresses_that_are_not_web_links(hostile_book, hostile_result):
    # the hostile universe has one javascript: source address
    assert (hostile_result.flags["evidence_url"] == "javascript:alert(1)").sum() == 1
    notes = [
        str(v)
        for name in ("Summary", "Warnings")
        if name in hostile_book.sheetnames
        for row in hostile_book[name].iter_rows(values_only=True)
        for v in row
        if v
    ]
    assert (
        "Flags: 1 source address(es) are not http(s) web addresses (or are too long to be one): "
        "they are shown as text, not as links." in notes
    )
