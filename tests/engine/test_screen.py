"""The screen end to end on the fictional universe: criteria, vias, statuses, overrides, dates, compare."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exclusionscreen.errors import ContractError, OverrideError
from exclusionscreen.result import ScreenResult
from exclusionscreen.rulefiles import load_policy
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe

from .conftest import AS_OF, holdings_rows, involvement_criteria, universe_frames


def flag(result, issuer_id, criterion_id):
    f = result.flags
    hit = f[(f["issuer_id"] == issuer_id) & (f["criterion_id"] == criterion_id)]
    assert len(hit) == 1, f"expected one {criterion_id} flag on {issuer_id}, got {len(hit)}"
    return hit.iloc[0]


def status(result, security_name):
    return result.holdings.loc[result.holdings["security_name"] == security_name, "status"].item()


def test_every_shipped_criterion_is_hit(broad_result):
    assert set(broad_result.flags["criterion_id"]) == set(load_policy("broad").criterion_ids)


@pytest.mark.parametrize("criterion", [c.id for c in involvement_criteria()])
def test_each_product_criterion_flags_its_involved_issuer(broad_result, criterion):
    c = load_policy("broad").criterion(criterion)
    hit = flag(broad_result, f"INV_{criterion.upper()}", criterion)
    assert hit["via"] == "direct"
    assert hit["action"] == c.action.value
    assert hit["evidence_source"] == "Fictional test evidence"
    assert hit["evidence_url"] == "https://example.org/evidence"


def test_every_via(broad_result):
    assert flag(broad_result, "ORD_SUB", "cluster_munitions")["via"] == "direct"
    parent = flag(broad_result, "ORD_PARENT", "cluster_munitions")
    assert (parent["via"], parent["cause_issuer_id"], parent["cause_name"]) == (
        "parent",
        "ORD_SUB",
        "Quillfeather Munitions Ltd",
    )
    sub = flag(broad_result, "MINE_FIN", "anti_personnel_mines")
    assert (sub["via"], sub["cause_issuer_id"]) == ("subsidiary", "MINE_PARENT")
    listed = flag(broad_result, "LISTED", "official_military_lists")
    assert (listed["via"], listed["list_id"]) == ("list", "us_dod_1260h")
    assert listed["match_method"] == "name_exact"
    exposure = flag(broad_result, "EXPORTER", "arms_sales_rights_violating_regimes")
    assert (exposure["via"], exposure["recipient_country"], exposure["list_id"]) == (
        "country_exposure",
        "XR",
        "un_arms_embargo_state",
    )
    assert flag(broad_result, "RURITANIA", "sovereign_arms_embargo")["via"] == "sovereign"


def test_thirty_percent_holder_is_not_caught(broad_result):
    assert status(broad_result, "holding of MINOR_HOLDER") == "clear"
    assert status(broad_result, "holding of ORD_JV") == "excluded"


def test_revenue_thresholds(broad_result):
    assert status(broad_result, "holding of CONV_LOW") == "clear"  # 1 % < 5 %
    unknown = flag(broad_result, "CONV_UNKNOWN", "conventional_weapons")
    assert unknown["action"] == "watch" and pd.isna(unknown["revenue_share"])  # unknown share: watch


def test_dates_decide(broad_result):
    assert status(broad_result, "holding of FREEDONIA") == "clear"  # embargo ended 2025-12-31
    assert status(broad_result, "holding of OLD_EXPORTER") == "clear"  # 2015 is outside the look-back
    assert status(broad_result, "holding of CLEAN") == "clear"  # delisted in 2024; evidence dated 2027
    assert any("dated after 2026-09-30" in w for w in broad_result.warnings)


def test_country_lists_changing_over_time(universe):
    before = screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of="2025-06-30")
    assert status(before, "holding of FREEDONIA") == "excluded"
    assert status(before, "holding of CLEAN") == "clear"
    earlier = screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of="2023-06-30")
    assert (
        "official_military_lists"
        in earlier.holdings.loc[earlier.holdings["security_name"] == "holding of CLEAN", "criteria_hit"].item()
    )


def test_every_status(broad_result):
    counts = broad_result.holdings["status"].value_counts()
    assert set(counts.index) == {"excluded", "watch", "clear", "unresolved", "not_applicable"}
    assert status(broad_result, "US DOLLAR") == "not_applicable"
    assert status(broad_result, "Nobody Knows Ltd") == "unresolved"
    assert status(broad_result, "Orphan Cluster Bombs Inc") == "excluded"  # name-keyed evidence


def test_review_lists_doubtful_and_unresolved(broad_result):
    review = broad_result.review
    doubtful = review[review["security_name"] == "Brackenridge Incendiary"].iloc[0]
    assert doubtful["candidate_issuer_id"] == "FUZZY"
    assert set(review["security_name"].dropna()) == {"Brackenridge Incendiary", "Nobody Knows Ltd"}
    assert not broad_result.flags["security_name"].eq("Brackenridge Incendiary").any()


def test_cycle_is_reported(broad_result):
    assert [sorted(c) for c in broad_result.cycles] == [["CYCLE_A", "CYCLE_B"]]


def test_accounting_adds_up(broad_result):
    h = broad_result.holdings
    assert len(h) == len(holdings_rows()) and h["holding_id"].is_unique


PAI14_WEAPONS = ("anti_personnel_mines", "biological_weapons", "chemical_weapons", "cluster_munitions")


def test_pai14_both_denominators(broad_result):
    pai = broad_result.pai14().set_index("portfolio_id").loc["EQ"]
    h = broad_result.holdings
    involved = {
        "holding of ORD_PARENT",
        "holding of ORD_SUB",
        "holding of ORD_JV",
        "holding of MINE_PARENT",
        "holding of MINE_FIN",
        "MARROWBY",
        "Orphan Cluster Bombs Inc",
    }
    # INV_ANTI_PERSONNEL_MINES, INV_BIOLOGICAL_WEAPONS, INV_CHEMICAL_WEAPONS and INV_CLUSTER_MUNITIONS are
    # excluded under broad for "development", which PAI 14 ("manufacture or selling") does not count
    developers = {f"holding of INV_{w.upper()}" for w in PAI14_WEAPONS}
    assert developers <= set(h.loc[h["status"] == "excluded", "security_name"])
    assert pai["involved_value"] == 100.0 * len(involved)
    assert pai["total_value"] == 100.0 * len(h)
    covered = 100.0 * (h["issuer_id"].notna()).sum()
    # the orphan holding is flagged by name-only evidence: involved, but not covered by issuer data
    assert pai["involved_covered_value"] == 100.0 * (len(involved) - 1)
    assert pai["pai14_covered"] == pytest.approx(pai["involved_covered_value"] / covered)
    assert pai["coverage"] == pytest.approx(covered / pai["total_value"])


def test_summary_adds_up_to_the_flags(broad_result):
    s = broad_result.summary()
    assert s["holdings_excluded"].sum() == (broad_result.flags["outcome"] == "exclude").sum()
    o = broad_result.overview().set_index("portfolio_id").loc["EQ"]
    assert o["holdings"] == o["excluded"] + o["watch"] + o["clear"] + o["unresolved"] + o["not_applicable"]


def _overrides(rows):
    return pd.DataFrame(
        rows,
        columns=["issuer_id", "isin", "criterion_id", "decision", "rationale", "approver", "approved_on", "expires_on"],
    )


def test_overrides_active_expired_and_enforced(universe):
    table = _overrides(
        [
            (
                "CONV_UNKNOWN",
                None,
                "conventional_weapons",
                "exempt",
                "share confirmed below 5 %",
                "CIO",
                "2026-01-01",
                "2027-01-01",
            ),
            ("ORD_PARENT", None, "cluster_munitions", "exempt", "divestment agreed", "CIO", "2025-01-01", "2026-03-31"),
            ("CLEAN", None, "biological_weapons", "enforce", "board decision", "Board", "2026-01-01", None),
        ]
    )
    r = screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of=AS_OF, overrides=table)
    exempt = flag(r, "CONV_UNKNOWN", "conventional_weapons")
    assert (exempt["override"], exempt["outcome"]) == ("exempt", "exempt")
    assert status(r, "holding of CONV_UNKNOWN") == "clear"
    assert flag(r, "ORD_PARENT", "cluster_munitions")["outcome"] == "exclude"  # the exemption expired
    enforced = flag(r, "CLEAN", "biological_weapons")
    assert (enforced["override"], enforced["outcome"]) == ("enforce", "exclude")
    states = r.overrides.set_index("issuer_id")["state"].to_dict()
    assert states == {"CONV_UNKNOWN": "applied", "ORD_PARENT": "expired", "CLEAN": "applied"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("NOBODY", None, "cluster_munitions", "exempt", "x", "y", "2026-01-01", None), "unknown issuer_id 'NOBODY'"),
        (
            ("CLEAN", None, "no_such_rule", "exempt", "x", "y", "2026-01-01", None),
            "unknown criterion_id 'no_such_rule'",
        ),
        ((None, "XS0000000000", "cluster_munitions", "exempt", "x", "y", "2026-01-01", None), "unknown isin"),
        (("CLEAN", None, "cluster_munitions", "ignore", "x", "y", "2026-01-01", None), "not exempt or enforce"),
        (("CLEAN", None, "cluster_munitions", "exempt", None, "y", "2026-01-01", None), "rationale is empty"),
    ],
)
def test_invalid_overrides_are_errors_naming_the_line(universe, row, message):
    with pytest.raises(OverrideError, match=message) as err:
        screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of=AS_OF, overrides=_overrides([row]))
    assert "line 2" in str(err.value)


def test_stricter_policy_catches_more(universe, tmp_path):
    policy = tmp_path / "strict.yaml"
    policy.write_text(
        "schema_version: 1\nid: strict\nversion: '1.0'\ntitle: Strict\ndescription: Lower threshold.\n"
        "references: [{instrument: Internal policy}]\n"
        "criteria:\n  - {criterion: conventional_weapons, revenue_threshold: 0.0}\n"
    )
    r = screen(pd.DataFrame(holdings_rows()), universe, policy, as_of=AS_OF)
    assert status(r, "holding of CONV_LOW") == "watch"


def test_restricted_list_includes_unheld_subsidiary_bonds(universe):
    frames = universe_frames()
    bond = frames["securities"].iloc[[0]].assign(isin="XS0000000AB1", issuer_id="MINE_FIN")
    u = Universe.from_frames(**{**frames, "securities": pd.concat([frames["securities"], bond])})
    r = screen(pd.DataFrame(holdings_rows()), u, "broad", as_of=AS_OF)
    restricted = r.restricted_list()
    row = restricted[restricted["isin"] == "XS0000000AB1"].iloc[0]
    assert row["issuer_id"] == "MINE_FIN" and not row["held"]
    assert "CLEAN" not in set(restricted["issuer_id"])
    assert "CONV_UNKNOWN" not in set(restricted["issuer_id"])  # watch only


def test_bad_universe_fails_at_the_door_listing_every_bad_row():
    frames = universe_frames()
    bad = frames["issuers"].copy()
    bad.loc[[0, 3], "issuer_type"] = "bank"
    with pytest.raises(ContractError) as err:
        Universe.from_frames(issuers=bad)
    assert "row 0: 'bank'" in str(err.value) and "row 3: 'bank'" in str(err.value)


def test_bad_holdings_fail_at_once_while_the_universe_side_is_still_being_prepared(universe, monkeypatch):
    import importlib
    import threading

    screen_module = importlib.import_module("exclusionscreen.screen")
    release, finished = threading.Event(), threading.Event()
    prepare = screen_module.prepare_universe

    def slow_reference(u):
        release.wait(timeout=10)
        finished.set()
        return prepare(u)

    monkeypatch.setattr(screen_module, "prepare_universe", slow_reference)
    rows = pd.DataFrame(holdings_rows())
    rows.loc[2, "holding_id"] = rows.loc[1, "holding_id"]  # a duplicate holding id
    try:
        with pytest.raises(ContractError, match="holding_id"):
            screen(rows, universe, "broad", as_of=AS_OF)
        assert not finished.is_set()  # the error did not wait for the universe's side
    finally:
        release.set()


def test_compare_and_parquet_round_trip(universe, broad_result, tmp_path):
    rows = holdings_rows()
    rows = [r for r in rows if r["security_name"] != "holding of ORD_SUB"]  # sold
    rows.append(dict(portfolio_id="EQ", holding_id="EQ:new", security_name="Sunnybrook Bakeries AG", market_value=1.0))
    previous = screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of="2025-06-30")
    previous.save(tmp_path / "q2")
    loaded = ScreenResult.load(tmp_path / "q2")
    assert loaded.flags.shape == previous.flags.shape
    assert loaded.policy == previous.policy and loaded.policy.rule_hash == previous.policy.rule_hash
    current = screen(pd.DataFrame(rows), universe, "broad", as_of=AS_OF)
    changes = current.compare(tmp_path / "q2")
    kinds = changes.groupby("change")["security_name"].apply(set).to_dict()
    assert "holding of FREEDONIA" in kinds["cleared_flag"]  # embargo ended
    assert "holding of FREEDONIA" in kinds["status_changed"]
    assert "holding of ORD_SUB" in kinds["holding_removed"]
    assert "Sunnybrook Bakeries AG" in kinds["holding_added"]
    assert "new_flag" not in kinds or "holding of FREEDONIA" not in kinds["new_flag"]


POLICIES = {name: load_policy(name) for name in ["broad", "sfdr_pai14", "gpfg_style", "eu_pab_2025_1775"]}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.integers(min_value=0, max_value=len(holdings_rows()) - 1), min_size=1, max_size=60),
    policy=st.sampled_from(sorted(POLICIES)),
    as_of=st.dates(min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()),
)
def test_every_input_holding_appears_exactly_once(universe, picks, policy, as_of):
    base = holdings_rows()
    rows = [dict(base[i], holding_id=f"H{n}", portfolio_id=f"P{n % 3}") for n, i in enumerate(picks)]
    r = screen(pd.DataFrame(rows), universe, POLICIES[policy], as_of=as_of)
    assert sorted(r.holdings["holding_id"]) == sorted(f"H{n}" for n in range(len(rows)))
    assert set(r.flags["holding_id"]) <= set(r.holdings["holding_id"])
    counts = r.overview()
    assert counts["holdings"].sum() == len(rows)


def test_accessor_gives_the_same_result(universe):
    import exclusionscreen  # noqa: F401  (registers the accessor)

    frame = pd.DataFrame(holdings_rows())
    via_accessor = frame.exclusions.screen(universe, "broad", as_of=AS_OF)
    direct = screen(frame, universe, "broad", as_of=AS_OF)
    pd.testing.assert_frame_equal(via_accessor.holdings, direct.holdings)
    pd.testing.assert_frame_equal(via_accessor.flags, direct.flags)


def test_exempting_one_security_for_one_criterion_keeps_it_restricted_for_another(universe):
    frames = universe_frames()
    extra = pd.DataFrame(
        [
            dict(
                issuer_id="ORD_SUB",
                category="chemical_weapons",
                involvement_type="production",
                source="Fictional test evidence",
            )
        ]
    )
    u = Universe.from_frames(**{**frames, "involvement": pd.concat([frames["involvement"], extra])})
    sub_isin = frames["securities"].set_index("issuer_id").loc["ORD_SUB", "isin"]
    table = _overrides([(None, sub_isin, "cluster_munitions", "exempt", "sold down", "CIO", "2026-01-01", None)])
    r = screen(pd.DataFrame(holdings_rows()), u, "broad", as_of=AS_OF, overrides=table)
    row = r.restricted_list().set_index("isin").loc[sub_isin]
    assert row["criteria"] == "chemical_weapons" and bool(row["held"])
    assert flag(r, "ORD_SUB", "cluster_munitions")["outcome"] == "exempt"
    assert status(r, "holding of ORD_SUB") == "excluded"


def test_extra_columns_in_the_universe_are_carried_not_fatal(universe):
    frames = universe_frames()
    issuers = frames["issuers"].assign(source="fictional vendor file", note="x")
    u = Universe.from_frames(**{**frames, "issuers": issuers})
    r = screen(pd.DataFrame(holdings_rows()), u, "broad", as_of=AS_OF)
    assert status(r, "holding of RURITANIA") == "excluded"


def test_universe_folder_errors_name_the_file_and_line(tmp_path):
    from exclusionscreen.errors import InputFileError
    from exclusionscreen.universe import load_universe

    (tmp_path / "issuers.csv").write_text(
        "issuer_id,issuer_name,issuer_type,country\nA,Alpha,corporate,GB\nB,Beta,corporate,GBR\n"
    )
    with pytest.raises(ContractError, match=r"(?s)issuers.csv: .*line 3: 'GBR'"):
        load_universe(tmp_path)
    (tmp_path / "issuers.csv").write_text("issuer_id,issuer_name,issuer_type\nA,Alpha,corporate\n")
    (tmp_path / "Involvement.csv").write_text("issuer_id,category,involvement_type,source\n")
    with pytest.raises(InputFileError, match="Involvement.csv"):
        load_universe(tmp_path)


def test_screening_without_any_date_says_so(universe):
    r = screen(pd.DataFrame(holdings_rows()), universe, "broad")
    assert any("screened as of today" in w for w in r.warnings)
