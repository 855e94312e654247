"""The currency of a file's market values, from everything the file says about it.

Three places state it, checked in this order:

1. the market value column's header ("Market Value(USD)", "Kurswert in EUR": see
   :func:`._roles.header_currency`);
2. the value cells themselves: a currency symbol before or after the number ("$205,146,406",
   "1.234,56 €");
3. a line of the preamble above the table that gives the fund's currency: "Base Currency,EUR" (iShares),
   "Fund Currency", "Currency", "Währung", "Fondswährung", "Devise", "Valuta", "Moneda", "Divisa",
   with or without a colon. A share class's currency ("Share Class Currency", "Anteilsklassenwährung")
   is not the currency of the fund's values (a hedged class differs) and is not read; nor is a
   trading or market currency (that of the security, not of its value).

Symbols: "€" is EUR, "£" GBP, "US$" USD, and "A$", "C$", "NZ$", "HK$", "S$", "NT$", "R$", "MX$" their
dollars. A bare "$" is a dollar: the dollar currency the header or the preamble names, else USD
(said so in the load report). "¥" is yen or yuan: it is read only where the header or the preamble
says JPY or CNY, and otherwise no currency is recorded and the load report says why.

Where the three disagree (a header in EUR over cells in "$", a preamble in GBP over cells in "€") no
currency is recorded: one of them is wrong, and a warning names both.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ._roles import CURRENCY_CODES

__all__ = ["StatedCurrency", "preamble_currency", "stated_currency", "symbol_currency"]

#: symbols naming one currency, and those naming one of several (the "family" they stand for)
_SYMBOLS = {
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "NT$": "TWD",
    "R$": "BRL",
    "MX$": "MXN",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₩": "KRW",
}
_DOLLARS = frozenset({"USD", "AUD", "CAD", "NZD", "HKD", "SGD", "TWD", "MXN"})
_YEN_YUAN = frozenset({"JPY", "CNY", "CNH"})
_FAMILIES = {"$": _DOLLARS, "¥": _YEN_YUAN, "￥": _YEN_YUAN}
_ALL = sorted([*_SYMBOLS, *_FAMILIES], key=len, reverse=True)  # "US$" before "$"
_ONE = "|".join(map(re.escape, _ALL))
_NUMBER = r"[-+(]?\s*\d[\d\s.,'’]*\)?"
#: a symbol before or after a number, nothing else in the cell
_CELL = re.compile(rf"^\s*[-+(]?\s*(?P<before>{_ONE})\s*{_NUMBER}\s*$|^\s*{_NUMBER}\s*(?P<after>{_ONE})\s*$")

#: preamble keys that name the currency of the fund's values (words as :func:`_words` leaves them)
_KEY = re.compile(
    r"^(?:(?:fund|base|reference|portfolio|fonds|fondo|du fonds|de reference|di riferimento|del fondo)\s)*"
    r"(?:currency|ccy|wahrung|fondswahrung|basiswahrung|referenzwahrung|devise|valuta|moneda|divisa)"
    r"(?:\s(?:of the fund|du fonds|de reference|des fonds|del fondo|di riferimento|de base|base|fund))*$"
)
#: a preamble line: a key of words, an optional colon or equals sign, a three-letter code
_LINE = re.compile(r"^\s*(?P<key>[^\W\d_][^\d:=]{0,60}?)\s*[:=]?\s*\"?(?P<code>[A-Z]{3})\"?\s*$")


def _words(text: str) -> str:
    value = unicodedata.normalize("NFKD", text).casefold()
    value = "".join(c for c in value if not unicodedata.combining(c)).replace("ß", "ss")
    return " ".join(re.findall(r"[a-z]+", value))


def _currency_line(text: str) -> re.Match | None:
    """The match of a preamble line that states the fund's currency (a key of currency words and
    a three-letter code), or None."""
    match = _LINE.match(text)
    return match if match and _KEY.match(_words(match["key"])) else None


def states_currency(text: str) -> bool:
    """Whether a preamble line (cells joined by spaces) states a currency for the fund's values:
    :func:`stated_currency` reads nothing from a preamble without such a line."""
    return _currency_line(text) is not None


class StatedCurrency:
    """The currency found (or None), where it was found, and the warnings on the way."""

    __slots__ = ("code", "where", "warnings")

    def __init__(self, code: str | None, where: str | None, warnings: list[str]) -> None:
        self.code, self.where, self.warnings = code, where, warnings

    def details(self) -> dict[str, str]:
        """The load report's ``details`` entry: the currency and where it was read."""
        return {"values in": f"{self.code} ({self.where})"} if self.code else {}


