"""The hand-labelled answer keys of the accuracy benchmark are well formed and true to their files.

Checks the keys only (benchmarks/keys/, see its README), not the screen: columns and values, that
every keyed row exists in its holdings file under the name keyed, that every entity is printed so
by its source, and that no pair is both a match and a trap. The files are read with the csv module
and openpyxl, independently of exclusionscreen's loader.
"""

import csv
import io
import re
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = ROOT / "benchmarks" / "keys"
SHARED = ROOT.parent / "shared" / "data"
SIPRI = SHARED / "arms_industry" / "SIPRI-Top-100-2002-2023.xlsx"
OFAC = SHARED / "lists" / "ofac" / "cons_prim.csv"
LISTS = ROOT / "src" / "exclusionscreen" / "data" / "entity_lists.csv"

COLUMNS = [
    "holdings_file",
    "row",
    "security_name",
    "ticker",
    "isin",
    "cusip",
    "sedol",
    "source",
    "edition",
    "entity_name",
    "relation",
    "status",
    "basis",
]
SOURCES = {"sipri_2022", "sipri_2023", "us_dod_1260h", "eu_833_annex_iv", "us_ns_cmic"}
RELATIONS = {"direct", "share_class", "parent", "subsidiary", "trap"}
FILES = {"IVV", "SWDA", "SPY", "XTR", "VAN", "NBIM"}

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="shared data not present")


def key_paths() -> list[Path]:
    return sorted(KEYS.glob("*__*.csv"))


@cache
def keys() -> pd.DataFrame:
    frames = []
    for path in key_paths():
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames.append(frame.assign(key_file=path.name))
    return pd.concat(frames, ignore_index=True)


@cache
def file_rows(name: str) -> dict[int, str]:
    """Row (CSV line or sheet row) -> the name in it, for the rows of the holdings table."""
    path = SHARED / "holdings" / name
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        sheet = book[book.sheetnames[0]]
        header, out = None, {}
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                header = list(values) if "Name" in values else None
                continue
            name_cell = values[header.index("Name")]
            if name_cell is not None:
                out[number] = str(name_cell).strip()
        book.close()
        return out
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header, out = None, {}
    for number, line in enumerate(lines, start=1):
        record = next(csv.reader([line]), [])
        if header is None:
            header = record if record and record[0] in ("Ticker", "Holding name") else None
            continue
        if len(record) >= 2:
            column = "Name" if "Name" in header else "Holding name"
            out[number] = record[header.index(column)].strip()
    return out


@cache
def source_names(source: str) -> frozenset[str]:
    if source.startswith("sipri"):
        year = source[-4:]
        book = openpyxl.load_workbook(SIPRI, read_only=True)
        sheet = next(book[n] for n in book.sheetnames if n.strip() == year)
        names = {str(v[2]).strip() for v in sheet.iter_rows(min_row=5, values_only=True) if isinstance(v[0], int)}
        book.close()
        return frozenset(names)
    if source == "us_ns_cmic":
        text = OFAC.read_text(encoding="latin-1")
        return frozenset(
            r[1].strip() for r in csv.reader(io.StringIO(text)) if len(r) > 3 and r[3].strip() == "CMIC-EO13959"
        )
    lists = pd.read_csv(LISTS, dtype=str)
    return frozenset(lists.loc[lists["list_id"].eq(source), "name"])


def test_there_is_one_key_per_file_and_source():
    found = {tuple(p.stem.split("__")) for p in key_paths()}
    assert found == {(f, s) for f in FILES for s in SOURCES}


