"""The unit of each portfolio's values (a currency, or weights only) in every summary, never summed
across currencies; the as-of check against the screening date; PAI 14 averaged over quarters.

Every company, portfolio and figure here is fictional (the engine's test universe).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exclusionscreen import pai14_average
from exclusionscreen.errors import ArgumentError
from exclusionscreen.result import ScreenResult
from exclusionscreen.screen import screen

from .conftest import AS_OF, holdings_rows


def _three_units() -> pd.DataFrame:
    """EQ in EUR (as a file's header states), US with no stated currency, W with weights only."""
    rows = holdings_rows()
    eq = pd.DataFrame(rows).assign(market_value_currency="EUR")
    us = pd.DataFrame(rows).assign(portfolio_id="US", market_value=250.0)
    w = pd.DataFrame(rows).assign(portfolio_id="W", market_value=np.nan, weight=1.0 / len(rows))
    out = pd.concat([eq, us, w], ignore_index=True)
    out["holding_id"] = [f"{p}:{i}" for i, p in enumerate(out["portfolio_id"])]
    return out


@pytest.fixture(scope="module")
def three(universe) -> ScreenResult:
    return screen(_three_units(), universe, "broad", as_of=AS_OF, currency={"US": "usd"})


def test_each_portfolio_has_its_unit(three):
    units = dict(zip(three.currencies()["portfolio_id"], three.currencies()["currency"], strict=True))
    assert units == {"EQ": "EUR", "US": "USD", "W": "weights only"}
    overview = three.overview().set_index("portfolio_id")
    assert overview["currency"].to_dict() == units
    # a portfolio of weights only shows weights, never a "market value" of 1
    assert pd.isna(overview.loc["W", "market_value"])
    assert overview.loc["W", "weight"] == pytest.approx(1.0)
    assert overview.loc["US", "market_value"] == pytest.approx(250.0 * len(holdings_rows()))
    assert set(three.pai14()["currency"]) == {"EUR", "USD", "weights only"}


def test_market_values_are_never_summed_across_currencies(three):
    summary = three.summary()
    assert summary.loc[summary["portfolio_id"] == "W", "market_value_flagged"].isna().all()
    assert (summary.loc[summary["portfolio_id"] == "US", "currency"] == "USD").all()
    by_criterion = three.criteria_summary()
    # one row per criterion and unit; the EUR row holds EQ's flagged value alone
    assert len(by_criterion) == 3 * len(three.policy.criteria)
    for unit, portfolio in (("EUR", "EQ"), ("USD", "US")):
        expected = summary[summary["portfolio_id"] == portfolio].set_index("criterion_id")["market_value_flagged"]
        got = by_criterion[by_criterion["currency"] == unit].set_index("criterion_id")["market_value_flagged"]
        assert got.reindex(expected.index).tolist() == pytest.approx(expected.tolist())
    assert by_criterion.loc[by_criterion["currency"] == "weights only", "market_value_flagged"].isna().all()
    warned = [w for w in three.warnings if "never summed together" in w]
    assert len(warned) == 1 and "EUR: EQ" in warned[0] and "USD: US" in warned[0]


def test_one_currency_for_all_gives_one_row_per_criterion_and_no_warning(universe):
    result = screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of=AS_OF, currency="CHF")
    assert result.currencies()["currency"].tolist() == ["CHF"]
    assert len(result.criteria_summary()) == len(result.policy.criteria)
    assert not [w for w in result.warnings if "units" in w]


def test_a_currency_that_contradicts_the_file_is_an_error(universe):
    holdings = pd.DataFrame(holdings_rows()).assign(market_value_currency="EUR", source_file="fund.csv")
    with pytest.raises(ArgumentError, match=r"'EQ' is given as USD, but fund.csv state\(s\) market values in EUR"):
        screen(holdings, universe, "broad", as_of=AS_OF, currency="USD")
    with pytest.raises(ArgumentError, match="not a currency code"):
        screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of=AS_OF, currency="euro")
    with pytest.raises(ArgumentError, match="no portfolio 'XX'"):
        screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of=AS_OF, currency={"XX": "EUR"})


def test_units_survive_save_and_load(three, tmp_path):
    loaded = ScreenResult.load(three.save(tmp_path / "q"))
    pd.testing.assert_frame_equal(loaded.currencies(), three.currencies())


