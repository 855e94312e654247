"""Fund look-through: positions of the funds a portfolio holds, weighted through every level.

The fixture funds (tests/fixtures/funds) and every issuer here are fictional. Fund Alpha holds a
cluster-munitions maker (10 % of its market value), a bakery (60 %), Fund Beta (20 %) and cash
(10 %); Fund Beta holds a mines maker (25 %) and a dairy (75 %). So the mines maker is 0.2 x 0.25
= 5 % of Fund Alpha.
"""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import exclusionscreen as xs
from exclusionscreen.errors import ArgumentError, InputFileError, LookThroughError
from exclusionscreen.lookthrough import AS_OF_GAP_MONTHS, load_funds, underlying

FUNDS = Path(__file__).resolve().parents[1] / "fixtures" / "funds"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
IVV = SHARED / "holdings" / "IVV_holdings_2023-04-06.csv"
SIPRI = SHARED / "arms_industry" / "SIPRI-Top-100-2002-2023.xlsx"

ALPHA, BETA = "XS00FUNDAAA9", "XS00FUNDBBB3"
CLUSTER, MINES, BAKERY, DAIRY = "XS00TESTC015", "XS00TESTM014", "XS00TESTK018", "XS00TESTK026"
SOURCE = "Fictional test evidence"


@pytest.fixture(scope="module")
def universe() -> xs.Universe:
    issuers = pd.DataFrame(
        [
            dict(issuer_id="FICT_CLUSTER", issuer_name="Fictional Cluster Munitions Co", issuer_type="corporate"),
            dict(issuer_id="FICT_MINES", issuer_name="Fictional Mines Works plc", issuer_type="corporate"),
            dict(issuer_id="FICT_BAKERY", issuer_name="Fictional Bakery AG", issuer_type="corporate"),
            dict(issuer_id="FICT_DAIRY", issuer_name="Fictional Dairy AG", issuer_type="corporate"),
        ]
    )
    securities = pd.DataFrame(
        [
            dict(isin=CLUSTER, issuer_id="FICT_CLUSTER"),
            dict(isin=MINES, issuer_id="FICT_MINES"),
            dict(isin=BAKERY, issuer_id="FICT_BAKERY"),
            dict(isin=DAIRY, issuer_id="FICT_DAIRY"),
        ]
    )
    involvement = pd.DataFrame(
        [
            dict(issuer_id="FICT_CLUSTER", category="cluster_munitions", involvement_type="production", source=SOURCE),
            dict(issuer_id="FICT_MINES", category="anti_personnel_mines", involvement_type="production", source=SOURCE),
        ]
    )
    return xs.Universe.from_frames(issuers=issuers, securities=securities, involvement=involvement)


def portfolios() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                portfolio_id="P1", holding_id="P1:1", isin=ALPHA, security_name="FUND ALPHA", market_value=1_000_000.0
            ),
            dict(portfolio_id="P1", holding_id="P1:2", isin=BAKERY, security_name="BAKERY", market_value=500_000.0),
            dict(portfolio_id="P1", holding_id="P1:3", isin=MINES, security_name="MINES", market_value=500_000.0),
            # Fund Beta named by its ticker and exchange only
            dict(
                portfolio_id="P2",
                holding_id="P2:1",
                ticker="FBETA",
                exchange="XLON",
                security_name="FUND BETA",
                market_value=400_000.0,
            ),
            dict(portfolio_id="P2", holding_id="P2:2", isin=DAIRY, security_name="DAIRY", market_value=600_000.0),
        ]
    )


@pytest.fixture(scope="module")
def result(universe):
    return xs.screen(portfolios(), universe, "broad", as_of="2026-09-30", funds=FUNDS)


