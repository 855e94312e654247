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


def _flagged(result: es.ScreenResult) -> dict[str, set[str]]:
    """Security name -> the list entries it is flagged on."""
    return result.flags.groupby("security_name")["cause_name"].agg(set).to_dict()


def test_share_classes_and_the_exact_chinese_name_get_the_same_outcome():
    crrc = _listed("us_dod_1260h", "CRRC Corporation Limited")
    dahua = _listed("us_dod_1260h", "Zhejiang Dahua Technology Co., Ltd.")
    names = ["CRRC CORP LTD A", "CRRC CORP LTD H", dahua, "ZHEJIANG DAHUA TECHNOLOGY LTD A"]
    flagged = _flagged(_screen([dict(security_name=n) for n in names]))
    assert flagged == {"CRRC CORP LTD A": {crrc}, "CRRC CORP LTD H": {crrc}, dahua: {dahua}, names[3]: {dahua}}


def test_a_russian_form_before_or_after_the_name_is_the_same_form():
    uac = _listed("eu_833_annex_iv", "Public Joint Stock Company United Aircraft Corporation")
    result = _screen([dict(security_name="UNITED AIRCRAFT CORPORATION PJSC")])
    assert _flagged(result) == {"UNITED AIRCRAFT CORPORATION PJSC": {uac}}


def test_a_few_letters_left_after_a_leading_form_only_go_to_review():
    lists = pd.DataFrame([dict(list_id="eu_833_annex_iv", name="Joint Stock Company QUILL", source="fictional")])
    universe = es.Universe.from_frames(entity_lists=lists)
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id="P:0", security_name="Quill Holdings")])
    result = es.screen(holdings, universe, _lists_policy(), as_of=AS_OF)
    assert result.flags.empty
    assert result.review["reason"].eq("matched only on the short name QUILL").any()


def test_names_cut_at_a_fixed_width_match_from_twenty_characters():
    catl = _listed("us_dod_1260h", "Contemporary Amperex Technology Co., Ltd.")
    rows = [
        dict(security_name="CONTEMPORARY AMPEREX TECHNOLOGY LT"),  # a cut legal form
        dict(security_name="CONTEMPORARY AMPEREX TECHNOLO"),  # a cut last word
    ]
    assert _flagged(_screen(rows)) == {r["security_name"]: {catl} for r in rows}
    # the rule at its boundary, on a fictional list: 20 characters may be cut, 19 may not
    lists = pd.DataFrame([dict(list_id="us_dod_1260h", name="Brackenfold Munitions Co., Ltd.", source="fictional")])
    universe = es.Universe.from_frames(entity_lists=lists)
    names = {"BRACKENFOLD MUNITION": True, "BRACKENFOLD MUNITIO": False, "BRACKENFOLD MUNITIONS IN": True}
    assert [len(n) for n in names] == [20, 19, 24]
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id=f"P:{i}", security_name=n) for i, n in enumerate(names)])
    result = es.screen(holdings, universe, _lists_policy(), as_of=AS_OF)
    flagged = set(result.flags["security_name"])
    assert flagged == {n for n, cut in names.items() if cut}
    assert set(result.flags["match_method"]) == {"name_truncated"}


def test_a_groups_name_against_its_companys_goes_to_review():
    lists = pd.DataFrame([dict(list_id="us_dod_1260h", name="Hollowmere Signal Group Co., Ltd.", source="fictional")])
    universe = es.Universe.from_frames(entity_lists=lists)
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id="P:0", security_name="Hollowmere Signal Ltd. Class A")])
    result = es.screen(holdings, universe, _lists_policy(), as_of=AS_OF)
    assert result.flags.empty
    assert result.review["reason"].str.startswith("one name is a group's").any()


def test_entries_printing_one_name_share_their_aliases():
    lists = pd.DataFrame(
        [
            dict(list_id="us_dod_1260h", name="Quillmark Aircraft Industry Group Co., Ltd.", source="fictional"),
            dict(
                list_id="us_ns_cmic",
                name="QUILLMARK AIRCRAFT INDUSTRY GROUP CO., LTD.",
                aliases="Quillmark Aero Co., Ltd.",
                source="fictional",
            ),
        ]
    )
    universe = es.Universe.from_frames(entity_lists=lists)
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id="P:0", security_name="Quillmark Aero Co. Ltd. Class A")])
    # the 1260H entry alone, which prints no alias, is matched through the NS-CMIC entry's alias
    policy = _lists_policy()
    only_1260h = replace(policy.criteria[0], entity_lists=("us_dod_1260h",))
    result = es.screen(holdings, universe, replace(policy, criteria=(only_1260h,)), as_of=AS_OF)
    assert result.flags["cause_name"].tolist() == ["Quillmark Aircraft Industry Group Co., Ltd."]


def test_a_look_alike_placed_outside_the_lists_country_is_not_even_reviewed():
    listed = _listed("us_dod_1260h", "Aisino Corporation")
    result = _screen([dict(security_name="AISIN CORP", country="JP")])
    assert result.flags.empty
    assert not result.review["evidence_name"].eq(listed).any()
    # placed nowhere, the same look-alike is offered for review, never flagged
    nowhere = _screen([dict(security_name="AISIN CORP")])
    assert nowhere.flags.empty
    assert nowhere.review["evidence_name"].eq(listed).any()


def test_a_name_of_generic_words_alone_matches_nothing_fuzzily():
    subjects = subject_names(
        pd.DataFrame(columns=["issuer_id", "name", "norm"]), pd.Series(["CHARTER COMMUNICATIONS INC CLASS A"])
    )
    entries = pd.DataFrame({"entry_id": ["1"], "name": ["China Communications Group Co. Ltd"]})
    matches, doubtful = match_names(entries, subjects, match_threshold=0.9, review_threshold=0.8)
    assert matches.empty and doubtful.empty