# ---------------------------------------------------------------------------- as-of against the screening date


@pytest.mark.parametrize(("days", "warned"), [(365, False), (366, True), (-365, False), (-366, True)])
def test_as_of_more_than_a_year_from_the_screening_date_is_a_warning(universe, days, warned):
    day = pd.Timestamp(AS_OF)
    holdings = pd.DataFrame(holdings_rows()).assign(
        as_of=day - pd.Timedelta(days=days), source_file="fund.csv", source_row=range(7, 7 + len(holdings_rows()))
    )
    result = screen(holdings, universe, "broad", as_of=AS_OF)
    found = [w for w in result.warnings if "as-of date" in w]
    if not warned:
        assert found == []
        return
    side = "before" if days > 0 else "after"
    assert len(found) == 1
    assert found[0].startswith(f"fund.csv: as-of date {(day - pd.Timedelta(days=days)).date()} (lines 7, 8, 9")
    assert f"more than a year {side} the screening date ({day.date()})" in found[0]


def test_as_of_before_1990_is_a_warning(universe):
    holdings = pd.DataFrame(holdings_rows()).assign(as_of=pd.Timestamp("1989-12-31"), source_file="old.csv")
    result = screen(holdings, universe, "broad", as_of="1990-06-30")
    assert any(w.startswith("old.csv: as-of date 1989-12-31") and "before 1990" in w for w in result.warnings)


# ---------------------------------------------------------------------------- PAI 14 over four quarters

QUARTER_ENDS = ("2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31")


@pytest.fixture(scope="module")
def saved_quarters(universe, tmp_path_factory) -> list:
    """Four quarter ends of the same fund, a holding fewer each quarter (so the figures differ), saved."""
    rows = pd.DataFrame(holdings_rows())
    folder = tmp_path_factory.mktemp("quarters")
    out = []
    for i, day in enumerate(QUARTER_ENDS):
        result = screen(rows.iloc[i:], universe, "broad", as_of=day)
        out.append(result.save(folder / day))
    return out


def test_pai14_average_of_four_saved_quarters_is_the_mean_of_the_quarter_figures(saved_quarters):
    quarters = [ScreenResult.load(q).pai14().set_index("portfolio_id") for q in saved_quarters]
    figures = [q.loc["EQ", "pai14_all"] for q in quarters]
    assert len(set(np.round(figures, 12))) > 1  # the quarters differ: the mean is not any one of them
    average = pai14_average(list(reversed(saved_quarters))).set_index("portfolio_id")
    assert average.loc["EQ", "pai14_all"] == pytest.approx(np.mean(figures))
    assert average.loc["EQ", "pai14_covered"] == pytest.approx(
        np.mean([q.loc["EQ", "pai14_covered"] for q in quarters])
    )
    assert average.loc["EQ", "quarters"] == 4 and bool(average.loc["EQ", "complete"])
    for day, q in zip(QUARTER_ENDS, quarters, strict=True):
        assert average.loc["EQ", f"coverage {day}"] == pytest.approx(q.loc["EQ", "coverage"])
        assert average.loc["EQ", f"pai14_all {day}"] == pytest.approx(q.loc["EQ", "pai14_all"])


def test_pai14_average_of_fewer_than_four_quarters_is_over_those_given_and_incomplete(saved_quarters):
    two = pai14_average(saved_quarters[:2]).set_index("portfolio_id")
    figures = [
        ScreenResult.load(q).pai14().set_index("portfolio_id").loc["EQ", "pai14_all"] for q in saved_quarters[:2]
    ]
    assert two.loc["EQ", "pai14_all"] == pytest.approx(np.mean(figures))
    assert two.loc["EQ", "quarters"] == 2 and not bool(two.loc["EQ", "complete"])
    assert not [c for c in two.columns if c.endswith(QUARTER_ENDS[2])]


def test_pai14_average_refuses_two_results_of_one_quarter_and_more_than_four(saved_quarters, broad_result):
    with pytest.raises(ArgumentError, match="two results fall in the quarter 2026Q3"):
        pai14_average([saved_quarters[2], broad_result])
    with pytest.raises(ArgumentError, match="at most four"):
        pai14_average([*saved_quarters, broad_result])
    with pytest.raises(ArgumentError, match="one to four"):
        pai14_average([])