def test_funds_folder_is_read_with_its_index():
    funds = load_funds(FUNDS)
    assert funds.index["fund_id"].tolist() == [ALPHA, BETA]
    assert funds.index["ticker"].tolist() == ["FALPHA", "FBETA"]
    alpha = funds.positions[funds.positions["fund_id"] == ALPHA]
    # Fund Alpha gives market values only: weights are their shares of the total (1,000)
    assert alpha["fund_weight"].round(6).tolist() == [0.1, 0.6, 0.2, 0.1]
    beta = funds.positions[funds.positions["fund_id"] == BETA]
    assert beta["fund_weight"].round(6).tolist() == [0.25, 0.75]


def test_fund_of_funds_gives_the_product_of_weights():
    rows, unexpanded = underlying(load_funds(FUNDS))
    positions = load_funds(FUNDS).positions
    alpha = rows[rows["top"] == 0].assign(isin=lambda r: positions["isin"].to_numpy()[r["position"]])
    weights = dict(zip(alpha["isin"].fillna("cash"), alpha["fund_weight"].round(6), strict=True))
    # 0.2 x 0.25, 0.2 x 0.75; Fund Beta's own line stays, screened as a security of its own
    assert weights == {CLUSTER: 0.1, BAKERY: 0.6, "cash": 0.1, BETA: 0.2, MINES: 0.05, DAIRY: 0.15}
    assert alpha.set_index("isin").loc[MINES, "route"] == f"{ALPHA} → {BETA}"
    assert unexpanded.empty
    # Beta's positions sit beneath its line; without that line, weights add up to the whole fund
    line = alpha.index[alpha["isin"] == BETA][0]
    assert alpha["nested"].sum() == 1 and alpha.set_index("isin").loc[[MINES, DAIRY], "parent"].eq(line).all()
    assert alpha.loc[~alpha["nested"], "fund_weight"].sum() == pytest.approx(1.0)


def test_max_depth_one_leaves_the_nested_fund_as_a_position():
    rows, unexpanded = underlying(load_funds(FUNDS), max_depth=1)
    assert len(rows[rows["top"] == 0]) == 4  # cluster, bakery, Fund Beta's line, cash
    assert unexpanded.to_dict("records") == [{"fund_id": ALPHA, "nested_fund": BETA, "fund_weight": 0.2}]
    with pytest.raises(ArgumentError, match="max_depth"):
        underlying(load_funds(FUNDS), max_depth=0)


def test_a_cycle_is_refused_naming_both_funds():
    a = pd.DataFrame([dict(isin=BETA, security_name="BETA", weight=0.5), dict(isin=BAKERY, weight=0.5)])
    b = pd.DataFrame([dict(isin=ALPHA, security_name="ALPHA", weight=0.3), dict(isin=DAIRY, weight=0.7)])
    with pytest.raises(LookThroughError, match=f"{ALPHA} → {BETA} → {ALPHA}") as caught:
        underlying(load_funds({ALPHA: a, BETA: b}))
    assert isinstance(caught.value, xs.ExclusionScreenError)


def test_indirect_flags_carry_the_route_file_date_and_exposure(result):
    f = result.fund_flags
    assert not f.columns.duplicated().any()
    xs.validate(f, xs.FundFlags, source="fund flags")  # every column of the contract, in full
    p1 = f[(f["portfolio_id"] == "P1") & (f["criterion_id"] == "anti_personnel_mines")].iloc[0]
    assert p1["route"] == f"P1 → {ALPHA} → {BETA} → Fictional Mines Works plc"
    assert p1["fund_file"] == "fund_beta.csv"
    assert pd.Timestamp(p1["fund_as_of"]) == pd.Timestamp("2025-12-31")
    assert p1["market_value"] == pytest.approx(1_000_000 * 0.05)
    assert p1["share_of_portfolio"] == pytest.approx(0.5 * 0.05)
    cluster = f[(f["portfolio_id"] == "P1") & (f["criterion_id"] == "cluster_munitions")].iloc[0]
    assert cluster["market_value"] == pytest.approx(100_000.0) and cluster["fund_file"] == "fund_alpha.csv"
    p2 = f[f["portfolio_id"] == "P2"]
    assert set(p2["criterion_id"]) >= {"anti_personnel_mines"}
    assert p2["market_value"].round(6).unique().tolist() == [100_000.0]
    # the funds' positions are not holdings of any portfolio
    assert set(result.holdings["portfolio_id"]) == {"P1", "P2"}
    assert set(result.flags["portfolio_id"]) == {"P1"}


