"""Messy files made up by hypothesis: whatever the preamble, footer, locale, column order,
column names and cell types, every row is accounted for and every value reads back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exclusionscreen.holdings import load_holdings
from exclusionscreen.identifiers import isin_check_digit

# Names a person would give these columns, per language (all known aliases of the loader).
HEADERS = {
    "security_name": {
        "en": ["Name", "Security Name", "Description"],
        "de": ["Bezeichnung", "Name"],
        "fr": ["Libellé", "Nom"],
        "es": ["Nombre"],
        "it": ["Denominazione"],
        "nl": ["Naam"],
    },
    "isin": {
        "en": ["ISIN", "ISIN Code"],
        "de": ["ISIN-Code"],
        "fr": ["Code ISIN"],
        "es": ["Código ISIN"],
        "it": ["Codice ISIN"],
        "nl": ["ISIN-code"],
    },
    "weight": {
        "en": ["Weight (%)", "% of Net Assets", "Weight"],
        "de": ["Gewichtung (%)", "Anteil (%)", "Gewichtung"],
        "fr": ["Pondération (%)", "Poids"],
        "es": ["Ponderación (%)"],
        "it": ["Ponderazione (%)"],
        "nl": ["Weging (%)"],
    },
    "market_value": {
        "en": ["Market Value", "Market Value (USD)"],
        "de": ["Marktwert", "Kurswert"],
        "fr": ["Valeur de marché"],
        "es": ["Valor de mercado"],
        "it": ["Valore di mercato"],
        "nl": ["Marktwaarde"],
    },
    "quantity": {
        "en": ["Shares", "Quantity"],
        "de": ["Nominale", "Stück"],
        "fr": ["Quantité"],
        "es": ["Cantidad"],
        "it": ["Quantità"],
        "nl": ["Aantal"],
    },
}
LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]
# thousands separator, decimal separator
LOCALES = {"en": (",", "."), "de": (".", ","), "fr": ("\u202f", ","), "ch": ("'", "."), "plain": ("", ".")}
PREAMBLE = [
    "Example Equity Fund",
    "Quarterly holdings report",
    "Prepared for the board",
    "Confidential",
    "Base figures unaudited",
    "Page 1 of 1",
    "Fund Holdings as of,Mar 28 2024",
]
FOOTER = [
    "Holdings subject to change.",
    "Past performance is no guarantee of future results.",
    "Source: fund administrator",
    "Figures rounded",
    "(c) Example Funds. All rights reserved.",
]
WORDS = [
    "EXAMPLE",
    "SAMPLE",
    "FICTIVE",
    "ILLUSTRATIVE",
    "MUSTER",
    "BEISPIEL",
    "NORTHERN",
    "HARBOUR",
    "ALPINE",
    "ORCHARD",
]
SUFFIXES = ["CORP", "PLC", "AG", "SA", "NV", "INC", "SE", "HOLDINGS"]


@dataclass(frozen=True)
class Holding:
    name: str
    isin: str
    weight_cents: int  # hundredths of a percent point
    value_cents: int
    quantity: int


@st.composite
def isins(draw) -> str:
    prefix = draw(st.sampled_from(["DE", "FR", "NL", "XS", "IE", "LU"]))
    body = prefix + draw(st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=9, max_size=9))
    return body + isin_check_digit(body)


@st.composite
def holdings(draw) -> list[Holding]:
    n = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]  # sum 100.00 %
    out = []
    for weight in weights:
        name = f"{draw(st.sampled_from(WORDS))} {draw(st.sampled_from(WORDS))} {draw(st.sampled_from(SUFFIXES))}"
        value = draw(st.integers(-(10**8), 10**12))
        out.append(Holding(name, draw(isins()), weight, value, draw(st.integers(0, 10**7))))
    return out


def fmt_number(cents: int, decimals: int, locale: str, grouped: bool) -> str:
    """`cents` (an integer scaled by 10**decimals) written the way `locale` writes numbers."""
    thousands, decimal = LOCALES[locale]
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 10**decimals)
    digits = f"{whole:,}".replace(",", thousands if grouped else "")
    return sign + digits + (decimal + str(frac).zfill(decimals) if decimals else "")


@st.composite
def messy_files(draw):
    rows = draw(holdings())
    locale = draw(st.sampled_from(list(LOCALES)))
    language = draw(st.sampled_from(LANGUAGES))
    columns = draw(st.permutations(list(HEADERS)))
    headers = {c: draw(st.sampled_from(HEADERS[c].get(language) or HEADERS[c]["en"])) for c in columns}
    fractions = draw(st.booleans()) and "%" not in headers["weight"]
    grouped = draw(st.booleans())
    fmt = "xlsx" if draw(st.booleans()) else "csv"
    as_text = fmt == "csv" or draw(st.booleans())  # numbers stored as text in a workbook
    negative_style = draw(st.sampled_from(["minus", "parentheses"]))
    preamble = draw(st.lists(st.sampled_from([*PREAMBLE, ""]), max_size=6))
    footer = draw(st.lists(st.sampled_from([*FOOTER, ""]), max_size=5))
    total_line = draw(st.booleans())
    blank_inside = draw(st.integers(0, len(rows)))  # a blank line after this many holdings

    def value_text(h: Holding, column: str):
        if column == "security_name":
            return h.name
        if column == "isin":
            return h.isin
        if column == "weight":
            scaled = h.weight_cents * (100 if fractions else 1)
            decimals = 6 if fractions else 2
            number = scaled / 10**decimals
            text = fmt_number(scaled, decimals, locale, grouped)
        elif column == "market_value":
            number, text = h.value_cents / 100, fmt_number(h.value_cents, 2, locale, grouped)
        else:
            number = float(h.quantity)
            text = fmt_number(h.quantity * 100, 2, locale, grouped)
        if not as_text:
            return number
        if text.startswith("-") and negative_style == "parentheses":
            text = f"({text[1:]})"
        return text

    table = [[headers[c] for c in columns]]
    for i, h in enumerate(rows):
        if i == blank_inside and 0 < i:
            table.append([])
        table.append([value_text(h, c) for c in columns])
    records = [[line] if line else [] for line in preamble] + table
    kinds = ["preamble" if line else "blank" for line in preamble] + ["header"]
    kinds += ["holding" if r else "blank" for r in table[1:]]
    if total_line:
        records.append(["Total"] + [""] * (len(columns) - 1))
        kinds.append("total line")
    for line in footer:
        records.append([line] if line else [])
        kinds.append("footer" if line else "blank")
    if fmt == "xlsx":  # a sheet does not store empty rows below its last cell
        while not records[-1]:
            records.pop()
            kinds.pop()
    delimiter = ";" if LOCALES[locale][1] == "," and draw(st.booleans()) else ","
    return rows, records, kinds, fmt, delimiter, fractions


def write(path, records, fmt, delimiter) -> None:
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(records)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return
    book = openpyxl.Workbook()
    sheet = book.active
    for record in records:
        sheet.append(record)
    book.save(path)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(case=messy_files())
def test_messy_files_read_back(tmp_path, case):
    rows, records, kinds, fmt, delimiter, fractions = case
    path = tmp_path / f"messy.{fmt}"
    write(path, records, fmt, delimiter)
    frame, files = load_holdings(path)
    report = files[0]

    # every row is accounted for, each with the reason it was written for
    assert report.rows_read == len(records) == report.holdings + len(report.skipped)
    assert report.holdings == len(rows) == len(frame)
    expected = pd.Series(kinds, index=range(1, len(kinds) + 1))
    skipped = report.skipped.set_index("source_row")["reason"]
    footer_like = skipped.isin(["footer", "disclaimer"])
    assert (expected[footer_like.index[footer_like]] == "footer").all()
    assert skipped[~footer_like].to_dict() == expected[skipped.index[~footer_like]].to_dict()
    assert frame["source_row"].tolist() == expected.index[expected == "holding"].tolist()

    # every value reads back
    assert frame["security_name"].tolist() == [h.name for h in rows]
    assert frame["isin"].tolist() == [h.isin for h in rows]
    assert frame["weight"].tolist() == pytest.approx([h.weight_cents / 10000 for h in rows])
    assert frame["market_value"].tolist() == pytest.approx([h.value_cents / 100 for h in rows])
    assert frame["quantity"].tolist() == pytest.approx([float(h.quantity) for h in rows])
    assert report.weight_scale == ("fraction" if fractions else "percent")
    assert report.weight_sum == pytest.approx(1.0)
    assert frame["identifier_issues"].isna().all()
