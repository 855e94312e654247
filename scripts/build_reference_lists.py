"""Build the bundled reference lists of exclusionscreen from the public source files.

Usage::

    python scripts/build_reference_lists.py [SHARED_DATA_DIR] [--out DIR]

SHARED_DATA_DIR defaults to ``../shared/data`` beside the repository checkout; ``--out`` defaults to
``src/exclusionscreen/data``. The script writes, byte for byte the same on every run:

- ``country_lists.csv``: states under a UN, EU or UK arms embargo (one row per programme and
  state), the same rows again in the ``*_state`` lists for the embargoes that bind the state
  itself (each scope decision cited), and states rated Not Free by Freedom House (one row per
  state and edition);
- ``entity_lists.csv``: the US DoD Section 1260H list (one row per entity and edition), the
  entities of Annex IV to EU Regulation 833/2014 and OFAC's NS-CMIC list with its ISINs and
  tickers;
- ``list_sources.csv``: one row per list: title, issuer, source, as-of date, rows, terms;
- ``list_editions.csv``: one row per publication of each list (edition, removal notice,
  withdrawn notice or snapshot), dated and cited;
- ``sipri_country_names.csv``: the country names used by SIPRI exports, with ISO 3166 codes.

Every row is checked before it is written: a sanctions programme's title must name the state it
targets (a known transcription error is corrected and recorded), every country name must map to
an ISO code, every 1260H name must agree with its cleaned name and alias. A failed check stops
the build with a message naming the file and row.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO / ".." / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "exclusionscreen" / "data"

# The date the source files were taken into ../shared/data (the date of that snapshot). It is
# a constant so that a rebuild from the same files gives the same bytes.
RETRIEVED = "2026-11-22"

OPENSANCTIONS_TERMS = (
    "Government sanctions and export-control lists are public records; the transcription is "
    "OpenSanctions' (repository opensanctions/opensanctions), whose compiled datasets are "
    "licensed CC BY-NC 4.0: attribute OpenSanctions, non-commercial use."
)
FREEDOM_HOUSE_TERMS = (
    "Freedom House, Freedom in the World: free for non-commercial use with attribution "
    "(Source: Freedom House, Freedom in the World 2013-2025 raw data)."
)


class BuildError(Exception):
    """A source row fails a check; the message names the file and the row."""


# --------------------------------------------------------------------------------------------
# Country names
# --------------------------------------------------------------------------------------------

_NAME_COLUMNS = [
    "CLDR display name",
    "official_name_en",
    "UNTERM English Short",
    "UNTERM English Formal",
]

# Names used by the sources that the ISO name columns of country_codes.csv do not contain.
# Each maps to the ISO 3166-1 alpha-2 code of the state the source means, or "" for a name that
# is not a state (a rebel group, an organisation, a disputed or occupied territory).
COUNTRY_ALIASES: dict[str, str] = {
    # Freedom House (and SIPRI)
    "United Kingdom": "GB",
    "United States": "US",
    "Congo (Brazzaville)": "CG",
    "Congo (Kinshasa)": "CD",
    "Turkey": "TR",
    "St. Kitts and Nevis": "KN",
    "St. Lucia": "LC",
    "St. Vincent and the Grenadines": "VC",
    "Kosovo": "",  # no ISO 3166-1 code in country_codes.csv
    # Sanctions programme titles
    "Democratic Republic Of Congo": "CD",
    "Myanmar/Burma": "MM",
    # SIPRI Top 100 and trade register
    "Turkiye": "TR",
    "DR Congo": "CD",
    "Congo": "CG",
    "UAE": "AE",
    "Bosnia-Herzegovina": "BA",
    "eSwatini": "SZ",
    "Soviet Union": "",  # dissolved state, no current code
    "Northern Cyprus": "",  # not recognised as a state
    "Trans-European": "",  # SIPRI: ownership in more than one European country
    "unknown recipient(s)": "",
    "unknown supplier(s)": "",
}

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def normalise_name(name: str) -> str:
    """Case-folded, accent-free name with '&' as 'and' and punctuation as spaces."""
    text = unicodedata.normalize("NFKD", str(name).translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("'", "")
    text = re.sub(r"\(the\)|\*", " ", text)
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True)
class CountryIndex:
    """Normalised country name -> ISO alpha-2 code ("" for names that are not states)."""

    codes: dict[str, str]
    display: dict[str, str]  # alpha-2 -> display name

    @classmethod
    def load(cls, path: Path) -> CountryIndex:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        codes: dict[str, str] = {}
        for column in _NAME_COLUMNS:
            for code, name in zip(table["ISO3166-1-Alpha-2"], table[column], strict=True):
                key = normalise_name(name)
                if key and code:
                    codes.setdefault(key, code)
        for name, code in COUNTRY_ALIASES.items():
            codes[normalise_name(name)] = code
        display = dict(zip(table["ISO3166-1-Alpha-2"], table["CLDR display name"], strict=True))
        return cls(codes, display)

    def code(self, name: str) -> str | None:
        """The alpha-2 code of `name`, "" if it is known not to be a state, None if unknown."""
        return self.codes.get(normalise_name(name))

    def named_in(self, text: str) -> set[str]:
        """Codes of the countries whose names occur in `text`, longest names first."""
        remaining = f" {normalise_name(text)} "
        found: set[str] = set()
        for key in sorted(self.codes, key=len, reverse=True):
            if f" {key} " in remaining:
                if self.codes[key]:
                    found.add(self.codes[key])
                remaining = remaining.replace(f" {key} ", " | ")
        return found


# --------------------------------------------------------------------------------------------
# Arms embargoes
# --------------------------------------------------------------------------------------------

EMBARGO_LISTS = {"zz_unsc": "un_arms_embargo", "eu_council": "eu_arms_embargo", "gb_fcdo": "uk_arms_embargo"}

# Transcription errors found by the title check, with the correction applied. The build fails
# if a correction no longer applies (the source was fixed) so that it can be removed.
TARGET_CORRECTIONS: dict[str, tuple[str, str, str]] = {
    "UN-SC1533": (
        "cg",
        "cd",
        "target territory corrected from cg (Republic of the Congo) to cd: the programme is "
        "titled Democratic Republic Of Congo Sanctions and resolution 1533 (2004) concerns the "
        "Democratic Republic of the Congo",
    ),
}

# Programmes whose targets are not states and are left out of the country lists.
NOT_A_STATE = {"zz"}


@dataclass(frozen=True)
class Instrument:
    """The instrument that imposed a programme's arms embargo, with the pages that date it."""

    valid_from: str
    instrument: str
    sources: tuple[str, ...]

    def citation(self) -> str:
        return f"{self.instrument}; " + " ; ".join(self.sources)


