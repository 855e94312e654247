"""The shipped fictional pension fund screens to exactly the outcomes its README promises."""

import pandas as pd
import pytest

import exclusionscreen as xs
from exclusionscreen._resources import bundled_dir

SAMPLE = bundled_dir("sample_portfolios")
QUARTERS = {"2026Q2": "2026-06-30", "2026Q3": "2026-09-30"}


@pytest.fixture(scope="module")
def results():
    universe = xs.load_universe(SAMPLE / "universe")
    policy = xs.load_policy(SAMPLE / "fund_policy.yaml")
    out = {}
    for quarter, as_of in QUARTERS.items():
        files = sorted(p for p in (SAMPLE / quarter).iterdir() if p.suffix in {".csv", ".xlsx"})
        holdings = xs.load_holdings(files)
        out[quarter] = xs.screen(
            holdings,
            universe,
            policy,
            as_of=as_of,
            overrides=SAMPLE / "overrides.csv",
            decisions=SAMPLE / "decisions.csv",
        )
    return out


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("string").fillna("")


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_holding_as_expected(results, quarter):
    expected = pd.read_csv(SAMPLE / "expected_holdings.csv", dtype=str, keep_default_na=False)
    expected = expected[expected["quarter"] == quarter]
    got = results[quarter].holdings
    got = got.assign(source_row=got["source_row"].astype(int).astype(str))
    columns = ["portfolio_id", "source_row", "holding_key", "issuer_id", "resolution_method", "status", "criteria_hit"]
    merged = _text(expected[columns]).merge(
        _text(got[columns]),
        on=["portfolio_id", "source_row"],
        how="outer",
        suffixes=("_expected", "_got"),
        indicator=True,
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    for column in columns[2:]:
        wrong = merged[merged[f"{column}_expected"] != merged[f"{column}_got"]]
        shown = wrong[["portfolio_id", "source_row", f"{column}_expected", f"{column}_got"]]
        assert wrong.empty, f"{column} differs:\n{shown}"


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_flag_as_expected(results, quarter):
    expected = pd.read_csv(SAMPLE / "expected_flags.csv", dtype=str, keep_default_na=False)
    expected = expected[expected["quarter"] == quarter]
    r = results[quarter]
    got = r.flags.merge(r.holdings[["holding_id", "source_row"]], on="holding_id")
    got = got.assign(source_row=got["source_row"].astype(int).astype(str))
    key = ["portfolio_id", "source_row", "criterion_id"]
    columns = key + ["issuer_id", "via", "cause_issuer_id", "action", "override", "outcome"]
    merged = _text(expected[columns]).merge(
        _text(got[columns]), on=key, how="outer", suffixes=("_expected", "_got"), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", key + ["_merge"]]
    for column in columns[3:]:
        assert (merged[f"{column}_expected"] == merged[f"{column}_got"]).all(), column


def test_every_shipped_criterion_is_exercised(results):
    hit = set(results["2026Q2"].flags["criterion_id"]) | set(results["2026Q3"].flags["criterion_id"])
    # the criterion that reproduces SFDR PAI 14 is exercised by every screen's PAI 14 figure
    hit |= set(results["2026Q3"].pai14_flags["criterion_id"])
    assert hit == set(xs.shipped_criteria())


def test_quarter_on_quarter_changes(results):
    changes = results["2026Q3"].compare(results["2026Q2"])
    kinds = set(changes["change"])
    assert {"new_flag", "cleared_flag", "holding_added", "holding_removed", "status_changed"} <= kinds


def test_overrides_states(results):
    q2 = results["2026Q2"].overrides.set_index("criterion_id")["state"]
    q3 = results["2026Q3"].overrides.set_index("criterion_id")["state"]
    assert "expired" in set(q3) and "expired" not in set(q2)


def test_sample_issuers_are_plainly_fictional():
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "fictional" in readme.splitlines()[2].lower() or "fictional" in readme[:600].lower()
    sources = pd.read_csv(SAMPLE / "universe" / "involvement.csv", dtype=str)["source"]
    assert sources.str.contains("ictional").all()
