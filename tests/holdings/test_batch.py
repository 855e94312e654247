"""Delimited files read together (the batch path) give what reading them one by one gives.

Each case loads the same inputs twice: once with every file read on its own
(``BATCH_FROM`` out of reach), once with the batch path for every list (``BATCH_FROM = 1``),
and compares the holdings frames and every field of every file's load report.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exclusionscreen.errors import ColumnMappingError
from exclusionscreen.holdings import _batch, _load, _numbers, load_holdings
from exclusionscreen.holdings._numbers import _SEPARATED, NumberFormat, _separator_votes

from .conftest import FIXTURES, SHARED_HOLDINGS, needs_shared

_BENCH_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Shares,Price,Location,"
    "Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)


def _both(monkeypatch, inputs, **kwargs):
    monkeypatch.setattr(_load, "BATCH_FROM", 10**9)
    alone = load_holdings(inputs, progress=False, **kwargs)
    monkeypatch.setattr(_load, "BATCH_FROM", 1)
    together = load_holdings(inputs, progress=False, **kwargs)
    return alone, together


def _assert_same(alone, together) -> None:
    pd.testing.assert_frame_equal(alone.holdings, together.holdings, check_exact=True)
    assert len(alone.report.files) == len(together.report.files)
    for one, other in zip(alone.report.files, together.report.files, strict=True):
        for field in dataclasses.fields(one):
            a, b = getattr(one, field.name), getattr(other, field.name)
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(a, b, obj=f"{one.path}: {field.name}", check_exact=True)
            else:
                assert a == b, (one.path, field.name, a, b)


def _counting_fallbacks(monkeypatch) -> list[str]:
    """The files the batch path hands to the per-file reader."""
    handed: list[str] = []
    original = _batch.read_sheets

    def counted(source, *args, **kwargs):
        handed.append(Path(source.name).name)
        return original(source, *args, **kwargs)

    monkeypatch.setattr(_batch, "read_sheets", counted)
    return handed


def _ishares_like(path: Path, rows: int, seed: int, as_of: str = "Apr 06, 2023", tail: str = "") -> None:
    rng = np.random.default_rng(seed)
    weights = rng.random(rows)
    weights = weights / weights.sum() * 100
    lines = [
        "\ufeffiShares Synthetic Fund",
        f'Fund Holdings as of,"{as_of}"',
        'Inception Date,"May 15, 2000"',
        " ",
        _BENCH_HEADER,
    ]
    for i, w in enumerate(weights):
        value = w * 1e6
        lines.append(
            f'"T{seed}{i:03d}","NAME {seed} {i} CORP","Industrials","Equity","{value:,.2f}","{w:.2f}",'
            f'"{value:,.2f}","{(i + 1) * 10:,.2f}","{10 + i:.2f}","United States","NASDAQ","USD","1.00","USD","-"'
        )
    lines.append(tail)
    lines.append('"Past performance does not guarantee future results.\nSee the prospectus."')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_shipped_fixtures_load_alike_both_ways(monkeypatch):
    files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".csv", ".txt") and p.name != "no_table.txt")
    alone, together = _both(monkeypatch, files)
    _assert_same(alone, together)
    for each in files:
        _assert_same(*_both(monkeypatch, [each, each]))


def test_a_file_without_a_table_fails_alike_both_ways(monkeypatch):
    files = [FIXTURES / "ishares_style_en.csv", FIXTURES / "no_table.txt", FIXTURES / "positions_fr.csv"]
    messages = []
    for reach in (10**9, 1):
        monkeypatch.setattr(_load, "BATCH_FROM", reach)
        with pytest.raises(ColumnMappingError) as caught:
            load_holdings(files, progress=False)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "no_table.txt" in messages[0]


@needs_shared
def test_shared_files_load_alike_both_ways(monkeypatch):
    files = sorted(p for p in SHARED_HOLDINGS.iterdir() if p.is_file())
    _assert_same(*_both(monkeypatch, files))


def test_plain_files_are_read_together_not_one_by_one(monkeypatch, tmp_path):
    for seed in range(4):
        _ishares_like(tmp_path / f"fund_{seed}.csv", 30 + seed, seed)
    handed = _counting_fallbacks(monkeypatch)
    alone, together = _both(monkeypatch, tmp_path)
    _assert_same(alone, together)
    assert handed == []  # the equality above is not the per-file path compared with itself
    assert len(together.holdings) == 30 + 31 + 32 + 33


def test_unusual_files_are_read_on_their_own_and_still_alike(monkeypatch, tmp_path):
    _ishares_like(tmp_path / "a_plain.csv", 20, 1)
    _ishares_like(tmp_path / "b_old_date.csv", 20, 2, as_of="Jan 02, 1901")  # an as-of warning
    _ishares_like(tmp_path / "c_no_date.csv", 20, 3, as_of="n/a")
    _ishares_like(tmp_path / "d_bad_number.csv", 20, 4, tail='"ZZZ","BAD ROW","X","Equity","12abc","0.10"')
    _ishares_like(tmp_path / "e_total.csv", 20, 5, tail='"Total","","","","1,000.00","100.00"')
    _ishares_like(tmp_path / "i_atlantis.csv", 20, 6)  # a country name without a code
    _ishares_like(tmp_path / "j_no_country.csv", 20, 7)  # a placeholder for a country: no name at all
    _ishares_like(tmp_path / "k_no_class.csv", 20, 8)  # classes from names where the file gives none
    for name, old, new in (
        ("i_atlantis.csv", '"United States","NASDAQ"', '"Atlantis","NASDAQ"'),
        ("j_no_country.csv", '"United States","NASDAQ"', '"-","NASDAQ"'),
        ("k_no_class.csv", '"NAME 8 3 CORP","Industrials","Equity"', '"USD CASH","Industrials",""'),
    ):
        path = tmp_path / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    shutil.copy(FIXTURES / "fondspositionen_de.csv", tmp_path / "f_german.csv")
    shutil.copy(FIXTURES / "positions_fr.csv", tmp_path / "g_french.csv")
    shutil.copy(FIXTURES / "custodian_fractions.csv", tmp_path / "h_custodian.csv")
    handed = _counting_fallbacks(monkeypatch)
    alone, together = _both(monkeypatch, tmp_path)
    _assert_same(alone, together)
    assert "a_plain.csv" not in handed and "c_no_date.csv" not in handed and "e_total.csv" not in handed
    assert "b_old_date.csv" in handed and "d_bad_number.csv" in handed
    assert "i_atlantis.csv" in handed and "j_no_country.csv" not in handed and "k_no_class.csv" not in handed
    by_file = {Path(r.path).name: r for r in together.report.files}
    assert any("1901" in w for w in by_file["b_old_date.csv"].warnings)
    assert by_file["e_total.csv"].skipped_by_reason.get("total line") == 1
    assert any("security name for 1 row" in w for w in by_file["k_no_class.csv"].warnings)


def test_portfolio_ids_and_column_map_alike_both_ways(monkeypatch, tmp_path):
    for seed in range(3):
        _ishares_like(tmp_path / f"fund_{seed}.csv", 10, seed)
    files = sorted(tmp_path.iterdir())
    _assert_same(*_both(monkeypatch, files, portfolio_id="ONE"))
    _assert_same(*_both(monkeypatch, files, column_map={"FX Rate": None, "Shares": "quantity"}))


def test_separator_votes_by_shape_equal_the_vote_of_each_token():
    tokens = [
        "1,234", "1.234", "1,234.5", "1.234,5", "1,234,567", "1.234.567", "0,123", "0.123", ",123", ".123",
        "12,34", "12.3456", "1234,567", "123,456", "-1,5", "+0,500", "-0.500", "7", "1,", "1.", "00,123",
        "1234", "1.2.3,4", "1,2,3.4", "-", "+1,000,000.00", "5,00", "10.000", "abc", "0,5", "9,5",
        "1,5\n", "1,234\n", "1,234\n\n", "0.5\n", "12,345.6,7", ".5", ",5", "+", "+.", "0", "00.000",
        "1.234,567.8", "\u0661,5", "1,2a", "", "-0,123", "+1234.567", "0001,000", "1,000.000,5",
    ]  # fmt: skip
    expected = [{".": 1, ",": 2, None: 0}[_separator_votes(t)] if re.match(_SEPARATED, t) else 0 for t in tokens]
    assert _batch._votes(pd.Series(tokens, dtype="string")).tolist() == expected


def test_plain_number_texts_read_as_the_full_cleaning_and_parse_read_them(monkeypatch):
    texts = [
        "1,234.5", "1.234,5", "15,725,048.11", "0.08", "100", "1,000", "1.000", "12,34,5", "1..2", ",5", "5,",
        "..", "...", "-", "(1,234.50)", "12%", "1 234,5", "1'234.5", "$12.00", "12.00 USD", '="3.42%"', "1,5-",
        "\u22121.5", "1e5", " 7 ", "7\n", "n/a", None, "", "0,000", "007", "1,2345", "٣", "12.5%\n", "12\n3",
    ]  # fmt: skip
    assert _numbers.plain_numbers(pd.Series(texts[:4] + ["7\n", "..", None], dtype="string")).tolist() == [
        True, True, True, True, False, False, False
    ]  # fmt: skip
    values = pd.Series(texts, dtype=object)
    fast_clean = _numbers._clean_text(values)
    parsed = {d: _numbers.parse_clean(fast_clean, NumberFormat(d, t, "")) for d, t in ((".", ","), (",", "."))}
    monkeypatch.setattr(_numbers, "plain_numbers", lambda text: np.zeros(len(text), bool))  # the full steps
    slow_clean = _numbers._clean_text(values)
    pd.testing.assert_series_equal(fast_clean, slow_clean)
    for (d, t), fast in zip(((".", ","), (",", ".")), parsed.values(), strict=True):
        slow = _numbers.parse_clean(slow_clean, NumberFormat(d, t, ""))
        for field in ("values", "percent", "unreadable"):
            pd.testing.assert_series_equal(getattr(fast, field), getattr(slow, field), check_names=False)


def test_files_without_numbers_or_with_decimal_commas_load_alike_both_ways(monkeypatch, tmp_path):
    isins = ["US0378331005", "US5949181045", "DE0007164600", "FR0000120271", "NL0010273215"]
    for k in range(2):
        rows = [f"{isin},Company {k} {i}" for i, isin in enumerate(isins)]
        (tmp_path / f"a_list_{k}.csv").write_text("ISIN,Name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for k in range(2):
        rows = [f'{isin};Firma {i};"1.234,{i}5";"0,{i + 1}"' for i, isin in enumerate(isins)]
        text = "Stand;31.03.2023\n\nISIN;Wertpapier;Kurswert;Anteil\n" + "\n".join(rows) + "\n"
        (tmp_path / f"b_komma_{k}.csv").write_text(text, encoding="utf-8")
    handed = _counting_fallbacks(monkeypatch)
    alone, together = _both(monkeypatch, tmp_path)
    _assert_same(alone, together)
    assert len(together.holdings) == 20
    assert handed == []  # both kinds read by the batch path


def test_a_file_beyond_the_batch_size_is_read_on_its_own(monkeypatch, tmp_path):
    _ishares_like(tmp_path / "a_small.csv", 5, 1)
    _ishares_like(tmp_path / "b_small.csv", 5, 2)
    _ishares_like(tmp_path / "c_large.csv", 40, 3)
    monkeypatch.setattr(_batch, "BATCH_CELLS", 40 * 15)
    handed = _counting_fallbacks(monkeypatch)
    _assert_same(*_both(monkeypatch, tmp_path))
    assert handed == ["c_large.csv"]


def test_a_currency_stated_beyond_the_header_is_read_alike_both_ways(monkeypatch, tmp_path):
    _ishares_like(tmp_path / "a_plain.csv", 20, 1)
    base = tmp_path / "b_base_currency.csv"
    _ishares_like(base, 20, 2)
    lines = base.read_text(encoding="utf-8").split("\n")
    base.write_text("\n".join([*lines[:3], 'Base Currency,"EUR"', *lines[3:]]), encoding="utf-8")
    signs = tmp_path / "c_dollar_cells.csv"
    _ishares_like(signs, 20, 3)
    signs.write_text(signs.read_text(encoding="utf-8").replace('"Equity","', '"Equity","$'), encoding="utf-8")
    handed = _counting_fallbacks(monkeypatch)
    alone, together = _both(monkeypatch, tmp_path)
    _assert_same(alone, together)
    currency = together.holdings.groupby("source_file")["market_value_currency"].first()
    by_name = {Path(k).name: v for k, v in currency.items()}
    assert by_name["b_base_currency.csv"] == "EUR" and by_name["c_dollar_cells.csv"] == "USD"
    assert pd.isna(by_name.get("a_plain.csv"))
    assert "a_plain.csv" not in handed


def test_a_missing_weight_in_one_file_leaves_the_weight_sums_of_the_others_alike(monkeypatch, tmp_path):
    """pandas sums groups in another order once a missing value is in the column anywhere; the
    weight sums of a file must not depend on the files read beside it (0.0712 stays 0.0712)."""
    header = _BENCH_HEADER

    def write(path: Path, weights: list[str]) -> None:
        rows = [
            f'"T{i}","NAME {i} CORP","Industrials","Equity","1,000.00","{w}","1,000.00","10.00","10.00",'
            '"United States","NASDAQ","USD","1.00","USD","-"'
            for i, w in enumerate(weights)
        ]
        path.write_text("\n".join(["Fund", 'Fund Holdings as of,"Apr 06, 2023"', " ", header, *rows]) + "\n")

    write(tmp_path / "a.csv", ["1.00", "-"])  # a holding without a weight
    write(tmp_path / "b.csv", ["1.47", "2.39", "3.26"])
    write(tmp_path / "c.csv", ["0.10", "-", "0.20", "0.30"])
    alone, together = _both(monkeypatch, tmp_path)
    _assert_same(alone, together)
    assert together.report.files[1].weight_sums == {"b": 0.0712}