def preamble_currency(preamble: pd.Series, line: str = "line") -> tuple[str | None, str | None, list[str]]:
    """The currency a preamble states for the fund's values: (code, where, warnings).

    `preamble` holds the text of each line above the table (cells joined by spaces), indexed by
    the line's number in the file. Lines whose key names another currency (a share class's, a
    market's) are not read; two lines naming different currencies give none and a warning."""
    found: dict[str, int] = {}
    warnings = []
    for number, text in preamble.dropna().astype("str").items():
        match = _currency_line(text)
        if not match:
            continue
        code = match["code"].upper()
        if code not in CURRENCY_CODES:
            warnings.append(
                f"preamble {line} {number} names the currency {match['code']!r}, not a code the loader knows "
                "(ISO 4217): no currency read from it"
            )
            continue
        found.setdefault(code, int(number))
    if len(found) > 1:
        listed = ", ".join(f"{c} ({line} {n})" for c, n in found.items())
        warnings.append(f"the preamble names several currencies ({listed}): no currency read from it")
        return None, None, warnings
    if not found:
        return None, None, warnings
    code, number = next(iter(found.items()))
    return code, f"preamble {line} {number}", warnings


def symbol_currency(cells: pd.Series) -> tuple[str | None, int, list[str]]:
    """The currency symbol the value `cells` carry: (the symbol, cells carrying it, warnings).

    Worked out once per distinct cell text. Cells in several symbols give none and a warning."""
    text = cells.dropna()
    if text.empty:
        return None, 0, []
    counts = text.astype("str").value_counts(sort=False)
    marked = counts.index.str.contains(r"[$€£¥￥₹₩]", regex=True)
    if not marked.any():
        return None, 0, []
    found = pd.Series(counts.index[marked]).str.extract(_CELL)
    symbol = found["before"].fillna(found["after"])
    per_symbol = pd.Series(counts.to_numpy()[marked]).groupby(symbol.to_numpy()).sum()
    if per_symbol.empty:
        return None, 0, []
    if len(per_symbol) > 1:
        listed = ", ".join(f"{s!r} ({n:,})" for s, n in per_symbol.items())
        return None, 0, [f"the market values carry several currency symbols ({listed}): no currency recorded"]
    return str(per_symbol.index[0]), int(per_symbol.iloc[0]), []


def stated_currency(
    header: str | None, cells: pd.Series | None, preamble: pd.Series | None, line: str = "line"
) -> StatedCurrency:
    """The currency of the market values of one file, from its value column's `header` currency,
    the value `cells` and the `preamble` (see the module's description)."""
    said, said_where, warnings = (None, None, [])
    if preamble is not None and len(preamble):
        said, said_where, warnings = preamble_currency(preamble, line)
    symbol, marked, more = symbol_currency(cells) if cells is not None else (None, 0, [])
    warnings += more
    # what the file names in words: the header's code first, then the preamble's
    named, named_where = (header, "named in the market value column's header") if header else (said, said_where)
    if header and said and header != said:
        warnings.append(
            f"the market value column's header names {header} but {said_where} names {said}: the header's "
            "currency is kept (it is the column's own)"
        )
    if symbol is None:
        return StatedCurrency(named, named_where, warnings)
    cells_where = f"the symbol {symbol!r} in {marked:,} market value cell(s)"
    family = _FAMILIES.get(symbol)
    if family is None:
        code = _SYMBOLS[symbol]
        if named and named != code:
            warnings.append(
                f"the market values carry {symbol!r} ({code}) but the file names {named} ({named_where}): "
                "no currency recorded; state it with currency="
            )
            return StatedCurrency(None, None, warnings)
        return StatedCurrency(code, cells_where if not named else f"{named_where}; {cells_where}", warnings)
    if named in family:
        return StatedCurrency(named, f"{named_where}; {cells_where}", warnings)
    if named:
        warnings.append(
            f"the market values carry {symbol!r} but the file names {named} ({named_where}): no currency "
            "recorded; state it with currency="
        )
        return StatedCurrency(None, None, warnings)
    if symbol == "$":
        return StatedCurrency("USD", f"{cells_where}, read as US dollars (the file names no other dollar)", warnings)
    warnings.append(
        f"the market values carry {symbol!r}, which stands for yen and yuan alike, and the file names neither "
        "JPY nor CNY: no currency recorded; state it with currency="
    )
    return StatedCurrency(None, None, warnings)