# valid_from of each embargo: the date of the instrument that first imposed the arms embargo the
# programme continues, as established from public pages (cited); a later consolidating or
# repealing act named by the programme is mentioned in the citation. A programme missing here
# gets an empty valid_from, meaning in force before any screened date.
# UN and EU: the date the resolution or Council act was adopted (EU-MMR: the Common Position that
# first set the embargo down; EU-SDN: the day the Council agreed it). UK: the day the trade
# (military goods) provisions of the regulations named by the programme came into force. The
# regulations made for the UK's exit from the EU took effect at 11 p.m. on 31 December 2020 (IP
# completion day), when they replaced the EU and UN measures the UK had applied until then
# through EU law.
INSTRUMENTS: dict[str, Instrument] = {
    "UN-SC1533": Instrument(
        "2003-07-28",
        "UNSC resolution 1493 (2003) of 28 July 2003 imposed the arms embargo that resolution "
        "1533 (2004) monitors (from 2008, resolution 1807 exempts the DRC Government)",
        (
            "https://reliefweb.int/report/democratic-republic-congo/report-security-council-committee-established-pursuant-resolution",
            "https://lawglobalhub.com/united-nations-security-council-resolution-1533-democratic-republic-of-the-congo",
        ),
    ),
    "UN-SC1591": Instrument(
        "2004-07-30",
        "UNSC resolution 1556 (2004) of 30 July 2004 imposed an arms embargo on non-governmental "
        "entities in Darfur; resolution 1591 (2005) extended it to all parties in Darfur",
        (
            "https://reliefweb.int/report/sudan/report-security-council-committee-established-pursuant-resolution-1591-2005-concerning",
            "http://www.sipri.org/databases/embargoes/un_arms_embargoes/sudan",
        ),
    ),
    "UN-SC1718": Instrument(
        "2006-10-14",
        "UNSC resolution 1718 (2006), adopted 14 October 2006",
        ("https://press.un.org/en/2006/sc8853.doc.htm",),
    ),
    "UN-SC1970": Instrument(
        "2011-02-26",
        "UNSC resolution 1970 (2011), adopted 26 February 2011, imposing an arms embargo on Libya",
        (
            "http://www.responsibilitytoprotect.org/index.php/crises/190-crisis-in-libya/3209-in-swift-decisive-action-security-council-imposes-tough-measures-on-libyan-regime-adopting-resolution-1970-in-wake-of-crackdown-on-protestors",
            "https://en.wikipedia.org/wiki/United_Nations_Security_Council_Resolution_1970",
        ),
    ),
    "UN-SC1988": Instrument(
        "2000-12-19",
        "UNSC resolution 1333 (2000), adopted 19 December 2000, imposed the arms embargo on the "
        "Taliban (on the parts of Afghanistan they controlled); resolution 1390 (2002) applied it "
        "to the Taliban wherever located, and resolution 1988 (2011), adopted 17 June 2011, "
        "created the separate Taliban sanctions regime that continues it",
        (
            "https://www.armscontrol.org/act/2001-01/news-briefs/un-passes-arms-embargo-against-taliban",
            "https://www.sipri.org/databases/embargoes/un-arms-embargo-on-afghanistan-(taliban)",
            "http://usun.state.gov/briefing/statements/2011/166473.htm",
        ),
    ),
    "UN-SC2127": Instrument(
        "2013-12-05",
        "UNSC resolution 2127 (2013) of 5 December 2013 imposed an arms embargo on the CAR",
        ("http://www.un.org/sc/committees/2127/",),
    ),
    "UN-SC2140": Instrument(
        "2015-04-14",
        "UNSC resolution 2216 (2015), adopted 14 April 2015, imposed the arms embargo of the "
        "Yemen sanctions regime of resolution 2140 (2014)",
        ("https://press.un.org/en/2015/sc11859.doc.htm",),
    ),
    "UN-SC2206": Instrument(
        "2018-07-13",
        "UNSC resolution 2428 (2018), adopted 13 July 2018, imposed an arms embargo on South Sudan",
        ("http://www.globalr2p.org/resources/1312", "http://unscr.com/en/resolutions/2428"),
    ),
    "UN-SC2653": Instrument(
        "2022-10-21",
        "UNSC resolution 2653 (2022), adopted 21 October 2022 (targeted arms embargo; extended "
        "to the whole territory by resolution 2699 (2023))",
        (
            "https://eur-lex.europa.eu/legal-content/SV/TXT/?uri=CELEX%3A32022D2319",
            "https://press.un.org/en/2023/sc15374.doc.htm",
        ),
    ),
    "EU-BLR": Instrument(
        "2011-06-20",
        "the Foreign Affairs Council of 20 June 2011 imposed the arms embargo on Belarus; it "
        "continues under Council Decision 2012/642/CFSP of 15 October 2012, Article 1",
        (
            "http://ue.eu.int/homepage/highlights/stronger-sanctions-on-belarus?lang=en",
            "https://europediplomatic.com/2020/02/17/eu-prolongs-belarus-arms-embargo/",
            "https://legislation.gov.uk/eudn/2012/642/body/adopted",
        ),
    ),
    "EU-HTI": Instrument(
        "2022-11-25",
        "Council Decision (CFSP) 2022/2319 of 25 November 2022, Article 1 (small arms, light weapons and ammunition)",
        (
            "https://eur-lex.europa.eu/eli/dec/2023/1574",
            "https://respectus-knowledge-base.document360.io/v1/docs/decision-20222319-haiti-1",
        ),
    ),
    "EU-IRN": Instrument(
        "2007-04-23",
        "Council Common Position 2007/246/CFSP (April 2007, amending Common Position "
        "2007/140/CFSP), adopted at the General Affairs and External Relations Council of 23 "
        "April 2007, imposed the full arms embargo on Iran; it continues under Council Decision "
        "2010/413/CFSP of 26 July 2010, Article 1(1)(c), which repealed Common Position "
        "2007/140/CFSP",
        (
            "https://sipri.org/databases/embargoes/eu_arms_embargoes/iran",
            "https://publications.parliament.uk/pa/cm200607/cmselect/cmeuleg/41-xvii/4116.htm",
            "https://api.respectus.eu/docs/decision-2010413-iran",
        ),
    ),
    "EU-IRQ": Instrument(
        "1990-08-04",
        "the European Community and its member states imposed an arms embargo on Iraq on 4 August "
        "1990, after the invasion of Kuwait; it continues under Council Common Position "
        "2003/495/CFSP of 7 July 2003 on Iraq",
        (
            "https://www.sipri.org/databases/embargoes/eu_arms_embargoes/iraq",
            "https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX%3A32003E0495",
        ),
    ),
    "EU-LBY": Instrument(
        "2011-02-28",
        "Council Decision 2011/137/CFSP of 28 February 2011 imposed the arms embargo on Libya "
        "(implementing UNSC resolution 1970 (2011)); it continues under Council Decision (CFSP) "
        "2015/1333 of 31 July 2015, Article 1, which repealed Decision 2011/137/CFSP",
        (
            "https://sipri.org/databases/embargoes/eu_arms_embargoes/libya/Libya_2",
            "https://docslib.org/doc/4541646/council-decision-2011-137-cfsp-of-28-february-2011-concerning-restrictive-measures-in-view-of-the-situation-in-libya",
            "https://www.legislation.gov.uk/eudn/2015/1333/chapter/I",
        ),
    ),
    "EU-PRK": Instrument(
        "2006-11-20",
        "Council Common Position 2006/795/CFSP of 20 November 2006 imposed the arms embargo on "
        "North Korea (implementing UNSC resolution 1718 (2006)); it continues under Council "
        "Decision (CFSP) 2016/849 of 27 May 2016, Article 1(1)(a)",
        (
            "https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX%3A32006E0795",
            "http://www.sipri.org/databases/embargoes/eu_arms_embargoes/north_korea",
            "https://www.legislation.gov.uk/eudn/2016/849/chapter/I",
        ),
    ),
    "EU-RUS": Instrument(
        "2014-07-31",
        "Council Decision 2014/512/CFSP of 31 July 2014",
        (
            "https://www.legislation.gov.uk/eudn/2014/512/data.xml",
            "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX%3A32026D1437",
        ),
    ),
    "EU-SDN": Instrument(
        "1994-03-08",
        "the EU arms embargo on Sudan was agreed by the Foreign Affairs Council on 8 March 1994 "
        "and set down in Council Decision 94/165/CFSP (March 1994; the day of the Decision "
        "itself was not found); it was maintained by Common Position 2004/31/CFSP and continues "
        "under Council Decision 2014/450/CFSP of 10 July 2014, Article 1, which repealed "
        "Decision 2011/423/CFSP",
        (
            "https://api.parliament.uk/historic-hansard/written-answers/1994/mar/10/sudan",
            "https://sipri.org/node/1491",
            "https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX%3A32004E0031",
            "https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX%3A02014D0450-20230404",
        ),
    ),
    "EU-SSD": Instrument(
        "2011-07-18",
        "Council Decision 2011/423/CFSP of 18 July 2011 extended the EU arms embargo on Sudan to "
        "the newly independent South Sudan; the South Sudan measures were split off by Decision "
        "2014/449/CFSP and continue under Council Decision (CFSP) 2015/740 of 7 May 2015, "
        "Article 1",
        (
            "https://eu.vlex.com/vid/843668306",
            "https://sipri.org/node/1491",
            "http://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02015D0740-20170309",
        ),
    ),
    "EU-VEN": Instrument(
        "2017-11-13",
        "Council Decision (CFSP) 2017/2074 of 13 November 2017",
        ("https://eur-lex.europa.eu/legal-content/EN/AUTO/?uri=CELEX%3A32017D2074",),
    ),
    "EU-ZWE": Instrument(
        "2002-02-18",
        "Council Common Position 2002/145/CFSP of 18 February 2002, Article 1, imposed the arms "
        "embargo on Zimbabwe; it continues under Council Decision 2011/101/CFSP of 15 February "
        "2011",
        (
            "https://eur-lex.europa.eu/legal-content/HR/TXT/?uri=CELEX:32002E0145",
            "https://www.sadocc.at/sadocc.at/news2002/2002-055.shtml",
            "https://eur-lex.europa.eu/legal-content/FR/AUTO/?uri=celex%3A32018D0224",
        ),
    ),
    "EU-MMR": Instrument(
        "1996-10-28",
        "Council Common Position 96/635/CFSP of 28 October 1996 on Burma/Myanmar, the first "
        "Council act to set down the embargo on arms, munitions and military equipment (agreed "
        "in 1990 and confirmed by the General Affairs Council on 29 July 1991); the arms "
        "embargo continues under Decision 2013/184/CFSP, Article 1",
        (
            "https://eur-lex.europa.eu/legal-content/EN/AUTO/?toc=OJ%3AL%3A1996%3A287%3ATOC&uri=uriserv%3AOJ.L_.1996.287.01.0001.01.ENG",
            "https://www.sipri.org/databases/embargoes/eu_arms_embargoes/myanmar",
            "https://api.respectus.eu/docs/decision-2013184-myanmar",
        ),
    ),
    "GB-BLR": Instrument(
        "2020-12-31",
        "The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019 (S.I. 2019/600), "
        "regulation 21 (export of restricted goods, military goods among them), in force on IP "
        "completion day, 31 December 2020 at 11 p.m.",
        (
            "https://legislation.gov.uk/uksi/2019/600/part/5/chapter/2/2022-07-05/data.xht",
            "https://legislation.gov.uk/cy/uksi/2019/600/part/5/made?timeline=false",
        ),
    ),
    "GB-DPRK": Instrument(
        "2020-12-31",
        "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019 "
        "(S.I. 2019/411), Part 6 (trade, including regulation 43: goods and technology for the "
        "armed forces of the DPRK); the regulations came fully into force on 31 December 2020",
        (
            "https://legislation.gov.uk/uksi/2019/411/part/6/chapter/2/made/data.xht?view=snippet&wrap=true",
            "https://govukdiff.njk.onl/update/2025-03-11T08:57:00+00:00/www.gov.uk/government/publications/democratic-peoples-republic-of-korea-sanctions-guidance",
        ),
    ),
    "GB-HT": Instrument(
        "2022-12-28",
        "The Haiti (Sanctions) Regulations 2022 (S.I. 2022/1281), giving effect to UNSC "
        "resolution 2653 (2022) with restrictions on trade in military goods and technology, "
        "entered into force on 28 December 2022 (later amended, including by the Haiti "
        "(Sanctions) (Amendment) Regulations 2023, in force 28 December 2023)",
        (
            "https://www.gov.uk/government/publications/haiti-sanctions-guidance/haiti-sanctions-guidance",
            "https://sanctionsnews.bakermckenzie.com/uk-introduces-sanctions-against-haiti/",
            "https://strongandherd.co.uk/an-update-on-haiti-sanctions",
        ),
    ),
    "GB-IRAN-NW": Instrument(
        "2020-12-31",
        "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019 (S.I. 2019/461), regulation "
        "21 (export of restricted goods, military goods among them), valid from 31 December "
        "2020, IP completion day (S.I. 2019/627, reg. 8(2); 2020 c. 1, Sch. 5 para. 1(1))",
        (
            "https://legislation.gov.uk/uksi/2019/461/part/5/chapter/1/2019-03-25",
            "https://legislation.gov.uk/uksi/2019/461/regulation/31/data.xht",
        ),
    ),
    "GB-IRQ": Instrument(
        "2020-12-31",
        "The Iraq (Sanctions) (EU Exit) Regulations 2020 (S.I. 2020/707), Part 4 (trade; "
        "regulation 17: export of military goods), in force on 31 December 2020 by S.I. "
        "2020/1514, reg. 14(2)",
        (
            "https://legislation.gov.uk/uksi/2020/707/part/4/2020-12-31",
            "https://legislation.gov.uk/uksi/2020/707/part/4/chapter/2/made/data.xht?view=snippet&wrap=true",
        ),
    ),
    "GB-LBY": Instrument(
        "2020-12-31",
        "The Libya (Sanctions) (EU Exit) Regulations 2020 (S.I. 2020/1665), regulations 23 "
        "(export of restricted goods) and 24 (import of arms and related materiel), in force on "
        "IP completion day, 31 December 2020 at 11 p.m. (reg. 1(3))",
        (
            "https://legislation.gov.uk/en/uksi/2020/1665/part/5",
            "https://www.legislation.gov.uk/uksi/2020/1665/part/1/made",
        ),
    ),
    "GB-MMR": Instrument(
        "2021-04-29",
        "The Myanmar (Sanctions) Regulations 2021 (S.I. 2021/496), made 26 April 2021; all "
        "provisions other than those on designation in force at 5 p.m. on 29 April 2021 "
        "(reg. 1(3)); successor to the regime of the Burma (Sanctions) (EU Exit) Regulations 2019",
        (
            "http://legislation.gov.uk/uksi/2021/496/body/2021-04-29/data.akn",
            "https://zoomlaw.co.uk/2021-496-uksi.html",
            "https://www.harneys.com/our-blogs/regulatory/2021/05/07/uk-extends-renewed-myanmar-sanctions-to-the-overseas-territories/",
        ),
    ),
    "GB-RUS": Instrument(
        "2020-12-31",
        "The Russia (Sanctions) (EU Exit) Regulations 2019 (S.I. 2019/855), regulation 22 "
        "(export of military goods), in force on IP completion day, 31 December 2020 at 11 p.m. "
        "(reg. 1(2); 2020 c. 1, Sch. 5 para. 1(1))",
        ("https://legislation.gov.uk/uksi/2019/855/part/5/chapter/2/2022-02-10",),
    ),
    "GB-SDN": Instrument(
        "2020-12-31",
        "The Sudan (Sanctions) (EU Exit) Regulations 2020 (S.I. 2020/753), regulation 21 "
        "(export of military goods), in force on 31 December 2020 by S.I. 2020/1514, reg. 15(2)",
        ("http://www.legislation.gov.uk/uksi/2020/753/part/5/chapter/2",),
    ),
    "GB-SOM": Instrument(
        "2020-12-31",
        "The Somalia (Sanctions) (EU Exit) Regulations 2020 (S.I. 2020/642), made 25 June 2020, "
        "Part 5 Chapter 2 (trade prohibitions on military goods and technology), in place for "
        "the end of the transition period at 11 p.m. on 31 December 2020, when UK regimes "
        "replaced the EU sanctions (secondary sources; no commencement note found)",
        (
            "https://d33l674dklnw8n.cloudfront.net/insights/international-regulatory-enforcement/blog-uk-implements-sanctions-on-somalia-in-preparation-for-brexit",
            "https://service.betterregulation.com/document/448988",
            "http://brexitlegalguide.co.uk/?p=12787",
        ),
    ),
    "GB-SSD": Instrument(
        "2020-12-31",
        "The South Sudan (Sanctions) (EU Exit) Regulations 2019 (S.I. 2019/438), Part 5 (trade "
        "in military goods and military technology), in force on 31 December 2020 (S.I. "
        "2019/627, reg. 6(2); 2020 c. 1, Sch. 5 para. 1(1), as noted for regulation 30)",
        (
            "https://legislation.gov.uk/uksi/2019/438/regulation/30/2020-12-31/data.akn",
            "https://legislation.gov.uk/uksi/2019/438/part/5/made/data.xht?view=snippet&wrap=true",
        ),
    ),
    "GB-SYR": Instrument(
        "2020-12-31",
        "The Syria (Sanctions) (EU Exit) Regulations 2019 (S.I. 2019/792), Part 5 (trade; "
        "regulations 36 and 37: import of arms and related materiel, acquisition of military "
        "goods), in force on IP completion day, 31 December 2020 at 11 p.m. (reg. 1(3); "
        "2020 c. 1, Sch. 5 para. 1(1))",
        (
            "http://legislation.data.gov.uk/uksi/2019/792/part/5/chapter/3?view=plain",
            "https://legislation.gov.uk/uksi/2019/792/part/5/chapter/2/data.xht?view=snippet&wrap=true",
        ),
    ),
    "GB-VEN": Instrument(
        "2020-12-31",
        "The Venezuela (Sanctions) (EU Exit) Regulations 2019 (S.I. 2019/135), made 29 January "
        "2019 to come into force by regulations under section 56 of the 2018 Act; adopted at "
        "the end of the transition period, 11 p.m. on 31 December 2020, when UK regimes "
        "replaced the EU sanctions (secondary sources; no commencement note found)",
        (
            "https://zoomlaw.co.uk/2019-135-uksi.html",
            "https://www.europeansanctions.com/region/venezuela/",
            "http://brexitlegalguide.co.uk/?p=12787",
        ),
    ),
}


# --------------------------------------------------------------------------------------------
# Scope of each arms embargo: the state itself, or not
# --------------------------------------------------------------------------------------------

STATE_LISTS = {
    "un_arms_embargo": "un_arms_embargo_state",
    "eu_arms_embargo": "eu_arms_embargo_state",
    "uk_arms_embargo": "uk_arms_embargo_state",
}

NATIONAL, TARGETED, UNSETTLED = "national", "targeted", "not established"


@dataclass(frozen=True)
class Scope:
    """Whom a programme's arms embargo binds, as established from public pages (cited).

    ``national``: the prohibition covers supplies to the state and its government (exemptions for
    the government, if any, need the sanctions committee's or the authorities' case-by-case
    approval); ``targeted``: it covers only non-state groups, named persons or a region, the
    government being outside it; ``not established``: the pages found do not settle it. Only
    national embargoes enter the ``*_state`` lists; ``valid_to`` is the day a national embargo
    stopped applying to the government (empty while it still does).
    """

    scope: str
    finding: str
    sources: tuple[str, ...]
    valid_to: str = ""

    def citation(self) -> str:
        text = f"{self.scope}: {self.finding}"
        return f"{text}; " + " ; ".join(self.sources) if self.sources else text


NO_SCOPE = Scope(UNSETTLED, "no scope decision is recorded for this programme", ())


_UN_HAITI = (
    "https://main.un.org/securitycouncil/en/sanctions/2653/exemptions/arms-embargo",
    "https://newsaf.cgtn.com/news/2023-10-20/UN-Security-Council-renews-Haiti-sanctions-regime-1o2tSHhvHJS/share_amp.html",
)

