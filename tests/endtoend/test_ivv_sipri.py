"""A bare issuer holdings file screened with public evidence alone: IVV (April 2023) against the SIPRI
Top 100 for 2022 and the bundled lists. The expected flags were checked by hand against both files
(docs/ivv-hand-check.md)."""

from pathlib import Path

import pytest

import exclusionscreen as xs

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
IVV = SHARED / "holdings" / "IVV_holdings_2023-04-06.csv"
SIPRI = SHARED / "arms_industry" / "SIPRI-Top-100-2002-2023.xlsx"

pytestmark = pytest.mark.skipif(not (IVV.is_file() and SIPRI.is_file()), reason="shared data not present")

# ticker in IVV -> SIPRI 2022 arms revenue share (arms revenue / total revenue), from the hand check
EXPECTED = {
    "LMT": 0.9001,
    "RTX": 0.5899,
    "NOC": 0.8825,
    "BA": 0.4399,
    "GD": 0.7136,
    "LHX": 0.7402,
    "LDOS": 0.5724,
    "HON": 0.1305,
    "GE": 0.0576,
    "TXT": 0.2261,
    "TDG": 0.4292,
    "PH": 0.1191,
    "TDY": 0.3700,
    "ETN": 0.0732,
    "KEYS": 0.2159,
    "APH": 0.0903,
    "BALL": 0.0606,
    # SIPRI prints "HII" and "Jacobs Engineering Group": matched through the bundled table of other names
    "HII": 0.8196,
    "J": 0.1401,
}


@pytest.fixture(scope="module")
def result():
    holdings = xs.load_holdings(IVV)
    universe = xs.load_universe().add(involvement=xs.read_sipri_top100(SIPRI, 2022), source="SIPRI 2022")
    return xs.screen(holdings, universe, "broad")


def test_flags_are_the_hand_checked_ones(result):
    flags = result.flags.merge(result.holdings[["holding_id", "ticker"]], on="holding_id")
    got = flags.set_index("ticker")["revenue_share"].round(4).to_dict()
    assert got == EXPECTED
    assert set(flags["criterion_id"]) == {"conventional_weapons"}
    assert set(flags["via"]) == {"direct"} and set(flags["match_method"]) == {"name_exact"}


def test_name_collision_with_an_official_list_goes_to_review_not_to_flags(result):
    assert not result.flags["security_name"].eq("COSTAR GROUP INC").any()
    review = result.review
    costar = review[review["evidence_name"].eq("Costar Group Co., Ltd.")].iloc[0]
    assert costar["candidate_name"] == "COSTAR GROUP INC"
    assert "legal forms differ" in costar["reason"]


def test_every_row_is_accounted_for(result):
    report = xs.load_report(xs.load_holdings(IVV))
    file = report.files[0]
    assert file.rows_read == len(result.holdings) + len(result.skipped)
    assert result.holdings["status"].isin(["watch", "unresolved", "not_applicable"]).all()
