"""How the report is written: atomically, never over an input, the same for the same inputs, split
past Excel's row limit; the restricted list; and a rendering by LibreOffice where it is installed."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exclusionscreen.report import ReportError, _sheets, _writer, write_report, write_restricted_list

from .conftest import hostile_screen


def values(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def opened(link) -> str:
    """The address a click on `link` opens: its target, and the fragment the file keeps apart."""
    return link.target + (f"#{link.location}" if link.location else "")


def test_same_inputs_give_the_same_workbook(hostile_report, tmp_path):
    again = hostile_screen()  # screened anew, at another run time
    a = values(hostile_report)
    b = values(again.to_excel(tmp_path / hostile_report.name))  # the same name: the Summary names its files
    run_row = next(i for i, row in enumerate(a["About"]) if row[0] == "Run at (UTC)")
    a["About"].pop(run_row)
    b["About"].pop(run_row)
    assert a == b


def test_a_crash_leaves_the_previous_report_untouched(hostile_result, tmp_path, monkeypatch):
    target = hostile_result.to_excel(tmp_path / "report.xlsx")
    before = target.read_bytes()

    def fail(wb, sheets):
        _writer._write_table_sheet(wb, next(s for s in sheets if isinstance(s, _sheets.TableSheet)))
        raise RuntimeError("disk full")

    monkeypatch.setattr(_writer, "write_sheets", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        hostile_result.to_excel(target)
    assert target.read_bytes() == before
    # no half-written or temporary file left behind: the report and the holdings files beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report.xlsx",
        "report_holdings.csv",
        "report_holdings.parquet",
    ]


def test_the_target_is_never_an_input(sample_results):
    result = sample_results[1]
    paths = [Path(p) for p in result.inputs["path"]]
    assert {p.suffix for p in paths} >= {".xlsx", ".csv"}
    for path in paths:
        before = path.read_bytes()
        with pytest.raises(ReportError, match="is an input of this screen"):
            if path.suffix == ".xlsx":
                write_report(result, path)
            else:
                write_restricted_list(result, path)
        assert path.read_bytes() == before


def test_bad_targets_are_named(hostile_result, tmp_path):
    with pytest.raises(ReportError, match=r"ending in \.xlsx"):
        write_report(hostile_result, tmp_path / "report.csv")
    with pytest.raises(ReportError, match="does not exist"):
        write_report(hostile_result, tmp_path / "missing" / "report.xlsx")
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(ReportError, match="is a folder"):
        write_report(hostile_result, tmp_path / "folder.xlsx")


def test_a_sheet_past_the_row_limit_is_split_and_the_summary_says_so(hostile_result, tmp_path, monkeypatch):
    monkeypatch.setattr(_sheets, "MAX_ROWS_PER_SHEET", 6)  # 5 rows and the header per sheet
    book = openpyxl.load_workbook(write_report(hostile_result, tmp_path / "split.xlsx", all_holdings=True))
    parts = [name for name in book.sheetnames if name.startswith("Holdings")]
    assert parts == ["Holdings", "Holdings (2)", "Holdings (3)"]
    rows = [list(book[name].iter_rows(values_only=True)) for name in parts]
    assert all(r[0] == rows[0][0] for r in rows)  # each part has the header
    assert sum(len(r) - 1 for r in rows) == len(hostile_result.holdings)
    ids = [row[rows[0][0].index("holding_id")] for r in rows for row in r[1:]]
    assert ids == hostile_result.holdings["holding_id"].tolist()
    notes = [
        v
        for name in ("Summary", "Warnings")
        if name in book.sheetnames
        for row in book[name].iter_rows(values_only=True)
        for v in row
        if v
    ]
    assert any("split across the sheets Holdings, Holdings (2), Holdings (3)" in str(v) for v in notes)


def test_links_past_excels_limit_stay_text_and_the_summary_says_so(hostile_result, tmp_path, monkeypatch):
    monkeypatch.setattr(_sheets, "MAX_LINKS_PER_SHEET", 1)
    book = openpyxl.load_workbook(hostile_result.to_excel(tmp_path / "links.xlsx"))
    ws = book["Flags"]
    linked = [c for row in ws.iter_rows() for c in row if c.hyperlink is not None]
    urls = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("https://")]
    assert len(linked) == 1 and len(urls) > 1
    notes = [
        v
        for name in ("Summary", "Warnings")
        if name in book.sheetnames
        for row in book[name].iter_rows(values_only=True)
        for v in row
        if v
    ]
    assert any("the first 1 are clickable" in str(v) for v in notes)


def test_source_links_keep_their_exact_address_on_every_part_of_a_split_sheet(hostile_result, tmp_path, monkeypatch):
    """Ampersands, quotes, escapes and fragments survive in the address a click opens, and each link
    belongs to its cell, on each numbered part of a split sheet."""
    monkeypatch.setattr(_sheets, "MAX_ROWS_PER_SHEET", 3)  # 2 rows and the header per sheet
    flags = hostile_result.flags
    n = len(flags)
    urls = [f"https://example.org/e?id={i}&lang=en&q='a%20b'#s{i}" for i in range(n)]
    result = replace(hostile_result, flags=flags.assign(evidence_url=pd.Series(urls, index=flags.index, dtype="str")))
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "links.xlsx"))
    parts = [name for name in book.sheetnames if name.startswith("Flags")]
    assert len(parts) == (n + 1) // 2 > 1
    linked = [
        (c.value, opened(c.hyperlink), c.hyperlink.ref == c.coordinate)
        for name in parts
        for row in book[name].iter_rows(min_row=2)
        for c in row
        if c.hyperlink is not None
    ]
    assert linked == [(u, u, True) for u in urls]


def test_a_source_url_ending_in_a_line_break_is_text_and_the_report_is_written(hostile_result, tmp_path):
    flags = hostile_result.flags
    urls = ["https://example.org/ok"] * len(flags)
    urls[0] = "https://example.org/broken\n"
    result = replace(hostile_result, flags=flags.assign(evidence_url=pd.Series(urls, index=flags.index, dtype="str")))
    ws = openpyxl.load_workbook(result.to_excel(tmp_path / "newline.xlsx"))["Flags"]
    column = [c.value for c in ws[1]].index("evidence_url") + 1
    cells = [row[column - 1] for row in ws.iter_rows(min_row=2)]
    assert cells[0].hyperlink is None and cells[0].value.startswith("https://example.org/broken")
    assert all(c.hyperlink is not None and c.hyperlink.target == "https://example.org/ok" for c in cells[1:])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_a_screen_without_flags_still_has_every_sheet(tmp_path):
    result = hostile_screen(["E4", "E5"])  # a bakery and cash
    assert result.flags.empty
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "clean.xlsx"))
    assert [c.value for c in book["Flags"][1]] and book["Flags"].max_row == 1
    assert len(book["By portfolio"]._charts) == 1
    # the restricted list covers the universe, held or not
    restricted = pd.read_csv(write_restricted_list(result, tmp_path / "restricted.csv"))
    assert len(restricted) == len(result.restricted_list()) > 0 and not restricted["held"].any()


def test_the_chart_draws_at_most_a_dozen_portfolios(hostile_result, tmp_path, monkeypatch):
    monkeypatch.setattr(_sheets, "MAX_CHART_SERIES", 1)
    book = openpyxl.load_workbook(hostile_result.to_excel(tmp_path / "chart.xlsx"))
    (chart,) = book["By portfolio"]._charts
    assert len(chart.series) == 1 and hostile_result.holdings["portfolio_id"].nunique() == 2
    title = "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
    assert "first 1 portfolios" in title


def test_restricted_list_has_every_security_of_excluded_issuers(hostile_result, tmp_path):
    path = write_restricted_list(hostile_result, tmp_path / "restricted.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = hostile_result.restricted_list()
    assert list(frame.columns) == list(expected.columns)
    assert frame["isin"].tolist() == expected["isin"].tolist()
    fin = frame[frame["issuer_id"] == "QUILL_FIN"]
    assert set(fin["held"]) == {"True", "False"}  # the subsidiary's bonds, held or not
    assert set(fin["via"]) == {"subsidiary"}
    # an issuer name that a spreadsheet would run is neutralised
    trap = frame.loc[frame["issuer_id"] == "TRAP", "issuer_name"].item()
    assert trap == "'" + '=HYPERLINK("https://attacker.example","Trap")'


def test_restricted_list_write_is_atomic(hostile_result, tmp_path, monkeypatch):
    target = write_restricted_list(hostile_result, tmp_path / "restricted.csv")
    before = target.read_bytes()

    def fail(self, *args, **kwargs):
        Path(args[0]).write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    with pytest.raises(OSError, match="disk full"):
        write_restricted_list(hostile_result, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["restricted.csv"]


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_report_to_pdf(hostile_report, tmp_path):
    profile = tmp_path / "profile"
    done = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(hostile_report),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / (hostile_report.stem + ".pdf")
    assert pdf.is_file(), done.stdout + done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 20_000  # nine sheets of text and a chart, not an empty document


@pytest.mark.skipif(_soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice or pdftotext absent")
def test_printed_demo_report_has_summary_on_one_page_and_few_pages_per_sheet(sample_report, tmp_path):
    """Each page's footer names its sheet ("Flags ... Page 2 of 11"): count the pages of each sheet."""
    profile = tmp_path / "profile"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(sample_report)],
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / (sample_report.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    footers = [line.split()[0] for line in text.splitlines() if " Page " in line and " of " in line]
    pages = {name: footers.count(name) for name in dict.fromkeys(footers)}
    assert pages["Summary"] == 1
    assert set(pages) >= {"Summary", "Flags", "Review", "Overrides", "Criteria", "About"}
    assert all(n <= 4 for n in pages.values()), pages
    # readable: the words of the table sheets' pages are printed 7 points high or more (before: under 1
    # point on Flags, 33 columns fitted to one page width), the Summary's 5.5 or more (before: under 3)
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    # About too (before: 2.6 points, its wide reference tables fitted to one page width)
    least = {
        "Summary": 5.5,
        "Flags": 7.0,
        "Holdings": 7.0,
        "Review": 7.0,
        "Overrides": 7.0,
        "Criteria": 7.0,
        "About": 6.5,
    }
    for name, page in zip(footers, bbox.split("<page ")[1:], strict=True):
        heights = [
            float(m.group(2)) - float(m.group(1))
            for m in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', page)
        ]
        assert statistics.median(heights) >= least.get(name, 0.0), (name, statistics.median(heights))
