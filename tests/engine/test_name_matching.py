"""Fuzzy name matching: blocking, the rarest-key escape, runner-ups, pruning and prepared indexes."""

import random

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz, process

import exclusionscreen as es
from exclusionscreen._resources import data_dir
from exclusionscreen.evidence import match_names, subject_index, subject_names
from exclusionscreen.names import NameIndex, best_matches, issuer_name_table

SYLLABLES = "AR BEL COR DAN EL FEN GAR HOL IN JOR KEL LUM MOR NOR OST PEL QUA ROS SAL TOR UL VEN WIL ZEL".split()
TAILS = ["INDUSTRIES", "SYSTEMS", "DEFENCE", "TECHNOLOGIES", "AEROSPACE", "MARINE", "DYNAMICS", "MUNITIONS"]


def fictional_names(rng: random.Random, count: int) -> list[str]:
    """Made-up company names: one to three invented words, often a trade word, sometimes a number."""

    def word():
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))

    names = []
    for _ in range(count):
        parts = [word() for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.6:
            parts.append(rng.choice(TAILS))
        if rng.random() < 0.1:
            parts.append(str(rng.randint(1, 999)))
        names.append(" ".join(parts))
    return names


def misspelt(rng: random.Random, name: str) -> str:
    letters = list(name)
    at = rng.randrange(len(letters))
    edit = rng.random()
    if edit < 0.4:
        letters[at] = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    elif edit < 0.7:
        del letters[at]
    else:
        letters.insert(at, rng.choice("AEIOU"))
    return "".join(letters).strip() or name


def ratio(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(a, b) / 100


def one(result: pd.DataFrame, query: str) -> pd.Series:
    rows = result[result["query"] == query]
    assert len(rows) == 1, f"expected one row for {query!r}, got {len(rows)}"
    return rows.iloc[0]


def test_a_misspelt_word_still_finds_its_company():
    choices = pd.Series(
        ["BRACKENRIDGE INCENDIARY DEVICES", "BRACKEN TEA ROOMS", "SUNNYBROOK BAKERIES"],
        index=["FUZZY", "TEA", "BAKERY"],
    )
    query = "BRAKENRIDGE INCENDIARY DEVICES"
    best = one(best_matches(pd.Series([query, query]), choices, min_score=0.8), query)
    assert best["match_key"] == "FUZZY"
    assert best["match_name"] == "BRACKENRIDGE INCENDIARY DEVICES"
    assert best["score"] == pytest.approx(ratio(query, "BRACKENRIDGE INCENDIARY DEVICES"), abs=1e-6)
    assert best["score"] > 0.95


def test_a_name_below_the_bar_or_sharing_no_word_is_not_matched():
    choices = pd.Series(["BRACKENRIDGE INCENDIARY DEVICES"], index=["FUZZY"])
    result = best_matches(pd.Series(["BRACKENRIDGE TEA", "MARROWBY KETTLES"]), choices, min_score=0.8)
    assert result.empty


def test_a_query_whose_only_shared_word_is_very_common_still_finds_its_match():
    filler = [f"{name} INDUSTRIES" for name in fictional_names(random.Random(1), 900)]
    choices = pd.Series(filler + ["QUILLMARSH INDUSTRIES"], index=[f"F{i}" for i in range(900)] + ["TARGET"])
    assert choices.str.contains("INDUSTRIES").sum() > 500  # more than max_block: skipped but for the escape
    query = "QVILLMARSH INDUSTRIES"  # its first word (and its prefix QVIL) appears nowhere
    best = one(best_matches(pd.Series([query]), choices, min_score=0.8, max_block=500), query)
    assert best["match_key"] == "TARGET"
    assert best["score"] == pytest.approx(ratio(query, "QUILLMARSH INDUSTRIES"), abs=1e-6)


def test_a_runner_up_within_a_whisker_is_reported_with_its_key():
    query = "HOLLOWMERE DRONE DYNAMICS"
    choices = pd.Series(
        ["HOLLOWMERE DRONES DYNAMICS", "HOLLOWMERE DRONES DYNAMICS LAB", "HOLLOWMERE DRONE DYNAMIC"],
        index=["BEST", "BEST", "RIVAL"],  # the best key's second name is not a runner-up
    )
    row = one(best_matches(pd.Series([query]), choices, min_score=0.9), query)
    assert row["match_key"] == "BEST"
    assert row["runner_up_key"] == "RIVAL"
    assert row["runner_up_score"] == pytest.approx(ratio(query, "HOLLOWMERE DRONE DYNAMIC"), abs=1e-6)
    assert row["score"] - row["runner_up_score"] < 0.02


def test_a_runner_up_far_below_the_bar_is_reported_as_none():
    query = "HOLLOWMERE DRONE DYNAMICS"
    choices = pd.Series(["HOLLOWMERE DRONES DYNAMICS", "HOLLOWMERE TEA"], index=["BEST", "OTHER"])
    assert ratio(query, "HOLLOWMERE TEA") < 0.9 - 0.02
    row = one(best_matches(pd.Series([query]), choices, min_score=0.9), query)
    assert row["match_key"] == "BEST"
    assert row["runner_up_score"] == 0.0
    assert pd.isna(row["runner_up_key"])


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("KESTREL ARM", ["KESTREL ARMS", "KESTREL ARMS"]),
        ("KESTREL ARMS", ["KESTREL ARMS LTD", "KESTREL A"]),  # 24/28 == 18/21, the longer name first
        ("KESTREL ARMS", ["KESTREL A", "KESTREL ARMS LTD"]),
    ],
)
def test_equal_scores_go_to_the_first_choice(query, names):
    assert ratio(query, names[0]) == ratio(query, names[1])
    choices = pd.Series(names, index=["FIRST", "SECOND"])
    row = one(best_matches(pd.Series([query]), choices, min_score=0.8), query)
    assert (row["match_key"], row["runner_up_key"]) == ("FIRST", "SECOND")
    assert row["score"] == row["runner_up_score"]


