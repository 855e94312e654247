"""The delimited-text reader gives exactly what the plain record-by-record reader gives.

`delimited_reference` keeps the reader as it was before it was made faster: every record read with
its own loop over the csv reader, every candidate delimiter parsed, every limit checked record by
record. Here both read the same bytes: the fixtures, every delimited file under
``../shared/data/holdings``, and made-up hostile files (blank lines, CRLF and lone CR line ends,
quoted line breaks in the middle of a table, unclosed quotes, ragged rows, trailing empty fields,
other delimiters, limits at their boundary), and must give the same grid, line numbers, encoding
and delimiter, or the same error.
"""

from __future__ import annotations

import csv
import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exclusionscreen.errors import InputFileError
from exclusionscreen.holdings import _csv
from exclusionscreen.holdings._csv import _QUOTED_LINES, read_delimited
from exclusionscreen.holdings._limits import DEFAULT_LIMITS, ReadLimits
from exclusionscreen.holdings._quoting import FOLDED_RECORDS, usual_width

from .conftest import FIXTURES, SHARED_HOLDINGS, needs_shared
from .delimited_reference import read_delimited_reference

_NOT_TEXT = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PAR1",
    b"\xd0\xcf\x11\xe0",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
)


def outcome(read, data: bytes, limits: ReadLimits):
    try:
        grid, encoding, delimiter = read(data, "f.csv", limits)
    except InputFileError as exc:
        return ("error", str(exc))
    return ("grid", grid, encoding, delimiter)


def same(data: bytes, limits: ReadLimits = DEFAULT_LIMITS):
    """Both readers' outcome on `data`: the same error message, or the same grid, notes and lines."""
    fast, plain = outcome(read_delimited, data, limits), outcome(read_delimited_reference, data, limits)
    assert fast[0] == plain[0], (fast, plain)
    if fast[0] == "error":
        assert fast[1] == plain[1]
        return fast
    assert fast[2:] == plain[2:]
    pd.testing.assert_frame_equal(fast[1].cells, plain[1].cells, check_exact=True)
    assert fast[1].cells.dtypes.eq(object).all()
    pd.testing.assert_series_equal(fast[1].rows, plain[1].rows, check_exact=True)
    assert fast[1].rows.tolist() == plain[1].rows.tolist()  # every line number, as plain ints
    return fast


def grid_of(result):
    assert result[0] == "grid", result
    return result[1]


def ishares(rows: int = 40, *, quote_all: bool = True, eol: str = "\n", footer: bool = True) -> str:
    """An iShares-like file: a preamble, a header, quoted rows, a blank line, a quoted legal footer."""
    preamble = [
        "iShares Core Test ETF",
        'Fund Holdings as of,"Apr 06, 2023"',
        'Inception Date,"May 15, 2000"',
        'Shares Outstanding,"743,100,000.00"',
        'Stock,"-"',
        "\u00a0",
        "Ticker,Name,Sector,Market Value,Weight (%),Price",
    ]
    body = []
    for i in range(rows):
        fields = [f"T{i:05d}", f"NAME {i} PLC", "Industrials", f"{(i + 1) * 1234.5:,.2f}", f"{i % 7 / 10:.2f}", "100"]
        body.append(",".join(f'"{f}"' if quote_all or "," in f else f for f in fields))
    lines = preamble + body
    text = eol.join(lines) + eol
    if footer:
        text += eol + '"The content contained herein is owned or licensed by BlackRock.' + eol + 'Past performance."'
    return text


