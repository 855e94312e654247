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
        assert frame["retrieved"].eq("2026-11-22").all()


def test_row_counts_per_list(countries, entities):
    assert countries["list_id"].value_counts().to_dict() == {
        "fh_not_free": 675, "uk_arms_embargo": 13, "eu_arms_embargo": 12, "un_arms_embargo": 9}
    assert entities["list_id"].value_counts().to_dict() == {
        "eu_833_annex_iv": 921, "us_dod_1260h": 397}
    sources = list_sources().set_index("list_id")
    assert sources["rows"].to_dict() == {
        "eu_833_annex_iv": 921, "eu_arms_embargo": 12, "fh_not_free": 675,
        "uk_arms_embargo": 13, "un_arms_embargo": 9, "us_dod_1260h": 397}


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
        "BY", "HT", "IQ", "IR", "KP", "LY", "MM", "RU", "SD", "SS", "VE", "ZW"}
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
    assert eu["valid_from"].notna().all()
    assert eu.loc["EU-MMR", "valid_from"] == pd.Timestamp("1996-10-28")
    assert "96/635/CFSP" in eu.loc["EU-MMR", "valid_from_source"]


def test_freedom_house_not_free_by_edition(countries):
    fh = countries[countries["list_id"].eq("fh_not_free")]
    assert fh.groupby("edition").size().loc[["FIW 2013", "FIW 2018", "FIW 2025"]].tolist() == [
        47, 49, 59]
    turkey = fh[fh["country"].eq("TR")]["edition"].tolist()
    assert sorted(turkey) == [f"FIW {y}" for y in range(2018, 2026)]
    assert not fh["country"].isin(["IN", "HU"]).any()  # Partly Free at worst in the file
    latest = fh[fh["edition"].eq("FIW 2025")]
    assert latest["valid_to"].isna().all()
    row = fh[(fh["country"].eq("RU")) & fh["edition"].eq("FIW 2020")].iloc[0]
    assert (row["valid_from"], row["valid_to"]) == (pd.Timestamp("2020-01-01"),
                                                    pd.Timestamp("2020-12-31"))


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
    assert set(lists_valid_on(un, "2023-01-01")["programme"]) == set(un["programme"])
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
    assert set(avic["parent_name"].dropna()) <= {"Aviation Industry Corporation of China Ltd.",
                                                  "Aviation Industry Corporation of China, Ltd."}
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
    assert old["list_id"].tolist() == ["fh_not_free"]
    with pytest.warns(ReferenceDataWarning, match="fh_not_free"):
        warn_stale_lists("2026-11-22")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_stale_lists("2025-06-30").empty
