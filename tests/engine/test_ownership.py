"""The ownership graph: control along chains, several owners, minority tiers, unknown shares, cycles."""

from dataclasses import replace

import pandas as pd
import pytest

from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.ownership import ownership_graph, ownership_links, related, ultimate_parents
from exclusionscreen.rulefiles import shipped_criteria
from exclusionscreen.rules import Ownership, Policy
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe, load_universe
from exclusionscreen.vocabulary import Action

AS_OF = "2026-09-30"
SOURCE = "Fictional test evidence"
MINES = shipped_criteria()["anti_personnel_mines"]
EVIDENCE = dict(category="anti_personnel_mines", involvement_type="production", source=SOURCE)


def frame(rows):
    return pd.DataFrame(rows, columns=["issuer_id", "parent_issuer_id", "parent_ownership"])


def policy_with(ownership: Ownership, criterion=MINES) -> Policy:
    return Policy(
        id="ownership_test",
        version="1.0.0",
        title="Ownership test",
        description="Anti-personnel mines with the ownership rule under test.",
        references=MINES.references,
        criteria=(replace(criterion, ownership=ownership),),
    )


CONTROL = Ownership(controlling_parents=Action.EXCLUDE, controlled_subsidiaries=Action.EXCLUDE)


def screen_graph(
    ownership: Ownership, issuers: list[tuple], links: list[tuple] = (), involved=("MINE",), criterion=MINES
):
    """Screen one holding of each issuer. `issuers` are (id, parent id, parent share); `links` are
    (owner, owned, share, control flag)."""
    issuer_rows = [
        dict(
            issuer_id=i,
            issuer_name=f"{i.title()} plc",
            issuer_type="corporate",
            country="GB",
            parent_issuer_id=parent,
            parent_ownership=share,
        )
        for i, parent, share in issuers
    ]
    isins = {row["issuer_id"]: f"XS00OWNR{n:03d}" for n, row in enumerate(issuer_rows)}
    isins = {k: v + isin_check_digit(v) for k, v in isins.items()}
    link_rows = pd.DataFrame(
        [dict(owner_issuer_id=o, owned_issuer_id=d, share=s, control=c, source=SOURCE) for o, d, s, c in links],
        columns=["owner_issuer_id", "owned_issuer_id", "share", "control", "source"],
    )
    universe = Universe.from_frames(
        issuers=pd.DataFrame(issuer_rows),
        securities=pd.DataFrame([dict(isin=v, issuer_id=k) for k, v in isins.items()]),
        involvement=pd.DataFrame([dict(issuer_id=i, **EVIDENCE) for i in involved]),
        ownership_links=link_rows.astype({"share": float, "control": "boolean"}),
    )
    holdings = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id=f"P:{k}", isin=v, security_name=k, market_value=1.0)
            for k, v in isins.items()
        ]
    )
    return screen(holdings, universe, policy_with(ownership, criterion), as_of=AS_OF)


def statuses(result) -> dict[str, str]:
    return result.holdings.set_index("security_name")["status"].to_dict()


def flag(result, issuer_id: str) -> pd.Series:
    return result.flags.set_index("issuer_id").loc[issuer_id]


# --------------------------------------------------------------------------------------------
# ultimate parents (parent_issuer_id)


def test_ultimate_parent_walks_the_whole_chain():
    issuers = frame([("A", None, None), ("B", "A", 1.0), ("C", "B", 0.6), ("D", None, None)])
    parents, cycles = ultimate_parents(issuers)
    assert list(parents) == ["A", "A", "A", "D"]
    assert cycles == []


def test_a_parent_cycle_is_reported_once_and_does_not_hang():
    issuers = frame([("A", "B", 0.6), ("B", "C", 0.6), ("C", "A", 0.6), ("D", "A", 1.0), ("E", None, None)])
    parents, cycles = ultimate_parents(issuers)
    assert len(cycles) == 1 and sorted(cycles[0]) == ["A", "B", "C"]
    assert list(parents) == ["A", "B", "C", "D", "E"]


# --------------------------------------------------------------------------------------------
# the graph


def graph_of(links: list[tuple]):
    table = pd.DataFrame(links, columns=["owner_issuer_id", "owned_issuer_id", "share", "control"])
    table = table.assign(source=SOURCE, as_of=pd.NaT).astype({"share": float, "control": "boolean"})
    return ownership_graph(ownership_links(frame([]), table))


def test_economic_share_is_summed_over_the_paths_and_multiplied_along_each():
    # P owns 15 % of X directly and all of Y, which owns 10 % of X: 25 % of X
    graph = graph_of([("P", "X", 0.15, None), ("P", "Y", 1.0, None), ("Y", "X", 0.10, None)])
    found = related(graph, pd.DataFrame({"issuer_id": ["X"]}), upward=True, control_only=False)
    shares = found.set_index("relative_id")["share_known"].round(6).to_dict()
    assert shares == {"Y": 0.1, "P": 0.25}
    assert found.set_index("relative_id").loc["P", "controlled"] == False  # noqa: E712


