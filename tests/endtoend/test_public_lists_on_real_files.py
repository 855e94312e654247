"""Real index-fund files screened with the bundled official lists alone raise no false flags.

Name-only lists meet bare security names here: a fuzzy likeness ("AISIN CORP" and "Aisino
Corporation") or a few-letter alias ("HTC") must go to review, never into the flags.
"""

from pathlib import Path

import pandas as pd
import pytest

import exclusionscreen as xs

HOLDINGS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "holdings"


@pytest.mark.skipif(not HOLDINGS.is_dir(), reason="shared data not present")
@pytest.mark.parametrize("name", ["SWDA_holdings.csv", "weqw_holdings.csv", "spy_holdings_2024-05-10.xlsx"])
def test_no_official_list_flags_on_index_funds(name):
    result = xs.screen(xs.load_holdings(HOLDINGS / name), xs.load_universe(), "broad", as_of="2025-09-30")
    assert result.flags.empty, result.flags[["security_name", "cause_name", "match_method"]]
    doubtful = result.review[result.review["kind"].str.startswith("entity list")]
    allowed = (
        r"^(fuzzy match to a security name with no issuer data|matched only on the short alias .+"
        r"|names agree but legal forms differ .+|fuzzy name match to a list entry: .+"
        r"|matched only on the short name .+|one name is a group's or a holding company's, the other not .+"
        r"|the list places its entities in .+)(; the list places its entities in .+)?$"
    )
    assert doubtful["reason"].str.match(allowed).all(), set(doubtful["reason"])


def test_short_aliases_and_fuzzy_likeness_go_to_review():
    lists = pd.DataFrame(
        [
            dict(list_id="us_dod_1260h", name="Fictional Aisino-like Corporation", aliases="FAC", source="fictional"),
        ]
    )
    universe = xs.Universe.from_frames(entity_lists=lists)
    holdings = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id="1", security_name="FAC CORP"),
            dict(portfolio_id="P", holding_id="2", security_name="FICTIONAL AISINA LIKE CORP"),
        ]
    )
    result = xs.screen(holdings, universe, "broad", as_of="2026-09-30")
    assert result.flags.empty
    reasons = set(result.review["reason"].dropna())
    assert "matched only on the short alias FAC" in reasons
    assert "fuzzy match to a security name with no issuer data" in reasons