def variants(text: str) -> dict[str, str]:
    """Hostile variants of a text file of a quoted table."""
    lines = text.split("\n")
    middle = len(lines) // 2
    out = {"as is": text}
    out["CRLF"] = text.replace("\n", "\r\n")
    out["lone CR"] = text.replace("\n", "\r")
    out["mixed line ends"] = "".join(line + ("\r\n" if i % 3 else "\n") for i, line in enumerate(lines[:-1]))
    out["a lone CR in one line"] = "\n".join(lines[:middle] + [lines[middle] + "\r"] + lines[middle + 1 :])
    out["blank lines"] = "\n".join(lines[:middle] + ["", ""] + lines[middle:])
    out["blank line first"] = "\n" + text
    out["whitespace line"] = "\n".join(lines[:middle] + ["   "] + lines[middle:])
    out["no final line end"] = text.rstrip("\n")
    out["quoted line break mid-table"] = "\n".join(
        lines[:middle] + ['"T99999","TWO\nLINES","X\r\nY","1","2","3"'] + lines[middle:]
    )
    out["unclosed quote mid-table"] = "\n".join(lines[:middle] + ['"T99999","OPEN,"1","2"'] + lines[middle:])
    out["unclosed quote in the last line"] = text.rstrip("\n") + '\n"OPEN,1,2\n'
    out["unclosed quote in the preamble"] = 'Fund,"Open\n' + text
    out["quote left open before the table"] = "\n".join(lines[:3] + ['Note,"open'] + lines[3:])
    out["doubled quotes"] = "\n".join(lines[:middle] + ['"T1","SAY ""HI""","x","1","2","3"'] + lines[middle:])
    out["text after a closing quote"] = "\n".join(lines[:middle] + ['"T1"x,"B"c,"3"'] + lines[middle:])
    out["a lone quote line"] = "\n".join(lines[:middle] + ['"'] + lines[middle:])
    out["lone quote lines around"] = '"\n' + text + '"\n'
    out["empty quoted fields"] = "\n".join(lines[:middle] + ['"","","","","",""'] + lines[middle:])
    out["ragged rows"] = "\n".join(lines[:middle] + ['"A","B"', '"A","B","C","D","E","F","G","H"'] + lines[middle:])
    out["trailing empty fields"] = "\n".join(line + ",," for line in lines)
    out["a quoted delimiter only"] = "\n".join(lines[:middle] + ['","', '",",","'] + lines[middle:])
    out["quote inside a field"] = "\n".join(lines[:middle] + ['"T1","A"B","1","2","3","4"'] + lines[middle:])
    out["NUL inside a field"] = "\n".join(lines[:middle] + ['"T1","A\x00B","1","2","3","4"'] + lines[middle:])
    out["semicolon"] = text.replace('","', '";"').replace(",", ";")
    out["tab"] = text.replace('","', '"\t"')
    out["pipe"] = text.replace('","', '"|"')
    out["preamble of another delimiter"] = "\n".join([f"key{i};value {i}" for i in range(60)] + lines)
    out["vertical tab and form feed"] = text.replace("NAME 3 ", "NAME\x0b3\x0c")
    out["unicode line separator"] = text.replace("NAME 4 ", "NAME\u20284\x85")
    out["non-ASCII names"] = text.replace("NAME", "NÄME Ŝ 名")
    return out


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.iterdir() if p.suffix in {".csv", ".txt"}), ids=str)
def test_fixtures_read_the_same(path):
    same(path.read_bytes())


@needs_shared
def test_every_shared_delimited_file_reads_the_same():
    read = 0
    for path in sorted(SHARED_HOLDINGS.iterdir()):
        data = path.read_bytes()
        if path.is_file() and not data.startswith(_NOT_TEXT):
            same(data)
            read += 1
    assert read >= 5  # the iShares, Vanguard and N-PORT files at least


@pytest.mark.parametrize("rows", [_QUOTED_LINES - 1, _QUOTED_LINES, 300])
@pytest.mark.parametrize("quote_all", [True, False])
def test_hostile_variants_read_the_same(rows, quote_all):
    for name, text in variants(ishares(rows, quote_all=quote_all)).items():
        for encoding in ("utf-8", "utf-8-sig"):
            try:
                same(text.encode(encoding))
            except AssertionError as exc:
                raise AssertionError(f"{name} ({encoding}): {exc}") from None


