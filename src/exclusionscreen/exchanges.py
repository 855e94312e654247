"""Exchanges named the way files name them, reduced to ISO 10383 market identifier codes (MIC).

A ticker is an identity only together with its market: HEI is Heidelberg Materials on Xetra and
HEICO on the New York Stock Exchange. Holdings files write the exchange as a name ("New York Stock
Exchange Inc.", "Xetra", "Nyse Euronext - Euronext Paris"), a MIC ("XNYS") or, in the tickers that
official lists print ("0728 HK"), a country code. :func:`exchange_markets` turns each into the
operating MIC of the ISO 10383 entry it names and that market's country, from the bundled extract
``data/exchange_mics.csv`` (built by ``scripts/build_exchange_mics.py``).

Two tickers name the same listing when the symbols agree and (:func:`same_market`):

- both exchanges are known and have the same operating MIC (Tokyo Stock Exchange ``XTKS`` and
  Osaka Exchange ``XOSE`` are both ``XJPX``; Xetra ``XETR`` and Boerse Frankfurt ``XFRA`` are not one);
- or one side gives only a country (a two-letter code that is no MIC alias) and the other's market
  is in that country.

An exchange that is missing or that the extract does not know never agrees with anything.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from ._resources import data_dir

__all__ = [
    "RETRIEVED",
    "SOURCE",
    "SOURCE_URL",
    "exchange_key",
    "exchange_markets",
    "listing_keys",
    "same_market",
    "ticker_markets",
]

SOURCE = "ISO 10383 market identifier codes (MIC), list last updated 2025-05-26"
SOURCE_URL = "https://www.iso20022.org/market-identifier-codes"
RETRIEVED = "2026-11-22"  # the date the MIC list was taken into the project's reference data

# words that end an exchange's name as its operator's legal form ("Wiener Boerse Ag", "Oslo Bors Asa")
_FORM_WORDS = frozenset({"INC", "LTD", "LLC", "PLC", "AG", "SA", "SPA", "ASA", "AB", "AS", "A S", "S P A"})
_MISSING = frozenset({"", "-", "--", "N/A", "NA", "NAN", "NONE", "NULL"})
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def exchange_key(text: str) -> str:
    """`text` as exchange names are compared: upper-case ASCII letters and digits, words parted by one
    space, a trailing legal form of the operator dropped ("Wiener Boerse Ag" -> "WIENER BOERSE")."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^A-Z0-9]+", " ", folded.upper().replace(".", "")).split()
    while len(words) > 1:
        if " ".join(words[-2:]) in _FORM_WORDS and len(words) > 2:
            words = words[:-2]
        elif words[-1] in _FORM_WORDS:
            words = words[:-1]
        else:
            break
    return " ".join(words)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, str]]:
    """Exchange key -> (operating MIC, country) from the bundled extract."""
    table = pd.read_csv(data_dir() / "exchange_mics.csv", dtype=str, keep_default_na=False)
    return {
        alias: (operating, country)
        for alias, operating, country in zip(table["alias"], table["operating_mic"], table["country"], strict=True)
    }


def _market(text: str) -> tuple[str, str]:
    """(operating MIC or "", country or "") of one exchange as written."""
    raw = str(text).strip()
    if raw.upper() in _MISSING:
        return "", ""
    aliases = _aliases()
    key = exchange_key(raw)
    if key in aliases:
        return aliases[key]
    if " - " in raw:  # "Nyse Euronext - Euronext Paris": the market after the operator
        tail = exchange_key(raw.rsplit(" - ", 1)[1])
        if tail in aliases:
            return aliases[tail]
    if _COUNTRY.fullmatch(key):  # "HK" of "0728 HK": the country of the market only
        return "", key
    return "", ""


def exchange_markets(exchanges: pd.Series) -> pd.DataFrame:
    """``mic`` (operating MIC) and ``market_country`` of each exchange as written (same index; "" where
    unknown), computed once per distinct value."""
    text = exchanges.astype("str")
    distinct = text.dropna().unique()
    found = {value: _market(value) for value in distinct}
    mic = text.map({k: v[0] for k, v in found.items()}).astype("str").fillna("")
    country = text.map({k: v[1] for k, v in found.items()}).astype("str").fillna("")
    return pd.DataFrame({"mic": mic, "market_country": country}, index=exchanges.index)


def same_market(mic_a: pd.Series, country_a: pd.Series, mic_b: pd.Series, country_b: pd.Series) -> pd.Series:
    """True where two markets (from :func:`exchange_markets`, aligned) may list the same ticker: the same
    operating MIC, or a country-only market and a market in that country."""
    both = mic_a.ne("") & mic_b.ne("")
    same_mic = both & mic_a.eq(mic_b)
    country_only = (mic_a.eq("") | mic_b.eq("")) & country_a.ne("") & country_a.eq(country_b)
    return (same_mic | (~both & country_only)).fillna(False).astype(bool)


def ticker_markets(tickers: pd.Series, exchanges: pd.Series) -> pd.DataFrame:
    """``ticker`` (upper case, stripped; missing stays missing), ``mic``, ``market_country`` and
    ``written`` (the exchange as :func:`exchange_key` writes it; missing where no exchange is given)
    of each ticker and the exchange written beside it (same index)."""
    markets = exchange_markets(exchanges)
    ticker = tickers.astype("str").str.strip().str.upper()
    text = exchanges.astype("str")
    keys = {
        value: ("" if value.strip().upper() in _MISSING else exchange_key(value)) for value in text.dropna().unique()
    }
    written = text.map(keys).astype("str")
    return markets.assign(ticker=ticker.mask(ticker.eq("")), written=written.mask(written.eq("")))[
        ["ticker", "mic", "market_country", "written"]
    ]


def listing_keys(tickers: pd.Series, exchanges: pd.Series) -> pd.Series:
    """``TICKER|market`` for each ticker and exchange (same index): the market is the operating MIC, else
    the exchange as :func:`exchange_key` writes it (an exchange the MIC extract does not know is compared
    as written); missing where the ticker or the exchange is, since a bare ticker names no listing."""
    markets = ticker_markets(tickers, exchanges)
    market = markets["mic"].where(markets["mic"].ne(""), "?" + markets["written"])
    return (markets["ticker"] + "|" + market).astype("str")