def block_keys(name: str) -> set[str]:
    words = name.split()
    return {w for w in words if len(w) >= 3} | {w[:4] + "*" for w in words if len(w) > 4}


@pytest.mark.parametrize("min_score", [0.6, 0.85])
def test_pruning_never_drops_a_pair_that_may_matter(min_score):
    rng = random.Random(int(min_score * 100))
    choice_names = fictional_names(rng, 400)
    keys = [f"K{rng.randrange(300)}" for _ in choice_names]  # some keys carry several names
    queries = list(
        dict.fromkeys([misspelt(rng, rng.choice(choice_names)) for _ in range(150)] + fictional_names(rng, 50))
    )
    result = best_matches(pd.Series(queries), pd.Series(choice_names, index=keys), min_score=min_score, max_block=10**6)

    # brute force: every query against every choice it shares a block key with
    scores = process.cdist(queries, choice_names, scorer=fuzz.token_sort_ratio) / 100
    floor = min_score - 0.02
    expected = {}
    for i, query in enumerate(queries):
        shared = [j for j, name in enumerate(choice_names) if block_keys(query) & block_keys(name)]
        if not shared:
            continue
        top = max(scores[i, j] for j in shared)
        if top < min_score:
            continue
        best_keys = {keys[j] for j in shared if scores[i, j] == top}
        others = [scores[i, j] for j in shared if keys[j] not in best_keys or len(best_keys) > 1]
        expected[query] = (top, best_keys, max(others, default=0.0))
    assert len(expected) > 100  # the test means something
    assert set(result["query"]) == set(expected)
    for row in result.itertuples():
        top, best_keys, runner_up = expected[row.query]
        assert row.score == pytest.approx(top, abs=1e-6)
        assert row.match_key in best_keys
        if runner_up >= floor:
            assert row.runner_up_score == pytest.approx(runner_up, abs=1e-6)
        else:
            assert row.runner_up_score == 0.0


def test_an_extended_index_matches_as_a_fresh_one():
    rng = random.Random(5)
    names = fictional_names(rng, 300)
    choices = pd.Series(names, index=[f"C{i}" for i in range(len(names))])
    queries = pd.Series([misspelt(rng, rng.choice(names)) for _ in range(100)])
    base = NameIndex(choices.iloc[:200])
    before = best_matches(queries, base, min_score=0.7)
    extended = base.extended(choices.iloc[200:])
    assert len(extended) == len(choices)
    fresh = best_matches(queries, NameIndex(choices), min_score=0.7)
    pd.testing.assert_frame_equal(best_matches(queries, extended, min_score=0.7), fresh)
    pd.testing.assert_frame_equal(best_matches(queries, choices, min_score=0.7), fresh)
    assert set(fresh["match_key"]) & {f"C{i}" for i in range(200, 300)}  # the new names do get matched
    pd.testing.assert_frame_equal(best_matches(queries, base, min_score=0.7), before)  # the base is unchanged


def test_an_index_can_be_reused_across_calls():
    rng = random.Random(9)
    names = fictional_names(rng, 200)
    choices = pd.Series(names, index=[f"C{i}" for i in range(len(names))])
    index = NameIndex(choices)
    for _ in range(3):
        queries = pd.Series([misspelt(rng, rng.choice(names)) for _ in range(40)])
        pd.testing.assert_frame_equal(
            best_matches(queries, index, min_score=0.75), best_matches(queries, choices, min_score=0.75)
        )