def test_the_quoted_table_is_read_by_lines_and_numbered_as_the_file_counts_them():
    text = ishares(200)
    grid = grid_of(same(text.encode("utf-8")))
    assert grid.cells.shape == (7 + 200 + 2, 6)
    assert grid.rows.tolist() == [*range(1, 7 + 200 + 2), 7 + 200 + 2]  # the footer after the blank line
    assert grid.cells.iloc[7].tolist() == ["T00000", "NAME 0 PLC", "Industrials", "1,234.50", "0.00", "100"]
    crlf = grid_of(same(text.replace("\n", "\r\n").encode("utf-8")))
    assert crlf.rows.tolist() == grid.rows.tolist()
    assert crlf.cells.iloc[-1, 0].endswith("BlackRock.\r\nPast performance.")


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_only_the_lines_around_the_quoted_table_go_to_the_csv_module(monkeypatch, eol):
    read: list[str] = []
    by_csv = _csv._records_csv

    def spy(text, delimiter):
        read.append(text)
        return by_csv(text, delimiter)

    monkeypatch.setattr(_csv, "_records_csv", spy)
    text = ishares(300, eol=eol)
    same(text.encode("utf-8"))
    assert read == [
        eol + '"The content contained herein is owned or licensed by BlackRock.' + eol + 'Past performance."'
    ]
    read.clear()
    text = text.replace("NAME 150", 'NAME "150"')  # a quote inside a field: the csv module reads it all
    same(text.encode("utf-8"))
    assert read == [text]


def test_a_quoted_table_of_crlf_lines_whose_last_line_ends_with_a_bare_line_feed():
    lines = ishares(40, footer=False).split("\n")[:-1]
    table = "\r\n".join(lines[:-3]) + "\r\n" + lines[-3] + "\n" + "\r\n".join(["Total,1,2", "Note"]) + "\r\n"
    grid = grid_of(same(table.encode("utf-8")))
    assert grid.cells.iloc[-2].tolist()[:3] == ["Total", "1", "2"]


def test_a_file_of_mostly_short_lines_and_a_few_wide_ones_reads_the_same():
    lines = [f"line {i}" for i in range(200)]
    lines[20] = "a,b,c,d"
    lines[40] = "a,b,c,d,e,f,,,"
    lines[60] = "x,y"
    grid = grid_of(same("\n".join(lines).encode("utf-8")))
    assert grid.cells.shape == (200, 6)
    assert grid.cells.iloc[40].tolist() == ["a", "b", "c", "d", "e", "f"]
    assert grid.cells.iloc[0].tolist() == ["line 0", None, None, None, None, None]


def test_a_line_break_inside_a_quoted_field_numbers_the_next_records_after_it():
    lines = ishares(300, footer=False).split("\n")
    lines[150] = '"T1","FIRST\nSECOND\n\nFOURTH","x","1","2","3"'
    grid = grid_of(same("\n".join(lines).encode("utf-8")))
    assert grid.rows.iloc[150] == 151 and grid.rows.iloc[151] == 155