def test_control_is_transitive_whatever_the_product_of_the_shares():
    graph = graph_of([("TOP", "MID", 0.6, None), ("MID", "MINE", 0.6, None)])
    found = related(graph, pd.DataFrame({"issuer_id": ["MINE"]}), upward=True, control_only=True).set_index(
        "relative_id"
    )
    assert found.loc["TOP", "controlled"] and found.loc["TOP", "share_known"] == pytest.approx(0.36)
    assert found.loc["TOP", "path"] == "MID"
    down = related(graph, pd.DataFrame({"issuer_id": ["TOP"]}), upward=False, control_only=True)
    assert set(down["relative_id"]) == {"MID", "MINE"} and down["controlled"].all()


def test_a_control_flag_makes_control_below_half_and_without_a_share():
    graph = graph_of([("A", "X", 0.3, True), ("B", "X", None, True), ("C", "X", 0.3, None)])
    found = related(graph, pd.DataFrame({"issuer_id": ["X"]}), upward=True, control_only=True).set_index("relative_id")
    assert found["controlled"].to_dict() == {"A": True, "B": True}


def test_links_on_a_cycle_are_reported_and_not_walked():
    graph = graph_of([("A", "B", 0.6, None), ("B", "C", 0.6, None), ("C", "A", 0.6, None), ("D", "A", 1.0, None)])
    assert graph.cycles == [["A", "B", "C"]]
    found = related(graph, pd.DataFrame({"issuer_id": ["A"]}), upward=True, control_only=True)
    assert list(found["relative_id"]) == ["D"]  # the cycle's links are left out; D's link into it stays


def test_the_links_table_comes_before_a_parent_link_of_the_same_pair():
    issuers = frame([("X", "P", None), ("P", None, None), ("Q", None, None)])
    table = pd.DataFrame(
        [dict(owner_issuer_id="P", owned_issuer_id="X", share=0.7, control=pd.NA, source=SOURCE, as_of=pd.NaT)]
    ).astype({"control": "boolean"})
    links = ownership_links(issuers, table)
    assert len(links) == 1 and links.loc[0, "share"] == 0.7 and links.loc[0, "source"] == SOURCE


# --------------------------------------------------------------------------------------------
# what a screen catches


def test_a_60_percent_of_60_percent_chain_is_caught_under_control():
    # TOP -> MID by parent_issuer_id, MID -> MINE by the links table: 36 % economic, control at each step
    result = screen_graph(
        CONTROL,
        [("TOP", None, None), ("MID", "TOP", 0.6), ("MINE", None, None)],
        [("MID", "MINE", 0.6, None)],
    )
    assert statuses(result) == {"TOP": "excluded", "MID": "excluded", "MINE": "excluded"}
    note = flag(result, "TOP")["evidence_note"]
    assert "controlling parent of Mine plc via Mid plc, effective share 36 %" in note
    assert flag(result, "TOP")["via"] == "parent"


def test_controlled_subsidiaries_of_an_involved_company_are_caught_along_the_chain():
    result = screen_graph(
        CONTROL,
        [("MINE", None, None), ("SUB", "MINE", 0.6), ("SUBSUB", "SUB", 0.6), ("STAKE", "MINE", 0.3)],
        involved=("MINE",),
    )
    assert statuses(result) == {"MINE": "excluded", "SUB": "excluded", "SUBSUB": "excluded", "STAKE": "clear"}
    assert "controlled subsidiary of Mine plc via Sub plc" in flag(result, "SUBSUB")["evidence_note"]


def test_a_50_50_joint_venture_catches_both_owners():
    result = screen_graph(
        CONTROL,
        [("ALPHA", None, None), ("BETA", None, None), ("MINE", None, None)],
        [("ALPHA", "MINE", 0.5, None), ("BETA", "MINE", 0.5, None)],
    )
    assert statuses(result) == {"ALPHA": "excluded", "BETA": "excluded", "MINE": "excluded"}


