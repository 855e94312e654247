"""The bundled lists load through their contracts, hold the rows checked by hand, and are dated."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from exclusionscreen.contracts import CountryLists, EntityLists, validate
from exclusionscreen.reference import (
    ReferenceDataWarning,
    bundled_country_lists,
    bundled_entity_lists,
    list_sources,
    lists_valid_on,
    stale_lists,
    warn_stale_lists,
)


@pytest.fixture(scope="module")
def countries():
    return bundled_country_lists()


@pytest.fixture(scope="module")
def entities():
    return bundled_entity_lists()


def test_lists_meet_their_contracts_and_carry_source_and_date(countries, entities):
    validate(countries, CountryLists)
    validate(entities, EntityLists)
    for frame in (countries, entities):
        assert frame["source"].notna().all()
        assert frame["source_url"].notna().all()
    assert countries["retrieved"].eq("2026-11-22").all()
    retrieved = entities["retrieved"].where(entities["list_id"].ne("us_ns_cmic"), "2025-04-21")
    assert entities["retrieved"].eq(retrieved).all()


COUNTRY_COUNTS = {
    "fh_not_free": 675,
    "uk_arms_embargo": 13,
    "eu_arms_embargo": 16,
    "un_arms_embargo": 27,
    "eu_arms_embargo_state": 14,
    "uk_arms_embargo_state": 8,
    "un_arms_embargo_state": 20,
}
ENTITY_COUNTS = {"eu_833_annex_iv": 920, "us_dod_1260h": 397, "us_ns_cmic": 68}


def test_row_counts_per_list(countries, entities):
    assert countries["list_id"].value_counts().to_dict() == COUNTRY_COUNTS
    assert entities["list_id"].value_counts().to_dict() == ENTITY_COUNTS
    sources = list_sources().set_index("list_id")
    assert sources["rows"].to_dict() == {**COUNTRY_COUNTS, **ENTITY_COUNTS}


def test_un_drc_programme_is_corrected_to_the_drc(countries):
    un = countries[countries["list_id"].eq("un_arms_embargo")]
    drc = un[un["programme"].eq("UN-SC1533")]
    assert drc["country"].tolist() == ["CD"]
    assert "corrected from cg" in drc["note"].iloc[0]
    assert "CG" not in set(un["country"])
    assert drc["valid_from"].iloc[0] == pd.Timestamp("2003-07-28")


def test_embargo_rows_checked_by_hand(countries):
    rows = countries.set_index(["list_id", "programme"])
    assert rows.loc[("un_arms_embargo", "UN-SC1718"), "country"] == "KP"
    assert rows.loc[("un_arms_embargo", "UN-SC1718"), "valid_from"] == pd.Timestamp("2006-10-14")
    assert rows.loc[("eu_arms_embargo", "EU-RUS"), "country"] == "RU"
    assert rows.loc[("eu_arms_embargo", "EU-RUS"), "valid_from"] == pd.Timestamp("2014-07-31")
    assert rows.loc[("uk_arms_embargo", "GB-SOM"), "country"] == "SO"
    assert set(countries.loc[countries["list_id"].eq("eu_arms_embargo"), "country"]) == {
        "BY",
        "CN",
        "ER",
        "HT",
        "IQ",
        "IR",
        "KP",
        "LY",
        "MM",
        "NG",
        "RU",
        "SD",
        "SS",
        "VE",
        "ZW",
    }
    dated = countries[countries["list_id"].ne("fh_not_free") & countries["valid_from"].notna()]
    assert dated["valid_from_source"].str.contains("http").all()


def test_uk_embargoes_date_from_their_uk_regulations(countries):
    uk = countries[countries["list_id"].eq("uk_arms_embargo")].set_index("programme")
    assert uk["valid_from"].notna().all()
    assert uk.loc["GB-RUS", "valid_from"] == pd.Timestamp("2020-12-31")
    assert "S.I. 2019/855" in uk.loc["GB-RUS", "valid_from_source"]
    assert "legislation.gov.uk/uksi/2019/855" in uk.loc["GB-RUS", "valid_from_source"]
    assert uk.loc["GB-MMR", "valid_from"] == pd.Timestamp("2021-04-29")
    assert "S.I. 2021/496" in uk.loc["GB-MMR", "valid_from_source"]
    assert uk.loc["GB-HT", "valid_from"] == pd.Timestamp("2022-12-28")
    # The regulations made for the UK's exit from the EU all took effect on IP completion day.
    exit_day = uk.drop(index=["GB-MMR", "GB-HT"])
    assert exit_day["valid_from"].eq(pd.Timestamp("2020-12-31")).all()
    frame = uk.reset_index()
    assert lists_valid_on(frame, "2020-12-30").empty
    assert set(lists_valid_on(frame, "2021-01-01")["programme"]) == set(exit_day.index)
    assert set(lists_valid_on(frame, "2023-01-01")["programme"]) == set(uk.index)


def test_eu_myanmar_embargo_dates_from_common_position_96_635(countries):
    eu = countries[countries["list_id"].eq("eu_arms_embargo")].set_index("programme")
    # every EU row is dated but the EC embargo on Libya of 1986, whose day was not established
    assert eu["valid_from"].drop(index="EU-LBY-1986").notna().all()
    assert pd.isna(eu.loc["EU-LBY-1986", "valid_from"])
    assert "1986" in eu.loc["EU-LBY-1986", "valid_from_source"]
    assert eu.loc["EU-MMR", "valid_from"] == pd.Timestamp("1996-10-28")
    assert "96/635/CFSP" in eu.loc["EU-MMR", "valid_from_source"]


def test_freedom_house_not_free_by_edition(countries):
    fh = countries[countries["list_id"].eq("fh_not_free")]
    assert fh.groupby("edition").size().loc[["FIW 2013", "FIW 2018", "FIW 2025"]].tolist() == [47, 49, 59]
    turkey = fh[fh["country"].eq("TR")]["edition"].tolist()
    assert sorted(turkey) == [f"FIW {y}" for y in range(2018, 2026)]
    assert not fh["country"].isin(["IN", "HU"]).any()  # Partly Free at worst in the file
    latest = fh[fh["edition"].eq("FIW 2025")]
    assert latest["valid_to"].isna().all()
    row = fh[(fh["country"].eq("RU")) & fh["edition"].eq("FIW 2020")].iloc[0]
    assert (row["valid_from"], row["valid_to"]) == (pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01"))
    assert "sheet FIW13-25, row " in row["source"]


def test_1260h_company_removed_in_2024_is_not_listed_in_2025(entities):
    dod = entities[entities["list_id"].eq("us_dod_1260h")]
    name = "SMIC Hong Kong International Company Limited"
    rows = dod[dod["name"].eq(name)]
    assert len(rows) == 1
    assert rows["valid_from"].iloc[0] == pd.Timestamp("2021-06-03")
    assert rows["valid_to"].iloc[0] == pd.Timestamp("2024-01-31")
    assert name in set(lists_valid_on(dod, "2023-06-30")["name"])
    assert name not in set(lists_valid_on(dod, "2025-06-30")["name"])
    assert name not in set(lists_valid_on(dod, "2021-06-02")["name"])


def test_lists_valid_on_reads_empty_dates_as_open(countries):
    un = countries[countries["list_id"].eq("un_arms_embargo")]
    day = pd.Timestamp("2023-01-01")
    current = un[(un["valid_to"].isna() | un["valid_to"].gt(day)) & un["valid_from"].le(day)]
    assert set(lists_valid_on(un, "2023-01-01")["programme"]) == set(current["programme"])
    assert "UN-SC2653" in set(lists_valid_on(un, "2023-01-01")["programme"])
    assert "UN-SC2653" not in set(lists_valid_on(un, "2022-10-20")["programme"])
    eu = countries[countries["list_id"].eq("eu_arms_embargo")]
    assert "EU-MMR" in set(lists_valid_on(eu, "1997-01-01")["programme"])
    assert "EU-MMR" not in set(lists_valid_on(eu, "1996-10-27")["programme"])
    undated = eu.assign(valid_from=pd.NaT)  # no valid_from: in force before any screened date
    assert len(lists_valid_on(undated, "1990-01-01")) == len(eu)
    fh = countries[countries["list_id"].eq("fh_not_free")]
    assert set(lists_valid_on(fh, "2030-06-30")["edition"]) == {"FIW 2025"}


def test_1260h_names_are_clean_with_aliases_and_parents(entities):
    dod = entities[entities["list_id"].eq("us_dod_1260h")]
    row = dod[dod["listed_name"].eq("Aerospace CH UAV Co., Ltd (S-SEA)*")].iloc[0]
    assert (row["name"], row["aliases"], row["marker"]) == ("Aerospace CH UAV Co., Ltd", "S-SEA", "*")
    knownsec = dod[dod["name"].eq("Beijing Zhidao Chuangyu Information Technology Co., Ltd.")]
    assert knownsec["aliases"].iloc[0] == "Knownsec | Beijing Kownsec"
    inner = dod[dod["listed_name"].eq("Inner Mongolia First Machinery Group Co., Ltd. (Inner Mongolia)*")]
    assert inner["aliases"].iloc[0] == "Inner Mongolia"
    assert "corrected from 'Inner Monoglia'" in inner["note"].iloc[0]
    avic = dod[dod["name"].eq("AVIC Shenyang Aircraft Company Limited")]
    assert set(avic["parent_name"].dropna()) <= {
        "Aviation Industry Corporation of China Ltd.",
        "Aviation Industry Corporation of China, Ltd.",
    }
    assert not dod["name"].str.contains(r"\*").any()


def test_annex_iv_entries_checked_by_hand(entities):
    eu = entities[entities["list_id"].eq("eu_833_annex_iv")]
    rostec = eu[eu["listed_name"].eq("Rostec (Russian Technologies State Corporation)")].iloc[0]
    assert rostec["name"] == "Rostec"
    assert "Russian Technologies State Corporation" in rostec["aliases"].split(" | ")
    globus = eu[eu["listed_name"].eq("Tactical Missile Corporation, RKB Globus")].iloc[0]
    assert (globus["name"], globus["parent_name"]) == ("RKB Globus", "Tactical Missile Corporation")
    kalashnikov = eu[eu["name"].eq("JSC Kalashnikov")].iloc[0]
    assert kalashnikov["valid_from"] == pd.Timestamp("2014-09-12")
    assert "NPO Izhmash" in kalashnikov["aliases"].split(" | ")
    assert eu["valid_to"].isna().all()


def test_stale_lists_warn_a_year_after_their_as_of_date():
    old = stale_lists("2026-11-22")
    assert old["list_id"].tolist() == ["fh_not_free", "us_ns_cmic"]
    with pytest.warns(ReferenceDataWarning, match="fh_not_free"):
        warn_stale_lists("2026-11-22")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_stale_lists("2025-06-30").empty


def _embargo(countries, list_id):
    return countries[countries["list_id"].eq(list_id)].set_index("programme")


def test_state_lists_hold_only_embargoes_on_the_state_itself(countries):
    for full in ("un_arms_embargo", "eu_arms_embargo", "uk_arms_embargo"):
        rows, state = _embargo(countries, full), _embargo(countries, f"{full}_state")
        assert set(rows["scope"]) <= {"national", "targeted", "not established"}
        assert rows["scope_source"].str.startswith(tuple(rows["scope"])).all()
        assert set(state.index) == set(rows.index[rows["scope"].eq("national")])
        assert state["scope_source"].str.contains("http").all()
        # a state row is its programme's row: same state, same start, same cited sources
        shared = ["country", "valid_from", "source", "valid_from_source", "scope_source"]
        assert state[shared].equals(rows.loc[state.index, shared])
    un = _embargo(countries, "un_arms_embargo_state")
    assert sorted(un["country"]) == sorted(
        ["CF", "CI", "ER", "IR", "IR", "KP", "LY", "SS"]  # the programmes in force and lifted since 2004
        + ["ZA", "IQ", "SO", "LY", "LR", "HT", "HT", "RW", "SL", "RS", "ER", "ET"]  # typed, 1977-2001
    )
    # Embargoes on non-state groups, named persons or a region stay out (checked by hand).
    un_all = _embargo(countries, "un_arms_embargo")
    for programme, cited in [
        ("UN-SC1533", "1807 (2008)"),
        ("UN-SC1591", "Darfur"),
        ("UN-SC1988", "Taliban"),
        ("UN-SC2140", "2216 (2015)"),
        ("UN-SC2653", "Government of Haiti"),
    ]:
        assert un_all.loc[programme, "scope"] == "targeted"
        assert cited in un_all.loc[programme, "scope_source"]
    assert "sipri.org/databases/embargoes/un_arms_embargoes/sudan" in un_all.loc["UN-SC1591", "scope_source"]
    eu = _embargo(countries, "eu_arms_embargo_state")
    assert "HT" not in set(eu["country"]) and "SD" in set(eu["country"])
    assert "whole of Sudan" in eu.loc["EU-SDN", "scope_source"]


def test_state_leaves_the_list_the_day_its_government_was_exempted(countries):
    un = _embargo(countries, "un_arms_embargo_state")
    assert un.loc["UN-SC2127", "valid_to"] == pd.Timestamp("2023-07-27")
    assert "2693 (2023)" in un.loc["UN-SC2127", "scope_source"]
    assert "press.un.org/en/2023/sc15382" in un.loc["UN-SC2127", "scope_source"]
    frame = un.reset_index()
    # half-open: in force the day before the exemption, not on the day itself
    assert "CF" in set(lists_valid_on(frame, "2023-07-26")["country"])
    assert "CF" not in set(lists_valid_on(frame, "2023-07-27")["country"])
    # The full list keeps the programme: arms sales to armed groups there are still embargoed.
    assert pd.isna(_embargo(countries, "un_arms_embargo").loc["UN-SC2127", "valid_to"])
    eu = _embargo(countries, "eu_arms_embargo_state")
    assert (eu.loc["EU-IRQ", "valid_from"], eu.loc["EU-IRQ", "valid_to"]) == (
        pd.Timestamp("1990-08-04"),
        pd.Timestamp("2004-07-19"),
    )
    assert "2004/553/CFSP" in eu.loc["EU-IRQ", "scope_source"]
    assert set(_embargo(countries, "uk_arms_embargo_state")["valid_to"].dropna()) == set()


def test_unsettled_scopes_stay_out_of_the_state_lists(countries):
    uk = _embargo(countries, "uk_arms_embargo")
    unsettled = uk.index[uk["scope"].eq("not established")]
    assert sorted(unsettled) == ["GB-SOM", "GB-SYR", "GB-VEN"]
    assert uk.loc["GB-IRQ", "scope"] == "targeted"
    assert "2713" in uk.loc["GB-SOM", "scope_source"]
    state = set(_embargo(countries, "uk_arms_embargo_state")["country"])
    assert state == {"BY", "IR", "KP", "LY", "MM", "RU", "SD", "SS"}


def test_embargo_dates_from_the_instrument_that_first_imposed_it(countries):
    eu, un = _embargo(countries, "eu_arms_embargo"), _embargo(countries, "un_arms_embargo")
    checked = {  # programme: (first instrument's date, it, the later act the programme names)
        "EU-IRN": ("2007-04-23", "2007/246/CFSP", "2010/413/CFSP"),
        "EU-ZWE": ("2002-02-18", "2002/145/CFSP", "2011/101/CFSP"),
        "EU-PRK": ("2006-11-20", "2006/795/CFSP", "2016/849"),
        "EU-LBY": ("2011-02-28", "2011/137/CFSP", "2015/1333"),
        "EU-SDN": ("1994-03-08", "94/165/CFSP", "2014/450/CFSP"),
        "EU-SSD": ("2011-07-18", "2011/423/CFSP", "2015/740"),
        "EU-BLR": ("2011-06-20", "20 June 2011", "2012/642/CFSP"),
    }
    for programme, (day, first, later) in checked.items():
        assert eu.loc[programme, "valid_from"] == pd.Timestamp(day), programme
        assert first in eu.loc[programme, "valid_from_source"], programme
        assert later in eu.loc[programme, "valid_from_source"], programme
    taliban = un.loc["UN-SC1988"]
    assert taliban["valid_from"] == pd.Timestamp("2000-12-19")
    assert "1333 (2000)" in taliban["valid_from_source"]
    assert "1988 (2011)" in taliban["valid_from_source"]
    assert un.loc["UN-SC1718", "valid_from"] == pd.Timestamp("2006-10-14")
    # The state rows take the corrected dates too.
    assert _embargo(countries, "eu_arms_embargo_state").loc["EU-IRN", "valid_from"] == pd.Timestamp("2007-04-23")