def test_pai14_with_look_through_is_the_hand_computed_share(result):
    pai = result.pai14().set_index("portfolio_id")
    # P1: 2,000,000 in all; the mines maker held directly (500,000), and through Fund Alpha the
    # cluster maker (1,000,000 x 10 %) and the mines maker (1,000,000 x 20 % x 25 %)
    assert pai.loc["P1", "involved_direct_value"] == pytest.approx(500_000.0)
    assert pai.loc["P1", "involved_indirect_value"] == pytest.approx(150_000.0)
    assert pai.loc["P1", "pai14_indirect"] == pytest.approx(0.075)
    assert pai.loc["P1", "pai14_all"] == pytest.approx(0.325)
    # P2: 1,000,000; Fund Beta's line (400,000) x 25 %
    assert pai.loc["P2", "pai14_all"] == pytest.approx(0.1)
    assert pai.loc["P2", "pai14_direct"] == pytest.approx(0.0)


def test_exposure_splits_direct_and_indirect(result):
    e = result.exposure().set_index(["portfolio_id", "criterion_id"])
    mines = e.loc[("P1", "anti_personnel_mines")]
    assert (mines["direct_value"], mines["indirect_value"], mines["total_value"]) == pytest.approx(
        (500_000.0, 50_000.0, 550_000.0)
    )
    assert e.loc[("P1", "cluster_munitions"), "direct_value"] == 0.0
    assert e.loc[("P2", "anti_personnel_mines"), "total_weight"] == pytest.approx(0.1)


def test_coverage_and_funds_summary(result):
    c = result.lookthrough_coverage().set_index("portfolio_id")
    assert c.loc["P1", "fund_lines"] == 1 and c.loc["P1", "coverage"] == 1.0
    assert c.loc["P2", "max_as_of_gap_days"] == (pd.Timestamp("2026-09-30") - pd.Timestamp("2025-12-31")).days
    funds = result.funds().set_index("fund_id")
    assert funds.loc[ALPHA, "weight_excluded"] == pytest.approx(0.15)
    assert funds.loc[ALPHA, "excluded_issuers"] == "Fictional Cluster Munitions Co; Fictional Mines Works plc"
    assert funds.loc[ALPHA, "value_excluded"] == pytest.approx(150_000.0)
    assert funds.loc[BETA, "portfolios"] == 1 and funds.loc[BETA, "weight_excluded"] == pytest.approx(0.25)
    restricted = result.restricted_list().set_index("issuer_id")
    assert restricted.loc["FICT_MINES", "held_in_funds"] == f"{ALPHA}; {BETA}"


def test_as_of_gap_warning_at_its_exact_limit(universe):
    # Fund Beta is dated 2025-12-31: 9 months later is 2026-09-30, still within the limit
    assert AS_OF_GAP_MONTHS == 9
    on_limit = xs.screen(portfolios(), universe, "broad", as_of="2026-09-30", funds=FUNDS)
    assert not [w for w in on_limit.warnings if BETA in w and "months" in w]
    past = xs.screen(portfolios(), universe, "broad", as_of="2026-10-01", funds=FUNDS)
    assert [w for w in past.warnings if BETA in w and "more than 9 months" in w]