def test_missing_names_are_ignored():
    choices = pd.Series(["KESTREL MILITARY ELECTRONICS", None], index=["LISTED", "NONE"], dtype="string")
    result = best_matches(pd.Series([None, "KESTRAL MILITARY ELECTRONICS"], dtype="string"), NameIndex(choices))
    assert list(result["match_key"]) == ["LISTED"]
    assert best_matches(pd.Series([], dtype="string"), choices).empty
    assert best_matches(pd.Series(["KESTREL"]), pd.Series([], dtype="string")).empty


def test_a_prepared_subject_index_gives_the_same_evidence_matches(universe):
    issuer_names = issuer_name_table(universe.issuers)
    subjects = subject_names(issuer_names, pd.Series(["Orphan Widget Makers Ltd", "Kestrel Military Electronic"]))
    entries = pd.DataFrame(
        {
            "entry_id": ["1", "2", "3", "4"],
            "name": [
                "Kestrel Military Electronics Co",
                "Brakenridge Incendiary Devices",
                "Orphan Widget Maker",
                "Nobody",
            ],
            "aliases": [None, "Brackenridge Incendiaries", None, None],
        }
    )
    issuer_index = NameIndex(issuer_names.drop_duplicates("norm").set_index("issuer_id")["norm"])
    index = subject_index(subjects, start=issuer_index)
    assert len(index) == subjects["norm"].nunique()
    bars = dict(match_threshold=0.9, review_threshold=0.8)
    plain = match_names(entries, subjects, **bars)
    assert "FUZZY" in set(plain[0]["subject_id"])  # the misspelt list name matched fuzzily
    assert plain[1]["subject_id"].str.startswith("name:").any()  # the orphan's fuzzy match goes to review
    for prepared in (
        index,
        subject_index(subjects),
        subject_index(subjects, start=NameIndex(pd.Series(["X"], index=["Y"]))),
    ):
        for got, want in zip(match_names(entries, subjects, **bars, index=prepared), plain, strict=True):
            pd.testing.assert_frame_equal(got, want)


def test_the_runner_up_floor_follows_the_bar():
    # a runner-up between min_score - 0.02 and min_score is kept: it may tie with a best at the bar
    query = "CORVID ARMS EXPORT"
    choices = pd.Series(["CORVID ARMS EXPORTS", "CORVID ARM EXPORTERS"], index=["BEST", "RIVAL"])
    best, rival = ratio(query, "CORVID ARMS EXPORTS"), ratio(query, "CORVID ARM EXPORTERS")
    bar = float(np.float32(rival)) + 0.01  # the rival sits just under the bar, within the margin
    row = one(best_matches(pd.Series([query]), choices, min_score=bar), query)
    assert best >= bar
    assert row["runner_up_key"] == "RIVAL"
    assert row["runner_up_score"] == pytest.approx(rival, abs=1e-6)


def test_sipri_short_names_match_through_the_sourced_table_with_sipris_share():
    table = es.known_names("sipri_top100")
    assert table[["evidence", "url", "retrieved"]].ne("").all().all()  # every row sourced and dated
    names = pd.Series(["HII", "Boeing", " ST Engineering "])
    assert es.known_names_for(names, "sipri_top100").fillna("").tolist() == [
        "Huntington Ingalls Industries, Inc.",
        "",
        "Singapore Technologies Engineering Ltd",
    ]
    involvement = pd.DataFrame(
        dict(
            issuer_name=["HII"],
            category="conventional_weapons",
            involvement_type="arms_revenue",
            revenue_share=[0.82],
            source="SIPRI Top 100 (shape of read_sipri_top100)",
            known_names=es.known_names_for(pd.Series(["HII"]), "sipri_top100"),
        )
    )
    holdings = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id="1", security_name="HUNTINGTON INGALLS INDUSTRIES INC", ticker="HII"),
            dict(portfolio_id="P", holding_id="2", security_name="HUNTINGTON INGALLS INDUSTRIE"),  # cut by the file
            dict(portfolio_id="P", holding_id="3", security_name="HUNTINGTON BANCSHARES INC"),  # not HII
        ]
    )
    result = es.screen(holdings, es.Universe.from_frames(involvement=involvement), "broad", as_of="2026-07-31")
    flags = result.flags[result.flags["criterion_id"].eq("conventional_weapons")]
    assert sorted(flags["holding_id"]) == ["1", "2"]
    assert flags["revenue_share"].eq(0.82).all()
    assert sorted(flags["match_method"]) == ["name_exact", "name_truncated"]


def test_a_known_name_without_its_date_is_named_by_the_check(tmp_path):
    for path in data_dir().glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    table = pd.read_csv(tmp_path / "known_names.csv", dtype=str, keep_default_na=False)
    table.loc[1, "retrieved"] = ""
    table.to_csv(tmp_path / "known_names.csv", index=False)
    problems = es.reference.check_lists(tmp_path)
    assert problems[["file", "line", "check"]].values.tolist() == [["known_names.csv", 3, "sourced"]]