# The scope of every arms-embargo programme in the sources. A programme missing here is treated
# as "not established" and kept out of the *_state lists.
SCOPES: dict[str, Scope] = {
    "UN-SC1533": Scope(
        TARGETED,
        "resolution 1493 (2003) embargoed foreign and Congolese armed groups and militias in "
        "North and South Kivu and Ituri and groups not party to the transition agreement; by "
        "resolution 1807 (2008), paragraph 2, the measures no longer apply to the Government of "
        "the DRC",
        (
            "https://reliefweb.int/report/democratic-republic-congo/report-security-council-committee-established-pursuant-resolution",
            "https://press.un.org/en/2008/sc9248.doc.htm",
        ),
    ),
    "UN-SC1591": Scope(
        TARGETED,
        "a regional embargo: resolution 1556 (2004) on non-governmental entities and individuals, "
        "including the Janjaweed, in the Darfur states, extended by resolution 1591 (2005) to all "
        "parties and belligerents in Darfur; arms may be supplied to the Government of Sudan "
        "outside Darfur",
        (
            "http://www.sipri.org/databases/embargoes/un_arms_embargoes/sudan",
            "https://reliefweb.int/report/sudan/report-security-council-committee-established-pursuant-resolution-1591-2005-concerning",
        ),
    ),
    "UN-SC1718": Scope(
        NATIONAL,
        "resolution 1718 (2006) prohibits the supply of arms to the Democratic People's Republic "
        "of Korea itself (extended to all arms by later resolutions)",
        ("https://press.un.org/en/2006/sc8853.doc.htm", "https://www.sipri.org/databases/embargoes/2006"),
    ),
    "UN-SC1970": Scope(
        NATIONAL,
        "resolution 1970 (2011), paragraph 9, prohibits the supply of arms to the Libyan Arab "
        "Jamahiriya; arms for the Libyan authorities need an exemption approved by the sanctions "
        "committee",
        (
            "https://www.defenceweb.co.za/governance/governance-governance/un-slaps-arms-embargo-on-libya/",
            "http://un.org/securitycouncil/sanctions/1970/exemptions_measures/arms-embargo",
        ),
    ),
    "UN-SC1988": Scope(
        TARGETED,
        "an embargo on the Taliban, a non-state group: resolution 1333 (2000) covered the parts "
        "of Afghanistan the Taliban controlled, resolution 1390 (2002) the Taliban wherever "
        "located, and the 1988 regime individuals and entities associated with the Taliban",
        (
            "https://www.sipri.org/databases/embargoes/un-arms-embargo-on-afghanistan-(taliban)",
            "https://www.un.org/press/en/2015/sc12175.doc.htm",
        ),
    ),
    "UN-SC2127": Scope(
        NATIONAL,
        "resolution 2127 (2013) imposed an embargo on the territory of the Central African "
        "Republic; resolution 2693 (2023), adopted 27 July 2023, lifted it for the Government's "
        "security forces, and resolution 2745 (2024) lifted the territorial embargo, keeping "
        "one on armed groups",
        (
            "https://press.un.org/en/2023/sc15382.doc.htm",
            "https://press.un.org/en/2023/sc15369.doc.htm",
            "https://press.un.org/en/2024/sc15780.doc.htm",
        ),
        valid_to="2023-07-27",
    ),
    "UN-SC2140": Scope(
        TARGETED,
        "resolution 2216 (2015) embargoes named individuals (Houthi leaders, the Salehs) and the "
        "individuals and entities designated by the committee; resolution 2624 (2022) added the "
        "Houthis as an entity",
        (
            "https://www.sipri.org/databases/embargoes/un_arms_embargoes/yemen/yemen",
            "https://chinadailyhk.com/hk/article/261789",
        ),
    ),
    "UN-SC2206": Scope(
        NATIONAL,
        "resolution 2428 (2018) requires all states to prevent the supply of arms to South Sudan",
        ("http://www.globalr2p.org/resources/1312", "http://unscr.com/en/resolutions/2428"),
    ),
    "UN-SC2653": Scope(
        TARGETED,
        "resolution 2653 (2022) embargoed designated individuals and entities; the embargo on "
        "Haiti as a whole since resolution 2699 (2023) exempts security units under the command "
        "of the Government of Haiti (Haitian National Police, Armed Forces of Haiti)",
        _UN_HAITI,
    ),
    "EU-BLR": Scope(
        NATIONAL,
        "the Council imposed an arms embargo on Belarus on 20 June 2011 (Decision 2012/642/CFSP, Article 1)",
        (
            "http://ue.eu.int/homepage/highlights/stronger-sanctions-on-belarus?lang=en",
            "https://legislation.gov.uk/eudn/2012/642/body/adopted",
        ),
    ),
    "EU-HTI": Scope(
        TARGETED,
        "Decision (CFSP) 2022/2319 implements UNSC resolution 2653 (2022) on designated persons, "
        "and the later embargo on Haiti as a whole implements UN measures that exempt security "
        "units under the command of the Government of Haiti",
        ("https://respectus-knowledge-base.document360.io/v1/docs/decision-20222319-haiti-1", *_UN_HAITI),
    ),
    "EU-IRN": Scope(
        NATIONAL,
        "a full arms embargo on Iran since April 2007 (Decision 2010/413/CFSP, Article 1(1)(c))",
        (
            "https://sipri.org/databases/embargoes/eu_arms_embargoes/iran",
            "https://api.respectus.eu/docs/decision-2010413-iran",
        ),
    ),
    "EU-IRQ": Scope(
        NATIONAL,
        "Common Position 2003/495/CFSP prohibited the supply of arms to Iraq; Common Position "
        "2004/553/CFSP of 19 July 2004 exempted arms required by the Government of Iraq, so the "
        "embargo no longer binds the state",
        (
            "https://www.sipri.org/databases/embargoes/eu_arms_embargoes/iraq",
            "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=legissum%3A4366382",
        ),
        valid_to="2004-07-19",
    ),
    "EU-LBY": Scope(
        NATIONAL,
        "Decision 2011/137/CFSP prohibited the supply of arms to Libya; arms for the Libyan "
        "authorities are allowed only as the UN sanctions committee permits",
        (
            "https://sipri.org/databases/embargoes/eu_arms_embargoes/libya/Libya_2",
            "http://un.org/securitycouncil/sanctions/1970/exemptions_measures/arms-embargo",
        ),
    ),
    "EU-MMR": Scope(
        NATIONAL,
        "an embargo on arms, munitions and military equipment to Myanmar (Decision 2013/184/CFSP, Article 1)",
        (
            "https://www.sipri.org/databases/embargoes/eu_arms_embargoes/myanmar",
            "https://api.respectus.eu/docs/decision-2013184-myanmar",
        ),
    ),
    "EU-PRK": Scope(
        NATIONAL,
        "Common Position 2006/795/CFSP prohibited the supply of arms of any type to North Korea "
        "(Decision (CFSP) 2016/849, Article 1(1)(a))",
        ("http://www.sipri.org/databases/embargoes/eu_arms_embargoes/north_korea",),
    ),
    "EU-RUS": Scope(
        NATIONAL,
        "Decision 2014/512/CFSP, Article 2(1), prohibits the supply of arms of all types to Russia",
        ("https://embargo.grip.org/?p=4250", "https://www.legislation.gov.uk/eudn/2014/512/data.xml"),
    ),
    "EU-SDN": Scope(
        NATIONAL,
        "the EU embargo covers the whole of Sudan, not only Darfur (Decision 2014/450/CFSP, Article 1(1))",
        ("https://sipri.org/node/1491", "https://embargo.grip.org/en/embargo/sudan"),
    ),
    "EU-SSD": Scope(
        NATIONAL,
        "Decision (CFSP) 2015/740, Article 1, prohibits the supply of arms to South Sudan",
        (
            "https://respectus-knowledge-base.document360.io/docs/south-sudan-decision-2015740",
            "https://sipri.org/node/1491",
        ),
    ),
    "EU-VEN": Scope(
        NATIONAL,
        "the embargo of 13 November 2017 covers all goods and technology of the EU Common Military List to Venezuela",
        ("https://sipri.org/node/4331",),
    ),
    "EU-ZWE": Scope(
        NATIONAL,
        "Common Position 2002/145/CFSP, Article 1, prohibited the supply of arms to Zimbabwe; "
        "since February 2026 the regime consists of that country-wide embargo alone",
        (
            "https://eur-lex.europa.eu/legal-content/HR/TXT/?uri=CELEX:32002E0145",
            "https://www.sadocc.at/sadocc.at/news2002/2002-055.shtml",
        ),
    ),
    "GB-BLR": Scope(
        NATIONAL,
        "S.I. 2019/600, regulation 21, prohibits the export of restricted goods, military goods among them, to Belarus",
        ("https://legislation.gov.uk/uksi/2019/600/part/5/chapter/2/2022-07-05/data.xht",),
    ),
    "GB-DPRK": Scope(
        NATIONAL,
        "S.I. 2019/411, Part 6, gives effect to the UN embargo on the DPRK (trade in military "
        "goods, goods for its armed forces)",
        ("https://legislation.gov.uk/uksi/2019/411/part/6/chapter/2/made/data.xht?view=snippet&wrap=true",),
    ),
    "GB-HT": Scope(
        TARGETED,
        "S.I. 2022/1281 gives effect to the UN Haiti regime of resolution 2653 (2022), whose "
        "embargo covers designated persons and, on Haiti as a whole, exempts security units "
        "under the command of the Government of Haiti",
        ("https://www.gov.uk/government/publications/haiti-sanctions-guidance/haiti-sanctions-guidance", *_UN_HAITI),
    ),
    "GB-IRAN-NW": Scope(
        NATIONAL,
        "S.I. 2019/461, regulation 21, prohibits the export of restricted goods, military goods among them, to Iran",
        ("https://legislation.gov.uk/uksi/2019/461/part/5/chapter/1/2019-03-25",),
    ),
    "GB-IRQ": Scope(
        TARGETED,
        "S.I. 2020/707 gives effect to UNSC resolutions 661 (1990) and 1483 (2003); since 2004 "
        "the UN embargo permits arms sales to the Government of Iraq and binds other end-users "
        "only",
        (
            "https://www.gov.uk/government/publications/iraq-sanctions-guidance/iraq-sanctions-guidance",
            "https://sipri.org/databases/embargoes/un_arms_embargoes/iraq",
            "https://globalsanctions.com/region/iraq/",
        ),
    ),
    "GB-LBY": Scope(
        NATIONAL,
        "S.I. 2020/1665, regulations 23 and 24, give effect to the UN embargo on Libya, under "
        "which arms for the Libyan authorities need the sanctions committee's approval",
        (
            "https://legislation.gov.uk/en/uksi/2020/1665/part/5",
            "http://un.org/securitycouncil/sanctions/1970/exemptions_measures/arms-embargo",
        ),
    ),
    "GB-MMR": Scope(
        NATIONAL,
        "S.I. 2021/496 prohibits the supply of military goods and technology for Myanmar, "
        "including to the Myanmar armed forces",
        (
            "http://legislation.gov.uk/uksi/2021/496/body/2021-04-29/data.akn",
            "https://www.steamshipmutual.com/sanctions-affecting-myanmar-may-2023",
        ),
    ),
    "GB-RUS": Scope(
        NATIONAL,
        "S.I. 2019/855, regulation 22, prohibits the export of military goods to Russia",
        ("https://legislation.gov.uk/uksi/2019/855/part/5/chapter/2/2022-02-10",),
    ),
    "GB-SDN": Scope(
        NATIONAL,
        "S.I. 2020/753, regulation 21, prohibits the export of military goods to Sudan as a whole",
        ("http://www.legislation.gov.uk/uksi/2020/753/part/5/chapter/2",),
    ),
    "GB-SOM": Scope(
        UNSETTLED,
        "S.I. 2020/642 gave effect to the UN Somalia embargo, partially lifted for the Federal "
        "Government's security forces since 2013 (resolution 2093); on 1 December 2023 "
        "resolutions 2713 and 2714 replaced it with an embargo on Al-Shabaab from which the "
        "Government is exempt, given effect by S.I. 2024/609; whether the restrictions left on "
        "the Government from 31 December 2020 to 2023 amount to an embargo on the state was "
        "not established",
        (
            "https://unsanctionsapp.com/cases/somalia/episodes/somalia-ep-6",
            "https://legislation.gov.uk/uksi/2024/609/regulation/2/made?view=plain",
            "http://iua.co.uk/IUA_Member/Members/Publications/International_Sanctions/Somalia/IUA_Member/Document_Library/Sanctions_Countries/Somalia.aspx?hkey=f8ceac50-29d8-4003-b1eb-d18e8f0412d6",
        ),
    ),
    "GB-SSD": Scope(
        NATIONAL,
        "S.I. 2019/438, Part 5, gives effect to the UN embargo on South Sudan (trade in military goods and technology)",
        (
            "https://legislation.gov.uk/uksi/2019/438/part/5/made/data.xht?view=snippet&wrap=true",
            "http://www.globalr2p.org/resources/1312",
        ),
    ),
    "GB-SYR": Scope(
        UNSETTLED,
        "in S.I. 2019/792 as read, the export prohibitions of Part 5, Chapter 2 (regulation 28) "
        "cover aviation fuel, chemical and biological weapons goods, oil and gas goods, "
        "interception and internal repression goods, and military goods appear only in the "
        "import and acquisition prohibitions (regulations 36 and 37); an embargo on the supply "
        "of arms to the Syrian state was not established",
        (
            "https://legislation.gov.uk/uksi/2019/792/part/5/chapter/2/data.xht?view=snippet&wrap=true",
            "http://legislation.data.gov.uk/uksi/2019/792/part/5/chapter/3?view=plain",
        ),
    ),
    "GB-VEN": Scope(
        UNSETTLED,
        "S.I. 2019/135 replaced the EU regime, whose embargo covers all military goods to "
        "Venezuela, with trade sanctions aimed at the Government of Venezuela, but the "
        "regulations' own trade provision on military goods was not found in the pages read "
        "(the UK Syria regulations show that a UK regime may leave military exports out); "
        "Venezuela stays in eu_arms_embargo_state",
        (
            "https://gov.uk/government/publications/venezuela-sanctions-guidance/venezuela-sanctions-eu-exit-regulations-2019-guidance",
            "https://sipri.org/node/4331",
        ),
    ),
}


# --------------------------------------------------------------------------------------------
# Lifted and returned embargoes (not in the programme files, which hold only current programmes)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PastEmbargo:
    """An arms embargo typed in by the project from cited public pages: imposed, and lifted or not.

    ``valid_to`` is the day the embargo stopped applying (exclusive: not in force that day); empty
    while it still applies. ``lifted`` names the instrument that ended it and its sources.
    """

    list_id: str
    country: str
    programme: str
    title: str
    imposed: Instrument
    valid_to: str
    lifted: str
    lifted_sources: tuple[str, ...]
    scope: Scope
    note: str = ""

    def lifted_citation(self) -> str:
        return f"{self.lifted}; " + " ; ".join(self.lifted_sources) if self.lifted else ""


_SIPRI_IRAN = "https://www.sipri.org/databases/embargoes/un_arms_embargoes/iran"
_UN_1929_SCOPE = Scope(
    NATIONAL,
    "resolution 1929 (2010), para. 8: States shall prevent the supply, sale or transfer to Iran of "
    "battle tanks, armoured combat vehicles, large calibre artillery, combat aircraft, attack "
    "helicopters, warships and missiles (vigilance and restraint for other arms); from 2016 such "
    "supplies needed the Security Council's case-by-case approval (resolution 2231, Annex B)",
    (_SIPRI_IRAN, "http://heinonline.org/HOL/LandingPage?div=1&handle=hein.crs%2Fgovdaba0001&src=home"),
)


# Embargoes lifted before the snapshot of the programme files, or imposed again outside them.
# Every date and scope is cited; where a day could not be established the row is left out and
# docs/reference-data.md says so.
def _un_1298(country: str) -> PastEmbargo:
    """Resolution 1298 (2000) embargoed Eritrea and Ethiopia alike: one row per state."""
    return PastEmbargo(
        "un_arms_embargo",
        country,
        f"UN-SC1298-{country}",
        "UN Security Council arms embargo on Eritrea and Ethiopia (resolution 1298)",
        Instrument(
            "2000-05-17",
            "UNSC resolution 1298 (2000) of 17 May 2000: a twelve-month mandatory arms embargo on Eritrea and Ethiopia",
            (
                "https://api.parliament.uk/historic-hansard/written-answers/2000/may/18/ethiopia-and-eritrea",
                "https://www.armscontrol.org/act/2000-06/news/un-imposes-arms-embargo-ethiopia-and-eritrea",
            ),
        ),
        "2001-05-17",
        "expired: the Council did not extend it beyond 16 May 2001 (presidential statement of 15 May 2001)",
        (
            "https://armscontrol.org/node/855",
            "https://unsanctionsapp.com/cases/ethiopia-eritrea/episodes/ethiopiaeritrea-ep-1",
        ),
        Scope(
            NATIONAL,
            "resolution 1298 (2000): arms and related materiel to Eritrea and Ethiopia (government forces)",
            ("https://unsanctionsapp.com/cases/ethiopia-eritrea/episodes/ethiopiaeritrea-ep-1",),
        ),
    )


