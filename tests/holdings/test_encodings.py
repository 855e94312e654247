"""Text encodings: UTF-8, UTF-16 with or without a byte order mark, and others detected by
charset-normalizer; a file that no encoding decodes is refused. The securities are fictional."""

from __future__ import annotations

import random

import pytest

from exclusionscreen.errors import InputFileError
from exclusionscreen.holdings import load_holdings
from exclusionscreen.identifiers import isin_check_digit

NAMES = ["架空重工業株式会社", "仮想電機ホールディングス", "見本精密機器株式会社", "例示化学工業株式会社"]


def _isin(n: int) -> str:
    body = f"JP{n:09d}0"[:11]
    return body + isin_check_digit(body)


def _table(names: list[str] = NAMES) -> str:
    lines = ["ISIN,Name,Market Value,Weight (%)"]
    lines += [f"{_isin(i)},{name},{1000 * (i + 1)},{100 / len(names)}" for i, name in enumerate(names)]
    return "\r\n".join(lines) + "\r\n"


def test_shift_jis_names_decode(tmp_path):
    path = tmp_path / "fund_sjis.csv"
    path.write_bytes(_table().encode("shift_jis"))
    frame, loaded_report = load_holdings(path)
    assert frame["security_name"].tolist() == NAMES
    encoding = loaded_report[0].details["encoding"]
    assert encoding.split(" ")[0] in ("cp932", "shift_jis", "shift_jis_2004")
    assert "detected by charset-normalizer" in encoding


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_decodes(tmp_path, codec):
    path = tmp_path / "fund16.csv"
    path.write_bytes(_table().encode(codec))
    frame, loaded_report = load_holdings(path)
    assert frame["security_name"].tolist() == NAMES
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert loaded_report[0].details["encoding"].startswith(f"{codec} (no byte order mark")


def test_utf16_with_bom_and_utf8(tmp_path):
    for codec, expected in (("utf-16", "utf-16"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8 (with BOM)")):
        path = tmp_path / f"fund_{codec}.csv"
        path.write_bytes(_table().encode(codec))
        frame, loaded_report = load_holdings(path)
        assert frame["security_name"].tolist() == NAMES
        assert loaded_report[0].details["encoding"] == expected


def test_an_undecodable_file_is_refused_with_the_byte(tmp_path):
    rng = random.Random(1)
    path = tmp_path / "garbled.csv"
    path.write_bytes(b"ISIN,Name,Weight\n" + bytes(rng.randrange(128, 256) for _ in range(300)) + b",5\n")
    with pytest.raises(InputFileError, match=r"garbled\.csv: cannot tell the text encoding: byte 17 is not UTF-8"):
        load_holdings(path)


def test_nul_bytes_that_are_no_utf16_are_binary(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(b"ISIN,Name\n\x00\x00\x00\x00\x01\x02" * 50)
    with pytest.raises(InputFileError, match="holds binary data"):
        load_holdings(path)