@pytest.mark.parametrize(
    ("tier", "caught"),
    [(None, set()), (0.30, set()), (0.25, {"OWNER25"}), (0.20, {"OWNER25", "OWNER20"})],
)
def test_a_minority_owner_is_caught_only_by_a_minority_tier_at_or_below_its_share(tier, caught):
    ownership = replace(CONTROL, minority_owners_min_share=tier, minority_owners_action=tier and Action.WATCH)
    result = screen_graph(
        ownership,
        [("OWNER25", None, None), ("OWNER20", None, None), ("OWNER1999", None, None), ("MINE", None, None)],
        [("OWNER25", "MINE", 0.25, None), ("OWNER20", "MINE", 0.20, None), ("OWNER1999", "MINE", 0.1999, None)],
    )
    found = {k for k, v in statuses(result).items() if v == "watch"}
    assert found == caught
    assert statuses(result)["OWNER1999"] == "clear"
    if "OWNER20" in caught:
        assert "owner of Mine plc, effective share 20 %" in flag(result, "OWNER20")["evidence_note"]


def test_a_minority_tier_has_its_own_action():
    ownership = replace(CONTROL, minority_owners_min_share=0.2, minority_owners_action=Action.EXCLUDE)
    result = screen_graph(ownership, [("OWNER", None, None), ("MINE", None, None)], [("OWNER", "MINE", 0.25, None)])
    assert statuses(result)["OWNER"] == "excluded"


def test_an_unknown_share_never_creates_control_and_gives_a_watch_with_that_reason():
    result = screen_graph(
        CONTROL,
        [("TOP", None, None), ("MID", "TOP", None), ("MINE", "MID", None), ("FLAGGED", None, None)],
        [("FLAGGED", "MINE", None, True)],  # a control flag without a share is control
    )
    assert statuses(result) == {"TOP": "watch", "MID": "watch", "MINE": "excluded", "FLAGGED": "excluded"}
    assert flag(result, "TOP")["evidence_note"].endswith(
        "[ownership share unknown: possibly controlling parent of Mine plc via Mid plc]"
    )
    assert flag(result, "FLAGGED")["evidence_note"].endswith("effective share unknown]")


def test_an_unknown_share_gives_a_watch_under_a_minority_tier_too():
    ownership = Ownership(minority_owners_min_share=0.2, minority_owners_action=Action.EXCLUDE)
    result = screen_graph(
        ownership,
        [("UNKNOWN", None, None), ("SMALL", None, None), ("MINE", None, None)],
        [("UNKNOWN", "MINE", None, None), ("SMALL", "MINE", 0.1, None)],
    )
    assert statuses(result) == {"UNKNOWN": "watch", "SMALL": "clear", "MINE": "excluded"}


def test_a_watch_of_the_involved_company_stays_a_watch_for_its_controlling_parent():
    # a 5 % threshold and no revenue share in the evidence: the involved company itself is a watch
    result = screen_graph(
        CONTROL, [("TOP", None, None), ("MINE", "TOP", 1.0)], criterion=replace(MINES, revenue_threshold=0.05)
    )
    assert statuses(result) == {"TOP": "watch", "MINE": "watch"}


def test_an_ownership_cycle_is_reported_in_the_warnings_and_not_walked():
    result = screen_graph(
        CONTROL,
        [("A", None, None), ("B", None, None), ("MINE", None, None), ("OUT", None, None)],
        [("A", "B", 1.0, None), ("B", "A", 1.0, None), ("A", "MINE", 1.0, None), ("MINE", "OUT", 0.1, None)],
    )
    assert [list(c) for c in result.cycles] == [["A", "B"]]
    assert any("ownership cycle among issuers A, B" in w for w in result.warnings)
    # A controls MINE directly; B reaches MINE only through the cycle's link B -> A, which is not walked
    assert statuses(result) == {"A": "excluded", "B": "clear", "MINE": "excluded", "OUT": "clear"}


def test_the_links_file_is_read_from_a_universe_folder(tmp_path):
    (tmp_path / "issuers.csv").write_text(
        "issuer_id,issuer_name,issuer_type\nA,Alpha plc,corporate\nB,Beta plc,corporate\nX,Ex plc,corporate\n"
    )
    (tmp_path / "ownership_links.csv").write_text(
        "owner_issuer_id,owned_issuer_id,share,control,source,as_of\n"
        "A,X,0.5,,Annual report 2025,2025-12-31\n"
        "B,X,0.3,yes,Annual report 2025,\n"
    )
    universe = load_universe(tmp_path, include_bundled=False)
    links = universe.ownership_links
    assert links["control"].isna().tolist() == [True, False] and links["control"].iloc[1]
    assert links["as_of"].iloc[0] == pd.Timestamp("2025-12-31")
    assert universe.problems() == []


def test_a_bad_control_flag_names_its_line(tmp_path):
    (tmp_path / "ownership_links.csv").write_text(
        "owner_issuer_id,owned_issuer_id,share,control,source\nA,X,0.5,maybe,Annual report 2025\n"
    )
    with pytest.raises(Exception, match="ownership_links") as info:
        load_universe(tmp_path, include_bundled=False)
    assert "line 2" in str(info.value) or "maybe" in str(info.value)