@pytest.mark.parametrize("path", key_paths(), ids=lambda p: p.stem)
def test_columns_and_values(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS
    code, source = path.stem.split("__")
    assert frame["source"].eq(source).all()
    assert frame["relation"].isin(RELATIONS).all(), set(frame["relation"]) - RELATIONS
    assert frame["status"].isin({"sure", "uncertain"}).all()
    assert frame["row"].str.fullmatch(r"[1-9]\d*").all()
    assert frame["holdings_file"].nunique() <= 1
    assert not frame.duplicated(["row", "entity_name"]).any()
    if source.startswith("sipri"):
        assert frame["edition"].eq(source[-4:]).all()
    else:
        assert frame["edition"].str.fullmatch(r"(\d{4}-\d\d-\d\d)(;\d{4}-\d\d-\d\d)*").all()
    # an identity that needs a fact says which: share classes and uncertain rows give a reason
    needs_basis = frame["relation"].eq("share_class") | frame["status"].eq("uncertain")
    assert frame.loc[needs_basis, "basis"].str.len().gt(0).all()


def test_every_keyed_row_is_in_its_file_with_that_name():
    wrong = []
    for rec in keys().itertuples(index=False):
        got = file_rows(rec.holdings_file).get(int(rec.row))
        if got != rec.security_name:
            wrong.append((rec.key_file, rec.row, rec.security_name, got))
    assert not wrong, wrong[:10]


def test_every_entity_is_printed_so_by_its_source():
    wrong = [
        (r.key_file, r.entity_name)
        for r in keys().itertuples(index=False)
        if r.entity_name not in source_names(r.source)
    ]
    assert not wrong, wrong[:10]


def test_identifiers_given_are_those_of_the_row():
    # the Xtrackers file gives ISINs: a keyed ISIN is checked against the file's ISIN shape and row
    k = keys()
    isins = k.loc[k["isin"].ne(""), "isin"]
    assert isins.str.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}\d|_CURRENCY[A-Z]{3}").all()


def test_traps_and_matches_do_not_contradict():
    k = keys()
    trap = k[k["relation"].eq("trap")]
    match = k[k["relation"].ne("trap")]
    both = trap.merge(match, on=["holdings_file", "row", "source", "entity_name"])
    assert both.empty, both[["holdings_file", "row", "entity_name"]]
    # one row of a file is keyed to at most one entity per source as a direct match
    direct = k[k["relation"].eq("direct") & k["status"].eq("sure")]
    assert not direct.duplicated(["holdings_file", "source", "row"]).any()


def test_the_issue_s_traps_are_keyed():
    k = keys()
    trap = k[k["relation"].eq("trap")]
    traps = set(zip(trap["security_name"].str.upper(), trap["entity_name"], strict=True))
    for name, entity in [
        ("GE VERNOVA INC", "General Electric"),
        ("GE HEALTHCARE TECHNOLOGIES", "General Electric"),
        ("GENERAL MILLS INC", "General Electric"),
        ("HUNTINGTON BANCSHARES INC", "HII"),
        ("COSTAR GROUP INC", "Costar Group Co., Ltd."),
        ("AISIN CORP", "Aisino Corporation"),
        ("ADVANCED MICRO DEVICES INC", "Advanced Micro-Fabrication Equipment Inc. China"),
        ("MARTIN MARIETTA MATERIALS INC", "Lockheed Martin Corp."),
        ("L3HARRIS TECHNOLOGIES INC", "Huawei Technologies Co., Ltd."),
        ("BAE SYSTEMS PLC", "AGT Systems LLC"),
        ("MICRON TECHNOLOGY INC", "Joint Stock Company Microtechnology"),
    ]:
        assert (name, entity) in traps, (name, entity)


def test_share_classes_sit_beside_another_line_of_the_same_entity():
    k = keys()
    sure = k[k["status"].eq("sure") & k["relation"].isin(["direct", "share_class"])]
    for rec in sure[sure["relation"].eq("share_class")].itertuples(index=False):
        same = sure[
            sure["holdings_file"].eq(rec.holdings_file)
            & sure["source"].eq(rec.source)
            & sure["entity_name"].eq(rec.entity_name)
        ]
        assert len(same) >= 2, (rec.key_file, rec.row)
        assert re.search(r"(?i)class|adr|pref|\bA$|\bH$|\bB$|amperex", rec.security_name), rec.security_name