def test_an_unclosed_quote_in_the_table_names_its_line():
    lines = ["Ticker,Name,Weight"] + [f"T{i:05d},NAME {i},1" for i in range(300)]
    lines[100] = 'T00099,"OPEN NAME,1'
    message = same("\n".join(lines).encode("utf-8"))[1]
    assert message.startswith(f"f.csv: line 101: a quote opens and does not close, so {len(lines) - 101} following")
    lines[100] = 'T00099,"CLOSED" NAME,1'
    grid_of(same("\n".join(lines).encode("utf-8")))
    lines[100:102] = ['T00099,"OPEN NAME,1', "T00100,LAST,1"]
    lines[102:] = []
    assert FOLDED_RECORDS == 2  # one folded line that looks like a record is no error
    grid_of(same("\n".join(lines).encode("utf-8")))


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_limits_at_their_boundary_read_the_same(eol):
    text = ishares(60, eol=eol)
    data = text.encode("utf-8")
    records = len(grid_of(same(data)).cells)
    longest = max(len(field) for field in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    cases = [
        ReadLimits(max_columns=6),
        ReadLimits(max_columns=5),
        ReadLimits(max_cells=records * 6),
        ReadLimits(max_cells=records * 6 - 1),
        ReadLimits(max_cells=200),
        ReadLimits(max_text_chars=len(data)),
        ReadLimits(max_text_chars=len(data) - 1),
        ReadLimits(max_text_chars=1_000),
        ReadLimits(max_cell_chars=len(data)),
        ReadLimits(max_cell_chars=len(data) - 1),
        ReadLimits(max_cell_chars=longest),
        ReadLimits(max_cell_chars=80),
        ReadLimits(max_cell_chars=20),
        ReadLimits(max_cell_chars=10),
    ]
    for limits in cases:
        same(data, limits)
    message = same(data, ReadLimits(max_cell_chars=20))[1]
    assert "refused: a field on line" in message


def test_a_long_field_on_one_line_and_across_lines_reads_the_same():
    lines = ishares(100).split("\n")
    lines[50] = '"T1","' + "N" * 5_000 + '","x","1","2","3"'
    for text in ("\n".join(lines), "\n".join(lines).replace("N" * 2_500, "N" * 2_500 + "\n")):
        data = text.encode("utf-8")
        for chars in (5_000, 4_999, 2_500, 100):
            same(data, ReadLimits(max_cell_chars=chars))


@pytest.fixture
def small_csv_field_limit():
    before = csv.field_size_limit(1_000)
    yield 1_000
    csv.field_size_limit(before)


def test_the_csv_modules_field_limit_reads_the_same(small_csv_field_limit):
    lines = ishares(100).split("\n")
    for field in (small_csv_field_limit - 3, small_csv_field_limit, small_csv_field_limit + 1, 5_000):
        for where in (3, 50, len(lines) - 2):
            changed = lines[:where] + ['"T1","' + "N" * field + '","x","1","2","3"'] + lines[where:]
            same("\n".join(changed).encode("utf-8"))
    same(ishares(400).encode("utf-8"))  # the sample is longer than the limit


@pytest.mark.parametrize(
    "data",
    [
        "a,b\n1,2\n".encode("utf-16-le"),
        "a,b\n1,2\n".encode("utf-16-be"),
        "ISIN;Name\nUS0378331005;Société Générale\n".encode("cp1252"),
        "ISIN,Name\nJP3633400001,トヨタ自動車\n".encode("shift_jis"),
        b"\x00\x01\x02\x03\x00\x00\xff\x00" * 100,
        b"\xff\xfe" + "a;b\n1;2\n".encode("utf-16-le"),
        b"   \n\t\n",
        b"",
        b"one field only\nand another\n",
        b'"',
        b'""',
        b"\n\n\n",
        b'x\n"',
        b" \t\r\n\x0b\x0c",
        b"\xef\xbb\xbf \n",
        "\u3000\u2028\n".encode(),
    ],
)
def test_encodings_and_odd_files_read_the_same(data):
    same(data)


def test_a_sniff_sample_of_delimiters_other_than_the_comma_reads_the_same():
    for text in (
        "a|b|c\n" * 50,
        "a;b\n" * 50 + "x,y,z,w\n" * 20,
        "only;one\n" + "no delimiter here\n" * 20,
        '"a;b"\n' * 40 + "c,d\n",
        "a\tb\n" * 3 + "a,b,c\n" * 3,
        "|\n;\n\t\n",
    ):
        same(text.encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=30))
def test_the_usual_width_is_the_most_common_and_the_first_seen_of_a_tie(lengths):
    widths = Counter(length for length in lengths if length > 1)
    expected = widths.most_common(1)[0][0] if widths else None
    assert usual_width(np.array(lengths, dtype=np.intp)) == expected


_PIECES = ['"', '""', ",", ";", "\n", "\r", "\r\n", "a", "b c", "", " ", '","', '"\n"', "\t", "|", "é"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_made_up_texts_read_the_same(pieces, rows, seed):
    """Random bits of text around a quoted table long enough to be read by lines."""
    rng = random.Random(seed)
    table = ishares(rows, footer=bool(seed % 2)).split("\n")
    # one kind of line end, or mixed, or CRLF but for one bare line feed
    ends = [["\n"], ["\r\n"], ["\n", "\r\n"], ["\n", "\r\n", "\r"], ["\r\n"] * 40 + ["\n"]][seed % 5]

    def joined(lines):
        return "".join(line + rng.choice(ends) for line in lines[:-1]) + (lines[-1] if lines else "")

    cut = rng.randrange(len(table) + 1)
    text = joined(table[:cut]) + "".join(pieces) + joined(table[cut:])
    same(text.encode("utf-8"))
    same(text.encode("utf-8"), ReadLimits(max_cell_chars=30, max_columns=6))