def test_a_fund_on_a_list_stays_flagged_itself(universe):
    # Fund Beta as a security of its own, whose (fictional) issuer has mines evidence
    listed = universe.add(
        issuers=pd.DataFrame([dict(issuer_id="FICT_BETA", issuer_name="Fictional Beta Fund", issuer_type="fund")]),
        securities=pd.DataFrame([dict(ticker="FBETA", exchange="XLON", issuer_id="FICT_BETA")]),
        involvement=pd.DataFrame(
            [dict(issuer_id="FICT_BETA", category="anti_personnel_mines", involvement_type="production", source=SOURCE)]
        ),
        source="fund as its own issuer",
    )
    r = xs.screen(portfolios(), listed, "broad", as_of="2026-09-30", funds=FUNDS)
    p2 = r.holdings.set_index("holding_id").loc["P2:1"]
    assert p2["status"] == "excluded"
    # counted once in PAI 14: the whole line directly, not again through its positions
    pai = r.pai14().set_index("portfolio_id")
    assert pai.loc["P2", "pai14_all"] == pytest.approx(0.4)
    assert pai.loc["P2", "involved_indirect_value"] == 0.0


def test_unmatched_fund_line_lowers_coverage(universe):
    frame = pd.concat(
        [
            portfolios(),
            pd.DataFrame(
                [
                    dict(
                        portfolio_id="P2",
                        holding_id="P2:3",
                        security_name="OTHER ETF",
                        asset_class="fund",
                        market_value=1.0,
                    )
                ]
            ),
        ]
    )
    r = xs.screen(frame, universe, "broad", as_of="2026-09-30", funds=FUNDS)
    c = r.lookthrough_coverage().set_index("portfolio_id")
    assert c.loc["P2", "fund_lines"] == 2 and c.loc["P2", "looked_through"] == 1
    assert any("could not be looked through" in w for w in r.warnings)


def test_without_funds_nothing_changes(universe):
    r = xs.screen(portfolios(), universe, "broad", as_of="2026-09-30")
    assert r.fund_flags.empty and r.exposure()["indirect_value"].eq(0).all()
    with pytest.raises(ArgumentError, match="max_depth"):
        xs.screen(portfolios(), universe, "broad", max_depth=2)


def test_folder_without_index_or_isin_names_is_refused(tmp_path):
    (tmp_path / "some.csv").write_text("ISIN,Weight\nXS00TESTK018,1\n")
    with pytest.raises(InputFileError, match="funds.csv"):
        load_funds(tmp_path)


def test_files_named_by_isin_need_no_index(tmp_path):
    (tmp_path / f"{BETA}.csv").write_bytes((FUNDS / "fund_beta.csv").read_bytes())
    (tmp_path / "notes.csv").write_text("not a fund\n")
    funds = load_funds(tmp_path)
    assert funds.index["fund_id"].tolist() == [BETA] and funds.index["file"].tolist() == [f"{BETA}.csv"]


def test_index_errors_name_the_file_and_line(tmp_path):
    (tmp_path / "a.csv").write_bytes((FUNDS / "fund_beta.csv").read_bytes())
    (tmp_path / "funds.csv").write_text("file,isin\na.csv,XS00FUNDBBB4\n")
    with pytest.raises(InputFileError, match=r"funds.csv, line 2: isin 'XS00FUNDBBB4' is not a valid ISIN"):
        load_funds(tmp_path)
    (tmp_path / "funds.csv").write_text("file,isin\nmissing.csv,XS00FUNDBBB3\n")
    with pytest.raises(InputFileError, match="line 2: file 'missing.csv' is not in the folder"):
        load_funds(tmp_path)


def test_fund_files_are_among_the_inputs(result):
    funds = result.inputs[result.inputs["kind"] == "fund holdings"]
    assert [Path(p).name for p in funds["path"]] == ["fund_alpha.csv", "fund_beta.csv"]
    assert funds["rows"].tolist() == [4, 2] and funds["sha256"].str.len().eq(64).all()


def test_result_with_look_through_saves_and_loads(result, tmp_path):
    again = xs.ScreenResult.load(result.save(tmp_path / "saved"))
    assert len(again.fund_flags) == len(result.fund_flags)
    pd.testing.assert_frame_equal(again.pai14(), result.pai14(), check_dtype=False)