PAST_EMBARGOES: tuple[PastEmbargo, ...] = (
    PastEmbargo(
        "un_arms_embargo",
        "ER",
        "UN-SC1907",
        "UN Security Council arms embargo on Eritrea",
        Instrument(
            "2009-12-23",
            "UNSC resolution 1907 (2009), adopted 23 December 2009, para. 5: arms to Eritrea",
            (
                "http://unscr.com/en/resolutions/1907",
                "http://dehai.org/archives/dehai_news_archive/oct-dec09/0748.html",
            ),
        ),
        "2018-11-14",
        "UNSC resolution 2444 (2018), adopted 14 November 2018, terminated the measures of resolutions 1907 "
        "(2009), 2023 (2011), 2060 (2012) and 2111 (2013)",
        ("https://press.un.org/en/2018/sc13576.doc.htm",),
        Scope(
            NATIONAL,
            "resolution 1907 (2009), para. 5: sale or supply to Eritrea of arms and related materiel of all types",
            (
                "https://embargo.grip.org/en/eritrea/",
                "https://staging.unric.org/fr/le-conseil-de-securite-impose-des-sanctions-a-lerythree",
            ),
        ),
        "the earlier UN embargo on Eritrea and Ethiopia (resolution 1298, 17 May 2000 to 17 May 2001) is the "
        "row UN-SC1298-ER",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "CI",
        "UN-SC1572",
        "UN Security Council arms embargo on Côte d'Ivoire",
        Instrument(
            "2004-11-15",
            "UNSC resolution 1572 (2004), adopted 15 November 2004, took effect on adoption",
            (
                "https://press.un.org/en/2004/sc8245.doc.htm",
                "https://unis.unvienna.org/unis/en/pressrels/2004/sc8261.html",
            ),
        ),
        "2016-04-28",
        "UNSC resolution 2283 (2016), adopted 28 April 2016, terminated the sanctions regime of resolution 1572 (2004)",
        (
            "https://www.diplomatie.gouv.fr/en/country-files/cote-d-ivoire/events/article/cote-d-ivoire-adoption-of-two-resolutions-at-the-united-nations-28-04-16",
            "https://www.thenigerianvoice.com/news/215213/statement-attributable-to-the-spokesman-for-the-secretary-ge.html",
        ),
        Scope(
            NATIONAL,
            "resolution 1572 (2004): supply, sale or transfer of arms to Côte d'Ivoire; supplies for the "
            "Ivorian security forces only as approved in advance by the sanctions committee",
            (
                "https://sipri.org/databases/embargoes/un_arms_embargoes/cote/cote_default",
                "https://embargo.grip.org/en/ivorycoast/",
            ),
        ),
    ),
    PastEmbargo(
        "un_arms_embargo",
        "LR",
        "UN-SC1521",
        "UN Security Council arms embargo on Liberia",
        Instrument(
            "2003-12-22",
            "UNSC resolution 1521 (2003) of 22 December 2003 imposed the arms embargo that resolution 2288 "
            "(2016) ended",
            (
                "http://unis.unvienna.org/unis/en/pressrels/2006/sc8742.html",
                "http://www.sipri.org/databases/embargoes/un_arms_embargoes/liberia",
            ),
        ),
        "2016-05-25",
        "UNSC resolution 2288 (2016), adopted 25 May 2016, terminated the sanctions regime with immediate effect",
        (
            "https://www.un.org/press/en/2016/sc12373.doc.htm",
            "https://asil.org/print/blogs/un-security-council-ends-thirteen-year-sanctions-regime-against-liberia-may-25-2016",
        ),
        Scope(
            UNSETTLED,
            "until 2009 arms for the Government needed the sanctions committee's approval; from 2009 "
            "only advance notification, the embargo being aimed at non-governmental forces (SIPRI); "
            "the day in 2009 on which the Government stopped being embargoed was not established",
            (
                "http://www.sipri.org/databases/embargoes/un_arms_embargoes/liberia",
                "https://www.defenceweb.co.za/security/civil-security/un-council-exempts-liberia-govt-from-arms-embargo/",
            ),
        ),
        "the UN embargo of 1992 (resolution 788) is the row UN-SC788; that of resolution 1343 (2001) is not "
        "recorded: the day its arms measures took effect was not established",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "IR",
        "UN-SC1929",
        "UN Security Council arms embargo on Iran (resolution 1929, continued by resolution 2231)",
        Instrument(
            "2010-06-09",
            "UNSC resolution 1929 (2010) of 9 June 2010 banned the supply of major conventional arms to Iran",
            (_SIPRI_IRAN, "http://heinonline.org/HOL/LandingPage?div=1&handle=hein.crs%2Fgovdaba0001&src=home"),
        ),
        "2020-10-18",
        "the restrictions of resolution 2231 (2015), Annex B, on arms supplies to Iran expired on 18 October 2020",
        (_SIPRI_IRAN, "http://heinonline.org/HOL/LandingPage?div=1&handle=hein.crs%2Fgovdaba0001&src=home"),
        _UN_1929_SCOPE,
    ),
    PastEmbargo(
        "un_arms_embargo",
        "IR",
        "UN-SC1929-2025",
        "UN Security Council arms embargo on Iran, re-applied on 27 September 2025",
        Instrument(
            "2025-09-27",
            "under paragraphs 11 and 12 of resolution 2231 (2015), the provisions of resolutions 1696, "
            "1737, 1747, 1803, 1835 and 1929 were re-applied effective 27 September 2025 at 8 p.m. EDT "
            "(note to correspondents of the Secretary-General's spokesperson)",
            (
                "https://www.sunstar.com.ph/network/iran-sanctions-reactivated",
                "https://www.iranintl.com/en/202509285894",
            ),
        ),
        "",
        "",
        (),
        _UN_1929_SCOPE,
    ),
    PastEmbargo(
        "eu_arms_embargo",
        "ER",
        "EU-ERI-2010",
        "EU arms embargo on Eritrea",
        Instrument(
            "2010-03-01",
            "Council Decision 2010/127/CFSP of 1 March 2010 (implementing UNSC resolution 1907 (2009))",
            (
                "https://eur-lex.europa.eu/legal-content/DE/ALL/?uri=CELEX%3A32010D0127",
                "https://globaldefence.net/archiv/defence-news/eueritrea",
            ),
        ),
        "2018-12-12",
        "repealed by Council Decision (CFSP) 2018/1944 from 12 December 2018 (EUR-Lex: end of validity 11 "
        "December 2018)",
        ("https://eur-lex.europa.eu/legal-content/DE/ALL/?uri=CELEX%3A32010D0127",),
        Scope(
            NATIONAL,
            "implements the UN arms embargo on Eritrea (resolution 1907 (2009), para. 5); GRIP: embargo on the state",
            ("https://embargo.grip.org/en/eritrea/",),
        ),
        "the EU embargo on Côte d'Ivoire (Common Position 2004/852/CFSP of 13 December 2004, lifted in June "
        "2016) is not recorded: the day it was lifted was not established",
    ),
    # ---- UN embargoes in force at some time since 1990, lifted since (every day cited) ----------
    PastEmbargo(
        "un_arms_embargo",
        "ZA",
        "UN-SC418",
        "UN Security Council mandatory arms embargo on South Africa",
        Instrument(
            "1977-11-04",
            "UNSC resolution 418 (1977) of 4 November 1977 established a mandatory arms embargo against South Africa",
            (
                "http://unscr.com/en/resolutions/418",
                "http://wayback.archive.org/web/20091114065831/http:/www.anc.org.za/ancdocs/history/aam/abdul-16.html",
            ),
        ),
        "1994-05-25",
        "the Security Council terminated the mandatory arms embargo on 25 May 1994, after the elections of April "
        "1994 (the number of the resolution was not confirmed in the pages found)",
        (
            "http://www.sahistory.org.za/dated-event/united-nations-lifts-arms-embargo-south-africa",
            "https://www.un-ilibrary.org/united-nations/yearbook-of-the-united-nations-1994_d43d9df3-en",
        ),
        Scope(
            NATIONAL,
            "resolution 418 (1977): the acquisition by South Africa of arms and related materiel is a threat to "
            "the peace; a mandatory arms embargo against South Africa",
            ("http://unscr.com/en/resolutions/418",),
        ),
    ),
    PastEmbargo(
        "un_arms_embargo",
        "IQ",
        "UN-SC661",
        "UN Security Council arms embargo on Iraq (resolution 661, continued by resolutions 687, 1483 and 1546)",
        Instrument(
            "1990-08-06",
            "UNSC resolution 661 (1990), adopted 6 August 1990: comprehensive sanctions on Iraq including "
            "weapons and any other military equipment",
            (
                "https://sipri.org/databases/embargoes/un_arms_embargoes/iraq",
                "https://philgooch.github.io/chilcot-interactive/page803.html",
            ),
        ),
        "",
        "",
        (),
        Scope(
            NATIONAL,
            "resolution 661 (1990) embargoed arms to the whole of Iraq; resolution 1546 (2004) of 8 June 2004, "
            "paragraph 21: the prohibitions do not apply to arms required by the Government of Iraq or the "
            "multinational force; the embargo continues for other recipients",
            (
                "https://www.un.org/securitycouncil/sanctions/1518/arms-embargo",
                "https://www.sipri.org/databases/embargoes/2004",
                "http://unis.unvienna.org/unis/en/pressrels/2004/sc8117.html",
            ),
            valid_to="2004-06-08",
        ),
        "the UN arms embargo on Iraq is not among the programme files (UN-SC1518 there is marked only for "
        "asset measures), so it is typed in; it stays open for non-governmental recipients",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "SO",
        "UN-SC733",
        "UN Security Council arms embargo on Somalia (resolution 733)",
        Instrument(
            "1992-01-23",
            "UNSC resolution 733 (1992) of 23 January 1992, paragraph 5: a general and complete embargo on all "
            "deliveries of weapons and military equipment to Somalia",
            (
                "https://press.un.org/en/1996/19960923.sc6268.html",
                "https://en.wikisource.org/wiki/United_Nations_Security_Council_Resolution_733",
            ),
        ),
        "2023-12-01",
        "UNSC resolution 2714 (2023), adopted 1 December 2023, fully lifted the arms embargo on the Federal "
        "Republic of Somalia established under resolution 733 (1992); Al-Shabaab stays under resolution 2713 (2023)",
        ("http://unscr.com/en/resolutions/2714", "http://en.people.cn/n3/2023/1202/c90000-20105089.html"),
        Scope(
            NATIONAL,
            "resolution 733 (1992): all deliveries of weapons to Somalia; resolution 2093 (2013) of 6 March 2013: "
            "the embargo no longer applies to supplies solely for the development of the security forces of "
            "the Federal Government of Somalia (advance notification; heavy weapons still barred), so from that "
            "day the Government is outside the embargo",
            (
                "https://reliefweb.int/report/somalia/security-council-extends-mandate-african-union-mission-somalia-one-year-partially",
                "http://hitchhikersgui.de/United_Nations_Security_Council_Resolution_2093",
            ),
            valid_to="2013-03-06",
        ),
    ),
    PastEmbargo(
        "un_arms_embargo",
        "LY",
        "UN-SC748",
        "UN Security Council arms embargo on Libya (resolution 748)",
        Instrument(
            "1992-04-15",
            "UNSC resolution 748 (1992) of 31 March 1992 imposed an arms and air embargo on Libya, in effect from "
            "15 April 1992",
            (
                "https://international.vlex.com/vid/extended-discussions-bringing-suspected-53360419",
                "https://www.globalpolicy.org/component/content/article/195-libya/42383.html",
            ),
        ),
        "1999-04-05",
        "suspended: the Security Council noted (S/PRST/1999/10, 8 April 1999) that the conditions for suspending "
        "the arms measures were fulfilled as of 5 April 1999, 14.00 EST; resolution 1506 (2003) of 12 September "
        "2003 lifted them formally",
        (
            "https://www.globalpolicy.org/component/content/article/195-libya/42383.html",
            "https://www.sipri.org/databases/embargoes/un_arms_embargoes/libya/libya-1992",
            "https://nl.wikisource.org/wiki/en:United_Nations_Security_Council_Resolution_1506",
        ),
        Scope(
            NATIONAL,
            "resolution 748 (1992): Libya was not to receive arms and related materiel of all types",
            ("https://international.vlex.com/vid/extended-discussions-bringing-suspected-53360419",),
        ),
        "suspended from 5 April 1999 to its lifting on 12 September 2003: not in force in that period",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "LR",
        "UN-SC788",
        "UN Security Council arms embargo on Liberia (resolution 788)",
        Instrument(
            "1992-11-19",
            "UNSC resolution 788 (1992) of 19 November 1992: all States to implement immediately a general and "
            "complete embargo on all deliveries of weapons and military equipment to Liberia",
            (
                "https://645012.skal.fun/resolutions/SC95/985SC95.html",
                "https://wikimili.com/en/United_Nations_Security_Council_Resolution_788",
            ),
        ),
        "2001-03-07",
        "UNSC resolution 1343 (2001) of 7 March 2001 terminated the embargo of resolution 788 (1992)",
        (
            "http://es.knowledger.de/0428263/UnitedNationsSecurityCouncilResolution1343",
            "http://legislation.di.uoa.gr/eli/dec/2001/%CE%A6.3467_5_%CE%91%CE%A3600",
        ),
        Scope(
            NATIONAL,
            "resolution 788 (1992): all deliveries of weapons and military equipment to Liberia, except for the "
            "ECOWAS peace-keeping forces",
            ("https://645012.skal.fun/resolutions/SC95/985SC95.html",),
        ),
        "the new embargo of resolution 1343 (2001), paragraph 5, that ran until resolution 1521 (2003) is not "
        "recorded: the day its arms measures took effect was not established",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "HT",
        "UN-SC841",
        "UN Security Council embargo on Haiti (resolution 841), until its suspension",
        Instrument(
            "1993-06-23",
            "UNSC resolution 841 (1993) of 16 June 1993: a trade embargo including arms and related materiel, in "
            "force from 00.01 EST on 23 June 1993",
            (
                "https://sipri.org/databases/embargoes/un_arms_embargoes/haiti",
                "https://en.wikipedia.org/wiki/United_Nations_Security_Council_Resolution_841",
            ),
        ),
        "1993-08-27",
        "suspended by UNSC resolution 861 (1993) of 27 August 1993",
        (
            "https://sipri.org/databases/embargoes/un_arms_embargoes/haiti",
            "https://unsanctionsapp.com/cases/haiti-i/episodes/haiti1-ep-2",
        ),
        Scope(
            NATIONAL,
            "resolution 841 (1993): arms and related materiel to Haiti, then ruled by the de facto military "
            "authorities (arms embargo on government forces)",
            (
                "https://sipri.org/databases/embargoes/un_arms_embargoes/haiti",
                "https://unsanctionsapp.com/cases/haiti-i/episodes/haiti1-ep-2",
            ),
        ),
    ),
    PastEmbargo(
        "un_arms_embargo",
        "HT",
        "UN-SC873",
        "UN Security Council embargo on Haiti, re-applied by resolution 873",
        Instrument(
            "1993-10-18",
            "UNSC resolution 873 (1993) of 13 October 1993 ended the suspension of the measures of resolution 841 "
            "(1993) as of 23.59 EST on 18 October 1993",
            (
                "http://unscr.com/en/resolutions/873",
                "https://sipri.org/databases/embargoes/un_arms_embargoes/haiti",
            ),
        ),
        "1994-10-16",
        "UNSC resolution 944 (1994) of 29 September 1994 terminated the measures at 00.01 EST on the day after "
        "President Aristide's return, which resolution 948 (1994) records on 15 October 1994",
        (
            "http://fr.knowledger.de/09229355/LaResolution944DeConseilDeSecuriteDesNationsUnies",
            "https://digitallibrary.un.org/record/162512",
            "https://sipri.org/databases/embargoes/un_arms_embargoes/haiti",
        ),
        Scope(
            NATIONAL,
            "the measures of resolution 841 (1993): arms and related materiel to Haiti",
            ("https://sipri.org/databases/embargoes/un_arms_embargoes/haiti",),
        ),
        "in force from the last minute of 18 October 1993: the day counts",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "AO",
        "UN-SC864",
        "UN Security Council arms embargo on UNITA (Angola)",
        Instrument(
            "1993-09-25",
            "UNSC resolution 864 (1993) of 15 September 1993: arms and petroleum to the territory of Angola only "
            "through points of entry named by the Government; in force ten days after adoption, at midnight on "
            "25 September 1993",
            (
                "https://international.vlex.com/vid/embargo-imposed-territory-controlled-53360442",
                "https://www.sipri.org/databases/embargoes/un_arms_embargoes/angola",
            ),
        ),
        "2002-12-09",
        "UNSC resolution 1448 (2002), adopted 9 December 2002, lifted the remaining sanctions on UNITA",
        (
            "https://www.sipri.org/databases/embargoes/un_arms_embargoes/angola",
            "https://www.upi.com/Business_News/Security-Industry/2002/12/09/UN-Council-lifts-9-year-Angola-sanctions/UPI-44591039479454/",
            "https://news.un.org/en/story/2002/12/53702-angola-security-council-lifts-sanctions-against-unita",
        ),
        Scope(
            TARGETED,
            "the embargo bound UNITA; the Government of Angola named the points of entry and was not embargoed",
            (
                "https://www.sipri.org/databases/embargoes/un_arms_embargoes/angola",
                "https://international.vlex.com/vid/embargo-imposed-territory-controlled-53360442",
            ),
        ),
        "whether 'midnight on 25 September' is its start or its end is not settled; the row starts on 25 "
        "September. A press release of the UN Information Service in Vienna dates the adoption of resolution "
        "1448 on 11 December; SIPRI and UPI give 9 December",
    ),
    PastEmbargo(
        "un_arms_embargo",
        "RW",
        "UN-SC918",
        "UN Security Council arms embargo on Rwanda (resolution 918, limited by resolution 1011)",
        Instrument(
            "1994-05-17",
            "UNSC resolution 918 (1994) of 17 May 1994, paragraph 13: a general and complete embargo on all "
            "deliveries of weapons and military equipment to Rwanda",
            (
                "http://old.radicali.it/search_view.php?id=21713",
                "https://international.vlex.com/vid/commission-investigate-efforts-arms-embargo-53567444",
            ),
        ),
        "2008-07-10",
        "UNSC resolution 1823 (2008) of 10 July 2008 terminated the prohibitions of resolution 1011 (1995) on "
        "arms for non-governmental forces (press release SC/9393)",
        ("https://press.un.org/en/2008/sc9393.doc.htm", "https://sipri.org/databases/embargoes/developments-in-2008"),
        Scope(
            NATIONAL,
            "resolution 918 (1994) embargoed all deliveries to Rwanda; resolution 1011 (1995) of 16 August 1995 "
            "allowed arms for the Government of Rwanda through points of entry it designates, so from that day "
            "the Government is outside the embargo",
            (
                "https://international.vlex.com/vid/commission-investigate-efforts-arms-embargo-53567444",
                "https://press.un.org/en/2008/sc9393.doc.htm",
            ),
            valid_to="1995-08-16",
        ),
    ),
    PastEmbargo(
        "un_arms_embargo",
        "SL",
        "UN-SC1132",
        "UN Security Council arms embargo on Sierra Leone (resolution 1132, limited by resolution 1171)",
        Instrument(
            "1997-10-08",
            "UNSC resolution 1132 (1997) of 8 October 1997: petroleum and arms and related materiel of all types "
            "to Sierra Leone, then under military rule",
            (
                "https://www.sipri.org/databases/embargoes/un_arms_embargoes/sierra_leone",
                "https://lawglobalhub.com/united-nations-security-council-resolution-1171-sierra-leone",
            ),
        ),
        "2010-09-29",
        "UNSC resolution 1940 (2010), adopted 29 September 2010, terminated the remaining measures with immediate "
        "effect",
        (
            "https://www.sipri.org/databases/embargoes/un_arms_embargoes/sierra_leone",
            "https://www.foxnews.com/world/un-lifts-arms-embargo-on-sierra-leone",
        ),
        Scope(
            NATIONAL,
            "resolution 1132 (1997) embargoed Sierra Leone; resolution 1171 (1998) of 5 June 1998 ended it and "
            "embargoed only non-governmental forces (arms to the Government through named points of entry)",
            (
                "https://www.sipri.org/databases/embargoes/un_arms_embargoes/sierra_leone",
                "https://lawglobalhub.com/united-nations-security-council-resolution-1171-sierra-leone",
            ),
            valid_to="1998-06-05",
        ),
    ),
    PastEmbargo(
        "un_arms_embargo",
        "RS",
        "UN-SC1160",
        "UN Security Council arms embargo on the Federal Republic of Yugoslavia (resolution 1160)",
        Instrument(
            "1998-03-31",
            "UNSC resolution 1160 (1998) of 31 March 1998: arms and related materiel of all types to the Federal "
            "Republic of Yugoslavia, including Kosovo",
            (
                "https://phdn.org/archives/www.ess.uwe.ac.uk/Kosovo/Kosovo-Documents6.htm",
                "http://www.un.org/News/Press/docs/2001/SC7138.doc.htm",
            ),
        ),
        "2001-09-10",
        "UNSC resolution 1367 (2001) of 10 September 2001 terminated the prohibitions (press release SC/7138)",
        (
            "http://www.un.org/News/Press/docs/2001/SC7138.doc.htm",
            "https://www.armscontrol.org/act/2001-10/un-lifts-arms-embargo-yugoslavia",
        ),
        Scope(
            NATIONAL,
            "resolution 1160 (1998): the sale or supply to the Federal Republic of Yugoslavia of arms and related "
            "materiel of all types",
            ("https://phdn.org/archives/www.ess.uwe.ac.uk/Kosovo/Kosovo-Documents6.htm",),
        ),
        "the Federal Republic of Yugoslavia (Serbia and Montenegro) has no ISO 3166-1 code of its own today; the "
        "project records the row under RS (Serbia)",
    ),
    *(_un_1298(country) for country in ("ER", "ET")),
    # ---- EU embargoes of the period ------------------------------------------------------------
    PastEmbargo(
        "eu_arms_embargo",
        "CN",
        "EU-CHN-1989",
        "EU arms embargo on China (European Council declaration, Madrid, 27 June 1989)",
        Instrument(
            "1989-06-27",
            "declaration of the European Council in Madrid of 27 June 1989, after the events in Tiananmen Square: "
            "interruption of military cooperation and an embargo on trade in arms with China",
            (
                "https://paperzz.com/doc/9452646/eu-council-secretariat---council-of-the-european-union",
                "https://um.fi/sanktioner-enligt-land/-/asset_publisher/KAxRP03b1Ybr/content/kiina-pakotteet/385142",
            ),
        ),
        "",
        "",
        (),
        Scope(
            UNSETTLED,
            "the embargo is a political declaration, not a legal act; the Council Secretariat notes that its "
            "scope is not clearly defined and that Member States interpret it in different ways",
            (
                "https://paperzz.com/doc/9452646/eu-council-secretariat---council-of-the-european-union",
                "http://crossick.blogactiv.eu/2010/02/04/revisiting-china-arms-embargo/",
            ),
        ),
        "not in the programme files (the EU lists no restrictive-measures programme for it); still in force",
    ),
    PastEmbargo(
        "eu_arms_embargo",
        "LY",
        "EU-LBY-1986",
        "EU (European Community) arms embargo on Libya of 1986",
        Instrument(
            "",
            "imposed by the member states of the European Community in 1986 for Libya's support of terrorism; "
            "the day in 1986 was not established, so valid_from is empty (in force before any screened date)",
            (
                "https://www.dw.com/en/eu-lifts-arms-ban-against-libya/a-1357493",
                "http://news.bbc.co.uk/2/hi/europe/3732514.stm",
            ),
        ),
        "2004-10-11",
        "lifted by the General Affairs and External Relations Council of 11 October 2004 (press release 12770/04)",
        (
            "https://docslib.org/doc/3388/council-of-the-eu-press-release-on-libya-embargo",
            "https://www.sipri.org/databases/embargoes/2004",
        ),
        Scope(
            NATIONAL,
            "an arms embargo against Libya as a state, for its support of terrorism; the Council lifted 'the arms "
            "embargo against that country'",
            (
                "https://docslib.org/doc/3388/council-of-the-eu-press-release-on-libya-embargo",
                "https://www.arabnews.com/node/256463",
            ),
        ),
    ),
    PastEmbargo(
        "eu_arms_embargo",
        "NG",
        "EU-NGA-1995",
        "EU arms embargo on Nigeria (Common Position 95/515/CFSP)",
        Instrument(
            "1995-11-20",
            "Council Common Position 95/515/CFSP of 20 November 1995 on Nigeria (OJ L 298, 11.12.1995), after the "
            "execution of Ken Saro-Wiwa; continued by Common Position 98/614/CFSP of 30 October 1998",
            (
                "https://sipri.org/databases/embargoes/eu_arms_embargoes/nigeria",
                "https://eurlex.europa.eu/legal-content/RO/AUTO/?uri=celex:31995E0515",
                "https://api.parliament.uk/historic-hansard/written_answers/1998/nov/19/nigeria",
            ),
        ),
        "1999-06-02",
        "Common Position 98/614/CFSP was repealed by Council Decision 1999/347/CFSP (SIPRI: May 1999); EUR-Lex "
        "gives its end of validity as 1 June 1999, read as its last day in force",
        (
            "https://eur-lex.europa.eu/legal-content/CS/ALL/?uri=CELEX%3A31998E0614",
            "https://sipri.org/databases/embargoes/eu_arms_embargoes/nigeria",
        ),
        Scope(
            NATIONAL,
            "an embargo on arms, munitions and military equipment to Nigeria, then under military rule",
            (
                "https://api.parliament.uk/historic-hansard/written_answers/1998/nov/19/nigeria",
                "https://sipri.org/databases/embargoes/eu_arms_embargoes/nigeria",
            ),
        ),
    ),
)


