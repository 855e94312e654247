"""The bundled lists read as dated editions: what is in force on a day, screened end to end.

Every date below is checked against the sources cited in the lists (Federal Register reports of
the 1260H editions and notices, UN Security Council press releases, EUR-Lex, SIPRI, OFAC).
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import exclusionscreen as xs
from exclusionscreen._resources import data_dir
from exclusionscreen.errors import InputFileError
from exclusionscreen.reference import (
    assert_lists_valid,
    bundled_country_lists,
    bundled_entity_lists,
    check_lists,
    editions_in_force,
    lists_valid_on,
)

AMEC = "Advanced Micro-Fabrication Equipment Inc. China"
IDG = "IDG Capital Partners Co., Ltd."
CXMT = "ChangXin Memory Technologies, Inc."
COSTAR = "Costar Group Co., Ltd."


def _flagged(holdings: pd.DataFrame, universe, day: str) -> set[str]:
    """Holdings flagged through the 1260H list (Costar Group is also on NS-CMIC, a list of its own)."""
    flags = xs.screen(holdings, universe, "broad", as_of=day).flags
    return set(flags.loc[flags["list_id"].eq("us_dod_1260h"), "holding_id"])


@pytest.fixture(scope="module")
def bundled():
    return xs.Universe.from_frames(include_bundled=True)


@pytest.fixture(scope="module")
def named_holdings():
    names = [AMEC, IDG, CXMT, COSTAR]
    return pd.DataFrame(
        {"portfolio_id": "P", "holding_id": [f"h{i}" for i in range(len(names))], "security_name": names}
    )


@pytest.mark.parametrize(
    ("holding", "flagged_on", "not_flagged_on"),
    [
        ("h0", "2024-06-30", "2025-06-30"),  # AMEC: removed by the notice of 13 December 2024
        ("h1", "2024-06-30", "2025-06-30"),  # IDG Capital: the same notice
    ],
)
def test_1260h_removals_end_the_listing(bundled, named_holdings, holding, flagged_on, not_flagged_on):
    assert holding in _flagged(named_holdings, bundled, flagged_on)
    assert holding not in _flagged(named_holdings, bundled, not_flagged_on)


def test_withdrawn_notice_changes_nothing_and_omission_ends_a_listing(bundled, named_holdings):
    on_march = _flagged(named_holdings, bundled, "2026-03-01")
    assert "h2" in on_march  # CXMT: the notice of 13 February 2026 that dropped it was withdrawn
    assert "h3" in on_march  # Costar: still in the 2025 edition then
    assert "h3" not in _flagged(named_holdings, bundled, "2026-07-01")  # omitted from the 2026-06-08 edition


def test_a_listing_is_not_in_force_on_the_day_it_ends():
    dod = bundled_entity_lists().query("list_id == 'us_dod_1260h'")
    amec = dod[dod["name"].eq(AMEC)]
    assert amec["valid_to"].tolist() == [pd.Timestamp("2024-12-13")]
    assert AMEC in set(lists_valid_on(dod, "2024-12-12")["name"])
    assert AMEC not in set(lists_valid_on(dod, "2024-12-13")["name"])
    # each 1260H row cites its own edition: no row of an earlier edition cites the 2026 PDF
    early = dod[dod["valid_from"] < pd.Timestamp("2025-01-01")]
    assert not early["source_url"].str.contains("2026/Jun").any()
    assert early["source"].str.contains(r"line \d+").all()


@pytest.mark.parametrize(
    ("country", "excluded_on", "not_excluded_on"),
    [
        ("ER", "2013-12-06", "2019-06-30"),
        ("CI", "2010-01-01", "2017-01-01"),
        # EU embargo of 1986 (the UN one was suspended from 5 April 1999), lifted by the Council on 11 October 2004
        ("LY", "2000-01-01", "2004-10-11"),
        # UN resolution 418 (1977), terminated on 25 May 1994
        ("ZA", "1990-06-30", "1994-05-25"),
        # UN resolution 1160 (1998) on the Federal Republic of Yugoslavia, terminated by resolution 1367 (2001)
        ("RS", "1999-06-30", "2001-09-10"),
        # UN resolution 1132 (1997); resolution 1171 (1998) exempted the Government on 5 June 1998
        ("SL", "1998-01-01", "1998-06-05"),
    ],
)
def test_sovereign_bonds_of_lifted_embargoes(country, excluded_on, not_excluded_on):
    issuers = pd.DataFrame(
        [
            {
                "issuer_id": f"GOV-{country}",
                "issuer_name": f"Government {country}",
                "issuer_type": "sovereign",
                "country": country,
            }
        ]
    )
    securities = pd.DataFrame([{"isin": f"XS{country}0000000", "issuer_id": f"GOV-{country}"}])
    universe = xs.Universe.from_frames(include_bundled=True, issuers=issuers, securities=securities)
    holdings = pd.DataFrame([{"portfolio_id": "P", "holding_id": "b", "isin": f"XS{country}0000000"}])
    on = xs.screen(holdings, universe, "broad", as_of=excluded_on).flags
    assert "sovereign_arms_embargo" in set(on["criterion_id"])
    off = xs.screen(holdings, universe, "broad", as_of=not_excluded_on).flags
    assert "sovereign_arms_embargo" not in set(off["criterion_id"])


def test_iran_is_on_the_un_list_after_the_measures_returned():
    un = bundled_country_lists().query("list_id == 'un_arms_embargo'")
    assert "IR" in set(lists_valid_on(un, "2025-10-01")["country"])
    assert "IR" in set(lists_valid_on(un, "2025-09-27")["country"])
    assert "IR" not in set(lists_valid_on(un, "2025-09-26")["country"])
    assert "IR" not in set(lists_valid_on(un, "2020-10-18")["country"])  # expired that day
    eu = bundled_country_lists().query("list_id == 'eu_arms_embargo'")
    assert "IQ" in set(lists_valid_on(eu, "1990-08-04")["country"])  # imposed 4 August 1990


def test_ns_cmic_isin_flags_from_the_effective_date():
    cmic = bundled_entity_lists().query("list_id == 'us_ns_cmic'")
    telecom = cmic[cmic["name"].eq("CHINA TELECOM CORPORATION LIMITED")].iloc[0]
    assert "CNE1000002V2" in telecom["isins"] and "0728 HK" in telecom["tickers"]
    assert telecom["valid_from"] == pd.Timestamp("2021-08-02")
    universe = xs.Universe.from_frames(include_bundled=True)
    holdings = pd.DataFrame([{"portfolio_id": "P", "holding_id": "x", "isin": "CNE1000002V2"}])
    flags = xs.screen(holdings, universe, "broad", as_of="2021-08-02").flags
    hit = flags[flags["criterion_id"].eq("official_military_lists")]
    assert hit["match_method"].tolist() == ["isin"]
    assert "OFAC" in hit["evidence_source"].iloc[0]
    assert "CHINA TELECOMMUNICATIONS CORPORATION" in hit["evidence_note"].iloc[0]
    before = xs.screen(holdings, universe, "broad", as_of="2021-08-01").flags
    assert before[before["criterion_id"].eq("official_military_lists")].empty


def test_edition_in_force_per_list():
    editions = editions_in_force("2026-03-01").set_index("list_id")
    assert editions.loc["us_dod_1260h", "edition"] == pd.Timestamp("2025-01-07")  # not the withdrawn notice
    assert editions_in_force("2026-06-08").set_index("list_id").loc["us_dod_1260h", "edition"] == pd.Timestamp(
        "2026-06-08"
    )
    assert editions.loc["fh_not_free", "edition"] == pd.Timestamp("2025-01-01")


def _copy(tmp_path):
    for path in data_dir().glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    return tmp_path


def test_shipped_lists_pass_the_check():
    assert check_lists().empty
    assert assert_lists_valid() > 2000


def test_check_names_an_overlapping_listing(tmp_path):
    folder = _copy(tmp_path)
    entity = pd.read_csv(folder / "entity_lists.csv", dtype=str, keep_default_na=False)
    row = entity.index[entity["name"].eq(AMEC)][0]
    entity.loc[row, "valid_to"] = "2025-06-01"  # now overlaps nothing on 1260H but closes on no edition
    entity = pd.concat([entity, entity.loc[[row]].assign(valid_from="2024-06-01", valid_to="")], ignore_index=True)
    entity.to_csv(folder / "entity_lists.csv", index=False)
    problems = check_lists(folder)
    assert set(problems["check"]) >= {"overlap", "closed"}
    with pytest.raises(
        InputFileError, match=r"entity_lists.csv:\d+: us_dod_1260h: Advanced Micro-Fabrication .*overlap"
    ):
        assert_lists_valid(folder)


def test_cli_check_passes_and_fails_with_the_row(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "exclusionscreen", "lists", "check"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok:")
    folder = _copy(tmp_path)
    country = pd.read_csv(folder / "country_lists.csv", dtype=str, keep_default_na=False)
    country.loc[3, "source"] = ""
    country.to_csv(folder / "country_lists.csv", index=False)
    bad = subprocess.run(
        [sys.executable, "-m", "exclusionscreen", "lists", "check", "--data", str(folder)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "country_lists.csv:5:" in bad.stderr and "the row has no source" in bad.stderr


def test_historical_embargoes_at_their_boundaries():
    lists = bundled_country_lists()

    def on(list_id: str, day: str) -> set[str]:
        return set(lists_valid_on(lists[lists["list_id"].eq(list_id)], day)["country"])

    # UN Libya: in force from 15 April 1992, suspended from 5 April 1999
    assert "LY" not in on("un_arms_embargo", "1992-04-14")
    assert "LY" in on("un_arms_embargo", "1992-04-15")
    assert "LY" in on("un_arms_embargo", "1999-04-04")
    assert "LY" not in on("un_arms_embargo", "1999-04-05")
    assert "LY" in on("eu_arms_embargo", "1999-04-05")  # the EU embargo of 1986 ran on
    # UN Iraq since resolution 661: the state until resolution 1546 of 8 June 2004, other recipients still
    assert "IQ" not in on("un_arms_embargo", "1990-08-05")
    assert "IQ" in on("un_arms_embargo_state", "2004-06-07")
    assert "IQ" not in on("un_arms_embargo_state", "2004-06-08")
    assert "IQ" in on("un_arms_embargo", "2026-01-01")
    # UN Haiti: suspended between resolution 861 (27 August 1993) and 18 October 1993
    assert "HT" in on("un_arms_embargo_state", "1993-08-26")
    assert "HT" not in on("un_arms_embargo_state", "1993-09-15")
    assert "HT" in on("un_arms_embargo_state", "1993-10-18")
    assert "HT" not in on("un_arms_embargo_state", "1994-10-16")
    # targeted or unsettled embargoes stay off the state lists: UNITA (Angola), China (EU, 1989)
    assert "AO" in on("un_arms_embargo", "2000-01-01") and "AO" not in on("un_arms_embargo_state", "2000-01-01")
    assert "CN" in on("eu_arms_embargo", "1989-06-27") and "CN" not in on("eu_arms_embargo", "1989-06-26")
    assert "CN" not in on("eu_arms_embargo_state", "2020-01-01")
    # every typed row cites what imposed it, and every closed one what ended it
    typed = lists[lists["source"].str.contains("typed in by the project")]
    assert typed["valid_from_source"].str.contains("http").all()
    closed = typed[typed["valid_to"].notna()]
    assert (closed["valid_to_source"].str.contains("http") | closed["scope_source"].str.contains("http")).all()


@pytest.mark.parametrize(
    ("name", "column", "line"),
    [
        ("country_names.csv", "basis", 20),  # below the eight comment lines and the header
        ("legal_forms.csv", "retrieved", 2),
        ("sipri_country_names.csv", "basis", 2),
    ],
)
def test_check_names_a_row_of_any_bundled_file_without_source_or_date(tmp_path, name, column, line):
    folder = _copy(tmp_path)
    text = (folder / name).read_text(encoding="utf-8")
    comments = [row for row in text.splitlines() if row.startswith("#")]
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False, comment="#" if comments else None)
    frame.loc[line - 2 - len(comments), column] = ""
    body = frame.to_csv(index=False, lineterminator="\n")
    (folder / name).write_text("".join(c + "\n" for c in comments) + body, encoding="utf-8")
    problems = check_lists(folder)
    assert problems[["file", "line", "check"]].values.tolist() == [[name, line, "sourced"]]
    assert column in problems["message"].iloc[0]


def test_typed_country_names_match_cldr():
    babel = pytest.importorskip("babel")
    table = pd.read_csv(data_dir() / "country_names.csv", comment="#", dtype=str, keep_default_na=False)
    typed = table[table["source"].eq("project") & table["basis"].str.startswith("Unicode CLDR")]
    assert len(typed) == 77
    locales = {
        name: babel.Locale.parse(code)
        for code, name in [("de", "German"), ("it", "Italian"), ("nl", "Dutch"), ("es", "Spanish"), ("en", "English")]
    }
    for row in typed.itertuples():
        assert any(
            language in row.basis and locale.territories.get(row.alpha2) == row.name
            for language, locale in locales.items()
        ), row
