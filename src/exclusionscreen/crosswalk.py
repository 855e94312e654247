"""US tickers bridged to the SEC registrant's legal name and CIK.

A fund file names a holding "GE AEROSPACE" with ticker GE, or "HUNTINGTON INGALLS INDUSTRIES INC"
with ticker HII; an evidence source may print the registrant's legal name ("General Electric Company")
or a short name. The SEC's ``company_tickers.json`` gives, for each ticker listed in the United States,
the registrant's CIK and name; :func:`sec_registrant_names` gives each holding with a US ticker that
name as one more name of the holding, so evidence naming the registrant finds it without an alias row.

Bundled as ``data/sec_company_tickers.csv`` (built by ``scripts/build_sec_crosswalk.py``): ticker,
CIK, title. The crosswalk adds names; it never matches by itself: its names take part in exact,
cut-name and known-name matching only, never in fuzzy scoring (see :mod:`exclusionscreen.evidence`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ._resources import data_dir
from .exchanges import exchange_markets

__all__ = ["RETRIEVED", "SOURCE", "SOURCE_FILE", "registrant_title", "sec_registrant_names", "ticker_key"]

SOURCE = "SEC EDGAR company_tickers.json (US public data), copy of 2024-05-14"
SOURCE_URL = "https://www.sec.gov/files/company_tickers.json"
SOURCE_FILE = "sec_company_tickers_2024-05.json"
RETRIEVED = "2024-05-14"
_STATE = re.compile(r"\s*/[A-Z]{2,3}/?\s*$")  # EDGAR's state-of-incorporation marker: "/DE/"


def ticker_key(ticker: str) -> str:
    """A ticker's letters and digits, upper case ("BRK-B", "BRK.B" and "BRK/B" are "BRKB")."""
    return re.sub(r"[^A-Z0-9]", "", str(ticker).upper())


def registrant_title(title: str) -> str:
    """An EDGAR company title without its state-of-incorporation marker ("NORTHROP GRUMMAN CORP /DE/")."""
    return _STATE.sub("", str(title).strip())


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "sec_company_tickers.csv", dtype=str, keep_default_na=False)


def _us_listed(frame: pd.DataFrame) -> pd.Series:
    """True where a holding's ticker is a US listing: its exchange is a US market, or it gives no
    exchange the crosswalk knows and its ISIN begins with US or it has a CUSIP."""
    exchange = frame["exchange"] if "exchange" in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="str")
    markets = exchange_markets(exchange)
    unknown = markets["mic"].eq("") & markets["market_country"].eq("")
    isin = frame["isin"].astype("str").str.upper() if "isin" in frame.columns else pd.Series(pd.NA, index=frame.index)
    cusip = frame["cusip"].notna() if "cusip" in frame.columns else pd.Series(False, index=frame.index)
    us_ids = isin.str.startswith("US").fillna(False).astype(bool) | cusip.astype(bool)
    return markets["market_country"].eq("US") | (unknown & us_ids)


def sec_registrant_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The SEC registrant of each row of `frame` (columns ``ticker`` and optional ``exchange``, ``isin``,
    ``cusip``) whose ticker is a US listing: ``cik`` and ``title`` (same index; missing where none)."""
    out = pd.DataFrame({"cik": pd.NA, "title": pd.NA}, index=frame.index, dtype="str")
    if "ticker" not in frame.columns or frame.empty:
        return out
    ticker = frame["ticker"].astype("str")
    wanted = ticker.notna() & _us_listed(frame)
    if not wanted.any():
        return out
    keys = ticker[wanted].map(ticker_key)
    table = _table().set_index("ticker")
    out.loc[wanted, "cik"] = keys.map(table["cik"]).astype("str")
    out.loc[wanted, "title"] = keys.map(table["title"]).astype("str")
    return out