#: weights read by hand from the IVV file's "Weight (%)" column (ticker: percent)
IVV_WEIGHTS_BY_HAND = {
    "LOCKHEED MARTIN CORP": 0.32,  # LMT
    "NORTHROP GRUMMAN CORP": 0.20,  # NOC
    "GENERAL DYNAMICS CORP": 0.15,  # GD
    "HUNTINGTON INGALLS INDUSTRIES INC": 0.02,  # HII, printed "HII" by SIPRI
}
#: the 17 holdings of docs/ivv-hand-check.md, matched by name; the screen may find more (HII by its ticker)
IVV_HAND_CHECK = {
    "LOCKHEED MARTIN CORP", "RAYTHEON TECHNOLOGIES CORP", "NORTHROP GRUMMAN CORP", "BOEING", "GENERAL DYNAMICS CORP",
    "L3HARRIS TECHNOLOGIES INC", "LEIDOS HOLDINGS INC", "HONEYWELL INTERNATIONAL INC", "GENERAL ELECTRIC",
    "TEXTRON INC", "TRANSDIGM GROUP INC", "PARKER-HANNIFIN CORP", "TELEDYNE TECHNOLOGIES INC", "EATON PLC",
    "KEYSIGHT TECHNOLOGIES INC", "AMPHENOL CORP CLASS A", "BALL CORP",
}  # fmt: skip


@pytest.mark.skipif(not (IVV.is_file() and SIPRI.is_file()), reason="shared data not present")
def test_ivv_look_through_with_sipri(tmp_path):
    (tmp_path / IVV.name).write_bytes(IVV.read_bytes())
    # IVV is named by its ticker and exchange in the index; its file states its own date
    (tmp_path / "funds.csv").write_text(f"file,ticker,exchange\n{IVV.name},IVV,ARCX\n")
    holdings = pd.DataFrame(
        [
            dict(
                portfolio_id="PF",
                holding_id="PF:1",
                ticker="IVV",
                exchange="ARCX",
                security_name="ISHARES CORE S&P 500",
            )
        ]
    ).assign(market_value=2_000_000.0)
    universe = xs.load_universe().add(involvement=xs.read_sipri_top100(SIPRI, 2022), source="SIPRI 2022")
    r = xs.screen(holdings, universe, "broad", as_of="2023-04-06", funds=tmp_path)
    f = r.fund_flags.set_index("security_name")
    assert not f.index.duplicated().any()  # one flag per company: conventional weapons only
    # each company's indirect exposure is the line's value times its weight in IVV, read by hand
    for name, percent in IVV_WEIGHTS_BY_HAND.items():
        assert f.loc[name, "market_value"] == pytest.approx(2_000_000.0 * percent / 100), name
        assert f.loc[name, "share_of_portfolio"] == pytest.approx(percent / 100), name
    assert f.loc["LOCKHEED MARTIN CORP", "route"] == "PF → IVV → LOCKHEED MARTIN CORP"
    # and every flagged company's, against the weight column as loaded
    ivv = xs.load_holdings(IVV).holdings.set_index("security_name")["weight"]
    assert f["market_value"].to_numpy() == pytest.approx(2_000_000.0 * ivv.reindex(f.index).to_numpy())
    # looking through IVV flags what screening IVV's own holdings directly flags, no more, no less
    direct = xs.screen(xs.load_holdings(IVV), universe, "broad", as_of="2023-04-06").flags
    assert set(zip(f.index, f["criterion_id"], f["action"], strict=True)) == set(
        zip(direct["security_name"], direct["criterion_id"], direct["action"], strict=True)
    )
    # which holds at least the companies of the hand check
    assert IVV_HAND_CHECK <= set(f.index)
    assert set(f["criterion_id"]) == {"conventional_weapons"}
    assert (f["fund_as_of"].astype("datetime64[ns]") == pd.Timestamp("2023-04-06")).all()
    assert r.flags.empty  # the IVV line itself is not a SIPRI company


