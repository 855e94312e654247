"""Check digits of ISIN, CUSIP, SEDOL and LEI against real identifiers, and their corruption."""

from pathlib import Path

import pandas as pd
import pytest

from exclusionscreen.identifiers import (
    is_valid_cusip,
    is_valid_isin,
    is_valid_lei,
    is_valid_sedol,
    isin_from_cusip,
    isin_from_sedol,
    normalise_identifiers,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# The worked examples of each standard's public documentation: Apple's ISIN and CUSIP, BAE Systems' SEDOL.
KNOWN_GOOD = [("isin", "US0378331005"), ("cusip", "037833100"), ("sedol", "0263494"), ("isin", "GB0002634946")]
CHECKS = {"isin": is_valid_isin, "cusip": is_valid_cusip, "sedol": is_valid_sedol, "lei": is_valid_lei}


def corrupt(value: str) -> str:
    """The same identifier with its check digit changed."""
    last = value[-1]
    return value[:-1] + str((int(last) + 1) % 10)


@pytest.mark.parametrize(("kind", "value"), KNOWN_GOOD)
def test_documented_examples_pass_and_their_corruptions_fail(kind, value):
    assert CHECKS[kind](value)
    assert not CHECKS[kind](corrupt(value))


def test_derivations_reproduce_the_published_isins():
    assert isin_from_cusip("037833100") == "US0378331005"
    assert isin_from_sedol("0263494") == "GB0002634946"


def test_shapes_are_checked():
    assert not is_valid_isin("US037833100")  # 11 characters
    assert not is_valid_cusip("03783310")  # no check digit
    assert not is_valid_sedol("A263494")  # vowels are not used in SEDOLs
    assert not is_valid_lei("HWUPKR0MPOU8FGXBT39")


@pytest.mark.skipif(not (SHARED / "identifiers").is_dir(), reason="shared data not present")
def test_every_lei_in_the_gleif_sample_is_valid_and_corruptions_are_not():
    leis = pd.read_csv(SHARED / "identifiers" / "gleif_nodes_sample_FaizKrisnadi.csv", dtype=str)["lei"]
    assert len(leis) == 50
    assert leis.map(is_valid_lei).all()
    assert not leis.map(lambda v: is_valid_lei(corrupt(v))).any()


@pytest.mark.skipif(not (SHARED / "holdings").is_dir(), reason="shared data not present")
def test_cusips_and_sedols_of_a_real_spdr_file_are_valid():
    frame = pd.read_excel(SHARED / "holdings" / "spy_holdings_2024-05-10.xlsx", header=4, dtype=str)
    cusips = frame["Identifier"].dropna()
    cusips = cusips[cusips.str.fullmatch(r"[0-9A-Z]{9}")]
    sedols = frame["SEDOL"].dropna()
    sedols = sedols[sedols.str.fullmatch(r"[0-9A-Z]{7}")]
    assert len(cusips) > 490 and len(sedols) > 490
    assert cusips.map(is_valid_cusip).all()
    assert sedols.map(is_valid_sedol).all()
    assert not cusips.map(lambda v: is_valid_cusip(corrupt(v))).any()


def test_frame_normalisation_keeps_and_marks_invalid_identifiers():
    frame = pd.DataFrame(
        {
            "isin": [" us0378331005 ", "US0378331004", None, None],
            "cusip": [None, None, "03783310", None],
            "sedol": [None, None, None, "0263494"],
            "country": [None, None, "US", "GB"],
        }
    )
    out = normalise_identifiers(frame)
    assert list(out["isin"]) == ["US0378331005", "US0378331004", "US0378331005", "GB0002634946"]
    assert pd.isna(out.loc[0, "identifier_issues"])
    assert "isin 'US0378331004': invalid" in out.loc[1, "identifier_issues"]
    assert out.loc[2, "cusip"] == "037833100"
    assert "completed" in out.loc[2, "identifier_issues"] and "derived from cusip" in out.loc[2, "identifier_issues"]
    assert "derived from sedol" in out.loc[3, "identifier_issues"]
    assert frame.loc[0, "isin"] == " us0378331005 "  # the input is not modified


def test_a_cins_code_without_country_gets_no_us_isin():
    out = normalise_identifiers(pd.DataFrame({"cusip": ["G0177J108"]}))
    assert pd.isna(out.loc[0, "isin"])


def test_a_column_of_isins_is_checked_as_each_one_is():
    """The whole-column check agrees with the one-value check on good, corrupted, malformed and
    ragged values (a trailing line break, lower case, a letter where the check digit goes)."""
    from exclusionscreen.identifiers import _valid_isins

    good = ["US0378331005", "GB0002634946", "AU0000XVGZA3", "DE000BAY0017"]
    values = [*good, *(corrupt(v) for v in good), "US0378331005\n", "us0378331005", "US037833100A", "US03783", ""]
    got = _valid_isins(pd.Series([*values, None], dtype="string"))
    assert got[:-1].astype(bool).tolist() == [is_valid_isin(v) for v in values]
    assert got.iloc[:4].all() and not got.iloc[4:-1].any()
    assert pd.isna(got.iloc[-1])


def test_an_lei_is_valid_only_when_its_remainder_mod_97_is_one():
    body = "529900T8BM49AURSDO"  # the ISO 17442 example 529900T8BM49AURSDO55
    expanded = int("".join(str(int(c, 36)) for c in body))
    remainders = {f"{cc:02d}": (expanded * 100 + cc) % 97 for cc in range(100)}
    zero = next(cc for cc, r in remainders.items() if r == 0)
    assert remainders["55"] == 1 and is_valid_lei(body + "55")
    assert not is_valid_lei(body + zero)  # divisible by 97: a remainder of 0 is a wrong check
    assert [cc for cc in remainders if is_valid_lei(body + cc)] == ["55"]
