"""Names matched to official entity lists: only exact names, aliases and identifiers flag; a fuzzy
match, or a holding placed outside the country the list places its entities in, goes to review."""

from dataclasses import replace

import pandas as pd
import pytest

import exclusionscreen as es
from exclusionscreen.evidence import implausible_places, match_names, subject_names

AS_OF = "2026-07-31"


def _lists_policy() -> es.Policy:
    broad = es.load_policy("broad")
    lists = next(c for c in broad.criteria if c.id == "official_military_lists")
    return replace(broad, criteria=(lists,))


def _screen(rows: list[dict], issuers: pd.DataFrame | None = None) -> es.ScreenResult:
    lists = es.bundled_entity_lists().assign(valid_to=pd.NaT)
    universe = es.Universe.from_frames(entity_lists=lists, **({} if issuers is None else {"issuers": issuers}))
    holdings = pd.DataFrame(
        [dict(portfolio_id="P", holding_id=f"P:{i}", market_value=100.0 * (i + 1), **r) for i, r in enumerate(rows)]
    )
    return es.screen(holdings, universe, _lists_policy(), as_of=AS_OF)


def _listed(list_id: str, name: str) -> str:
    lists = es.bundled_entity_lists()
    names = lists.loc[lists["list_id"].eq(list_id), "name"]
    if not names.eq(name).any():
        pytest.skip(f"{name} is not on the bundled {list_id} list")
    return name


def test_a_fuzzy_match_to_a_list_goes_to_review_however_high_its_score():
    listed = _listed("us_dod_1260h", "Aisino Corporation")
    # an issuer of the universe one letter short of the listed name: a fuzzy score above the
    # confidence bar (country left unknown, so that only the fuzziness sends it to review)
    issuer = dict(issuer_id="X1", issuer_name=listed.replace("Aisino", "Aisin"), issuer_type="corporate")
    result = _screen([dict(security_name=issuer["issuer_name"])], pd.DataFrame([issuer]))
    assert result.holdings["issuer_id"].eq("X1").all()
    assert result.flags.empty
    rows = result.review[result.review["evidence_name"].eq(listed)]
    assert len(rows) >= 1
    assert rows["reason"].str.contains("only an exact name or identifier flags").all()


def test_a_holding_placed_outside_the_lists_country_goes_to_review_with_the_reason():
    listed = _listed("us_dod_1260h", "Aisino Corporation")
    placed_elsewhere = _screen([dict(security_name=listed, country="JP")])
    assert placed_elsewhere.flags.empty
    why = placed_elsewhere.review.loc[placed_elsewhere.review["evidence_name"].eq(listed), "reason"]
    assert why.str.contains("the list places its entities in CN; the holding is placed in JP").any()
    # the same name placed in China, or nowhere, is flagged on the exact name
    for country in ("CN", None):
        flagged = _screen([dict(security_name=listed, country=country)])
        assert flagged.flags["cause_name"].eq(listed).any(), country


def test_the_places_a_chinese_list_accepts():
    lists = pd.Series(["us_dod_1260h"] * 5 + ["eu_833_annex_iv"])
    subjects = pd.Series(["a", "b", "c", "d", "e", "a"])
    countries = pd.Series({"a": "JP", "b": "CN", "c": "KY", "d": "HK"})
    why = implausible_places(lists, subjects, countries)
    assert why.iloc[0] == "the list places its entities in CN; the holding is placed in JP"
    assert why.iloc[1:].isna().all()  # China, Cayman, Hong Kong, unknown place, a list with no one country


def test_generic_words_do_not_carry_a_fuzzy_match():
    subjects = subject_names(
        pd.DataFrame(columns=["issuer_id", "name", "norm"]),
        pd.Series(["L3HARRIS TECHNOLOGIES INC", "BORDEN WIDGET SYSTEMS", "WIDGETEX SYSTEMS"]),
    )
    entries = pd.DataFrame({"entry_id": ["1", "2"], "name": ["HUAWEI TECHNOLOGIES CO LTD", "WIDGETEX SYSTEM"]})
    matches, doubtful = match_names(entries, subjects, match_threshold=0.9, review_threshold=0.8)
    found = pd.concat([matches, doubtful])
    assert not found["entry_id"].eq("1").any()  # L3HARRIS / HUAWEI: only TECHNOLOGIES in common
    assert found.loc[found["entry_id"].eq("2"), "matched_name"].tolist() == ["WIDGETEX SYSTEMS"]


def test_review_rows_name_the_holding_once_per_entity_and_come_largest_first():
    listed = _listed("us_dod_1260h", "Aisino Corporation")
    lists = es.bundled_entity_lists()
    editions = lists[lists["list_id"].eq("us_dod_1260h") & lists["name"].eq(listed)]
    if len(editions) < 2:
        pytest.skip("the bundled 1260H list names this entity in one edition only")
    # the same security twice, and a larger holding of another share class, all placed outside China
    result = _screen(
        [
            dict(security_name=listed, country="JP"),
            dict(security_name=listed, country="JP"),
            dict(security_name=f"{listed} Class A", country="JP"),
        ]
    )
    rows = result.review[result.review["kind"].eq("entity list us_dod_1260h")]
    assert rows["evidence_name"].eq(listed).all()
    assert sorted(rows["holding_id"]) == ["P:0", "P:1", "P:2"]  # one row each, not one per edition
    assert rows["security_name"].notna().all() and rows["portfolio_id"].eq("P").all()
    assert rows["market_value"].tolist() == sorted(rows["market_value"], reverse=True)
    assert result.review["market_value"].fillna(-1).is_monotonic_decreasing
    assert rows["evidence_source"].str.contains(" | ", regex=False).all()  # every edition named