def test_report_has_funds_and_fund_flags_sheets(result, tmp_path):
    path = result.to_excel(tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert {"Funds", "Fund flags"} <= set(book.sheetnames)
    text = [str(c) for row in book["Fund flags"].iter_rows(values_only=True) for c in row if c is not None]
    assert f"P1 → {ALPHA} → {BETA} → Fictional Mines Works plc" in text
    funds = [str(c) for row in book["Funds"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Fictional Cluster Munitions Co; Fictional Mines Works plc" in funds


def test_cli_funds_option(universe, tmp_path):
    folder = tmp_path / "universe"
    folder.mkdir()
    for name in ("issuers", "securities", "involvement"):
        getattr(universe, name).to_csv(folder / f"{name}.csv", index=False)
    portfolios().to_csv(tmp_path / "holdings.csv", index=False)
    args = ["screen", tmp_path / "holdings.csv", "--universe", folder, "--no-bundled-lists", "--as-of", "2026-09-30"]
    proc = subprocess.run(
        [sys.executable, "-m", "exclusionscreen", *map(str, [*args, "--funds", FUNDS, "--out", tmp_path / "r.xlsx"])],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Look-through: 2 of 2 fund lines looked through (2 funds)" in proc.stdout
    # per criterion, the value flagged directly, through funds and in total
    assert "anti_personnel_mines: 500,000.00 + 150,000.00 = 650,000.00" in proc.stdout
    assert "Funds" in openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True).sheetnames


def test_summary_has_direct_indirect_and_total_columns(result):
    s = result.summary().set_index(["portfolio_id", "criterion_id"])
    mines = s.loc[("P1", "anti_personnel_mines")]
    # P1 holds the mines maker directly (500,000) and through Alpha → Beta (1,000,000 x 5 %)
    assert mines["holdings_excluded"] == 1
    assert (mines["flagged_value_direct"], mines["flagged_value_indirect"], mines["flagged_value_total"]) == (
        pytest.approx((500_000.0, 50_000.0, 550_000.0))
    )
    assert mines["flagged_weight_total"] == pytest.approx(0.25 + 0.025)
    # a portfolio and criterion flagged only through a fund has its row, with no holding counted
    cluster = s.loc[("P1", "cluster_munitions")]
    assert cluster["holdings_excluded"] == 0 and cluster["flagged_value_indirect"] == pytest.approx(100_000.0)
    assert s.loc[("P2", "anti_personnel_mines"), "flagged_weight_indirect"] == pytest.approx(0.1)
    by_criterion = result.criteria_summary().set_index("criterion_id")
    assert by_criterion.loc["anti_personnel_mines", "flagged_value_total"] == pytest.approx(650_000.0)
    assert by_criterion.loc["chemical_weapons", "flagged_value_total"] == 0.0


def test_summary_without_funds_keeps_its_columns(universe):
    s = xs.screen(portfolios(), universe, "broad", as_of="2026-09-30").summary()
    assert not [c for c in s.columns if c.startswith("flagged_")]


def test_review_rows_inside_funds_go_to_the_fund_lines(universe):
    # Fund Alpha here: half the cluster maker, half a security no issuer of the universe matches;
    # Fund Beta (held by no portfolio) has one such security too
    alpha = pd.DataFrame(
        [dict(isin=CLUSTER, security_name="CLUSTER", weight=0.5), dict(security_name="UNKNOWN WIDGETS", weight=0.5)]
    )
    beta = pd.DataFrame([dict(security_name="UNHELD GADGETS", weight=1.0)])
    frame = portfolios()
    frame.loc[frame["holding_id"] == "P2:1", ["isin", "ticker", "exchange"]] = [ALPHA, None, None]
    r = xs.screen(frame, universe, "broad", as_of="2026-09-30", funds={ALPHA: alpha, BETA: beta})
    inside = r.review[r.review["security_name"] == "UNKNOWN WIDGETS"].set_index("portfolio_id")
    # one row per fund line carrying it, with that line's exposure: 1,000,000 and 400,000 x 50 %
    assert sorted(inside.index) == ["P1", "P2"]
    assert inside.loc["P1", "holding_id"] == "P1:1" and inside.loc["P2", "holding_id"] == "P2:1"
    assert inside.loc["P1", "market_value"] == pytest.approx(500_000.0)
    assert inside.loc["P2", "market_value"] == pytest.approx(200_000.0)
    assert inside.loc["P2", "share_of_portfolio"] == pytest.approx(0.4 * 0.5)
    assert inside.loc["P1", "route"] == f"P1 → {ALPHA} → UNKNOWN WIDGETS" and inside.loc["P1", "fund_id"] == ALPHA
    # no review row names a fund's screening portfolio, and a fund no portfolio holds adds none
    assert not r.review["portfolio_id"].astype(str).str.startswith("look-through").any()
    assert "UNHELD GADGETS" not in set(r.review["security_name"])
    # the per-portfolio cut sees its own rows
    assert r.review["portfolio_id"].isin(["P1", "P2"]).all()


def test_override_counts_holdings_and_fund_lines_apart(universe):
    overrides = pd.DataFrame(
        [
            dict(issuer_id="FICT_MINES", criterion_id="anti_personnel_mines", decision="exempt"),
            dict(issuer_id="FICT_CLUSTER", criterion_id="cluster_munitions", decision="exempt"),
            dict(issuer_id="FICT_BAKERY", criterion_id="cluster_munitions", decision="exempt"),
        ]
    ).assign(rationale="test", approver="Analyst", approved_on="2026-01-01")
    r = xs.screen(portfolios(), universe, "broad", as_of="2026-09-30", funds=FUNDS, overrides=overrides)
    o = r.overrides.set_index("issuer_id")
    # the mines maker: P1's own line, and the lines of Alpha (P1, through Beta) and Beta (P2)
    assert (o.loc["FICT_MINES", "holdings_affected"], o.loc["FICT_MINES", "fund_lines_affected"]) == (1, 2)
    # the cluster maker only inside Alpha: applied through P1's fund line, no holding of its own
    assert (o.loc["FICT_CLUSTER", "holdings_affected"], o.loc["FICT_CLUSTER", "fund_lines_affected"]) == (0, 1)
    assert o.loc["FICT_CLUSTER", "state"] == "applied"
    assert o.loc["FICT_BAKERY", "state"] == "applied (no holding affected)"
    assert r.fund_flags.loc[r.fund_flags["issuer_id"] == "FICT_CLUSTER", "outcome"].eq("exempt").all()
    assert r.exposure().set_index(["portfolio_id", "criterion_id"]).loc[("P1", "cluster_munitions"), "total_value"] == 0


def test_compare_lists_changes_through_funds(result, universe):
    # next quarter: P1 doubles its Fund Alpha line, P2 sells Fund Beta, and the mines maker is exempt
    frame = portfolios()
    frame.loc[frame["holding_id"] == "P1:1", "market_value"] = 2_000_000.0
    frame = frame[frame["holding_id"] != "P2:1"]
    overrides = pd.DataFrame(
        [dict(issuer_id="FICT_MINES", criterion_id="anti_personnel_mines", decision="exempt")]
    ).assign(rationale="test", approver="Analyst", approved_on="2026-01-01")
    later = xs.screen(frame, universe, "broad", as_of="2026-12-31", funds=FUNDS, overrides=overrides)
    c = later.compare(result)
    through = c[c["change"].str.contains("fund")].set_index(["change", "portfolio_id", "criterion_id"])
    # P1's Alpha line: 2,000,000 of 3,000,000 now, the cluster maker 10 % of it, was 1,000,000 of 2,000,000
    cluster = through.loc[("fund_exposure_changed", "P1", "cluster_munitions")]
    assert (cluster["indirect_value_previous"], cluster["indirect_value"]) == pytest.approx((100_000.0, 200_000.0))
    assert (cluster["indirect_weight_previous"], cluster["indirect_weight"]) == pytest.approx((0.05, 0.2 / 3))
    assert cluster["holding_key"] == f"isin:{ALPHA}" and cluster["fund_id"] == ALPHA
    # the mines maker through Alpha is exempt now; through Beta in P2 it is gone with the line
    assert through.loc[("changed_fund_flag", "P1", "anti_personnel_mines"), "outcome"] == "exempt"
    gone = through.loc[("cleared_fund_flag", "P2", "anti_personnel_mines")]
    assert (gone["indirect_value_previous"], gone["indirect_value"]) == pytest.approx((100_000.0, 0.0))
    # an unchanged quarter lists no change through funds
    assert not result.compare(result)["change"].str.contains("fund").any()


def test_a_nested_fund_on_a_list_stays_flagged_and_counts_once(universe):
    # Fund Beta, held by Fund Alpha (20 %), is itself a (fictional) issuer with mines evidence
    listed = universe.add(
        issuers=pd.DataFrame([dict(issuer_id="FICT_BETA", issuer_name="Fictional Beta Fund", issuer_type="fund")]),
        securities=pd.DataFrame([dict(isin=BETA, issuer_id="FICT_BETA")]),
        involvement=pd.DataFrame(
            [dict(issuer_id="FICT_BETA", category="anti_personnel_mines", involvement_type="production", source=SOURCE)]
        ),
        source="fund as its own issuer",
    )
    frame = portfolios()[lambda f: f["portfolio_id"] == "P1"]
    r = xs.screen(frame, listed, "broad", as_of="2026-09-30", funds=FUNDS)
    f = r.fund_flags[r.fund_flags["criterion_id"] == "anti_personnel_mines"]
    # the nested fund's own line is flagged, with its route, at 1,000,000 x 20 %
    beta = f[f["issuer_id"] == "FICT_BETA"].iloc[0]
    assert beta["route"] == f"P1 → {ALPHA} → Fictional Beta Fund" and beta["market_value"] == pytest.approx(200_000.0)
    # and the mines maker inside it is not counted again for mines: Beta counts as a whole
    assert "FICT_MINES" not in set(f["issuer_id"])
    e = r.exposure().set_index(["portfolio_id", "criterion_id"]).loc[("P1", "anti_personnel_mines")]
    assert e["indirect_value"] == pytest.approx(200_000.0) and e["direct_value"] == pytest.approx(500_000.0)
    # PAI 14: the cluster maker (10 %) and Beta as a whole (20 %), not Beta's mines maker on top
    assert r.pai14().set_index("portfolio_id").loc["P1", "involved_indirect_value"] == pytest.approx(300_000.0)
    alpha = r.funds().set_index("fund_id").loc[ALPHA]
    assert alpha["weight_excluded"] == pytest.approx(0.1 + 0.2)
    assert "Fictional Beta Fund" in alpha["excluded_issuers"]


def test_a_fund_line_flagged_itself_is_not_counted_again_through_its_contents(universe):
    listed = universe.add(
        issuers=pd.DataFrame([dict(issuer_id="FICT_BETA", issuer_name="Fictional Beta Fund", issuer_type="fund")]),
        securities=pd.DataFrame([dict(ticker="FBETA", exchange="XLON", issuer_id="FICT_BETA")]),
        involvement=pd.DataFrame(
            [dict(issuer_id="FICT_BETA", category="anti_personnel_mines", involvement_type="production", source=SOURCE)]
        ),
        source="fund as its own issuer",
    )
    r = xs.screen(portfolios(), listed, "broad", as_of="2026-09-30", funds=FUNDS)
    e = r.exposure().set_index(["portfolio_id", "criterion_id"]).loc[("P2", "anti_personnel_mines")]
    # P2's Beta line (400,000) is excluded itself: it counts whole, not 400,000 + 100,000 through it
    assert (e["direct_value"], e["indirect_value"], e["total_value"]) == pytest.approx((400_000.0, 0.0, 400_000.0))
    assert len(r.fund_flags[(r.fund_flags["portfolio_id"] == "P2")]) >= 1  # its contents are still shown
