"""The unit of each portfolio's values: the currency of its market values, or weights only.

A holdings file states the currency of its market values in the value column's header ("Market
Value(USD)", "Mkt Val (EUR)", "Kurswert in EUR"), by a symbol in its value cells ("$205,146,406"),
in a preamble line ("Base Currency,EUR") or, for Form N-PORT, by the form itself; the loader keeps
it as ``market_value_currency`` (see :mod:`exclusionscreen.holdings._currency`). The user may
state it too (``screen(..., currency="EUR")`` or ``--currency EUR``). A holding's ``currency``
column is not read as the currency of its value: in fund files it is the currency the security
trades in (iShares' "Market Currency"), while the market value is in the fund's base currency.

A portfolio whose holdings give no market value at all is valued by its weights ("weights only"):
its summaries show weights, never a market value. Market values of portfolios in different
currencies are never added together: the summaries across portfolios are per currency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import ArgumentError

__all__ = [
    "CURRENCY_COLUMN",
    "NOT_STATED",
    "WEIGHTS_ONLY",
    "currency_warnings",
    "portfolio_units",
    "with_currency",
]

#: the holdings column with the currency of each holding's market value
CURRENCY_COLUMN = "market_value_currency"
#: the unit of a portfolio that gives no market value: its holdings are valued by their weights
WEIGHTS_ONLY = "weights only"
#: the unit of a portfolio whose market values come without a stated currency
NOT_STATED = "not stated"
_CODE = re.compile(r"^[A-Z]{3}\Z")


def _code(value: object, what: str) -> str:
    text = str(value).strip().upper()
    if not _CODE.match(text):
        raise ArgumentError(f"{what}: {value!r} is not a currency code (three letters of ISO 4217, such as EUR)")
    return text


def with_currency(holdings: pd.DataFrame, currency: str | Mapping[str, str] | None) -> pd.DataFrame:
    """`holdings` with the currency of their market values set from `currency` where the holdings
    state none: one ISO 4217 code for every portfolio, or a mapping of portfolio id to code.

    A portfolio whose file states another currency is an error naming the portfolio and both
    currencies (the file's header and the user disagree: one of them is wrong)."""
    if currency is None:
        return holdings
    if isinstance(currency, Mapping):
        given = {str(p): _code(c, f"currency[{p!r}]") for p, c in currency.items()}
        unknown = sorted(set(given) - set(holdings["portfolio_id"].astype("str")))
        if unknown:
            raise ArgumentError(f"currency: no portfolio {', '.join(map(repr, unknown))} in the holdings")
        wanted = holdings["portfolio_id"].astype("str").map(given)
    else:
        wanted = pd.Series(_code(currency, "currency"), index=holdings.index, dtype="str")
    stated = (
        holdings[CURRENCY_COLUMN] if CURRENCY_COLUMN in holdings.columns else pd.Series(pd.NA, index=holdings.index)
    )
    stated = stated.astype("str")
    clash = stated.notna() & wanted.notna() & (stated != wanted)
    if clash.any():
        first = holdings.loc[clash].index[0]
        where = holdings.at[first, "source_file"] if "source_file" in holdings.columns else None
        raise ArgumentError(
            f"currency: portfolio {holdings.at[first, 'portfolio_id']!r} is given as {wanted[first]}, but "
            f"{where or 'its holdings'} state(s) market values in {stated[first]}; leave that portfolio out of "
            "currency or correct the file"
        )
    return holdings.assign(**{CURRENCY_COLUMN: stated.fillna(wanted).astype("str")})


def portfolio_units(holdings: pd.DataFrame) -> pd.Series:
    """The unit of each portfolio's values, indexed by portfolio id (sorted): its currency code,
    ``"weights only"`` (no holding gives a market value), ``"not stated"`` (market values without a
    currency), or ``"mixed: EUR, USD"`` (holdings of one portfolio in several currencies)."""
    codes, ids = pd.factorize(holdings["portfolio_id"].astype("str"), sort=True)
    valued = holdings["market_value"].notna().to_numpy()
    out = pd.Series(WEIGHTS_ONLY, index=pd.Index(ids, name="portfolio_id"), dtype="str", name="currency")
    has_values = np.bincount(codes[valued & (codes >= 0)], minlength=len(ids)) > 0
    out[has_values] = NOT_STATED
    if CURRENCY_COLUMN in holdings.columns:
        given = valued & holdings[CURRENCY_COLUMN].notna().to_numpy() & (codes >= 0)
        currency_codes, currencies = pd.factorize(holdings[CURRENCY_COLUMN].astype("str"))
        # one row per portfolio and currency, from integer codes (a million holdings: milliseconds)
        pairs = np.unique(codes[given].astype(np.int64) * (len(currencies) + 1) + currency_codes[given])
        portfolio_of, currency_of = np.divmod(pairs, len(currencies) + 1)
        found = pd.DataFrame({"p": portfolio_of, "code": np.asarray(currencies, dtype=object)[currency_of]})
        named = found.groupby("p")["code"].agg(lambda c: ", ".join(sorted(c)))
        several = found.groupby("p").size() > 1
        named[several] = "mixed: " + named[several]
        out.iloc[named.index.to_numpy()] = named.to_numpy()
    return out


def currency_warnings(units: pd.Series) -> list[str]:
    """What to say about the portfolios' units: a portfolio mixing currencies, portfolios in
    different currencies (never summed together), and portfolios in a currency beside ones not stated."""
    out = [
        f"portfolio {p} states market values in several currencies ({u.removeprefix('mixed: ')}): its totals add "
        "them up unconverted; convert them to one currency before loading"
        for p, u in units.items()
        if u.startswith("mixed: ")
    ]
    valued = units[(units != WEIGHTS_ONLY) & ~units.str.startswith("mixed: ")]
    groups = valued.groupby(valued, sort=True).groups
    if len(groups) > 1:
        listed = "; ".join(
            f"{u}: {', '.join(map(str, list(ps)[:5]))}{' ...' if len(ps) > 5 else ''}" for u, ps in groups.items()
        )
        out.append(
            f"the portfolios' market values are in {len(groups)} different units ({listed}): totals across "
            "portfolios are given per currency, never summed together"
        )
    return out
