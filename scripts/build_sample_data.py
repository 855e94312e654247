"""Build the shipped sample data in ``sample_portfolios/``: a fictional pension fund and its universe.

Everything written here is fictional: the Lanternwick Workers' Pension Fund, every company, every
state (ISO 3166 user-assigned codes XA-XZ), every person-free approver role and every source. The
identifiers are built from the ranges their standards reserve for private use (CUSIP issuer numbers
990000-999999, SEDOLs starting with 9) or carry the letters SMPL, and their check digits are valid.

The script writes, deterministically (running it twice gives the same bytes):

- ``universe/*.csv``: issuers, securities, involvement, country exposure, country and entity lists;
- ``2026Q2/`` and ``2026Q3/``: ``global_equity.csv`` (an issuer-style CSV with a preamble and a
  legal footer), ``corporate_bonds.xlsx`` (a custodian workbook whose table is on its second sheet,
  with a totals line and a disclaimer) and ``multi_asset.xlsx`` (cash, FX forwards, futures, money
  market and sovereign bonds besides securities);
- ``fund_policy.yaml``, ``overrides.csv``, ``decisions.csv``;
- ``expected_holdings.csv`` and ``expected_flags.csv``: what a screen of each quarter must find;
- ``README.md``: the fund's story and the expected outcomes in words and tables.

Usage: python scripts/build_sample_data.py [OUTPUT_DIR]   (default: sample_portfolios/ in the repo)
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from exclusionscreen.identifiers import (  # noqa: E402
    cusip_check_digit,
    is_valid_cusip,
    is_valid_isin,
    is_valid_lei,
    is_valid_sedol,
    isin_check_digit,
    sedol_check_digit,
)

SALT = "lanternwick-2026"  # the fixed seed of every pseudo-random number below
FUND = "Lanternwick Workers' Pension Fund"
QUARTERS = {"2026Q2": dt.date(2026, 6, 30), "2026Q3": dt.date(2026, 9, 30)}
SOURCE = "Fictional sample research note, exclusionscreen demo"
LIST_SOURCE = "Fictional sample list, exclusionscreen demo"
URL = "https://example.org/exclusionscreen/sample"
WORKBOOK_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------------------------------
# deterministic numbers


def unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts` and the salt (the same on every run and machine)."""
    digest = hashlib.sha256("|".join(map(str, (SALT, *parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def between(low: float, high: float, *parts: object) -> float:
    return low + (high - low) * unit(*parts)


# --------------------------------------------------------------------------------------------------
# places: real countries only as domiciles of fictional companies; fictional states use X codes

# code: (location as an issuer-style file writes it, currency, exchange)
PLACES = {
    "GB": ("United Kingdom", "GBP", "London Stock Exchange"),
    "DE": ("Germany", "EUR", "Xetra"),
    "FR": ("France", "EUR", "Nyse Euronext - Euronext Paris"),
    "CH": ("Switzerland", "CHF", "SIX Swiss Exchange"),
    "US": ("United States", "USD", "New York Stock Exchange Inc."),
    "CA": ("Canada", "CAD", "Toronto Stock Exchange"),
    "SE": ("Sweden", "SEK", "Nasdaq Omx Nordic"),
    "NO": ("Norway", "NOK", "Oslo Bors Asa"),
    "FI": ("Finland", "EUR", "Nasdaq Omx Helsinki Ltd."),
    "DK": ("Denmark", "DKK", "Omx Nordic Exchange Copenhagen A/S"),
    "NL": ("Netherlands", "EUR", "Euronext Amsterdam"),
    "BE": ("Belgium", "EUR", "Euronext Brussels"),
    "IT": ("Italy", "EUR", "Borsa Italiana"),
    "ES": ("Spain", "EUR", "Bolsa De Madrid"),
    "AT": ("Austria", "EUR", "Wiener Boerse Ag"),
    "IE": ("Ireland", "EUR", "Irish Stock Exchange - All Market"),
    "JP": ("Japan", "JPY", "Tokyo Stock Exchange"),
    "AU": ("Australia", "AUD", "Asx - All Markets"),
    "NZ": ("New Zealand", "NZD", "New Zealand Exchange Ltd"),
    "XR": ("Ruritania", "USD", "Strelsau Stock Exchange"),
    "XT": ("Tarvenia", "USD", "Tarvenian Stock Exchange"),
    "XV": ("Velmora", "USD", "Velmora Securities Exchange"),
}
NASDAQ = "NASDAQ"

# the fictional states: code -> (issuer id, name)
STATES = {
    "XR": ("ruritania", "Republic of Ruritania"),
    "XT": ("tarvenia", "Federal Republic of Tarvenia"),
    "XV": ("velmora", "Kingdom of Velmora"),
    "XW": ("wendaria", "Commonwealth of Wendaria"),
    "XQ": ("quellmark", "Principality of Quellmark"),
    "XN": ("norvassa", "Republic of Norvassa"),
}

# euros per unit of each currency, per quarter (invented rates)
FX = {
    "2026Q2": {
        "EUR": 1.0,
        "USD": 0.9210,
        "GBP": 1.1705,
        "CHF": 1.0430,
        "CAD": 0.6720,
        "SEK": 0.0881,
        "NOK": 0.0859,
        "DKK": 0.1341,
        "JPY": 0.006210,
        "AUD": 0.6035,
        "NZD": 0.5520,
    },
    "2026Q3": {
        "EUR": 1.0,
        "USD": 0.9085,
        "GBP": 1.1640,
        "CHF": 1.0512,
        "CAD": 0.6655,
        "SEK": 0.0874,
        "NOK": 0.0848,
        "DKK": 0.1340,
        "JPY": 0.006080,
        "AUD": 0.5990,
        "NZD": 0.5475,
    },
}

# --------------------------------------------------------------------------------------------------
# issuers


@dataclass
class Issuer:
    issuer_id: str
    name: str
    country: str
    sector: str
    issuer_type: str = "corporate"
    parent: str | None = None
    ownership: float | None = None
    aliases: tuple[str, ...] = ()
    ticker: str | None = None  # listed shares: ticker on the home exchange
    exchange: str | None = None
    lei: str | None = None
    cusip6: str | None = None
    role: str = ""  # what the issuer is there to show (README)
    securities: list = field(default_factory=list)


ISSUERS: dict[str, Issuer] = {}


def issuer(issuer_id: str, name: str, country: str, sector: str, **kw) -> Issuer:
    if issuer_id in ISSUERS:
        raise ValueError(f"issuer {issuer_id} defined twice")
    item = Issuer(issuer_id, name, country, sector, **kw)
    ISSUERS[issuer_id] = item
    return item


# Issuers whose evidence, ownership or lists make a holding flagged, or that show why one is not.
issuer(
    "northwind_ordnance",
    "Northwind Ordnance Holdings plc",
    "GB",
    "Industrials",
    ticker="NWOH",
    aliases=("Northwind Ordnance Group",),
    role="cluster munitions producer (direct)",
)
issuer(
    "northwind_finance",
    "Northwind Finance B.V.",
    "NL",
    "Financials",
    parent="northwind_ordnance",
    ownership=1.0,
    role="financing subsidiary of Northwind Ordnance (via subsidiary)",
)
issuer(
    "corbrindle_holdings",
    "Corbrindle Holdings plc",
    "GB",
    "Industrials",
    ticker="CBRI",
    role="owns 75 % of a mine maker (via parent)",
)
issuer(
    "corbrindle_munitions",
    "Corbrindle Munitions Ltd",
    "GB",
    "Industrials",
    parent="corbrindle_holdings",
    ownership=0.75,
    role="anti-personnel mine producer, not listed, 75 % owned by Corbrindle Industrial",
)
issuer(
    "ashquill_engineering",
    "Ashquill Engineering Group plc",
    "GB",
    "Industrials",
    ticker="ASHQ",
    role="owns 35 % of Quennick Fuze: below the 50 % parent rule, not caught",
)
issuer(
    "quennick_fuzewerk",
    "Quennick Fuzewerk GmbH",
    "DE",
    "Industrials",
    parent="ashquill_engineering",
    ownership=0.35,
    role="incendiary weapons producer (direct)",
)
issuer(
    "verdanthal_biologics",
    "Verdanthal Biologics Corp.",
    "US",
    "Health Care",
    ticker="VDTB",
    exchange=NASDAQ,
    role="biological weapons development (direct)",
)
issuer(
    "vexmoor_chemiewerke",
    "Vexmoor Chemiewerke SE",
    "DE",
    "Materials",
    ticker="VXMC",
    role="chemical weapons producer (direct)",
)
issuer(
    "tallowmere_strategic",
    "Tallowmere Strategic Systems Inc.",
    "US",
    "Industrials",
    ticker="TLMS",
    role="nuclear weapons key components (direct)",
)
issuer(
    "tallowmere_guidance",
    "Tallowmere Guidance Systems LLC",
    "US",
    "Industrials",
    parent="tallowmere_strategic",
    ownership=0.60,
    role="60 % owned by Tallowmere Strategic (via subsidiary)",
)
issuer(
    "tallowmere_energy",
    "Tallowmere Energy Services Inc.",
    "US",
    "Utilities",
    parent="tallowmere_strategic",
    ownership=0.40,
    role="40 % owned by Tallowmere Strategic: below the 50 % subsidiary rule, not caught",
)
issuer(
    "hollowmarl_metals",
    "Hollowmarl Metals Corp.",
    "CA",
    "Materials",
    ticker="HLWM",
    role="depleted uranium producer, exempted by an active override",
)
issuer(
    "glintmark_photonics",
    "Glintmark Photonics Oyj",
    "FI",
    "Information Technology",
    ticker="GLNT",
    role="blinding laser developer, bought in Q3",
)
issuer(
    "ferrowisp_munizioni",
    "Ferrowisp Munizioni S.p.A.",
    "IT",
    "Industrials",
    role="non-detectable fragments producer; its bond's exemption expires between the quarters",
)
issuer(
    "bluefen_surveillance",
    "Bluefen Surveillance Systems AG",
    "CH",
    "Information Technology",
    ticker="BLFN",
    aliases=("Bluefen Surveillance",),
    role="cyber surveillance seller; supplied an interception platform to Norvassa (excluded)",
)
issuer(
    "swarmhollow_robotics",
    "Swarmhollow Robotics Inc.",
    "US",
    "Industrials",
    ticker="SWHR",
    exchange=NASDAQ,
    role="autonomous weapons developer (watch)",
)
issuer(
    "tamberlyn_drone",
    "Tamberlyn Drone Works plc",
    "GB",
    "Industrials",
    ticker="TMBD",
    role="autonomous weapons producer; the evidence is dated after Q2 (flag appears in Q3)",
)
issuer(
    "ironquell_crowd",
    "Ironquell Crowd Control plc",
    "GB",
    "Industrials",
    ticker="IRQC",
    role="abusive law-enforcement equipment producer (direct)",
)
issuer(
    "cindervale_security",
    "Cindervale Security Contractors LLC",
    "US",
    "Industrials",
    ticker="CNDV",
    role="private military services (watch)",
)
issuer(
    "ravenspur_armaments",
    "Ravenspur Armaments SE",
    "FR",
    "Industrials",
    ticker="RVSP",
    role="42 % arms revenue: above 5 %, excluded by the fund policy; sold in Q3",
)
issuer(
    "lindqvarn_bearings",
    "Lindqvarn Bearings & Machinery AB",
    "SE",
    "Industrials",
    ticker="LNDQ",
    role="3 % arms revenue (below 5 %) and dual-use parts: not flagged",
)
issuer(
    "harrowmist_aircraft",
    "Harrowmist Trainer Aircraft plc",
    "GB",
    "Industrials",
    ticker="HRWM",
    role="arms revenue share unknown (watch), enforced to exclude by an active override",
)
issuer(
    "pellmoor_naval",
    "Pellmoor Naval Yards ASA",
    "NO",
    "Industrials",
    ticker="PLMS",
    role="arms revenue share unknown (watch)",
)
issuer(
    "brassock_vehicle",
    "Brassock Vehicle Systems AG",
    "DE",
    "Industrials",
    ticker="BRSK",
    role="12 % arms revenue from a research row that names it without an issuer id",
)
issuer(
    "duskwater_shipbuilding",
    "Duskwater Shipbuilding Co. Ltd",
    "AU",
    "Industrials",
    ticker="DSKW",
    role="norms-based breach finding (direct)",
)
issuer(
    "stormbrack_defence",
    "Stormbrack Defence Exports plc",
    "GB",
    "Industrials",
    ticker="STBD",
    role="delivered armoured vehicles to Ruritania in 2024 (country exposure)",
)
issuer(
    "greyvellin_marine",
    "Greyvellin Marine Systems plc",
    "GB",
    "Industrials",
    role="delivered patrol vessels to Norvassa in 2023 (country exposure)",
)
issuer(
    "brindlemoor_vehicle",
    "Brindlemoor Vehicle Works GmbH",
    "DE",
    "Industrials",
    role="delivered to Ruritania in 2016 (outside the 5-year look-back) and to unlisted Wendaria in 2024: not flagged",
)
issuer(
    "vostran_avionics",
    "Vostran Avionics Corp.",
    "XR",
    "Industrials",
    ticker="VSTV",
    role="on the sample military end-user list (via list)",
)
issuer(
    "zelkor_radiolocation",
    "Zelkor Radiolocation Works Co., Ltd.",
    "XR",
    "Information Technology",
    role="on the sample list under an alias (via list); held as a loan known by its LEI",
)
issuer(
    "zelkor_radar_parts",
    "Zelkor Radar Parts Trading Ltd",
    "XR",
    "Information Technology",
    parent="zelkor_radiolocation",
    ownership=0.80,
    role="80 % owned by listed Zelkor Electronics (via subsidiary)",
)
issuer(
    "dravik_optronics",
    "Dravik Optronics JSC",
    "XT",
    "Information Technology",
    ticker="DRVK",
    role="list entry ends 2026-08-31: flagged in Q2, clear in Q3",
)
issuer(
    "morvane_airframe",
    "Morvane Airframe Works plc",
    "XV",
    "Industrials",
    ticker="MRVN",
    role="list entry starts 2026-07-15: clear in Q2, flagged in Q3",
)
issuer(
    "mossglade_home",
    "Mossglade Home Stores plc",
    "GB",
    "Consumer Discretionary",
    ticker="MSGH",
    parent="kettlespire_ventures",
    ownership=0.55,
    role="ownership cycle with Kettlespire Ventures (reported, not flagged)",
)
issuer(
    "kettlespire_ventures",
    "Kettlespire Ventures Ltd",
    "GB",
    "Financials",
    parent="mossglade_home",
    ownership=0.55,
    role="ownership cycle with Mossglade Home Stores (reported, not flagged)",
)
issuer(
    "tarnmoor_infrastructure",
    "Tarnmoor Infrastructure Fund",
    "IE",
    "Infrastructure",
    issuer_type="fund",
    role="a fund issuer (clear)",
)
issuer(
    "amberquay_finance",
    "Amberquay Finance B.V.",
    "NL",
    "Financials",
    parent="amberquay_freight",
    ownership=1.0,
    role="financing subsidiary of a clear company",
)

for _code, (_sid, _name) in STATES.items():
    issuer(_sid, _name, _code, "Government", issuer_type="sovereign")

# Clear companies: (issuer id, name, country, sector, ticker, exchange or None for the home one)
CLEAR = [
    ("amberquay_freight", "Amberquay Freight plc", "GB", "Industrials", "AQFR", None),
    ("bellwhistle_foods", "Bellwhistle Foods AG", "CH", "Consumer Staples", "BELW", None),
    ("briarlume_software", "Briarlume Software Inc.", "US", "Information Technology", "BRLM", NASDAQ),
    ("cobblemint_pharma", "Cobblemint Pharmaceuticals Inc.", "US", "Health Care", "CBMT", None),
    ("copperwren_broadband", "Copperwren Broadband SE", "DE", "Communication", "CPWB", None),
    ("dapplewick_insurance", "Dapplewick Insurance plc", "GB", "Financials", "DPWK", None),
    ("dovetarn_water", "Dovetarn Water Utilities plc", "GB", "Utilities", "DVTN", None),
    ("fernquist_paper", "Fernquist Paper AB", "SE", "Materials", "FRNQ", None),
    ("foxglint_semis", "Foxglint Semiconductors Inc.", "US", "Information Technology", "FXGL", NASDAQ),
    ("gorsequill_retail", "Gorsequill Retail plc", "GB", "Consumer Discretionary", "GRSQ", None),
    ("hazelrune_bank", "Hazelrune Bank N.V.", "NL", "Financials", "HZRB", None),
    ("inkwillow_media", "Inkwillow Media Inc.", "US", "Communication", "IKWM", None),
    ("juniperlace_cosmetics", "Juniperlace Cosmetiques S.A.", "FR", "Consumer Staples", "JPLC", None),
    ("larkwhistle_renewables", "Larkwhistle Renewables A/S", "DK", "Utilities", "LRKW", None),
    ("linnetcourt_properties", "Linnetcourt Properties plc", "GB", "Real Estate", "LNCP", None),
    ("lupinway_medical", "Lupinway Medical Devices Inc.", "US", "Health Care", "LPWY", None),
    ("marramfold_mining", "Marramfold Mining Ltd", "AU", "Materials", "MRFM", None),
    ("nettlespire_analytics", "Nettlespire Analytics Inc.", "US", "Information Technology", "NTSP", NASDAQ),
    ("oakenquill_brewing", "Oakenquill Brewing N.V.", "BE", "Consumer Staples", "OAKQ", None),
    ("orrisvane_energy", "Orrisvane Energy ASA", "NO", "Energy", "ORVE", None),
    ("otterlume_games", "Otterlume Games K.K.", "JP", "Communication", "OTLM", None),
    ("pebblewick_biotech", "Pebblewick Biotech Inc.", "US", "Health Care", "PBWK", NASDAQ),
    ("plumtarn_apparel", "Plumtarn Apparel S.p.A.", "IT", "Consumer Discretionary", "PLTA", None),
    ("quincebrook_rail", "Quincebrook Rail plc", "GB", "Industrials", "QBRL", None),
    ("rookwhistle_payments", "Rookwhistle Payments Inc.", "US", "Financials", "RKWP", None),
    ("saffronholt_foods", "Saffronholt Foods plc", "GB", "Consumer Staples", "SFHT", None),
    ("sedgewhistle_cloud", "Sedgewhistle Cloud Inc.", "CA", "Information Technology", "SDGW", None),
    ("sorrelgate_hotels", "Sorrelgate Hoteles S.A.", "ES", "Consumer Discretionary", "SRGH", None),
    ("starlingmoor_glass", "Starlingmoor Glass AG", "DE", "Materials", "STGL", None),
    ("tansymere_health", "Tansymere Health plc", "GB", "Health Care", "TNSY", None),
    ("teasellume_lighting", "Teasellume Lighting N.V.", "NL", "Industrials", "TSLL", None),
    ("umberquay_shipping", "Umberquay Shipping A/S", "DK", "Industrials", "UMBQ", None),
    ("vetchwood_timber", "Vetchwood Timber Oyj", "FI", "Materials", "VTCW", None),
    ("wagtailmere_insurance", "Wagtailmere Versicherung AG", "DE", "Financials", "WGTM", None),
    ("willowquill_education", "Willowquill Education Inc.", "US", "Consumer Discretionary", "WLQE", None),
    ("wrenfallow_foods", "Wrenfallow Foods plc", "GB", "Consumer Staples", "WRNF", None),
    ("yarrowmint_dairies", "Yarrowmint Dairies plc", "IE", "Consumer Staples", "YRMD", None),
    ("zephyrquill_airways", "Zephyrquill Airways plc", "GB", "Industrials", "ZPHQ", None),
    ("thimblecrest_software", "Thimblecrest Software AB", "SE", "Information Technology", "THMB", None),
    ("puddlefern_toys", "Puddlefern Toys Inc.", "US", "Consumer Discretionary", "PDFT", NASDAQ),
    ("brambletarn_utilities", "Brambletarn Utilities S.p.A.", "IT", "Utilities", "BRTU", None),
    ("gillyfrost_foods", "Gillyfrost Foods N.V.", "NL", "Consumer Staples", "GLYF", None),
    ("quailspire_asset", "Quailspire Asset Management plc", "GB", "Financials", "QSAM", None),
    ("harebellow_telecom", "Harebellow Telecom Oyj", "FI", "Communication", "HRBT", None),
    ("cloudwhistle_datacentres", "Cloudwhistle Data Centres plc", "GB", "Real Estate", "CLWD", None),
    ("fiddlewick_instruments", "Fiddlewick Instruments Inc.", "US", "Information Technology", "FDWK", NASDAQ),
    ("nutmeadow_grocers", "Nutmeadow Grocers plc", "GB", "Consumer Staples", "NTMG", None),
    ("mallowbrisk_beverages", "Mallowbrisk Beverages Inc.", "US", "Consumer Staples", "MLWB", None),
    ("pipwhistle_networks", "Pipwhistle Networks Inc.", "US", "Information Technology", "PPWN", NASDAQ),
    ("snowquill_outdoor", "Snowquill Outdoor AG", "AT", "Consumer Discretionary", "SNWQ", None),
    ("tarnlume_pharma", "Tarnlume Pharma A/S", "DK", "Health Care", "TRNL", None),
    ("cresswhistle_bank", "Cresswhistle Bank plc", "GB", "Financials", "CRSW", None),
    ("hollyquay_ports", "Hollyquay Ports Ltd", "AU", "Industrials", "HLQP", None),
    ("bramblequay_energy", "Bramblequay Energy Inc.", "CA", "Energy", "BRQE", None),
    ("fenneltarn_agri", "Fenneltarn Agriculture Ltd", "NZ", "Consumer Staples", "FNTA", None),
    ("sparrowtine_elevators", "Sparrowtine Elevators AG", "CH", "Industrials", "SPRT", None),
    ("thornlume_solar", "Thornlume Solar SE", "DE", "Utilities", "THLS", None),
    ("kittiwick_cables", "Kittiwick Cables plc", "GB", "Industrials", "KTWC", None),
    ("siskinmere_microchips", "Siskinmere Microchips K.K.", "JP", "Information Technology", "SKMC", None),
    ("corncrakewick_seeds", "Corncrakewick Seeds Inc.", "US", "Materials", "CCWS", None),
    ("whimbrelcourt_insurance", "Whimbrelcourt Insurance plc", "IE", "Financials", "WMBC", None),
]
for _id, _name, _country, _sector, _ticker, _exchange in CLEAR:
    issuer(_id, _name, _country, _sector, ticker=_ticker, exchange=_exchange, role="clear")


def exchange_of(item: Issuer) -> str:
    return item.exchange or PLACES[item.country][2]


# --------------------------------------------------------------------------------------------------
# identifiers: valid check digits, private-use ranges, never a real security

_CUSIP_SERIAL = iter(range(1, 10_000))
_SEDOL_SERIAL = iter(range(1, 100_000))
_SMPL_SERIAL = iter(range(1, 100_000))
_BOND_ISSUE = [a + b for a in "ABCDEFGH" for b in "ABCDEFGHJKLMNPQRSTUVWXYZ"]


def _isin(body: str) -> str:
    value = body + isin_check_digit(body)
    assert is_valid_isin(value), value
    return value


def _cusip(body: str) -> str:
    value = body + cusip_check_digit(body)
    assert is_valid_cusip(value), value
    return value


def new_sedol() -> str:
    body = f"9{next(_SEDOL_SERIAL):05d}"  # SEDOLs starting with 9 are for end-user allocation
    value = body + sedol_check_digit(body)
    assert is_valid_sedol(value), value
    return value


def smpl_isin(prefix: str) -> str:
    return _isin(f"{prefix}SMPL{next(_SMPL_SERIAL):05d}")


def cusip6(item: Issuer) -> str:
    if item.cusip6 is None:  # CUSIP issuer numbers 990000-999999 are reserved for private use
        item.cusip6 = f"99{next(_CUSIP_SERIAL):04d}"
    return item.cusip6


def lei_for(issuer_id: str) -> str:
    body = "SMPL00" + "".join(c for c in issuer_id.upper() if c.isalnum())[:12].ljust(12, "0")
    digits = "".join(str(int(c, 36)) for c in body + "00")
    value = body + f"{98 - int(digits) % 97:02d}"
    assert is_valid_lei(value), value
    return value


@dataclass
class Security:
    key: str  # a short handle used by the portfolio specs below
    issuer_id: str
    kind: str  # equity, bond, sovereign, fund
    isin: str | None = None
    cusip: str | None = None
    sedol: str | None = None
    ticker: str | None = None
    exchange: str | None = None
    coupon: float | None = None
    maturity: dt.date | None = None
    currency: str = "EUR"


SECURITIES: dict[str, Security] = {}


def add_security(sec: Security) -> Security:
    if sec.key in SECURITIES:
        raise ValueError(f"security {sec.key} defined twice")
    SECURITIES[sec.key] = sec
    ISSUERS[sec.issuer_id].securities.append(sec)
    return sec


def equity(issuer_id: str) -> Security:
    item = ISSUERS[issuer_id]
    sedol = new_sedol()
    cusip = None
    if item.country in ("US", "CA"):
        cusip = _cusip(cusip6(item) + "10")
        isin = _isin(item.country + cusip)
    elif item.country == "GB":
        isin = _isin("GB00" + sedol)
    else:
        isin = smpl_isin(item.country)
    currency = PLACES[item.country][1]
    return add_security(
        Security(
            f"{issuer_id}:eq",
            issuer_id,
            "equity",
            isin,
            cusip,
            sedol,
            item.ticker,
            exchange_of(item),
            currency=currency,
        )
    )


def bond(
    issuer_id: str, coupon: float, maturity: dt.date, currency: str, *, isin: bool = True, sedol: bool = False
) -> Security:
    item = ISSUERS[issuer_id]
    key = f"{issuer_id}:{maturity.year}"
    cusip = None
    if item.country in ("US", "CA"):
        issue = _BOND_ISSUE[sum(1 for s in item.securities if s.kind == "bond")]
        cusip = _cusip(cusip6(item) + issue)
        code = _isin(item.country + cusip) if isin else None
    else:
        code = smpl_isin("XS") if isin else None
    return add_security(
        Security(
            key,
            issuer_id,
            "bond",
            code,
            cusip,
            new_sedol() if sedol else None,
            coupon=coupon,
            maturity=maturity,
            currency=currency,
        )
    )


def sovereign(code: str, coupon: float, maturity: dt.date, currency: str) -> Security:
    sid = STATES[code][0]
    return add_security(
        Security(
            f"{sid}:{maturity.year}",
            sid,
            "sovereign",
            smpl_isin(code),
            coupon=coupon,
            maturity=maturity,
            currency=currency,
        )
    )


D = dt.date

# listed shares of every issuer with a ticker
for _item in list(ISSUERS.values()):
    if _item.ticker:
        equity(_item.issuer_id)
    if _item.issuer_type in ("corporate", "fund"):
        _item.lei = lei_for(_item.issuer_id)

# bonds that the portfolios hold (a subsidiary's bond maps to the subsidiary)
bond("northwind_finance", 3.25, D(2029, 3, 15), "EUR")
bond("northwind_finance", 4.10, D(2033, 10, 2), "EUR")
bond("northwind_ordnance", 5.00, D(2030, 6, 20), "GBP")
bond("corbrindle_holdings", 3.75, D(2032, 5, 11), "GBP")
bond("tallowmere_guidance", 4.75, D(2031, 2, 1), "USD")
bond("tallowmere_energy", 3.90, D(2028, 11, 15), "USD")
bond("quennick_fuzewerk", 2.875, D(2029, 4, 12), "EUR")
bond("ferrowisp_munizioni", 3.60, D(2030, 9, 30), "EUR")
bond("greyvellin_marine", 5.25, D(2032, 7, 10), "GBP")
bond("zelkor_radar_parts", 6.50, D(2028, 12, 1), "USD")
bond("cindervale_security", 7.25, D(2029, 8, 15), "USD", isin=False)  # 144A note: CUSIP only
bond("ironquell_crowd", 6.00, D(2029, 3, 1), "GBP", sedol=True)
bond("stormbrack_defence", 4.50, D(2030, 1, 24), "GBP")
bond("duskwater_shipbuilding", 5.10, D(2029, 6, 5), "AUD")
bond("hollowmarl_metals", 4.20, D(2031, 10, 18), "CAD")
bond("brindlemoor_vehicle", 3.10, D(2028, 4, 27), "EUR")
bond("lindqvarn_bearings", 2.60, D(2030, 2, 14), "EUR")
bond("ashquill_engineering", 4.00, D(2031, 9, 9), "GBP")
bond("kettlespire_ventures", 5.40, D(2028, 6, 30), "GBP")
bond("amberquay_finance", 2.25, D(2028, 3, 1), "EUR")
bond("amberquay_finance", 3.40, D(2032, 3, 1), "EUR")
bond("hazelrune_bank", 3.00, D(2029, 1, 22), "EUR")
bond("hazelrune_bank", 4.25, D(2034, 1, 22), "EUR")
bond("dovetarn_water", 4.625, D(2033, 8, 8), "GBP")
bond("dovetarn_water", 2.50, D(2027, 8, 8), "GBP")
bond("copperwren_broadband", 3.125, D(2030, 11, 4), "EUR")
bond("cobblemint_pharma", 4.40, D(2031, 5, 15), "USD")
bond("rookwhistle_payments", 5.05, D(2029, 12, 1), "USD")
bond("sorrelgate_hotels", 3.875, D(2028, 10, 3), "EUR")
bond("quincebrook_rail", 4.10, D(2032, 4, 1), "GBP")
bond("quincebrook_rail", 1.95, D(2026, 8, 14), "GBP")  # matures between the quarters
bond("orrisvane_energy", 4.35, D(2030, 6, 18), "EUR")
bond("marramfold_mining", 5.60, D(2029, 9, 25), "USD")
bond("bramblequay_energy", 4.80, D(2031, 3, 31), "USD")
bond("larkwhistle_renewables", 3.30, D(2033, 2, 7), "EUR")
bond("umberquay_shipping", 4.15, D(2030, 5, 20), "EUR")
bond("cresswhistle_bank", 4.90, D(2034, 7, 12), "GBP")
bond("cresswhistle_bank", 3.20, D(2028, 7, 12), "GBP")
bond("wagtailmere_insurance", 3.70, D(2036, 12, 1), "EUR")
bond("linnetcourt_properties", 2.90, D(2029, 2, 28), "GBP")
bond("brambletarn_utilities", 3.55, D(2032, 10, 15), "EUR")
bond("zephyrquill_airways", 5.75, D(2030, 4, 22), "GBP")
bond("hollyquay_ports", 4.45, D(2031, 11, 11), "AUD")
bond("sedgewhistle_cloud", 5.20, D(2029, 6, 1), "USD")
bond("tansymere_health", 3.35, D(2031, 1, 17), "GBP")
bond("gillyfrost_foods", 2.70, D(2030, 8, 26), "EUR")
bond("thornlume_solar", 3.95, D(2034, 4, 4), "EUR")
bond("dapplewick_insurance", 4.05, D(2035, 9, 19), "GBP")
bond("pipwhistle_networks", 5.35, D(2030, 2, 15), "USD")
bond("juniperlace_cosmetics", 2.45, D(2029, 5, 6), "EUR")
bond("fernquist_paper", 3.65, D(2031, 6, 24), "EUR")  # bought in Q3
add_security(
    Security("tarnmoor_infrastructure:fund", "tarnmoor_infrastructure", "fund", smpl_isin("IE"), currency="EUR")
)

sovereign("XR", 6.25, D(2031, 3, 15), "USD")
sovereign("XT", 5.50, D(2029, 11, 1), "EUR")
sovereign("XV", 4.875, D(2033, 5, 20), "USD")
sovereign("XW", 3.25, D(2030, 9, 1), "EUR")
sovereign("XQ", 2.75, D(2035, 2, 15), "EUR")
sovereign("XN", 7.00, D(2028, 4, 30), "USD")

# ISINs that appear in the holdings but not in the universe: one unknown, one mistyped
UNKNOWN_ISIN = smpl_isin("XS")
_good = smpl_isin("XS")
MISTYPED_ISIN = _good[:11] + str((int(_good[11]) + 3) % 10)  # wrong check digit
assert not is_valid_isin(MISTYPED_ISIN)

# --------------------------------------------------------------------------------------------------
# evidence

INVOLVEMENT = [
    # issuer_id, issuer_name (name-only rows), category, involvement_type, revenue_share, date, note
    (
        "northwind_ordnance",
        None,
        "cluster_munitions",
        "production",
        None,
        D(2025, 11, 3),
        "Produces 155 mm cargo shells carrying explosive submunitions (fictional).",
    ),
    (
        "corbrindle_munitions",
        None,
        "anti_personnel_mines",
        "production",
        None,
        D(2025, 9, 18),
        "Manufactures victim-activated scatterable mines (fictional).",
    ),
    (
        "verdanthal_biologics",
        None,
        "biological_weapons",
        "development",
        None,
        D(2025, 6, 2),
        "Runs a pathogen weaponisation programme under a defence contract (fictional).",
    ),
    (
        "vexmoor_chemiewerke",
        None,
        "chemical_weapons",
        "production",
        None,
        D(2025, 10, 21),
        "Produces nerve-agent precursors for a weapons programme (fictional).",
    ),
    (
        "tallowmere_strategic",
        None,
        "nuclear_weapons",
        "key_components",
        None,
        D(2026, 1, 14),
        "Supplies re-entry vehicle guidance units made for nuclear warheads (fictional).",
    ),
    (
        "hollowmarl_metals",
        None,
        "depleted_uranium",
        "production",
        None,
        D(2025, 12, 5),
        "Machines depleted-uranium penetrator cores (fictional).",
    ),
    (
        "quennick_fuzewerk",
        None,
        "incendiary_weapons",
        "production",
        None,
        D(2026, 2, 10),
        "Produces white-phosphorus incendiary munitions (fictional).",
    ),
    (
        "glintmark_photonics",
        None,
        "blinding_lasers",
        "development",
        None,
        D(2026, 3, 3),
        "Develops a laser dazzler designed to cause permanent blindness (fictional).",
    ),
    (
        "ferrowisp_munizioni",
        None,
        "non_detectable_fragments",
        "production",
        None,
        D(2025, 8, 27),
        "Produces polymer-cased fragmentation munitions invisible to X-rays (fictional).",
    ),
    (
        "bluefen_surveillance",
        None,
        "cyber_surveillance",
        "sale",
        None,
        D(2026, 4, 8),
        "Sells intrusion software to security services (fictional).",
    ),
    (
        "swarmhollow_robotics",
        None,
        "autonomous_weapons",
        "development",
        None,
        D(2026, 2, 19),
        "Develops loitering munitions that select targets without human control (fictional).",
    ),
    (
        "tamberlyn_drone",
        None,
        "autonomous_weapons",
        "production",
        None,
        D(2026, 8, 12),
        "Began series production of autonomous attack drones in August 2026 (fictional).",
    ),
    (
        "ironquell_crowd",
        None,
        "abusive_law_enforcement_equipment",
        "production",
        None,
        D(2025, 11, 27),
        "Produces spiked batons and electric-shock restraint belts (fictional).",
    ),
    (
        "cindervale_security",
        None,
        "private_military_services",
        "services",
        None,
        D(2026, 1, 30),
        "Provides armed combat support to state forces abroad (fictional).",
    ),
    (
        "ravenspur_armaments",
        None,
        "conventional_weapons",
        "arms_revenue",
        0.42,
        D(2026, 5, 15),
        "Arms revenue 42 % of total revenue, fiscal 2025 (fictional).",
    ),
    (
        "lindqvarn_bearings",
        None,
        "conventional_weapons",
        "arms_revenue",
        0.03,
        D(2026, 5, 15),
        "Arms revenue 3 % of total revenue, fiscal 2025 (fictional).",
    ),
    (
        "lindqvarn_bearings",
        None,
        "cluster_munitions",
        "dual_use_components",
        None,
        D(2026, 5, 15),
        "Sells general-purpose bearings also used in submunition dispensers (fictional).",
    ),
    (
        "harrowmist_aircraft",
        None,
        "conventional_weapons",
        "arms_revenue",
        None,
        D(2026, 5, 15),
        "Builds military trainer aircraft; arms revenue share not disclosed (fictional).",
    ),
    (
        "pellmoor_naval",
        None,
        "conventional_weapons",
        "arms_revenue",
        None,
        D(2026, 5, 15),
        "Builds naval auxiliaries; arms revenue share not disclosed (fictional).",
    ),
    (
        None,
        "BRASSOCK VEHICLE SYSTEMS",
        "conventional_weapons",
        "arms_revenue",
        0.12,
        D(2026, 5, 15),
        "Arms revenue 12 % of total revenue, fiscal 2025; row names the company only (fictional).",
    ),
    (
        "duskwater_shipbuilding",
        None,
        "norms_breach",
        "breach",
        None,
        D(2025, 12, 12),
        "Severe and systematic labour-rights abuses at its yards, unremedied (fictional finding).",
    ),
]

EXPOSURE = [
    # issuer_id, recipient, year, description, value (EUR million), category (None: arms)
    ("stormbrack_defence", "XR", 2024, "armoured personnel carriers", 48.0, None),
    ("greyvellin_marine", "XN", 2023, "offshore patrol vessels", 120.0, None),
    ("brindlemoor_vehicle", "XR", 2016, "military trucks", 22.0, None),
    ("brindlemoor_vehicle", "XW", 2024, "military trucks", 31.0, None),
    ("bluefen_surveillance", "XN", 2025, "lawful-interception platform", 6.5, "cyber_surveillance"),
]

COUNTRY_LISTS = [
    # list_id, country, valid_from, valid_to
    ("sample_arms_embargo", "XR", D(2014, 3, 1), None),
    ("sample_arms_embargo", "XT", D(2019, 5, 1), D(2026, 8, 15)),
    ("sample_arms_embargo", "XV", D(2026, 7, 20), None),
    ("sample_not_free", "XR", D(2018, 1, 1), None),
    ("sample_not_free", "XN", D(2020, 1, 1), None),
]

ENTITY_LISTS = [
    # name, aliases, parent_name, valid_from, valid_to
    ("VOSTRAN AVIONICS CORPORATION", "Vostran Avionics", None, D(2023, 3, 1), None),
    (
        "Zelkor Research Bureau No. 4",
        "Zelkor Radiolocation Works | ZRB-4",
        "Ruritanian State Electronics Concern",
        D(2021, 9, 15),
        None,
    ),
    ("Dravik Optronics JSC", None, None, D(2022, 5, 1), D(2026, 8, 31)),
    ("MORVANE AIRFRAME WORKS", None, None, D(2026, 7, 15), None),
    ("Halvreth Munitions Depot 12", None, "Ruritanian State Electronics Concern", D(2020, 1, 1), None),
]

OVERRIDES = [
    # issuer_id, isin (security key), criterion, decision, rationale, approver, approved, expires
    (
        "hollowmarl_metals",
        None,
        "depleted_uranium",
        "exempt",
        "Fictional: the company closed its penetrator line in May 2026; exempt until the research "
        "provider confirms the closure",
        "Responsible Investment Committee",
        D(2026, 3, 16),
        D(2027, 3, 31),
    ),
    (
        "harrowmist_aircraft",
        None,
        "conventional_weapons",
        "enforce",
        "Fictional: our own engagement found arms revenue well above 5 %; exclude without waiting "
        "for a disclosed figure",
        "Responsible Investment Committee",
        D(2026, 4, 20),
        D(2027, 4, 30),
    ),
    (
        None,
        "ferrowisp_munizioni:2030",
        "non_detectable_fragments",
        "exempt",
        "Fictional: use-of-proceeds bond financing a civil plant; exemption for one year under engagement",
        "Chief Investment Officer",
        D(2025, 9, 1),
        D(2026, 8, 31),
    ),
]

# --------------------------------------------------------------------------------------------------
# portfolios


@dataclass
class Row:
    """One position of a portfolio in one quarter, with how the file shows it."""

    kind: str  # security, cash, money_market, fx, futures
    security: str | None = None  # key in SECURITIES
    mode: str = "code"  # code, cusip, sedol, lei, ticker_country, name
    name: str | None = None  # the name as the file writes it (None: derived)
    ticker: str | None = None  # ticker as the file writes it (None: the security's)
    exchange: str | None = None
    weight: float | None = None  # target weight in %; None: a pseudo-random size
    currency: str | None = None
    asset_class: str | None = None
    country: str | None = None  # where the file locates a position without an issuer
    sector: str | None = None
    note: str = ""
    expected_issuer: str | None = None  # issuer a resolution must find (None: none)
    method: str | None = None  # resolution method the screen must report


def file_name(item: Issuer) -> str:
    """An issuer-style upper-case name: no full stops or commas."""
    return item.name.upper().replace(".", "").replace(",", "")


def eq(issuer_id: str, weight: float | None = None) -> Row:
    return Row("security", f"{issuer_id}:eq", weight=weight, expected_issuer=issuer_id, method="ticker_exchange")


CLEAR_EQUITY = [c[0] for c in CLEAR if c[0] not in {"otterlume_games", "siskinmere_microchips"}]

EQUITY_Q2 = [
    eq("northwind_ordnance", 0.85),
    eq("corbrindle_holdings", 0.62),
    eq("ashquill_engineering", 0.48),
    eq("verdanthal_biologics", 0.31),
    eq("vexmoor_chemiewerke", 0.54),
    eq("tallowmere_strategic", 1.12),
    eq("bluefen_surveillance", 0.44),
    eq("swarmhollow_robotics", 0.37),
    eq("tamberlyn_drone", 0.29),
    eq("ironquell_crowd", 0.21),
    Row(
        "security",
        "cindervale_security:eq",
        name="CINDERVALE SECURITY CONTRACTOR",
        ticker="CVSC",
        weight=0.26,
        expected_issuer="cindervale_security",
        method="name_fuzzy",
        note="ticker not in the universe; name misspelt (fuzzy match above the bar)",
    ),
    Row(
        "security",
        "ravenspur_armaments:eq",
        name="RAVENSPUR ARMAMENTS SE",
        ticker="RVNA",
        weight=0.58,
        expected_issuer="ravenspur_armaments",
        method="name_exact",
        note="ticker not in the universe; name equal after normalisation",
    ),
    eq("lindqvarn_bearings", 0.66),
    eq("harrowmist_aircraft", 0.47),
    eq("pellmoor_naval", 0.33),
    eq("brassock_vehicle", 0.39),
    eq("duskwater_shipbuilding", 0.28),
    eq("stormbrack_defence", 0.35),
    eq("vostran_avionics", 0.18),
    eq("dravik_optronics", 0.16),
    eq("morvane_airframe", 0.19),
    eq("hollowmarl_metals", 0.41),
    eq("mossglade_home", 0.52),
    *[eq(i) for i in CLEAR_EQUITY],
    Row(
        "security",
        None,
        name="PELMOOR NAVAL YARDS NORGE",
        ticker="PMSY",
        weight=0.12,
        exchange=PLACES["NO"][2],
        currency="NOK",
        country="NO",
        sector="Industrials",
        note="doubtful name match to Pellmoor Naval Yards (0.84, below the 0.90 bar): review",
    ),
    Row(
        "security",
        None,
        name="TWEEDLEMUFF CONFECTIONERY INC",
        ticker="TWDM",
        weight=0.14,
        exchange=NASDAQ,
        currency="USD",
        country="US",
        sector="Consumer Staples",
        note="not in the universe: unresolved",
    ),
    Row(
        "security",
        None,
        name="GLOAMBRIDGE LEISURE PLC",
        ticker="GLMB",
        weight=0.11,
        exchange=PLACES["GB"][2],
        currency="GBP",
        country="GB",
        sector="Consumer Discretionary",
        note="not in the universe: unresolved",
    ),
    Row(
        "security",
        None,
        name="PIRRIWEATHER PAPER MILLS AB",
        ticker="PRWP",
        weight=0.09,
        exchange=PLACES["SE"][2],
        currency="SEK",
        country="SE",
        sector="Materials",
        note="not in the universe: unresolved",
    ),
    Row("money_market", name="LANTERNWICK EUR LIQUIDITY FUND", ticker="LWLIQ", weight=0.95, country="IE"),
    Row("cash", name="EUR CASH", ticker="EUR", weight=0.42, currency="EUR"),
    Row("cash", name="USD CASH", ticker="USD", weight=0.17, currency="USD", country="US"),
    Row("futures", name="SAMPLE WORLD EQUITY INDEX FUT {m}", ticker="LWQ{c}", exchange="Eurex Deutschland"),
]

# bought in Q3, sold in Q3
EQUITY_Q3 = [r for r in EQUITY_Q2 if r.security != "ravenspur_armaments:eq"]
EQUITY_Q3.insert(6, eq("glintmark_photonics", 0.24))


def bd(key: str, weight: float | None = None, mode: str = "code", method: str = "isin", note: str = "") -> Row:
    return Row(
        "security", key, mode=mode, weight=weight, expected_issuer=SECURITIES[key].issuer_id, method=method, note=note
    )


BONDS_Q2 = [
    bd("northwind_finance:2029", 1.35),
    bd("northwind_finance:2033", 0.92),
    bd("northwind_ordnance:2030", 0.81),
    bd("corbrindle_holdings:2032", 0.64),
    bd("tallowmere_guidance:2031", 1.08),
    bd("tallowmere_energy:2028", 0.97),
    bd("quennick_fuzewerk:2029", 0.55),
    bd("ferrowisp_munizioni:2030", 0.73),
    bd("greyvellin_marine:2032", 0.88),
    bd("zelkor_radar_parts:2028", 0.31),
    bd(
        "cindervale_security:2029",
        0.47,
        mode="cusip",
        method="cusip",
        note="only a CUSIP in the file; the universe knows the note by CUSIP only",
    ),
    bd("ironquell_crowd:2029", 0.52, mode="sedol", method="sedol", note="only a SEDOL in the file"),
    bd("hollowmarl_metals:2031", 0.66),
    bd("brindlemoor_vehicle:2028", 0.71),
    bd("lindqvarn_bearings:2030", 0.83),
    bd("ashquill_engineering:2031", 0.94),
    bd("kettlespire_ventures:2028", 0.58),
    *[
        bd(k)
        for k, s in SECURITIES.items()
        if s.kind == "bond"
        and s.issuer_id in {c[0] for c in CLEAR} | {"amberquay_finance"}
        and k != "fernquist_paper:2031"
    ],
    Row(
        "security",
        None,
        mode="code",
        name="HARROWMIST AIRCRAFT LEASING LTD",
        weight=0.44,
        note="ISIN not in the universe; name 0.85 to Harrowmist Trainer Aircraft; analyst rejected",
    ),
    Row(
        "security",
        None,
        mode="bad_isin",
        name="QUOLLHAVEN FERRIES LTD",
        weight=0.36,
        note="ISIN with a wrong check digit and an unknown name: unresolved",
    ),
]
BONDS_Q3 = [r for r in BONDS_Q2 if r.security != "quincebrook_rail:2026"]
BONDS_Q3.insert(20, bd("fernquist_paper:2031", 1.02))


def ma(
    key: str,
    weight: float | None = None,
    mode: str = "code",
    method: str = "isin",
    note: str = "",
    asset_class: str | None = None,
) -> Row:
    return Row(
        "security",
        key,
        mode=mode,
        weight=weight,
        expected_issuer=SECURITIES[key].issuer_id,
        method=method,
        note=note,
        asset_class=asset_class,
    )


MULTI_Q2 = [
    ma("bluefen_surveillance:eq", 1.10),
    ma("tallowmere_strategic:eq", 1.45),
    ma("foxglint_semis:eq", 2.10),
    ma("hazelrune_bank:eq", 1.65),
    ma("larkwhistle_renewables:eq", 1.20),
    ma("gillyfrost_foods:eq", 1.35),
    ma("siskinmere_microchips:eq", 1.05),
    ma("pebblewick_biotech:eq", 0.95),
    ma("saffronholt_foods:eq", 0.90),
    ma("otterlume_games:eq", 0.85, mode="ticker_country", method="ticker_country", note="ticker and country only"),
    ma("stormbrack_defence:2030", 1.40),
    ma("duskwater_shipbuilding:2029", 0.95),
    ma("amberquay_finance:2032", 2.30),
    ma("dapplewick_insurance:2035", 1.75),
    ma("thornlume_solar:2034", 1.60),
    ma("pipwhistle_networks:2030", 1.25),
    ma("juniperlace_cosmetics:2029", 1.15),
    ma("hazelrune_bank:2034", 1.85),
    Row(
        "security",
        None,
        mode="lei",
        name="ZELKOR RADIOLOCATION TERM LOAN B 2028",
        weight=0.60,
        asset_class="Loan",
        expected_issuer="zelkor_radiolocation",
        method="lei",
        note="a loan known only by its borrower's LEI",
    ),
    Row(
        "security",
        None,
        mode="name",
        name="SWARMHOLOW ROBOTIC SYS",
        weight=0.40,
        asset_class="Private Equity",
        expected_issuer="swarmhollow_robotics",
        method="analyst_confirmed",
        note="name only, doubtful match to Swarmhollow Robotics; analyst confirmed",
    ),
    Row(
        "security",
        None,
        mode="name",
        name="BRACKENFOLD ORCHARD CO-INVEST LP",
        weight=0.55,
        asset_class="Private Equity",
        note="name only, not in the universe: unresolved",
    ),
    ma("tarnmoor_infrastructure:fund", 2.40, asset_class="Infrastructure Fund"),
    ma("ruritania:2031", 2.20),
    ma("tarvenia:2029", 1.90),
    ma("velmora:2033", 1.70),
    ma("wendaria:2030", 3.10),
    ma("quellmark:2035", 2.80),
    ma("norvassa:2028", 1.30),
    Row("money_market", name="LANTERNWICK EUR LIQUIDITY FUND", weight=4.10, currency="EUR"),
    Row("cash", name="EUR CASH", weight=1.85, currency="EUR"),
    Row("cash", name="USD CASH", weight=0.62, currency="USD"),
    Row("cash", name="GBP CASH", weight=0.28, currency="GBP"),
    Row("fx", name="FX FORWARD BUY EUR SELL USD {d}", currency="USD"),
    Row("fx", name="FX FORWARD BUY EUR SELL GBP {d}", currency="GBP"),
    Row("fx", name="FX FORWARD BUY EUR SELL CHF {d}", currency="CHF"),
    Row("fx", name="FX FORWARD BUY USD SELL EUR {d}", currency="EUR"),
    Row("futures", name="SAMPLE WORLD EQUITY INDEX FUT {m}", currency="EUR"),
    Row("futures", name="SAMPLE EURO GOVERNMENT BOND FUT {m}", currency="EUR"),
]
MULTI_Q3 = list(MULTI_Q2)

PORTFOLIOS = {
    "2026Q2": {"global_equity": EQUITY_Q2, "corporate_bonds": BONDS_Q2, "multi_asset": MULTI_Q2},
    "2026Q3": {"global_equity": EQUITY_Q3, "corporate_bonds": BONDS_Q3, "multi_asset": MULTI_Q3},
}
TOTALS = {"global_equity": 2_418_000_000.0, "corporate_bonds": 1_236_000_000.0, "multi_asset": 684_000_000.0}

# --------------------------------------------------------------------------------------------------
# what a screen must find: issuer-level hits per quarter, then overrides, then holding status

EXCLUDE, WATCH = "exclude", "watch"
HITS_BOTH = {
    "northwind_ordnance": [("cluster_munitions", "direct", "northwind_ordnance", EXCLUDE)],
    "northwind_finance": [("cluster_munitions", "subsidiary", "northwind_ordnance", EXCLUDE)],
    "corbrindle_holdings": [("anti_personnel_mines", "parent", "corbrindle_munitions", EXCLUDE)],
    "verdanthal_biologics": [("biological_weapons", "direct", "verdanthal_biologics", EXCLUDE)],
    "vexmoor_chemiewerke": [("chemical_weapons", "direct", "vexmoor_chemiewerke", EXCLUDE)],
    "tallowmere_strategic": [("nuclear_weapons", "direct", "tallowmere_strategic", EXCLUDE)],
    "tallowmere_guidance": [("nuclear_weapons", "subsidiary", "tallowmere_strategic", EXCLUDE)],
    "hollowmarl_metals": [("depleted_uranium", "direct", "hollowmarl_metals", EXCLUDE)],
    "quennick_fuzewerk": [("incendiary_weapons", "direct", "quennick_fuzewerk", EXCLUDE)],
    "glintmark_photonics": [("blinding_lasers", "direct", "glintmark_photonics", EXCLUDE)],
    "ferrowisp_munizioni": [("non_detectable_fragments", "direct", "ferrowisp_munizioni", EXCLUDE)],
    "bluefen_surveillance": [
        ("cyber_surveillance", "direct", "bluefen_surveillance", WATCH),
        ("surveillance_exports_to_repressive_states", "country_exposure", "bluefen_surveillance", EXCLUDE),
    ],
    "swarmhollow_robotics": [("autonomous_weapons", "direct", "swarmhollow_robotics", WATCH)],
    "ironquell_crowd": [("abusive_law_enforcement_equipment", "direct", "ironquell_crowd", EXCLUDE)],
    "cindervale_security": [("private_military_services", "direct", "cindervale_security", WATCH)],
    "ravenspur_armaments": [("conventional_weapons", "direct", "ravenspur_armaments", EXCLUDE)],
    "harrowmist_aircraft": [("conventional_weapons", "direct", "harrowmist_aircraft", WATCH)],
    "pellmoor_naval": [("conventional_weapons", "direct", "pellmoor_naval", WATCH)],
    "brassock_vehicle": [("conventional_weapons", "direct", "brassock_vehicle", EXCLUDE)],
    "duskwater_shipbuilding": [("norms_based_breaches", "direct", "duskwater_shipbuilding", EXCLUDE)],
    "stormbrack_defence": [("arms_sales_rights_violating_regimes", "country_exposure", "stormbrack_defence", WATCH)],
    "greyvellin_marine": [("arms_sales_rights_violating_regimes", "country_exposure", "greyvellin_marine", WATCH)],
    "vostran_avionics": [("official_military_lists", "list", "vostran_avionics", EXCLUDE)],
    "zelkor_radiolocation": [("official_military_lists", "list", "zelkor_radiolocation", EXCLUDE)],
    "zelkor_radar_parts": [("official_military_lists", "subsidiary", "zelkor_radiolocation", EXCLUDE)],
    "ruritania": [("sovereign_arms_embargo", "sovereign", "ruritania", EXCLUDE)],
}
HITS_ONLY = {
    "2026Q2": {
        "dravik_optronics": [("official_military_lists", "list", "dravik_optronics", EXCLUDE)],
        "tarvenia": [("sovereign_arms_embargo", "sovereign", "tarvenia", EXCLUDE)],
    },
    "2026Q3": {
        "tamberlyn_drone": [("autonomous_weapons", "direct", "tamberlyn_drone", WATCH)],
        "morvane_airframe": [("official_military_lists", "list", "morvane_airframe", EXCLUDE)],
        "velmora": [("sovereign_arms_embargo", "sovereign", "velmora", EXCLUDE)],
    },
}

# doubtful name matches: holding name -> candidate issuer; and the analyst's decisions on them
CANDIDATES = {
    "PELMOOR NAVAL YARDS NORGE": "pellmoor_naval",
    "HARROWMIST AIRCRAFT LEASING LTD": "harrowmist_aircraft",
    "SWARMHOLOW ROBOTIC SYS": "swarmhollow_robotics",
}
DECIDED_BY = "Screening analyst, Responsible Investment team"
DECISIONS = [
    # (holding name, decision, decided_on, note)
    (
        "SWARMHOLOW ROBOTIC SYS",
        "confirmed",
        D(2026, 6, 5),
        "Fictional: the administrator's misspelling of Swarmhollow Robotics Inc. (checked against "
        "the subscription documents)",
    ),
    (
        "HARROWMIST AIRCRAFT LEASING LTD",
        "rejected",
        D(2026, 6, 5),
        "Fictional: Harrowmist Aircraft Leasing Ltd is an unrelated lessor with a similar "
        "name, not Harrowmist Trainer Aircraft plc",
    ),
]


def hits(issuer_id: str | None, quarter: str) -> list[tuple[str, str, str, str]]:
    if issuer_id is None:
        return []
    return HITS_BOTH.get(issuer_id, []) + HITS_ONLY[quarter].get(issuer_id, [])


def override_for(issuer_id: str | None, isin: str | None, criterion: str, day: dt.date):
    for o_issuer, o_key, o_criterion, decision, _why, _who, approved, expires in OVERRIDES:
        o_isin = SECURITIES[o_key].isin if o_key else None
        target = (o_issuer == issuer_id) if o_issuer else (o_isin is not None and o_isin == isin)
        active = approved <= day and (expires is None or expires >= day)
        if target and active and o_criterion == criterion:
            return decision
    return None


# --------------------------------------------------------------------------------------------------
# positions: sizes, prices and values (quantities are fixed when a position is bought)


@dataclass
class Position:
    row: Row
    portfolio: str
    quarter: str
    name: str
    ticker: str | None
    isin: str | None
    cusip: str | None
    sedol: str | None
    lei: str | None
    exchange: str | None
    country: str | None  # alpha-2 of the issuer or currency area
    currency: str
    asset_class: str
    sector: str
    quantity: float
    price: float
    fx: float
    market_value: float
    notional: float
    coupon: float | None = None
    maturity: dt.date | None = None
    weight: float = 0.0
    source_row: int = 0


def _row_key(row: Row) -> str:
    return row.security or row.name or ""


def _target_weight(row: Row, portfolio: str) -> float:
    if row.kind in ("fx", "futures"):
        return 0.0
    if row.weight is not None:
        return row.weight
    return round(between(0.55, 2.6, portfolio, _row_key(row), "size"), 2)


def _price(row: Row, quarter: str, base: float) -> float:
    if quarter == "2026Q2":
        return base
    return base * (1 + between(-0.09, 0.11, _row_key(row), "move"))


def _month(quarter: str) -> tuple[str, str, str]:
    """Futures month text, futures code and FX forward settlement date for a quarter."""
    return ("SEP26", "U6", "16-SEP-2026") if quarter == "2026Q2" else ("DEC26", "Z6", "16-DEC-2026")


def positions(portfolio: str, quarter: str) -> list[Position]:
    rows = PORTFOLIOS[quarter][portfolio]
    q2_rows = PORTFOLIOS["2026Q2"][portfolio]
    base_total = TOTALS[portfolio]
    weights = sum(_target_weight(r, portfolio) for r in q2_rows)
    fx = FX[quarter]
    out = []
    month, code, settle = _month(quarter)
    for row in rows:
        sec = SECURITIES.get(row.security) if row.security else None
        item = ISSUERS[sec.issuer_id] if sec else None
        target = _target_weight(row, portfolio) / weights * base_total
        name = row.name
        isin = cusip = sedol = lei = exchange = None
        ticker = row.ticker
        coupon = maturity = None
        if sec is not None:
            currency = sec.currency
            country = item.country
            sector = item.sector
            if name is None:
                name = file_name(item)
                if sec.kind in ("bond", "sovereign") and portfolio == "multi_asset":
                    name = f"{name} {sec.coupon:g}% {sec.maturity:%d/%m/%Y}"
            if ticker is None and sec.kind == "equity":
                ticker = sec.ticker
            exchange = row.exchange or sec.exchange
            coupon, maturity = sec.coupon, sec.maturity
            if row.mode == "code":
                isin, cusip, sedol = sec.isin, sec.cusip, sec.sedol
                if portfolio == "multi_asset":
                    cusip = sedol = None
                elif portfolio == "global_equity":  # the issuer-style file has no codes
                    isin = cusip = sedol = None
            elif row.mode == "cusip":
                cusip = sec.cusip
            elif row.mode == "sedol":
                sedol = sec.sedol
            elif row.mode == "ticker_country":
                exchange = None
        else:
            country = row.country
            currency = row.currency or "EUR"
            sector = row.sector or ("Cash and/or Derivatives" if row.kind != "security" else "-")
            exchange = row.exchange
            if row.kind == "security":
                if row.mode == "code" and portfolio != "global_equity":
                    isin = UNKNOWN_ISIN
                elif row.mode == "bad_isin":
                    isin = MISTYPED_ISIN
                elif row.mode == "lei":
                    lei = ISSUERS[row.expected_issuer].lei
                    country = ISSUERS[row.expected_issuer].country
                    currency = "USD"
                    coupon, maturity = None, D(2028, 12, 31)
                if portfolio == "corporate_bonds":
                    currency = "GBP"
                    coupon = 4.70 if row.mode == "code" else 6.10
                    maturity = D(2031, 7, 1) if row.mode == "code" else D(2027, 11, 30)
            name = name.format(m=month, d=settle, c=code)
            ticker = ticker.format(c=code) if ticker else None
        if portfolio == "corporate_bonds":
            ticker = "".join(c for c in file_name(item).split()[0] if c.isalpha())[:6] if item else None
            exchange = None
        elif portfolio == "multi_asset":
            ticker = ticker if row.mode == "ticker_country" else None
            exchange = None
        rate = fx[currency]
        kind = sec.kind if sec else row.kind
        asset_class = (
            row.asset_class
            or {
                "equity": "Equity",
                "bond": "Corporate Bond",
                "sovereign": "Government Bond",
                "fund": "Fund",
                "cash": "Cash",
                "money_market": "Money Market",
                "fx": "FX Forward",
                "futures": "Futures",
                "security": "Equity" if portfolio == "global_equity" else "Corporate Bond",
            }[kind]
        )
        notional = 0.0
        by_par = kind in ("bond", "sovereign") or asset_class in ("Corporate Bond", "Loan")
        if row.kind in ("cash", "money_market"):
            base_price = 1.0
        elif by_par:
            base_price = round(between(86.0, 107.0, _row_key(row), "price"), 3)
        elif row.kind == "futures":
            base_price = round(between(980.0, 5400.0, row.name, "price"), 1)
        elif row.kind == "fx":
            base_price = round(between(0.84, 1.18, row.name, "price"), 4)
        else:
            base_price = round(between(6.0, 340.0, _row_key(row), "price"), 2)
            if currency == "JPY":
                base_price = round(base_price * 160, 0)
            elif currency in ("SEK", "NOK", "DKK"):
                base_price = round(base_price * 9, 2)
        price = round(_price(row, quarter, base_price), 4 if row.kind == "fx" else 3)
        scale = 100.0 if by_par else 1.0
        if row.kind == "futures":
            quantity = float(round(between(150, 900, portfolio, row.name, "lots")))
            notional = round(quantity * price * 10 * rate, 2)
            market_value = 0.0
        elif row.kind == "fx":
            quantity = float(round(between(20, 90, portfolio, row.name, "amount")) * 1_000_000)
            notional = round(quantity * rate, 2)
            market_value = round(notional * between(-0.004, 0.004, row.name, quarter, "mtm"), 2)
        else:
            # the quantity is bought at the Q2 price and kept; a bond's is a round par amount
            per_unit = base_price * FX["2026Q2"][currency] / scale
            step = 1000.0 if by_par else 1.0
            quantity = float(max(step, round(target / per_unit / step) * step))
            market_value = round(quantity * price * rate / scale, 2)
            notional = market_value
        out.append(
            Position(
                row,
                portfolio,
                quarter,
                name,
                ticker,
                isin,
                cusip,
                sedol,
                lei,
                exchange,
                country,
                currency,
                asset_class,
                sector,
                quantity,
                price,
                rate,
                market_value,
                notional,
                coupon,
                maturity,
            )
        )
    total = sum(p.market_value for p in out)
    for p in out:
        p.weight = p.market_value / total * 100.0
    if portfolio == "global_equity":  # issuer-style files list positions by market value
        out.sort(key=lambda p: (-p.market_value, p.name))
    return out


# --------------------------------------------------------------------------------------------------
# writers


def money(value: float, decimals: int = 2) -> str:
    return f"{value:,.{decimals}f}"


def write_text(path: Path, text: str, *, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))


def write_table(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    write_text(path, buffer.getvalue())


def _date_text(day: dt.date) -> str:
    return f"{day:%b} {day.day:02d}, {day.year}"


EQUITY_HEADER = [
    "Ticker",
    "Name",
    "Sector",
    "Asset Class",
    "Market Value",
    "Weight (%)",
    "Notional Value",
    "Quantity",
    "Price",
    "Location",
    "Exchange",
    "Currency",
    "FX Rate",
    "Market Currency",
    "Accrual Date",
]
EQUITY_PREAMBLE = 9  # lines before the header
EQUITY_FOOTER = (
    "The holdings shown are those of the Lanternwick Workers' Pension Fund, a fictional pension fund "
    "invented for the sample data of exclusionscreen. Every company, state, person and source named "
    "in this file is fictional; any resemblance to a real company or security is unintended.\n"
    "Holdings subject to change. This file is for illustration only and is not investment advice, "
    "research or a recommendation regarding any security.\n"
    'The values for "price" are invented and do not reflect any market. Market Value is '
    "Quantity x Price x FX Rate, where FX Rate is euros per unit of the market currency.\n"
    "Copyright 2026 the exclusionscreen authors. Released with exclusionscreen under its licence."
)


def write_equity_csv(path: Path, quarter: str, items: list[Position]) -> None:
    day = QUARTERS[quarter]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    out.write(f"{FUND} - Global Equity\n")
    out.write(f'Fund Holdings as of,"{_date_text(day)}"\n')
    out.write(f'Inception Date,"{_date_text(dt.date(2009, 1, 5))}"\n')
    out.write('Base Currency,"EUR"\n')
    out.write('Stock,"-"\nBond,"-"\nCash,"-"\nOther,"-"\n')
    out.write("\u00a0\n")
    out.write(",".join(EQUITY_HEADER) + "\n")
    for n, p in enumerate(items):
        p.source_row = EQUITY_PREAMBLE + 2 + n
        location = PLACES[p.country][0] if p.country else ("European Union" if p.row.kind == "cash" else "-")
        exchange = p.exchange or "-"
        writer.writerow(
            [
                p.ticker or "-",
                p.name,
                p.sector,
                p.asset_class,
                money(p.market_value),
                money(p.weight),
                money(p.notional),
                money(p.quantity),
                money(p.price, 2),
                location,
                exchange,
                p.currency,
                f"{p.fx:.4f}",
                p.currency,
                "-",
            ]
        )
    out.write("\u00a0\n")
    writer.writerow([EQUITY_FOOTER])
    write_text(path, out.getvalue(), bom=True)


def _workbook():
    import openpyxl

    book = openpyxl.Workbook()
    book.properties.creator = "exclusionscreen sample data"
    book.properties.title = f"{FUND} (fictional)"
    book.properties.created = WORKBOOK_TIME
    book.properties.modified = WORKBOOK_TIME
    book.properties.lastModifiedBy = None
    return book


def _save_workbook(book, path: Path) -> None:
    """Save with fixed timestamps inside and on every zip member, so the bytes never change."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            out.writestr(fixed, source.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(stable.getvalue())


DISCLAIMER = [
    "Disclaimer: this statement belongs to the sample data of exclusionscreen. The "
    "Lanternwick Workers' Pension Fund, its custodian and every company, state, person and source "
    "named here are fictional; identifiers are built from ranges reserved for private use.",
    "Prices and market values are invented for illustration and do not reflect any market. This "
    "statement is not investment advice, research or a recommendation and must not be relied upon.",
    "Copyright 2026 the exclusionscreen authors. Released with exclusionscreen under its licence.",
]


def _disclaimer(sheet, first_row: int, width: int) -> None:
    from openpyxl.styles import Alignment

    for n, text in enumerate(DISCLAIMER):
        row = first_row + 2 * n
        sheet.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=width)


def _header(sheet, row: int, names: list[str]) -> None:
    from openpyxl.styles import Font

    for column, name in enumerate(names, start=1):
        sheet.cell(row=row, column=column, value=name).font = Font(bold=True)


def _widths(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


BOND_HEADER = [
    "Name",
    "Ticker",
    "ISIN",
    "CUSIP",
    "SEDOL",
    "Coupon (%)",
    "Maturity",
    "Sector",
    "Par Value",
    "Price",
    "Market Value (EUR)",
    "Weight",
    "Local Currency",
]
BOND_FIRST_ROW = 6


def write_bond_workbook(path: Path, quarter: str, items: list[Position]) -> None:
    day = QUARTERS[quarter]
    book = _workbook()
    summary = book.active
    summary.title = "Summary"
    total = sum(p.market_value for p in items)
    summary["A1"] = FUND
    summary["A2"] = "Corporate bond mandate LWPF-CB-02: custody statement"
    summary["A4"] = "Statement date"
    summary["B4"] = f"{day:%d-%b-%Y}"
    summary["A5"] = "Number of positions"
    summary["B5"] = len(items)
    summary["A6"] = "Total market value (EUR)"
    summary["B6"] = round(total, 2)
    summary["B6"].number_format = "#,##0.00"
    summary["A7"] = "The positions are listed on the sheet Holdings."
    _widths(summary, [34, 26])
    sheet = book.create_sheet("Holdings")
    sheet["A1"], sheet["B1"] = "Fund Name:", f"{FUND} - Corporate Bonds"
    sheet["A2"], sheet["B2"] = "Mandate:", "LWPF-CB-02"
    sheet["A3"], sheet["B3"] = "Holdings:", f"As of {day:%d-%b-%Y}"
    _header(sheet, BOND_FIRST_ROW - 1, BOND_HEADER)
    for n, p in enumerate(items):
        row = BOND_FIRST_ROW + n
        p.source_row = row
        values = [
            p.name,
            p.ticker,
            p.isin,
            p.cusip,
            p.sedol,
            p.coupon,
            dt.datetime.combine(p.maturity, dt.time()) if p.maturity else None,
            p.sector,
            p.quantity,
            p.price,
            round(p.market_value, 2),
            round(p.weight, 6),
            p.currency,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if column == 7 and value is not None:
                cell.number_format = "dd-mmm-yyyy"
            elif column in (9, 11):
                cell.number_format = "#,##0.00"
            elif column == 12:
                cell.number_format = "0.000000"
    total_row = BOND_FIRST_ROW + len(items)
    sheet.cell(row=total_row, column=1, value="Total")
    sheet.cell(row=total_row, column=11, value=round(total, 2)).number_format = "#,##0.00"
    sheet.cell(row=total_row, column=12, value=round(sum(p.weight for p in items), 6))
    _disclaimer(sheet, total_row + 3, len(BOND_HEADER))
    _widths(sheet, [38, 9, 15, 11, 9, 10, 12, 22, 16, 9, 18, 11, 14])
    _save_workbook(book, path)


MULTI_HEADER = [
    "Asset Class",
    "Security Description",
    "ISIN",
    "LEI",
    "Ticker",
    "Country",
    "Currency",
    "Quantity",
    "Price",
    "Market Value (EUR)",
    "Notional Value (EUR)",
    "Weight (%)",
    "Maturity",
]
MULTI_FIRST_ROW = 7


def write_multi_workbook(path: Path, quarter: str, items: list[Position]) -> None:
    day = QUARTERS[quarter]
    book = _workbook()
    sheet = book.active
    sheet.title = "Positions"
    sheet["A1"], sheet["B1"] = "Fund Name:", f"{FUND} - Multi-Asset"
    sheet["A2"], sheet["B2"] = "Mandate:", "LWPF-MA-03"
    sheet["A3"], sheet["B3"] = "Holdings:", f"As of {day:%d-%b-%Y}"
    sheet["A4"], sheet["B4"] = "Base Currency:", "EUR"
    _header(sheet, MULTI_FIRST_ROW - 1, MULTI_HEADER)
    month, _code, settle = _month(quarter)
    for n, p in enumerate(items):
        row = MULTI_FIRST_ROW + n
        p.source_row = row
        maturity = p.maturity
        if p.row.kind == "fx":
            maturity = dt.datetime.strptime(settle, "%d-%b-%Y").date()
        elif p.row.kind == "futures":
            maturity = dt.date(2026, 9, 18) if month == "SEP26" else dt.date(2026, 12, 18)
        country = p.country if p.row.kind == "security" else None
        values = [
            p.asset_class,
            p.name,
            p.isin,
            p.lei,
            p.ticker,
            country,
            p.currency,
            p.quantity,
            p.price,
            round(p.market_value, 2),
            round(p.notional, 2),
            round(p.weight, 4),
            dt.datetime.combine(maturity, dt.time()) if maturity else None,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if column == 13 and value is not None:
                cell.number_format = "dd/mm/yyyy"
            elif column in (8, 10, 11):
                cell.number_format = "#,##0.00"
    _disclaimer(sheet, MULTI_FIRST_ROW + len(items) + 2, len(MULTI_HEADER))
    _widths(sheet, [18, 46, 15, 23, 8, 8, 9, 16, 11, 18, 20, 11, 12])
    _save_workbook(book, path)


# --------------------------------------------------------------------------------------------------
# the universe, overrides, decisions and policy


def write_universe(folder: Path) -> None:
    issuers = sorted(ISSUERS.values(), key=lambda i: i.issuer_id)
    write_table(
        folder / "issuers.csv",
        [
            "issuer_id",
            "issuer_name",
            "aliases",
            "lei",
            "country",
            "issuer_type",
            "parent_issuer_id",
            "parent_ownership",
        ],
        [
            [i.issuer_id, i.name, " | ".join(i.aliases) or None, i.lei, i.country, i.issuer_type, i.parent, i.ownership]
            for i in issuers
        ],
    )
    securities = sorted(SECURITIES.values(), key=lambda s: (s.issuer_id, s.kind, s.key))
    write_table(
        folder / "securities.csv",
        ["isin", "cusip", "sedol", "ticker", "exchange", "issuer_id"],
        [[s.isin, s.cusip, s.sedol, s.ticker, s.exchange, s.issuer_id] for s in securities],
    )
    write_table(
        folder / "involvement.csv",
        [
            "issuer_id",
            "issuer_name",
            "category",
            "involvement_type",
            "revenue_share",
            "source",
            "source_url",
            "evidence_date",
            "note",
        ],
        [
            [
                i,
                name or ISSUERS[i].name,
                cat,
                kind,
                share,
                SOURCE,
                f"{URL}/research/{i or 'brassock_vehicle'}",
                day.isoformat(),
                note,
            ]
            for i, name, cat, kind, share, day, note in INVOLVEMENT
        ],
    )
    write_table(
        folder / "country_exposure.csv",
        [
            "issuer_id",
            "recipient_country",
            "year",
            "description",
            "category",
            "value",
            "value_unit",
            "source",
            "source_url",
        ],
        [[i, c, y, d, k, v, "EUR million", SOURCE, f"{URL}/deliveries/{i}"] for i, c, y, d, v, k in EXPOSURE],
    )
    write_table(
        folder / "country_lists.csv",
        ["list_id", "country", "valid_from", "valid_to", "source", "source_url"],
        [
            [lid, c, f.isoformat(), t.isoformat() if t else None, LIST_SOURCE, f"{URL}/lists/{lid}"]
            for lid, c, f, t in COUNTRY_LISTS
        ],
    )
    write_table(
        folder / "entity_lists.csv",
        ["list_id", "name", "aliases", "parent_name", "valid_from", "valid_to", "source", "source_url"],
        [
            [
                "sample_military_end_users",
                n,
                a,
                p,
                f.isoformat(),
                t.isoformat() if t else None,
                LIST_SOURCE,
                f"{URL}/lists/sample_military_end_users",
            ]
            for n, a, p, f, t in ENTITY_LISTS
        ],
    )


def write_overrides(path: Path) -> None:
    write_table(
        path,
        ["issuer_id", "isin", "criterion_id", "decision", "rationale", "approver", "approved_on", "expires_on"],
        [
            [i, SECURITIES[k].isin if k else None, c, d, why, who, a.isoformat(), e.isoformat() if e else None]
            for i, k, c, d, why, who, a, e in OVERRIDES
        ],
    )


def holding_key(p: Position) -> str:
    """The key the screen gives a holding: its first identifier, else ticker, else name."""
    isin = p.isin
    if isin is None and p.cusip and p.cusip[0].isdigit():
        isin = _isin("US" + p.cusip)  # without a country, a CUSIP's ISIN is derived as a US one
    for prefix, value in (("isin", isin), ("cusip", p.cusip), ("sedol", p.sedol), ("lei", p.lei)):
        if value:
            return f"{prefix}:{value}"
    if p.ticker:
        exchange = p.exchange if p.exchange and p.exchange != "-" else None
        return f"ticker:{p.ticker}" + (f"@{exchange.upper()}" if exchange else "")
    return f"name:{p.name}"


def write_decisions(path: Path, keys: dict[str, str]) -> None:
    write_table(
        path,
        ["holding_key", "issuer_id", "decision", "decided_by", "decided_on", "note"],
        [
            [keys[name], CANDIDATES[name], decision, DECIDED_BY, day.isoformat(), note]
            for name, decision, day, note in DECISIONS
        ],
    )


POLICY_CRITERIA = [
    "abusive_law_enforcement_equipment",
    "anti_personnel_mines",
    "arms_sales_rights_violating_regimes",
    "autonomous_weapons",
    "biological_weapons",
    "blinding_lasers",
    "chemical_weapons",
    "cluster_munitions",
    "conventional_weapons",
    "cyber_surveillance",
    "depleted_uranium",
    "incendiary_weapons",
    "non_detectable_fragments",
    "norms_based_breaches",
    "nuclear_weapons",
    "official_military_lists",
    "private_military_services",
    "sovereign_arms_embargo",
    "surveillance_exports_to_repressive_states",
]
POLICY_EXTRA = {
    "arms_sales_rights_violating_regimes": [
        "    country_lists: [un_arms_embargo_state, eu_arms_embargo_state, uk_arms_embargo_state, fh_not_free,",
        "                    sample_arms_embargo, sample_not_free]",
    ],
    "conventional_weapons": ["    action: exclude"],
    "official_military_lists": [
        "    entity_lists: [us_dod_1260h, eu_833_annex_iv, us_ns_cmic, sample_military_end_users]",
    ],
    "sovereign_arms_embargo": [
        "    country_lists: [un_arms_embargo_state, eu_arms_embargo_state, uk_arms_embargo_state,",
        "                    sample_arms_embargo]",
    ],
    "surveillance_exports_to_repressive_states": [
        "    country_lists: [fh_not_free, un_arms_embargo_state, eu_arms_embargo_state, uk_arms_embargo_state,",
        "                    sample_arms_embargo, sample_not_free]",
    ],
}


def write_policy(path: Path) -> None:
    lines = [
        "# The fictional Lanternwick Workers' Pension Fund's exclusion policy, for the sample data.",
        "# Every criterion of the shipped 'broad' policy at its own settings, made stricter in two",
        "# ways: the fictional sample lists in sample_portfolios/universe/ are added to the criteria",
        "# that read country and entity lists, and conventional weapons at 5 % arms revenue or more",
        "# are excluded instead of watched. Generated by scripts/build_sample_data.py.",
        "schema_version: 1",
        "id: fund_policy",
        'version: "1.0.0"',
        "title: Lanternwick Workers' Pension Fund exclusion policy (fictional sample)",
        "description: >-",
        "  The broad weapons screen with the fictional sample lists added (sample_arms_embargo,",
        "  sample_not_free, sample_military_end_users) and conventional weapons producers with 5 %",
        "  or more arms revenue excluded. For the sample portfolios only.",
        "references:",
        "  - instrument: Lanternwick Workers' Pension Fund responsible investment policy",
        "    note: Fictional document of the fictional fund of the sample data.",
        "applies_from: 2026-01-01",
        "criteria:",
    ]
    for criterion in POLICY_CRITERIA:
        if criterion in POLICY_EXTRA:
            lines.append(f"  - criterion: {criterion}")
            lines += POLICY_EXTRA[criterion]
        else:
            lines.append(f"  - {criterion}")
    write_text(path, "\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------------------
# expected outcomes


@dataclass
class Expected:
    position: Position
    key: str
    issuer_id: str | None
    method: str
    status: str
    flags: list[tuple[str, str, str, str, str | None, str]]  # criterion, via, cause, action, override, outcome
    candidate: str | None = None

    @property
    def criteria_hit(self) -> str:
        return ", ".join(sorted({f[0] for f in self.flags if f[5] != "exempt"}))


def expect(p: Position, keys_decided: dict[str, str]) -> Expected:
    row = p.row
    key = holding_key(p)
    if row.kind != "security":
        return Expected(p, key, None, "not_applicable", "not_applicable", [])
    issuer_id = row.expected_issuer
    method = row.method or ("isin" if issuer_id else "none")
    candidate = CANDIDATES.get(p.name)
    decision = keys_decided.get(key)
    if decision == "rejected":
        candidate = None
    elif decision == "confirmed":
        candidate = None
    flags = []
    day = QUARTERS[p.quarter]
    for criterion, via, cause, action in hits(issuer_id, p.quarter):
        override = override_for(issuer_id, p.isin, criterion, day)
        outcome = {"exempt": "exempt", "enforce": "exclude", None: action}[override]
        flags.append((criterion, via, cause, action, override, outcome))
    outcomes = {f[5] for f in flags}
    if "exclude" in outcomes:
        status = "excluded"
    elif "watch" in outcomes:
        status = "watch"
    elif issuer_id:
        status = "clear"
    else:
        status = "unresolved"
    return Expected(p, key, issuer_id, method, status, flags, candidate)


def write_expected(folder: Path, expected: list[Expected]) -> None:
    write_table(
        folder / "expected_holdings.csv",
        [
            "quarter",
            "portfolio_id",
            "source_row",
            "holding_key",
            "security_name",
            "asset_class",
            "issuer_id",
            "resolution_method",
            "status",
            "criteria_hit",
            "candidate_issuer_id",
            "note",
        ],
        [
            [
                e.position.quarter,
                e.position.portfolio,
                e.position.source_row,
                e.key,
                e.position.name,
                e.position.asset_class,
                e.issuer_id,
                e.method,
                e.status,
                e.criteria_hit or None,
                e.candidate,
                e.position.row.note or None,
            ]
            for e in expected
        ],
    )
    write_table(
        folder / "expected_flags.csv",
        [
            "quarter",
            "portfolio_id",
            "source_row",
            "holding_key",
            "security_name",
            "issuer_id",
            "criterion_id",
            "via",
            "cause_issuer_id",
            "action",
            "override",
            "outcome",
        ],
        [
            [
                e.position.quarter,
                e.position.portfolio,
                e.position.source_row,
                e.key,
                e.position.name,
                e.issuer_id,
                *flag,
            ]
            for e in expected
            for flag in e.flags
        ],
    )


# --------------------------------------------------------------------------------------------------
# README


def _md_table(header: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _via_text(via: str, cause: str, issuer_id: str) -> str:
    if cause == issuer_id or via in ("sovereign",):
        return via
    return f"{via} ({cause})"


PORTFOLIO_FILES = {
    "global_equity": "global_equity.csv",
    "corporate_bonds": "corporate_bonds.xlsx",
    "multi_asset": "multi_asset.xlsx",
}


CHANGE_WHY = {
    "ravenspur_armaments:eq": "sold in Q3",
    "glintmark_photonics:eq": "bought in Q3",
    "tamberlyn_drone:eq": "its evidence is dated 2026-08-12, after the Q2 screening date",
    "dravik_optronics:eq": "its list entry ended 2026-08-31",
    "morvane_airframe:eq": "its list entry started 2026-07-15",
    "tarvenia:2029": "the sample embargo on Tarvenia ended 2026-08-15",
    "velmora:2033": "the sample embargo on Velmora started 2026-07-20",
    "ferrowisp_munizioni:2030": "its exemption expired 2026-08-31",
    "quincebrook_rail:2026": "matured 2026-08-14",
    "fernquist_paper:2031": "bought in Q3",
}


def _status_text(e: Expected | None) -> str:
    if e is None:
        return "-"
    hit = e.criteria_hit
    exempt = [f[0] for f in e.flags if f[5] == "exempt"]
    if hit:
        return f"{e.status} ({hit})"
    if exempt:
        return f"{e.status} ({', '.join(exempt)} exempt)"
    return e.status


def changes(expected: list[Expected]) -> list[list[str]]:
    """Holdings whose status or flags differ between the quarters, or that come or go."""
    screened = [e for e in expected if e.position.row.kind == "security"]
    before = {(e.position.portfolio, e.key): e for e in screened if e.position.quarter == "2026Q2"}
    after = {(e.position.portfolio, e.key): e for e in screened if e.position.quarter == "2026Q3"}
    rows = []
    for key in [*before, *[k for k in after if k not in before]]:
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and _status_text(old) == _status_text(new):
            continue
        which = (old or new).position
        rows.append([which.portfolio, which.name, _status_text(old), _status_text(new), CHANGE_WHY[which.row.security]])
    return rows


def readme(expected: list[Expected]) -> str:
    parts = [
        README_HEAD,
        _md_table(["file", "what it is"], FILES_TABLE),
        README_VALUES,
        _md_table(["way a flag arises", "issuers"], COVERAGE_TABLE),
        README_NOT_FLAGGED,
        _md_table(["resolved by", "examples"], RESOLUTION_TABLE),
        README_DOUBTFUL,
        _md_table(["issuer or ISIN", "criterion", "decision", "valid", "effect"], OVERRIDES_TABLE),
        README_EXPECTED,
    ]
    for quarter, day in QUARTERS.items():
        items = [e for e in expected if e.position.quarter == quarter]
        counts = Counter((e.position.portfolio, e.status) for e in items)
        statuses = ["excluded", "watch", "clear", "unresolved", "not_applicable"]
        parts.append(f"\n### {quarter} (screening date {day.isoformat()})\n")
        parts.append("Holdings by status:\n")
        parts.append(
            _md_table(
                ["portfolio", "rows", *statuses],
                [
                    [p, sum(counts[(p, s)] for s in statuses), *[counts[(p, s)] for s in statuses]]
                    for p in PORTFOLIO_FILES
                ],
            )
        )
        parts.append(
            "\nFlags, one line per holding and criterion (row: the line of the CSV, the "
            "row of the sheet in a workbook):\n"
        )
        rows = []
        for e in items:
            for criterion, via, cause, action, override, outcome in e.flags:
                rows.append(
                    [
                        e.position.portfolio,
                        e.position.source_row,
                        e.position.name,
                        e.issuer_id,
                        criterion,
                        _via_text(via, cause, e.issuer_id),
                        action,
                        override or "",
                        outcome,
                        e.method,
                    ]
                )
        parts.append(
            _md_table(
                [
                    "portfolio",
                    "row",
                    "security (as in the file)",
                    "issuer",
                    "criterion",
                    "via (cause)",
                    "action",
                    "override",
                    "outcome",
                    "resolved by",
                ],
                rows,
            )
        )
        parts.append(
            "\nUnresolved holdings, all on the review list (a candidate issuer is shown "
            "where a name match is doubtful and undecided):\n"
        )
        parts.append(
            _md_table(
                ["portfolio", "row", "security (as in the file)", "holding key", "why", "candidate issuer"],
                [
                    [
                        e.position.portfolio,
                        e.position.source_row,
                        e.position.name,
                        f"`{e.key}`",
                        e.position.row.note,
                        e.candidate or "",
                    ]
                    for e in items
                    if e.status == "unresolved"
                ],
            )
        )
    parts.append("\n### What changes between the quarters\n")
    parts.append(_md_table(["portfolio", "security", "2026Q2", "2026Q3", "why"], changes(expected)))
    parts.append(
        "\nEvery other holding keeps its status; prices and FX rates move, so market "
        "values and weights change, and the futures and FX forwards (not screened) roll "
        "from September to December contracts.\n"
    )
    parts.append(README_ASSUMPTIONS)
    return "\n".join(parts)


README_HEAD = """# Sample portfolios: the Lanternwick Workers' Pension Fund

**Everything in this folder is fictional.** The Lanternwick Workers' Pension Fund, every company,
every state, every approver, every list and every source named here is invented for the
demonstration, the tutorial and the tests of exclusionscreen; no person is named. No record here
is a claim about a real company or a real country. The states use the ISO 3166 codes that the
standard leaves to private use (XN, XQ, XR, XT, XV, XW); fictional companies are domiciled in real
countries only as a setting. Identifiers have valid check digits but come from ranges reserved for
private use (CUSIP issuer numbers 990000-999999, SEDOLs starting with 9) or carry the letters
`SMPL`, and LEIs start with `SMPL00`, so none is a real security or entity. Sources are
"Fictional sample research note" and "Fictional sample list", with example.org addresses.

Generated by `scripts/build_sample_data.py`; run it again to rebuild (the output is the same, byte
for byte). Do not edit the files by hand.

## The story

The Lanternwick Workers' Pension Fund (base currency EUR) holds three mandates: a global equity
portfolio (about EUR 2.4 bn, published by its manager as an issuer-style CSV), a corporate bond
portfolio (about EUR 1.2 bn, a custodian workbook) and a multi-asset portfolio (about EUR 0.7 bn,
with cash, FX forwards, futures, a money-market fund and sovereign bonds). Its exclusion policy is
the shipped `broad` policy made stricter: it also reads the fund's own sample lists and excludes
companies with 5 % or more of revenue from arms (`fund_policy.yaml`).

It screens at each quarter end. At 30 June 2026 it finds the controversial-weapons producers it
expected, sovereign bonds of the embargoed Republic of Ruritania and Federal Republic of Tarvenia,
and a few names its data provider cannot place. Over the summer it sells Ravenspur Armaments, buys
Glintmark Photonics by mistake, an exemption for a Ferrowisp bond lapses, Tarvenia's embargo ends,
Velmora is embargoed, one company leaves and one joins the military end-user list, and new research
shows Tamberlyn Drone Works producing autonomous weapons. The 30 September screen shows all of it on
the Changes sheet.

## Files
"""

FILES_TABLE = [
    ["`2026Q2/`, `2026Q3/`", "the fund's holdings at 30 June and 30 September 2026"],
    [
        "`*/global_equity.csv`",
        "issuer-style CSV (iShares layout): UTF-8 BOM, 8 preamble lines with `Fund Holdings as of`, "
        "a line holding a no-break space, the header on line 10, quoted numbers with thousands "
        "separators, a quoted multi-line legal footer; ticker, name, location and exchange, no ISIN",
    ],
    [
        "`*/corporate_bonds.xlsx`",
        "custodian workbook (SPDR layout): a `Summary` sheet first; the table is on the second sheet "
        "`Holdings` below a title block (`Holdings:` / `As of 30-Jun-2026`), header on row 5, a "
        "`Total` line under the table, disclaimer rows (merged cells) below; weights in percent in a "
        "column called `Weight`",
    ],
    [
        "`*/multi_asset.xlsx`",
        "administrator workbook: title block, header on row 6; ISIN, LEI, ticker and country columns; "
        "cash, FX forwards, futures, a money-market fund, sovereign bonds, a loan, private equity; "
        "disclaimer rows",
    ],
    [
        "`universe/*.csv`",
        "the reference universe, one file per data contract: issuers, securities, "
        "involvement, country_exposure, country_lists, entity_lists",
    ],
    [
        "`fund_policy.yaml`",
        "the fund's policy (id `fund_policy`): every criterion of `broad`, the "
        "sample lists added, conventional weapons excluded rather than watched",
    ],
    [
        "`overrides.csv`",
        "one active exemption, one active enforcement, one exemption that expires between the quarters",
    ],
    ["`decisions.csv`", "the analyst's review decisions: one doubtful name match confirmed, one rejected"],
    [
        "`expected_holdings.csv`",
        "every holding of both quarters with the key, issuer, resolution "
        "method, status and criteria a screen must give it",
    ],
    [
        "`expected_flags.csv`",
        "every flag (holding and criterion) a screen must raise, with via, cause, action, override and outcome",
    ],
]

README_VALUES = """
Market values are in euros: Market Value = Quantity x Price x FX Rate (FX Rate: euros per unit of
the market currency); a bond's price is per 100 of par. Futures have a market value of 0 and a
notional value; FX forwards have a small market value (their revaluation) and a notional value.
Weights are market value over the portfolio's total and sum to 100 (the CSV's two-decimal weights
to about 99.98).

## How to screen the samples

```sh
exclusionscreen demo --out out          # both quarters and the Excel report with its Changes sheet
exclusionscreen criteria validate sample_portfolios/fund_policy.yaml
```

A screen of the samples uses `fund_policy.yaml`, the universe in `universe/` together with the
bundled lists, `overrides.csv` and `decisions.csv`, and the default name-matching bars.

## What the universe covers
"""

COVERAGE_TABLE = [
    [
        "direct involvement",
        "Northwind Ordnance (cluster munitions), Corbrindle Munitions (anti-personnel mines, not "
        "held), Verdanthal Biologics (biological), Vexmoor Chemiewerke (chemical), Tallowmere "
        "Strategic Systems (nuclear), Hollowmarl Metals (depleted uranium), Quennick Fuzewerk "
        "(incendiary), Glintmark Photonics (blinding lasers), Ferrowisp Munizioni (non-detectable "
        "fragments), Bluefen Surveillance Systems (cyber surveillance), Swarmhollow Robotics and "
        "Tamberlyn Drone Works (autonomous weapons), Ironquell Crowd Control (abusive law-enforcement "
        "equipment), Cindervale Security Contractors (private military services), Ravenspur Armaments "
        "(42 % arms revenue), Brassock Vehicle Systems (12 %, from an evidence row that names the "
        "company without an issuer id), Harrowmist Trainer Aircraft and Pellmoor Naval Yards (arms "
        "revenue share unknown: watch), Duskwater Shipbuilding (norms-based breach)",
    ],
    [
        "via parent: the holding's issuer owns 50 % or more of an involved company",
        "Corbrindle Holdings owns 75 % of the mine maker Corbrindle Munitions",
    ],
    [
        "via subsidiary: the holding's issuer is 50 % or more owned by an involved company",
        "Northwind Finance B.V. (100 % Northwind Ordnance; its bonds map to it), Tallowmere Guidance "
        "Systems (60 % Tallowmere Strategic Systems), Zelkor Radar Parts Trading (80 % Zelkor "
        "Radiolocation Works, which is on the sample list)",
    ],
    [
        "via a list (`sample_military_end_users`)",
        "Vostran Avionics (listed as VOSTRAN AVIONICS CORPORATION), Zelkor Radiolocation Works (listed "
        "as Zelkor Research Bureau No. 4, under its own name as an alias), Dravik Optronics (entry "
        "ends 2026-08-31), Morvane Airframe Works (entry starts 2026-07-15)",
    ],
    [
        "via country exposure (`sample_arms_embargo`, `sample_not_free`)",
        "Stormbrack Defence Exports (armoured personnel carriers to Ruritania in 2024), Greyvellin "
        "Marine Systems (patrol vessels to Norvassa in 2023), Bluefen Surveillance Systems (an "
        "interception platform, a cyber-surveillance item, to Norvassa in 2025: excluded)",
    ],
    [
        "sovereign (`sample_arms_embargo`)",
        "Republic of Ruritania (embargoed throughout), Federal Republic of Tarvenia (embargo ends "
        "2026-08-15), Kingdom of Velmora (embargo from 2026-07-20)",
    ],
]

README_NOT_FLAGGED = """
Not flagged, on purpose: Ashquill Engineering owns only 35 % of Quennick Fuzewerk; Tallowmere
Energy Services is only 40 % owned by Tallowmere Strategic Systems; Lindqvarn Bearings & Machinery
has 3 % arms revenue and sells dual-use parts, which no criterion counts; Brindlemoor Vehicle Works
delivered to Ruritania in 2016 (outside the five-year look-back) and to Wendaria, which is on no
list; the Wendaria, Quellmark and Norvassa sovereign bonds (Norvassa is on `sample_not_free`, which
only the arms-sales criterion reads); Mossglade Home Stores and Kettlespire Ventures own 55 % of
each other, an ownership cycle that the screen reports as a warning and otherwise ignores; the
list entry Halvreth Munitions Depot 12 names no issuer of the universe.

## How holdings resolve
"""

RESOLUTION_TABLE = [
    ["ISIN", "every row of the two workbooks that carries an ISIN the universe knows"],
    [
        "CUSIP",
        "CINDERVALE SECURITY CONTRACTORS LLC (7.25 % 2029), a note the universe knows by its "
        "CUSIP only; the US ISIN derived from the CUSIP is unknown",
    ],
    ["SEDOL", "IRONQUELL CROWD CONTROL PLC (6 % 2029), which has only a SEDOL in the file"],
    ["LEI", "ZELKOR RADIOLOCATION TERM LOAN B 2028, known only by its borrower's LEI"],
    ["ticker and exchange", "every equity row of `global_equity.csv` whose ticker the universe knows on that exchange"],
    ["ticker and country", "OTTERLUME GAMES KK in `multi_asset.xlsx` (ticker and country, no ISIN)"],
    ["exact name", "RAVENSPUR ARMAMENTS SE (ticker unknown; the name equals the issuer's after normalisation)"],
    ["fuzzy name", "CINDERVALE SECURITY CONTRACTOR in `global_equity.csv` (ticker unknown; similarity 0.98)"],
    ["analyst confirmed", "SWARMHOLOW ROBOTIC SYS (similarity 0.86, confirmed in `decisions.csv`)"],
]

README_DOUBTFUL = """
Doubtful and unknown names: PELMOOR NAVAL YARDS NORGE (similarity 0.84 to Pellmoor Naval Yards:
review, no decision yet), HARROWMIST AIRCRAFT LEASING LTD (0.85 to Harrowmist Trainer Aircraft,
rejected in `decisions.csv`, so unresolved), and names that resemble no issuer (unresolved).

## Overrides
"""

OVERRIDES_TABLE = [
    [
        "hollowmarl_metals",
        "depleted_uranium",
        "exempt",
        "2026-03-16 to 2027-03-31",
        "both Hollowmarl holdings (equity and bond) are exempt, status clear, in both quarters",
    ],
    [
        "harrowmist_aircraft",
        "conventional_weapons",
        "enforce",
        "2026-04-20 to 2027-04-30",
        "the watch (arms revenue share unknown) becomes exclude in both quarters",
    ],
    [
        "the Ferrowisp Munizioni 3.6 % 2030 bond, by ISIN",
        "non_detectable_fragments",
        "exempt",
        "2025-09-01 to 2026-08-31",
        "exempt in 2026Q2; expired in 2026Q3, so the bond is excluded",
    ],
]

README_EXPECTED = """
## Expected outcomes

`expected_holdings.csv` and `expected_flags.csv` hold the same as the tables below, for every
holding, in machine-readable form.
"""

README_ASSUMPTIONS = """
## What a screen of these files relies on

- Resolution order: ISIN, CUSIP, SEDOL, LEI, ticker with exchange, ticker with country, exact name
  after normalisation (case, punctuation and trailing legal-form words such as PLC, AG, SE, INC,
  HOLDINGS, GROUP ignored), fuzzy name (rapidfuzz token-sort ratio of normalised names). A name
  match of 0.90 or more counts, 0.80 to 0.90 goes to review, below 0.80 is no match. The doubtful
  names here score 0.84 to 0.86 and the fuzzy match 0.98, well away from both bars; every fictional
  name scores below 0.70 against the bundled official lists.
- A holding's key is its first identifier (`isin:`, `cusip:`, `sedol:`, `lei:`), else its ticker
  (`ticker:T@EXCHANGE`), else its name (`name:...`). A CUSIP without an ISIN gives a derived US ISIN
  when the file has no country column.
- Ownership: a parent owning 50 % or more of an involved company is caught (via parent); a
  subsidiary 50 % or more owned by an involved company is caught (via subsidiary), as each
  criterion's `ownership` settings say (official military lists catch subsidiaries only).
- Country exposure counts deliveries in the five years up to the screening year (2022-2026) to a
  state that was on one of the criterion's lists during the delivery year. A sovereign bond counts
  when its state is on an embargo list on the screening date; an entity-list entry counts when it
  is valid on the screening date.
- Involvement evidence dated after the screening date is not used (the screen warns).
- An arms revenue share below the 5 % threshold gives no flag; an unknown share gives watch.
- An override names an issuer or, without one, an ISIN, and applies from `approved_on` to
  `expires_on` inclusive. Exempt makes a flag's outcome exempt (a holding whose flags are all exempt
  is clear); enforce makes it exclude.
- Cash, money-market funds, FX forwards and futures are not screened (status not_applicable).
"""


# --------------------------------------------------------------------------------------------------


def main(out: Path) -> None:
    write_universe(out / "universe")
    write_policy(out / "fund_policy.yaml")
    write_overrides(out / "overrides.csv")
    expected: list[Expected] = []
    keys: dict[str, str] = {}
    built: dict[str, dict[str, list[Position]]] = {}
    for quarter in QUARTERS:
        folder = out / quarter
        items = {pid: positions(pid, quarter) for pid in PORTFOLIO_FILES}
        write_equity_csv(folder / "global_equity.csv", quarter, items["global_equity"])
        write_bond_workbook(folder / "corporate_bonds.xlsx", quarter, items["corporate_bonds"])
        write_multi_workbook(folder / "multi_asset.xlsx", quarter, items["multi_asset"])
        built[quarter] = items
        for group in items.values():
            for p in group:
                if p.name in CANDIDATES:
                    keys[p.name] = holding_key(p)
    decided = {keys[name]: decision for name, decision, _day, _note in DECISIONS}
    write_decisions(out / "decisions.csv", keys)
    for items in built.values():
        for pid in PORTFOLIO_FILES:
            ordered = sorted(items[pid], key=lambda p: p.source_row)
            expected += [expect(p, decided) for p in ordered]
    write_expected(out, expected)
    write_text(out / "README.md", readme(expected))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "sample_portfolios")