def past_embargo_rows(countries: CountryIndex) -> pd.DataFrame:
    """The typed rows of lifted or returned embargoes, in the layout of the programme rows."""
    rows = []
    for p in PAST_EMBARGOES:
        if p.valid_to and p.valid_to <= p.imposed.valid_from:
            raise BuildError(f"{p.programme}: lifted on {p.valid_to}, not after it began on {p.imposed.valid_from}")
        if p.country not in countries.display:
            raise BuildError(f"{p.programme}: {p.country!r} is not an ISO 3166-1 code in countries/country_codes.csv")
        if p.programme in SCOPES or sum(q.programme == p.programme for q in PAST_EMBARGOES) > 1:
            raise BuildError(f"{p.programme}: the key of a typed embargo must be unique and not a programme's")
        rows.append(
            {
                "list_id": p.list_id,
                "country": p.country,
                "country_name": countries.display.get(p.country, ""),
                "valid_from": p.imposed.valid_from,
                "valid_to": p.valid_to,
                "programme": p.programme,
                "programme_title": p.title,
                "edition": "",
                "status": "arms embargo",
                "source": f"{p.title}, typed in by the project from the public pages cited in "
                "valid_from_source, valid_to_source and scope_source",
                "source_url": p.imposed.sources[0],
                "valid_from_source": p.imposed.citation(),
                "valid_to_source": p.lifted_citation(),
                "scope": p.scope.scope,
                "scope_source": p.scope.citation(),
                "note": p.note,
                "retrieved": RETRIEVED,
            }
        )
    return pd.DataFrame(rows)


def _programme_files(shared: Path) -> list[Path]:
    return sorted((shared / "lists" / "sanction_programs" / "yml").glob("*.yml"))


def read_programmes(shared: Path) -> pd.DataFrame:
    """Every sanctions programme YAML file as one row (key, issuer, title, targets, ...)."""
    rows = []
    for path in _programme_files(shared):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows.append(
            {
                "key": doc["key"],
                "issuer": doc.get("issuer", ""),
                "title": " ".join(str(doc.get("title", "")).split()),
                "summary": " ".join(str(doc.get("summary", "")).split()),
                "url": doc.get("url", ""),
                "targets": list(doc.get("target_territories") or []),
                "measures": list(doc.get("measures") or []),
                "file": path.name,
            }
        )
    return pd.DataFrame(rows)


def embargo_rows(shared: Path, countries: CountryIndex) -> pd.DataFrame:
    """One row per (arms-embargo programme, target state), each title checked against its target."""
    programmes = read_programmes(shared)
    chosen = programmes[
        programmes["issuer"].isin(EMBARGO_LISTS) & programmes["measures"].map(lambda m: "Arms embargo" in m)
    ]
    used_corrections: set[str] = set()
    problems: list[str] = []
    rows = []
    for p in chosen.itertuples(index=False):
        where = f"lists/sanction_programs/yml/{p.file}"
        named = countries.named_in(p.title) or countries.named_in(p.summary)
        for target in p.targets:
            note = ""
            if target in NOT_A_STATE:
                continue
            if p.key in TARGET_CORRECTIONS and TARGET_CORRECTIONS[p.key][0] == target:
                wrong, target, note = TARGET_CORRECTIONS[p.key]
                used_corrections.add(p.key)
            code = target.upper()
            if not re.fullmatch(r"[A-Z]{2}", code):
                problems.append(f"{where}: target territory {target!r} is not a state code")
                continue
            if code not in named:
                problems.append(
                    f"{where}: title {p.title!r} does not name target {target!r} "
                    f"({countries.display.get(code, '?')}); names found: {sorted(named)}"
                )
                continue
            instrument = INSTRUMENTS.get(p.key)
            scope = SCOPES.get(p.key, NO_SCOPE)
            rows.append(
                {
                    "list_id": EMBARGO_LISTS[p.issuer],
                    "country": code,
                    "country_name": countries.display.get(code, ""),
                    "valid_from": instrument.valid_from if instrument else "",
                    "valid_to": "",
                    "programme": p.key,
                    "programme_title": p.title,
                    "edition": "",
                    "status": "arms embargo",
                    "source": f"{p.title} ({p.key}), sanctions programme metadata transcribed by "
                    f"OpenSanctions ({where})",
                    "source_url": p.url,
                    "valid_from_source": instrument.citation() if instrument else "",
                    "valid_to_source": "",
                    "scope": scope.scope,
                    "scope_source": scope.citation(),
                    "note": note,
                    "retrieved": RETRIEVED,
                }
            )
    stale = set(TARGET_CORRECTIONS) - used_corrections
    if stale:
        problems.append(f"corrections no longer needed (source fixed?): {sorted(stale)}")
    unknown = set(INSTRUMENTS) - set(chosen["key"])
    if unknown:
        problems.append(f"instrument dates for programmes not in the sources: {sorted(unknown)}")
    unknown = set(SCOPES) - set(chosen["key"])
    if unknown:
        problems.append(f"scope decisions for programmes not in the sources: {sorted(unknown)}")
    if problems:
        raise BuildError("arms embargo programmes fail the checks:\n  " + "\n  ".join(problems))
    return pd.DataFrame(rows)


