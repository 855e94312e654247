"""The build script regenerates the bundled lists byte for byte and refuses rows that fail checks."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from exclusionscreen._resources import data_dir

from .conftest import SHARED, needs_shared

BUILT = ["country_lists.csv", "entity_lists.csv", "list_editions.csv", "list_sources.csv", "sipri_country_names.csv"]


@needs_shared
def test_rebuild_is_byte_for_byte_identical(build_script, tmp_path):
    counts = build_script.build(SHARED.resolve(), tmp_path)
    assert set(counts) == set(BUILT)
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (data_dir() / name).read_bytes(), name


@needs_shared
def test_title_that_does_not_name_the_target_stops_the_build(build_script, tmp_path):
    shared = tmp_path / "shared"
    shutil.copytree(SHARED / "countries", shared / "countries")
    yml = shared / "lists" / "sanction_programs" / "yml"
    yml.mkdir(parents=True)
    (yml / "UN-SC9999.yml").write_text(
        "key: UN-SC9999\ntitle: Sudan Sanctions\nissuer: zz_unsc\nsummary: x\n"
        "url: https://example.org\ntarget_territories:\n- cg\nmeasures:\n- Arms embargo\n",
        encoding="utf-8",
    )
    countries = build_script.CountryIndex.load(shared / "countries" / "country_codes.csv")
    with pytest.raises(build_script.BuildError) as info:
        build_script.embargo_rows(shared, countries)
    message = str(info.value)
    assert "UN-SC9999.yml" in message and "does not name target 'cg'" in message


def test_printed_1260h_names_split_into_name_alias_and_marker(build_script):
    split = build_script.split_printed_name
    assert split("Aerospace CH UAV Co., Ltd (S-SEA)*") == ("Aerospace CH UAV Co., Ltd", "S-SEA", "*")
    assert split("360 Security Technology Inc. (Qihoo 360).") == ("360 Security Technology Inc.", "Qihoo 360", "")
    assert split("Semiconductor Manufacturing International (Tianjin) Corporation (SMIC Tianjin]") == (
        "Semiconductor Manufacturing International (Tianjin) Corporation",
        "SMIC Tianjin",
        "",
    )


@needs_shared
def test_annex_iv_names_split_into_name_aliases_and_parent(build_script):
    countries = build_script.CountryIndex.load(SHARED / "countries" / "country_codes.csv")
    split = build_script.split_annex_name
    assert split("Tactical Missile Corporation, RKB Globus", countries) == (
        "RKB Globus",
        ["Tactical Missile Corporation, RKB Globus"],
        "Tactical Missile Corporation",
    )
    assert split("Rosoboronexport OJSC (ROE)", countries) == (
        "Rosoboronexport OJSC",
        ["Rosoboronexport OJSC (ROE)", "ROE"],
        "",
    )
    assert split("MFK Fulcrum (Russia)", countries) == ("MFK Fulcrum (Russia)", [], "")
    assert split("Kalyazinsky Machine Building Factory – Branch of RSK MiG", countries)[2] == "RSK MiG"
    name, aliases, parent = split(
        "Subsidiary Sevastopol Naval Plant of Zvezdochka Shipyard (Sevastopol Naval Plant)", countries
    )
    assert (name, parent) == ("Sevastopol Naval Plant", "Zvezdochka Shipyard")


def _rows(*rows):
    columns = ["list_id", "country", "valid_from", "programme", "scope"]
    return pd.DataFrame([dict(zip(columns, r, strict=True)) for r in rows]).assign(valid_to="")


def test_only_national_embargoes_enter_the_state_lists(build_script):
    embargoes = _rows(
        ("un_arms_embargo", "CF", "2013-12-05", "UN-SC2127", "national"),
        ("un_arms_embargo", "CD", "2003-07-28", "UN-SC1533", "targeted"),
        ("uk_arms_embargo", "SO", "2020-12-31", "GB-SOM", "not established"),
        ("eu_arms_embargo", "RU", "2014-07-31", "EU-RUS", "national"),
    )
    state = build_script.state_rows(embargoes)
    assert state[["list_id", "country", "valid_to"]].values.tolist() == [
        ["un_arms_embargo_state", "CF", "2023-07-27"],
        ["eu_arms_embargo_state", "RU", ""],
    ]
    assert embargoes["list_id"].tolist()[0] == "un_arms_embargo"  # the input is left alone


def test_programme_without_a_scope_decision_is_not_established(build_script):
    assert build_script.SCOPES.get("UN-SC9999", build_script.NO_SCOPE).scope == "not established"
    assert build_script.NO_SCOPE.citation() == ("not established: no scope decision is recorded for this programme")


def test_exemption_before_the_embargo_began_stops_the_build(build_script, monkeypatch):
    wrong = build_script.Scope("national", "x", ("https://example.org",), valid_to="2010-01-01")
    monkeypatch.setitem(build_script.SCOPES, "UN-SC2127", wrong)
    with pytest.raises(build_script.BuildError, match="UN-SC2127: the state was exempted on 2010-01-01"):
        build_script.state_rows(_rows(("un_arms_embargo", "CF", "2013-12-05", "UN-SC2127", "national")))