def state_rows(embargoes: pd.DataFrame) -> pd.DataFrame:
    """The embargo rows whose embargo binds the state itself, as rows of the *_state lists.

    Each keeps its programme's valid_from; valid_to is the day the government was exempted, if
    it was, or else the day the embargo was lifted (exclusive either way). Targeted and unsettled
    programmes are left out: no sovereign exclusion without an established national embargo.
    """
    national = embargoes[embargoes["scope"].eq(NATIONAL)]
    scopes = {**SCOPES, **{p.programme: p.scope for p in PAST_EMBARGOES}}
    exempted = national["programme"].map(lambda key: scopes[key].valid_to if key in scopes else "")
    valid_to = exempted.where(exempted.ne(""), national["valid_to"])
    problems = [
        f"{key}: the state was exempted on {end}, before the embargo began on {start}"
        for key, start, end in zip(national["programme"], national["valid_from"], valid_to, strict=True)
        if end and start and end < start
    ]
    if problems:
        raise BuildError("scope decisions fail the checks:\n  " + "\n  ".join(problems))
    return national.assign(list_id=national["list_id"].map(STATE_LISTS), valid_to=valid_to)


# --------------------------------------------------------------------------------------------
# Freedom House
# --------------------------------------------------------------------------------------------

FH_FILE = "countries/freedom_house_fiw_2013-2025.xlsx"
FH_URL = "https://freedomhouse.org/report/freedom-world"


def read_sheets(path: Path, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Sheets of a workbook as frames of cell values, no header (faster than pandas here)."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            name: pd.DataFrame(list(workbook[name].iter_rows(values_only=True)))
            for name in (names or workbook.sheetnames)
        }
    finally:
        workbook.close()


def _fh_table(shared: Path) -> pd.DataFrame:
    raw = read_sheets(shared / FH_FILE, ["FIW13-25"])["FIW13-25"]
    table = raw.iloc[2:].set_axis([str(c).strip() for c in raw.iloc[1]], axis=1)
    # the frame's index counts the sheet's rows from 0: the sheet row is one more
    return table.dropna(how="all").assign(sheet_row=lambda t: t.index + 1)


def freedom_house_rows(shared: Path, countries: CountryIndex) -> pd.DataFrame:
    """States (not territories) rated Not Free, one row per edition.

    Edition E is valid from 1 January of year E to 1 January of year E + 1 (exclusive); the
    latest edition stays valid until a newer one is bundled (empty valid_to).
    """
    table = _fh_table(shared)
    states = table[table["C/T"].astype(str).str.strip().eq("c")].copy()
    names = states["Country/Territory"].astype(str).str.strip()
    codes = names.map(countries.code)
    unknown = sorted(set(names[codes.isna()]))
    if unknown:
        raise BuildError(f"{FH_FILE}: country names without an ISO code: {unknown}")
    states = states.assign(name=names, code=codes, edition=states["Edition"].astype(int))
    latest = int(states["edition"].max())
    nf = states[states["Status"].astype(str).str.strip().eq("NF") & states["code"].ne("")]
    return pd.DataFrame(
        {
            "list_id": "fh_not_free",
            "country": nf["code"],
            "country_name": nf["name"],
            "valid_from": nf["edition"].map(lambda e: f"{e}-01-01"),
            "valid_to": nf["edition"].map(lambda e: "" if e == latest else f"{e + 1}-01-01"),
            "programme": "",
            "programme_title": "",
            "edition": nf["edition"].map(lambda e: f"FIW {e}"),
            "status": "NF",
            "source": [
                f"Freedom House, Freedom in the World {e}: status Not Free ({FH_FILE}, sheet FIW13-25, row {row})"
                for e, row in zip(nf["edition"], nf["sheet_row"], strict=True)
            ],
            "source_url": FH_URL,
            "valid_from_source": "convention: an edition is valid from 1 January of its edition "
            "year to 1 January of the next (exclusive); the latest edition has no end",
            "note": "",
            "retrieved": RETRIEVED,
        }
    )


def fh_not_free_territories(shared: Path) -> list[str]:
    """Territories (C/T = t) rated Not Free in any edition; left out of the country list."""
    table = _fh_table(shared)
    mask = table["C/T"].astype(str).str.strip().eq("t") & table["Status"].eq("NF")
    return sorted(set(table.loc[mask, "Country/Territory"].astype(str).str.strip()))


# --------------------------------------------------------------------------------------------
# US DoD Section 1260H
# --------------------------------------------------------------------------------------------

DOD_FILE = "lists/us_dod_1260h_chinese_military_companies.csv"
DOD_TITLE = "US Department of Defense Section 1260H list of Chinese military companies"


# Misspelt aliases in the transcription, with the spelling of the printed name.
DOD_ALIAS_CORRECTIONS = {"Inner Monoglia": "Inner Mongolia"}


def _loose(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKD", text).casefold())


def split_printed_name(printed: str) -> tuple[str, str, str]:
    """(base name, bracketed part, marker) of a name as printed on the 1260H list.

    The printed name carries an asterisk marker and, at its end, a bracketed alias, former
    name or 'also known as' name: ``Aerospace CH UAV Co., Ltd (S-SEA)*``.
    """
    text = printed.strip()
    marker = "*" if "*" in text[-3:] else ""
    text = re.sub(r"[*.\s]+$", "", text) if text.endswith(("*", ").")) else text.rstrip("*")
    if not text.endswith((")", "]")):
        return text.strip(), "", marker
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in ")]":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return text[:i].strip(), text[i + 1 : -1].strip(), marker
    return text.strip(), "", marker


def _aliases(values: list[str], name: str) -> str:
    seen: list[str] = []
    for value in values:
        value = " ".join(str(value).split())
        if value and value != name and value not in seen:
            if "|" in value:
                raise BuildError(f"alias {value!r} contains the separator '|'")
            seen.append(value)
    return " | ".join(seen)


def _dod_url(shared: Path) -> str:
    path = shared / "lists/sanction_programs/yml/US-DOD-1260H.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["url"]


@dataclass(frozen=True)
class Edition:
    """One publication of a list: a full edition, a dated removal notice or a withdrawn notice.

    ``kind`` is ``full edition`` (names every entity then listed: an entity it omits is no longer
    listed from its date), ``additions`` (an edition whose transcription holds only the entities it
    added, with the removals the transcription records), ``removal notice`` (ends the listings of
    the entities it names on its date) or ``withdrawn notice`` (published, then withdrawn: changes
    nothing).
    """

    list_id: str
    date: str
    kind: str
    title: str
    document_url: str
    sources: tuple[str, ...]
    note: str = ""
    removes: tuple[str, ...] = ()

    def citation(self) -> str:
        return " ; ".join(self.sources)


FULL, ADDITIONS, REMOVAL, WITHDRAWN = "full edition", "additions", "removal notice", "withdrawn notice"
_DOD_2025_URL = (
    "https://media.defense.gov/2025/Jan/07/2003625471/-1/-1/1/"
    "ENTITIES-IDENTIFIED-AS-CHINESE-MILITARY-COMPANIES-OPERATING-IN-THE-UNITED-STATES.PDF"
)
_DOD_2026_URL = (
    "https://media.defense.gov/2026/Jun/08/2003945537/-1/-1/1/"
    "ENTITIES-IDENTIFIED-AS-CHINESE-MILITARY-COMPANIES-OPERATING-IN-THE-UNITED-STATES-IN-ACCORDANCE-WITH-SECTION-1260H.PDF"
)
_DOD_HISTORY = (
    "https://www.jdsupra.com/legalnews/dod-s-list-of-chinese-military-4693501/",
    "https://www.governmentcontractslegalforum.com/2024/02/articles/government-contracts/dod-is-making-its-list-and-checking-it-twice-dod-updates-1260h-chinese-military-companies-list/",
)

# The publications of the 1260H list, each dated and cited. The transcription holds the full
# membership of the 2025 and 2026 editions only (their rows carry the edition's PDF); for the
# editions of 2021, 2022 and 2024 it holds the entities each added and the removals of 2024 and
# 2025 it records, and the editions' own documents are not in it.
DOD_EDITIONS: tuple[Edition, ...] = (
    Edition(
        "us_dod_1260h",
        "2021-06-03",
        ADDITIONS,
        "first 1260H list (47 entities)",
        "",
        _DOD_HISTORY,
        "the edition's own document was not found; the day is the transcription's Start date",
    ),
    Edition(
        "us_dod_1260h",
        "2022-10-05",
        ADDITIONS,
        "update adding 13 entities",
        "",
        _DOD_HISTORY,
        "the edition's own document was not found; the day is the transcription's Start date",
    ),
    Edition(
        "us_dod_1260h",
        "2024-01-31",
        ADDITIONS,
        "update of 31 January 2024 adding 16 entities and removing 3",
        "",
        (
            *_DOD_HISTORY,
            "https://www.akingump.com/en/insights/alerts/dod-updates-section-1260h-list-of-chinese-military-companies-operating-directly-or-indirectly-in-the-united-states",
        ),
        "the edition's own document was not found",
    ),
    Edition(
        "us_dod_1260h",
        "2024-12-13",
        REMOVAL,
        "Federal Register filing of 13 December 2024 removing AMEC and IDG Capital",
        "",
        ("https://videoddd.com/us-government-removes-chinese-chip-giant-amec-from-major-blacklist",),
        "secondary source (a report citing the South China Morning Post); the notice itself was not found",
        ("Advanced Micro-Fabrication Equipment Inc. China", "IDG Capital Partners Co., Ltd."),
    ),
    Edition(
        "us_dod_1260h",
        "2025-01-07",
        FULL,
        "edition of January 2025 (134 entities, 6 removed)",
        _DOD_2025_URL,
        (
            _DOD_2025_URL,
            "https://eus-prd-44f00f104e3f-xp2-cd.azurewebsites.net/en/publications/us-department-of-defense-issues-updated-section-1260h-chinese-military-companies-list-",
        ),
        "published in the Federal Register on 6 January 2025; the PDF is dated 7 January 2025",
    ),
    Edition(
        "us_dod_1260h",
        "2026-02-13",
        WITHDRAWN,
        "update posted to the Federal Register for public inspection on 13 February 2026 and withdrawn "
        "about an hour later",
        "",
        (
            "https://twt-assets.washtimes.com/news/2026/feb/13/pentagon-publishes-withdraws-new-list-chinese-military-companies",
            "https://thenewyorkfinance.com/pentagons-china-military-support-roster-pulled-from-federal-register-minutes-after-release-raising-questions-about-timing-and-policy",
            "https://www.kharon.com/brief/us-china-news-alibaba-byd-defense-department-1260h",
        ),
        "the transcription dates the twelve removals of this notice 2026-02-17; they are ignored",
    ),
    Edition(
        "us_dod_1260h",
        "2026-06-08",
        FULL,
        "edition of 8 June 2026 (65 entities added)",
        _DOD_2026_URL,
        (
            _DOD_2026_URL,
            "https://www.squirepattonboggs.com/insights/publications/dueling-lists-china-s-answer-to-the-section-1260h-expansion-and-the-risk-in-the-pattern-what-us-stakeholders-should-know/",
        ),
    ),
)
# The end date the transcription gives to removals of the withdrawn notice.
DOD_WITHDRAWN_END = "2026-02-17"


_LEGAL_TAIL = re.compile(r"(coltd|corpltd|co|ltd|limited|inc|corporation|corp)$")


def _edition_key(name: str) -> str:
    """The key that finds one entity in two editions: loose name without a trailing legal form.

    ``China SpaceSat Co.`` (2021) and ``China SpaceSat Co., Ltd.`` (2025) share the key
    ``chinaspacesat``.
    """
    return _LEGAL_TAIL.sub("", _loose(name))


def _dod_transcribed(shared: Path) -> pd.DataFrame:
    """The transcription's rows with printed names checked against clean ones and aliases gathered."""
    table = pd.read_csv(shared / DOD_FILE, dtype=str, keep_default_na=False)
    rows, problems = [], []
    used_corrections: set[str] = set()
    for line, r in enumerate(table.itertuples(index=False), start=2):
        printed = r[0]
        clean, bracket, marker = split_printed_name(printed)
        clean_name = " ".join(r[1].split())
        if _loose(clean) != _loose(clean_name) and _loose(printed) != _loose(clean_name):
            problems.append(f"{DOD_FILE}:{line}: printed {printed!r} vs Clean Name {clean_name!r}")
        alias_col = [a for a in re.split(r",(?=\S)", r[2]) if a.strip()]
        notes = [" ".join(r[5].split())] if r[5].strip() else []
        for i, alias in enumerate(alias_col):
            if alias in DOD_ALIAS_CORRECTIONS:
                alias_col[i] = DOD_ALIAS_CORRECTIONS[alias]
                used_corrections.add(alias)
                notes.append(f"alias corrected from {alias!r} to {alias_col[i]!r} as printed")
        previous = [a for a in re.split(r";\s*", r[3]) if a.strip()]
        extra: list[str] = []
        if bracket:
            inner = re.sub(r"^(formerly|also known as)\s+", "", bracket)
            known = {_loose(a) for a in alias_col + previous} | {_loose("".join(previous))}
            if _loose(inner) not in known and _loose(printed) != _loose(clean_name):
                problems.append(f"{DOD_FILE}:{line}: bracketed {bracket!r} is not among Alias/Previous Name")
            if _loose(inner) not in known:
                extra = [inner]
        rows.append(
            {
                "line": line,
                "key": _edition_key(clean_name),
                "keys": {_edition_key(clean_name), _edition_key(clean)},
                "name": clean_name,
                "aliases": _aliases(alias_col + previous + extra, clean_name),
                "parent_name": " ".join(r[4].split()),
                "start": r[6],
                "end": r[7],
                "url": r[8],
                "listed_name": printed.strip(),
                "marker": marker,
                "notes": notes,
            }
        )
    stale = set(DOD_ALIAS_CORRECTIONS) - used_corrections
    if stale:
        problems.append(f"alias corrections no longer needed (source fixed?): {sorted(stale)}")
    if problems:
        raise BuildError("1260H names fail the checks:\n  " + "\n  ".join(problems))
    return pd.DataFrame(rows)


def _dod_end(row, editions: tuple[Edition, ...], members: dict[str, set[str]]) -> tuple[str, str]:
    """(valid_to, how) of one transcribed listing under the editions model (valid_to exclusive)."""
    dated = {e.date: e for e in editions}
    later_full = [e for e in editions if e.kind == FULL and e.date > row.start]
    notices = [
        e for e in editions if e.kind == REMOVAL and e.date > row.start and row.keys & set(map(_edition_key, e.removes))
    ]
    end = row.end if row.end and row.end != DOD_WITHDRAWN_END else ""
    candidates: list[tuple[str, str]] = []
    if end:
        if end not in dated:
            raise BuildError(f"{DOD_FILE}:{row.line}: End date {end} is not the date of a recorded edition or notice")
        candidates.append((end, f"not named in the edition of {end} (End date in the transcription)"))
    for notice in notices:
        candidates.append((notice.date, f"removed by the {notice.kind} of {notice.date} ({notice.title})"))
    if later_full:
        first = later_full[0]
        how = (
            f"continued in the {first.kind} of {first.date}, which names it again (row of its own)"
            if row.keys & members[first.date]
            else f"omitted from the {first.kind} of {first.date}"
        )
        candidates.append((first.date, how))
    if not candidates:
        return "", "still named in the latest edition"
    return min(candidates)


def dod_rows(shared: Path, editions: tuple[Edition, ...] = DOD_EDITIONS) -> pd.DataFrame:
    """One row per entity and edition of the 1260H list, valid from the edition to the next boundary.

    A listing runs from the edition that names the entity to the first later full edition (where
    the entity either continues in a row of that edition or was omitted), or to a dated removal
    notice; removals of a withdrawn notice are ignored. valid_to is exclusive.
    """
    rows = _dod_transcribed(shared)
    dated = {e.date: e for e in editions}
    unknown = sorted(set(rows["start"]) - set(dated))
    if unknown:
        raise BuildError(f"{DOD_FILE}: Start dates without a recorded edition: {unknown}")
    members = {e.date: set().union(*rows.loc[rows["start"].eq(e.date), "keys"]) for e in editions if e.kind == FULL}
    out = []
    for r in rows.itertuples(index=False):
        edition = dated[r.start]
        valid_to, how = _dod_end(r, editions, members)
        notes = [*r.notes, f"listing ends: {how}"]
        if r.end == DOD_WITHDRAWN_END:
            notes.append(f"End date {r.end} of the withdrawn notice of 2026-02-13 ignored")
        document = edition.document_url or "edition's own document not found"
        # where the edition's own document was not found, the page that dates the edition
        url = r.url or edition.document_url or edition.sources[0]
        if r.url and r.url != edition.document_url:
            raise BuildError(f"{DOD_FILE}:{r.line}: Source Url {r.url} is not the document of the {r.start} edition")
        out.append(
            {
                "list_id": "us_dod_1260h",
                "name": r.name,
                "aliases": r.aliases,
                "parent_name": r.parent_name,
                "valid_from": r.start,
                "valid_to": valid_to,
                "source": f"{DOD_TITLE}, {edition.kind} of {r.start} ({document}), "
                f"transcribed by OpenSanctions ({DOD_FILE}, line {r.line})",
                "source_url": url,
                "listed_name": r.listed_name,
                "marker": r.marker,
                "record_id": str(r.line),
                "note": " | ".join(notes),
                "retrieved": RETRIEVED,
            }
        )
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------
# EU Regulation 833/2014, Annex IV
# --------------------------------------------------------------------------------------------

EU_FILE = "lists/eu_reg_833_2014_russia_consolidated.csv"
EU_TITLE = (
    "Council Regulation (EU) No 833/2014, Annex IV: natural or legal persons, entities or "
    "bodies (military end-users) referred to in Article 2(7), 2a(7) and 2b(1)"
)
EU_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32014R0833"

# How Annex IV prints a subsidiary or a branch with its parent, as (pattern, parent group,
# name group). Tried in order; the first that matches wins.
PARENT_PATTERNS: list[tuple[re.Pattern[str], int, int]] = [
    (re.compile(r"^(Tactical Missiles? (?:Company|Corporation)), (.+)$"), 1, 2),
    (re.compile(r"^(United Shipbuilding Corporation) ((?:JSC )?“.+)$"), 1, 2),
    (re.compile(r"^Branch of (RSK MiG) (.+)$"), 1, 2),
    (re.compile(r"^(.+?)(?: –|,) Branch of (RSK MiG)$"), 2, 1),
    (re.compile(r"^Branch of (.+?) – (.+)$"), 1, 2),
    (re.compile(r"^(Ilyushin Aviation Complex) Branch: (.+)$"), 1, 2),
    (re.compile(r"^(?:Subsidiary )?(.+?) of (Zvezdochka Shipyard)$"), 2, 1),
    (re.compile(r"^(Closed Joint Stock Company TPK Linkos), Subdivision in .+$"), 1, 0),
]


# Parents misread in the transcription, with the reading the entry's own forms support.
ANNEX_PARENT_CORRECTIONS: dict[str, tuple[str, str]] = {
    "PAO II": (
        "Joint Stock Company Ilyushin Aviation Complex",
        "parent printed 'PAO II' read as PAO 'Il' (PJSC Ilyushin Aviation Complex): the entry's own "
        "Russian form is 'Филиал ПАО «Ил»' and its English alias 'Branch of PJSC “IL”'; the parent is "
        "Annex IV entry 327, whose aliases include PAO “Il”",
    ),
}


def split_annex_name(printed: str, countries: CountryIndex) -> tuple[str, list[str], str]:
    """(name, aliases, parent) of an Annex IV entry as printed.

    ``Rosoboronexport OJSC (ROE)`` -> name ``Rosoboronexport OJSC``, alias ``ROE``;
    ``Tactical Missile Corporation, RKB Globus`` -> name ``RKB Globus``, parent
    ``Tactical Missile Corporation``; ``A; B`` -> name ``A``, alias ``B``. A bracketed country
    (``MFK Fulcrum (Russia)``) stays part of the name.
    """
    text = " ".join(printed.split())
    parts = [p.strip() for p in text.split(";")]
    text, aliases = parts[0], parts[1:]
    bracket = re.fullmatch(r"(.*\S)\s*\(([^()]+)\)", text)
    if bracket and countries.code(bracket.group(2)) is None:
        text = bracket.group(1)
        aliases.append(bracket.group(2))
    parent = ""
    for pattern, parent_group, name_group in PARENT_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parent = match.group(parent_group)
            text = match.group(name_group) if name_group else text
            break
    full = " ".join(printed.split())
    if full != text:
        aliases.insert(0, full)
    return text, aliases, parent


def _eu_date(value: str) -> pd.Timestamp:
    for fmt in ("%d.%m.%Y", "%d %B %Y"):
        parsed = pd.to_datetime(value, format=fmt, errors="coerce")
        if pd.notna(parsed):
            return parsed
    return pd.NaT


def _merge_repeated_entries(rows: list[dict]) -> list[dict]:
    """One row per entity: entries printed twice with the same name and date become one row.

    Annex IV prints I Jet Global DMCC as entries 499 and 500; two rows would be two overlapping
    listings of one entity. The first entry is kept, with the aliases of the others and a note.
    """
    merged: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (_loose(row["name"]), row["valid_from"])
        if key not in merged:
            merged[key] = dict(row)
            continue
        kept = merged[key]
        aliases = [a for a in (kept["aliases"] + " | " + row["aliases"]).split(" | ") if a]
        kept["aliases"] = _aliases(aliases, kept["name"])
        where = row["source"].rsplit("(", 1)[-1].rstrip(")")
        extra = f"the annex prints the same entity again as entry {row['record_id']} ({where})"
        kept["note"] = " | ".join(n for n in (kept["note"], extra) if n)
    return list(merged.values())


def eu_annex_iv_rows(shared: Path, countries: CountryIndex) -> tuple[pd.DataFrame, str, str]:
    """Annex IV entries with names, aliases and parents parsed; the file's latest date; countries."""
    table = pd.read_csv(shared / EU_FILE, dtype=str, keep_default_na=False)
    as_of = table["startDate"].map(_eu_date).max().strftime("%Y-%m-%d")
    rows = []
    used_parents: set[str] = set()
    for line, r in zip(range(2, len(table) + 2), table.itertuples(index=False), strict=True):
        if r.annex != "IV":
            continue
        name, aliases, parent = split_annex_name(r.name, countries)
        note = ""
        if parent in ANNEX_PARENT_CORRECTIONS:
            used_parents.add(parent)
            parent, note = ANNEX_PARENT_CORRECTIONS[parent]
        more = [a for col in (r.alias, r.previousName) for a in col.split(";") if a.strip()]
        start = _eu_date(r.startDate)
        if pd.isna(start):
            raise BuildError(f"{EU_FILE}:{line}: startDate {r.startDate!r} is not a date")
        rows.append(
            {
                "list_id": "eu_833_annex_iv",
                "name": name,
                "aliases": _aliases(aliases + more, name),
                "parent_name": parent,
                "valid_from": start.strftime("%Y-%m-%d"),
                "valid_to": "",
                "source": f"{EU_TITLE}, entry {r.recordId}, transcribed by OpenSanctions ({EU_FILE}, line {line})",
                "source_url": EU_URL,
                "listed_name": " ".join(r.name.split()),
                "marker": "",
                "record_id": r.recordId,
                "note": note,
                "retrieved": RETRIEVED,
            }
        )
    rows = _merge_repeated_entries(rows)
    annex = table[table["annex"].eq("IV")]
    places = annex["country"].where(annex["country"].ne(""), "no country given").value_counts()
    countries_text = ", ".join(f"{name} {count}" for name, count in sorted(places.items(), key=lambda p: (-p[1], p[0])))
    stale = set(ANNEX_PARENT_CORRECTIONS) - used_parents
    if stale:
        raise BuildError(f"{EU_FILE}: parent corrections no longer needed (source fixed?): {sorted(stale)}")
    return pd.DataFrame(rows), as_of, countries_text


# --------------------------------------------------------------------------------------------
# US Treasury OFAC, Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)
# --------------------------------------------------------------------------------------------

OFAC_PRIM = "lists/ofac/cons_prim.csv"
OFAC_ADD = "lists/ofac/cons_add.csv"
OFAC_PROGRAMME = "CMIC-EO13959"
OFAC_URL = "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists"
CMIC_TITLE = "US Treasury OFAC Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)"
# The OFAC files carry no date of their own: the date of the commit that holds them.
OFAC_RETRIEVED = "2025-04-21"
OFAC_TERMS = (
    "OFAC publications are works of the US government, not subject to copyright in the United "
    "States: no non-commercial restriction; cite OFAC as the source."
)

_CMIC_DATE_ITEMS = {
    "Effective Date (CMIC)": "effective",
    "Listing Date (CMIC)": "listing",
    "Purchase/Sales For Divestment Date (CMIC)": "divestment",
}
_OTHER_ID_ITEMS = (
    "Unified Social Credit Code (USCC)",
    "Legal Entity Number",
    "Company Number",
    "Business Registration Number",
    "C.R. No.",
)


@dataclass
class CmicRemarks:
    """What the remarks of one NS-CMIC entry say, item by item."""

    isins: list[str]
    tickers: list[str]
    issuer_names: list[str]
    aka: list[str]
    other_ids: list[str]
    dates: dict[str, str]
    linked_to: str
    target_type: str


def parse_cmic_remarks(text: str, where: str) -> CmicRemarks:
    """Split OFAC remarks (``ISIN ...; alt. ISIN ...; Equity Ticker 0728 HK; ...``) into fields.

    An item the parser does not know stops the build, so that no identifier is silently lost.
    """
    out = CmicRemarks([], [], [], [], [], {}, "", "")
    body = text.strip()
    body = body[:-1] if body.endswith(".") else body
    for raw in body.split("; "):
        item = raw.strip().removeprefix("alt. ")
        if item.startswith("ISIN "):
            isin = item.removeprefix("ISIN ").strip()
            if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}[0-9]", isin):
                out.isins.append(isin)
            else:
                out.other_ids.append(
                    f"ISIN {isin!r} as printed by OFAC is not a well-formed ISIN; not used for matching"
                )
        elif item.startswith("Equity Ticker "):
            out.tickers.append(" ".join(item.removeprefix("Equity Ticker ").split()))
        elif item.startswith("Issuer Name "):
            out.issuer_names.append(item.removeprefix("Issuer Name ").strip())
        elif item.startswith("a.k.a. "):
            out.aka.append(item.removeprefix("a.k.a. ").strip().strip("'"))
        elif item.startswith("Linked To: "):
            out.linked_to = item.removeprefix("Linked To: ").strip().rstrip(".")
        elif item.startswith("Target Type "):
            out.target_type = item.removeprefix("Target Type ").strip()
        elif item.startswith(_OTHER_ID_ITEMS):
            out.other_ids.append(item)
        else:
            for label, key in _CMIC_DATE_ITEMS.items():
                if item.startswith(label + " "):
                    day = pd.to_datetime(item.removeprefix(label + " "), format="%d %b %Y", errors="coerce")
                    if pd.isna(day):
                        raise BuildError(f"{where}: {label} {item!r} is not a date")
                    out.dates[key] = day.strftime("%Y-%m-%d")
                    break
            else:
                raise BuildError(f"{where}: remark item {raw!r} is not understood")
    if "effective" not in out.dates:
        raise BuildError(f"{where}: no Effective Date (CMIC)")
    return out


def _ofac_rows(path: Path) -> list[tuple[int, list[str]]]:
    text = path.read_text(encoding="latin-1")
    return [(line, row) for line, row in enumerate(csv.reader(io.StringIO(text)), start=1) if row]


def _field(value: str) -> str:
    return "" if value.strip() == "-0-" else " ".join(value.split())


def cmic_rows(shared: Path) -> pd.DataFrame:
    """One row per NS-CMIC entry with every identifier of its remarks, valid from its effective date."""
    addresses: dict[str, list[str]] = {}
    for _, row in _ofac_rows(shared / OFAC_ADD):
        place = ", ".join(v for v in (_field(c) for c in row[3:5]) if v)
        if place:
            addresses.setdefault(row[0], []).append(place)
    rows = []
    for line, row in _ofac_rows(shared / OFAC_PRIM):
        if len(row) < 12 or row[3] != OFAC_PROGRAMME:
            continue
        where = f"{OFAC_PRIM}:{line}"
        remarks = parse_cmic_remarks(row[11], where)
        name = _field(row[1])
        notes = []
        if remarks.target_type:
            notes.append(f"target type: {remarks.target_type}")
        if row[0] in addresses:
            notes.append("address: " + "; ".join(addresses[row[0]]))
        notes += remarks.other_ids
        rows.append(
            {
                "list_id": "us_ns_cmic",
                "name": name,
                "aliases": _aliases(remarks.issuer_names + remarks.aka, name),
                "parent_name": remarks.linked_to,
                "valid_from": remarks.dates["effective"],
                "valid_to": "",
                "source": f"{CMIC_TITLE}, entity {row[0]}, OFAC consolidated non-SDN list ({where})",
                "source_url": OFAC_URL,
                "listed_name": name,
                "marker": "",
                "record_id": row[0],
                "isins": " | ".join(dict.fromkeys(remarks.isins)),
                "tickers": " | ".join(dict.fromkeys(remarks.tickers)),
                "listing_date": remarks.dates.get("listing", ""),
                "divestment_date": remarks.dates.get("divestment", ""),
                "note": " | ".join(notes),
                "retrieved": OFAC_RETRIEVED,
            }
        )
    if not rows:
        raise BuildError(f"{OFAC_PRIM}: no entry under programme {OFAC_PROGRAMME}")
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# SIPRI country names
# --------------------------------------------------------------------------------------------

TOP100_FILE = "arms_industry/SIPRI-Top-100-2002-2023.xlsx"
REGISTER_FILE = "arms_industry/sipri_trade_register_1995_2025.csv"


def sipri_names(shared: Path) -> set[str]:
    """Every country name in the SIPRI Top 100 workbook and the trade register."""
    names: set[str] = set()
    for sheet in read_sheets(shared / TOP100_FILE).values():
        header = sheet.iloc[3].astype(str).str.strip()
        column = header[header.str.startswith("Country")].index[0]
        rank = pd.to_numeric(sheet.iloc[4:, 0], errors="coerce")
        names |= set(sheet.loc[rank.dropna().index, column].astype(str).str.strip())
    lines = (shared / REGISTER_FILE).read_text(encoding="utf-8").splitlines()
    body = "\n".join(line.removesuffix(";") for line in lines[11:])
    register = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    names |= set(register["Supplier"].str.strip()) | set(register["Recipient"].str.strip())
    return names


def sipri_country_rows(shared: Path, countries: CountryIndex) -> pd.DataFrame:
    """SIPRI names with their ISO codes, plus every ISO short name, for the run-time readers."""
    rows = []
    for name in sorted(sipri_names(shared)):
        if name.endswith("**"):
            rows.append((name, "", "international organisation (SIPRI marks it **)"))
        elif name.endswith("*"):
            rows.append((name, "", "non-state actor (SIPRI marks it *)"))
        else:
            code = countries.code(name)
            if code is None:
                raise BuildError(f"SIPRI country name {name!r} has no ISO code or alias")
            alias = normalise_name(name) in {normalise_name(a) for a in COUNTRY_ALIASES}
            if not code:
                basis = "no ISO 3166 code (alias in the build script)"
            elif alias:
                basis = "alias in the build script"
            else:
                basis = "ISO 3166 name match (country_codes.csv)"
            rows.append((name, code, basis))
    for name, code in COUNTRY_ALIASES.items():
        rows.append(
            (name, code, "alias in the build script" if code else "no ISO 3166 code (alias in the build script)")
        )
    table = pd.read_csv(shared / "countries/country_codes.csv", dtype=str, keep_default_na=False)
    for column in ("CLDR display name", "official_name_en"):
        for code, name in zip(table["ISO3166-1-Alpha-2"], table[column], strict=True):
            if name and code:
                rows.append((name, code, f"ISO 3166 name (country_codes.csv, {column})"))
    frame = pd.DataFrame(rows, columns=["name", "country", "basis"])
    return frame.drop_duplicates("name", keep="first")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

COUNTRY_COLUMNS = [
    "list_id",
    "country",
    "country_name",
    "valid_from",
    "valid_to",
    "programme",
    "programme_title",
    "edition",
    "status",
    "source",
    "source_url",
    "valid_from_source",
    "valid_to_source",
    "scope",
    "scope_source",
    "note",
    "retrieved",
]
ENTITY_COLUMNS = [
    "list_id",
    "name",
    "aliases",
    "parent_name",
    "valid_from",
    "valid_to",
    "source",
    "source_url",
    "listed_name",
    "marker",
    "record_id",
    "isins",
    "tickers",
    "listing_date",
    "divestment_date",
    "note",
    "retrieved",
]
EDITION_COLUMNS = ["list_id", "edition", "kind", "title", "document_url", "source", "note", "retrieved"]
SOURCE_COLUMNS = [
    "list_id",
    "kind",
    "title",
    "issuer",
    "source",
    "source_url",
    "built_from",
    "as_of",
    "as_of_basis",
    "retrieved",
    "rows",
    "licence",
]


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path, sort: list[str]) -> None:
    """Write `frame` as UTF-8 CSV with '\\n' line ends, sorted stably, every field as text."""
    out = frame[columns].astype(str).sort_values(sort, kind="stable")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


_STATE_TITLES = {
    "un_arms_embargo_state": (
        "States under a UN Security Council arms embargo on the state itself",
        "United Nations Security Council",
        "UN Security Council",
        "https://www.un.org/securitycouncil/sanctions/information",
    ),
    "eu_arms_embargo_state": (
        "States under an EU arms embargo on the state itself",
        "Council of the EU",
        "EU",
        "https://sanctionsmap.eu/",
    ),
    "uk_arms_embargo_state": (
        "States under a UK arms embargo on the state itself",
        "UK Foreign, Commonwealth and Development Office",
        "UK",
        "https://www.gov.uk/government/collections/uk-sanctions-regimes-under-the-sanctions-act",
    ),
}


def _state_sources(programmes: str) -> list[tuple[str, ...]]:
    """list_sources rows of the three *_state lists."""
    return [
        (
            list_id,
            "country",
            title,
            issuer,
            f"{who} arms embargo programmes (metadata transcribed by OpenSanctions) whose embargo "
            "binds the state and its government, not only non-state groups, named persons or a "
            "region; the scope of each is established from public pages cited in scope_source",
            url,
            programmes,
            RETRIEVED,
            "date of the snapshot of the programme files",
            OPENSANCTIONS_TERMS,
        )
        for list_id, (title, issuer, who, url) in _STATE_TITLES.items()
    ]


def list_source_rows(
    country: pd.DataFrame, entity: pd.DataFrame, shared: Path, eu_as_of: str, eu_countries: str
) -> pd.DataFrame:
    counts = pd.concat([country["list_id"], entity["list_id"]]).value_counts()
    fh_latest = country.loc[country["list_id"].eq("fh_not_free"), "valid_from"].max()
    dod_dates = pd.concat([entity.loc[entity["list_id"].eq("us_dod_1260h"), c] for c in ("valid_from", "valid_to")])
    dod_as_of = dod_dates[dod_dates.ne("")].max()
    programmes = "lists/sanction_programs/yml/*.yml"
    rows = [
        (
            "un_arms_embargo",
            "country",
            "States under a UN Security Council arms embargo",
            "United Nations Security Council",
            "UN Security Council sanctions programmes marked 'Arms embargo', metadata transcribed by OpenSanctions",
            "https://www.un.org/securitycouncil/sanctions/information",
            programmes,
            RETRIEVED,
            "date of the snapshot of the programme files",
            OPENSANCTIONS_TERMS,
        ),
        (
            "eu_arms_embargo",
            "country",
            "States under an EU arms embargo",
            "Council of the EU",
            "EU restrictive measures programmes marked 'Arms embargo', metadata transcribed by OpenSanctions",
            "https://sanctionsmap.eu/",
            programmes,
            RETRIEVED,
            "date of the snapshot of the programme files",
            OPENSANCTIONS_TERMS,
        ),
        (
            "uk_arms_embargo",
            "country",
            "States under a UK arms embargo",
            "UK Foreign, Commonwealth and Development Office",
            "UK sanctions regimes marked 'Arms embargo', metadata transcribed by OpenSanctions",
            "https://www.gov.uk/government/collections/uk-sanctions-regimes-under-the-sanctions-act",
            programmes,
            RETRIEVED,
            "date of the snapshot of the programme files",
            OPENSANCTIONS_TERMS,
        ),
        *_state_sources(programmes),
        (
            "fh_not_free",
            "country",
            "States rated Not Free by Freedom House",
            "Freedom House",
            "Freedom House, Freedom in the World 2013-2025 raw data",
            FH_URL,
            FH_FILE,
            fh_latest,
            "start of the latest edition's validity (edition year, 1 January)",
            FREEDOM_HOUSE_TERMS,
        ),
        (
            "us_dod_1260h",
            "entity",
            DOD_TITLE,
            "US Department of Defense",
            "Section 1260H list, every edition, transcribed by OpenSanctions",
            _dod_url(shared),
            DOD_FILE,
            dod_as_of,
            "latest listing or removal date in the file",
            OPENSANCTIONS_TERMS,
        ),
        (
            "eu_833_annex_iv",
            "entity",
            "Entities in Annex IV to Regulation (EU) No 833/2014: military end-users in Russia and "
            "entities elsewhere that support Russia's military-industrial complex",
            "Council of the EU",
            "Regulation (EU) No 833/2014 annexes, transcribed by OpenSanctions; Annex IV entries by "
            f"country of address: {eu_countries}",
            EU_URL,
            EU_FILE,
            eu_as_of,
            "latest entry date (startDate) in the consolidated file, any annex",
            OPENSANCTIONS_TERMS,
        ),
        (
            "us_ns_cmic",
            "entity",
            CMIC_TITLE,
            "US Department of the Treasury, Office of Foreign Assets Control",
            f"OFAC consolidated non-SDN list, entries under programme {OFAC_PROGRAMME} (Executive Order "
            "13959 as amended by Executive Order 14032), with the ISINs, equity tickers, aliases, linked "
            "entity and dates of their remarks",
            OFAC_URL,
            f"{OFAC_PRIM}, {OFAC_ADD}",
            OFAC_RETRIEVED,
            "retrieval date of the OFAC files (they carry no date of their own)",
            OFAC_TERMS,
        ),
    ]
    frame = pd.DataFrame(rows, columns=[c for c in SOURCE_COLUMNS if c not in ("rows", "retrieved")])
    frame["retrieved"] = frame["list_id"].map({"us_ns_cmic": OFAC_RETRIEVED}).fillna(RETRIEVED)
    frame["rows"] = frame["list_id"].map(counts).fillna(0).astype(int)
    return frame


def edition_rows(country: pd.DataFrame, eu_as_of: str) -> pd.DataFrame:
    """One row per publication of each list: the dated editions the lists are built from.

    The 1260H editions and notices are cited one by one; Freedom House editions follow the
    calendar-year convention; the embargo lists, Annex IV and NS-CMIC are snapshots of their
    source files, dated by the files' retrieval or latest entry date.
    """
    rows = [(e.list_id, e.date, e.kind, e.title, e.document_url, e.citation(), e.note, RETRIEVED) for e in DOD_EDITIONS]
    for year in sorted({int(v[:4]) for v in country.loc[country["list_id"].eq("fh_not_free"), "valid_from"]}):
        rows.append(
            (
                "fh_not_free",
                f"{year}-01-01",
                FULL,
                f"Freedom in the World {year}",
                FH_URL,
                f"{FH_FILE}, sheet FIW13-25, Edition {year}",
                "valid from 1 January of the edition year (convention: publication dates are not in the file)",
                RETRIEVED,
            )
        )
    programmes = "lists/sanction_programs/yml/*.yml (OpenSanctions)"
    for list_id in [*EMBARGO_LISTS.values(), *STATE_LISTS.values()]:
        rows.append(
            (
                list_id,
                RETRIEVED,
                "snapshot",
                "programme files as retrieved, with the lifted embargoes typed in from cited pages",
                "",
                programmes,
                "",
                RETRIEVED,
            )
        )
    rows.append(
        (
            "eu_833_annex_iv",
            eu_as_of,
            "snapshot",
            "consolidated annexes, latest entry date",
            EU_URL,
            EU_FILE,
            "",
            RETRIEVED,
        )
    )
    rows.append(
        (
            "us_ns_cmic",
            OFAC_RETRIEVED,
            "snapshot",
            "OFAC consolidated non-SDN list as retrieved",
            OFAC_URL,
            f"{OFAC_PRIM}, {OFAC_ADD}",
            "entries listed and removed before the snapshot are not in the files",
            OFAC_RETRIEVED,
        )
    )
    return pd.DataFrame(rows, columns=EDITION_COLUMNS)


def build(shared: Path, out: Path) -> dict[str, int]:
    """Build every bundled list from `shared` into `out`; return the row count of each file."""
    if not shared.is_dir():
        raise BuildError(f"{shared}: the shared data folder does not exist")
    countries = CountryIndex.load(shared / "countries" / "country_codes.csv")
    embargoes = embargo_rows(shared, countries)
    embargoes = pd.concat([embargoes, past_embargo_rows(countries)], ignore_index=True)
    country = pd.concat(
        [embargoes, state_rows(embargoes), freedom_house_rows(shared, countries)],
        ignore_index=True,
    ).fillna({"scope": "", "scope_source": "", "valid_to_source": ""})
    annex, eu_as_of, eu_countries = eu_annex_iv_rows(shared, countries)
    entity = pd.concat([dod_rows(shared), annex, cmic_rows(shared)], ignore_index=True).fillna("")
    sources = list_source_rows(country, entity, shared, eu_as_of, eu_countries)
    editions = edition_rows(country, eu_as_of)
    names = sipri_country_rows(shared, countries).assign(retrieved=RETRIEVED)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(country, COUNTRY_COLUMNS, out / "country_lists.csv", ["list_id", "country", "valid_from", "programme"])
    write_csv(entity, ENTITY_COLUMNS, out / "entity_lists.csv", ["list_id", "name", "valid_from", "record_id"])
    write_csv(sources, SOURCE_COLUMNS, out / "list_sources.csv", ["list_id"])
    write_csv(editions, EDITION_COLUMNS, out / "list_editions.csv", ["list_id", "edition"])
    write_csv(names, ["name", "country", "basis", "retrieved"], out / "sipri_country_names.csv", ["name"])
    return {
        "country_lists.csv": len(country),
        "entity_lists.csv": len(entity),
        "list_sources.csv": len(sources),
        "list_editions.csv": len(editions),
        "sipri_country_names.csv": len(names),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "shared", nargs="?", type=Path, default=DEFAULT_SHARED, help="the shared data folder (default: ../shared/data)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where to write the lists (default: src/exclusionscreen/data)"
    )
    args = parser.parse_args(argv)
    try:
        counts = build(args.shared.resolve(), args.out)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, count in counts.items():
        print(f"{name}: {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
