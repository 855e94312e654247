"""Column roles from the words of a header and the content of its column, beyond the alias list.

A header that is no known alias ("Mkt Val (EUR)", "% of NAV", "Wertpapierbezeichnung",
"Kurswert in EUR", "Holding Ticker", "Shares/Par Value") is read word by word: the first rule of
:data:`WORD_RULES` whose pattern its words match names its role. A currency code in a header
("Market Value(USD)", "Kurswert in EUR") is recorded as the currency of that column's values.
The column's content then confirms or refutes the role: ISIN-, CUSIP- or LEI-shaped values for
an identifier, numbers for a value, numbers summing to about 100 or 1 for a weight. A role the
content refutes is not used.

Each decision is a :class:`RoleChoice` saying which rule chose the column and how sure it is:
1.0 for ``column_map`` and the alias list, 0.7 for header words, 0.9 when the content confirms
them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ._ids import SHAPES

__all__ = [
    "CURRENCY_CODES",
    "WORD_RULES",
    "RoleChoice",
    "confirm",
    "header_currency",
    "header_words",
    "role_from_words",
]

SURE_ALIAS = 1.0
SURE_WORDS = 0.7
SURE_CONFIRMED = 0.9

CURRENCY_CODES = frozenset(
    "USD EUR GBP CHF JPY CNY CNH HKD SGD AUD NZD CAD NOK SEK DKK ISK PLN CZK HUF RON BGN TRY ILS "
    "ZAR BRL MXN CLP COP PEN ARS INR IDR KRW TWD THB MYR PHP SAR AED QAR KWD EGP RUB".split()
)
"""ISO 4217 codes recognised in a header as the currency of the column's values."""
_SYMBOLS = {"$": None, "€": "EUR", "£": "GBP", "¥": None}  # "$" and "¥" name several currencies

# Checked in this order on " word word ... " (lower case, no accents, "%" as the word "pct").
WORD_RULES: tuple[tuple[str, str], ...] = (
    ("holding_id", r" (?:holding|position|pos|lot|positions) ?(?:id|number|no|nr|nummer|key) "),
    ("isin", r" isin "),
    ("cusip", r" cusip "),
    ("sedol", r" sedol "),
    ("lei", r" lei "),
    ("ticker", r"ticker| symbol |bloomberg code"),
    (
        "weight",
        r"^ pct | pct of | pct (?:du|de|des|del|van|am) | in pct | pct $|weight|gewicht|anteil |poids|peso"
        r"|ponderaz|ponderac|ponderat|weging|allocation| alloc ",
    ),
    ("notional_value", r"notional|nominalwert|nozional|nocional|notionnel"),
    (
        "quantity",
        r" (?:shares|share|par|quantity|qty|units|nominale?|stuck|stuckzahl|anzahl|bestand|quantite"
        r"|cantidad|quantita|aantal) ",
    ),
    (
        "market_value",
        r" (?:value|val|valuation|mv|amount|betrag|valorisation|valeur|controvalore|valore|valor"
        r"|waarde|\w+wert|wert) ",
    ),
    ("price", r" (?:price|prix|kurs|prezzo|precio|koers|cours) "),
    ("asset_class", r" type | class |klasse| art |wertpapierart|category|categorie|tipologia| tipo "),
    (
        "security_name",
        r"name|\w*bezeichnung|libelle|description|descrizione|denominazione| nom | nombre | naam "
        r"|titel|wertpapier|instrument|security|issuer|emittent|emetteur",
    ),
    ("currency", r"currency|ccy|crncy|wahrung|devise|valuta|moneda|divisa"),
    ("country", r"country| land |pays|paese|pais|domicile|domizil|location|standort"),
    ("sector", r"sector|sektor|industry|branche|secteur|settore"),
    # no rule for as_of: "Accrual Date", "Maturity Date" are dates, but not the holdings' date
)
_COMPILED = tuple((canonical, re.compile(pattern)) for canonical, pattern in WORD_RULES)
_IDENTIFIERS = ("isin", "cusip", "sedol", "lei")
_NUMERIC = ("weight", "market_value", "quantity", "notional_value", "price")


@dataclass(frozen=True)
class RoleChoice:
    """Why a column got its role: the rule, how sure (0 to 1), and a currency named in its header."""

    canonical: str
    rule: str
    sure: float
    currency: str | None = None

    def describe(self) -> str:
        cur = f", values in {self.currency}" if self.currency else ""
        return f"{self.rule} ({self.sure:.0%} sure{cur})"


def header_words(name: str) -> str:
    """' word word ' of a header: lower case, no accents, '%' as 'pct', codes split off."""
    value = unicodedata.normalize("NFKD", str(name)).casefold()
    value = "".join(c for c in value if not unicodedata.combining(c)).replace("ß", "ss")
    value = value.replace("%", " pct ")
    words = re.findall(r"[0-9a-z]+", value)
    return " " + " ".join(words) + " "


def header_currency(name: str) -> str | None:
    """The currency a header names for its values ('Mkt Val (EUR)', 'Kurswert in EUR', 'Wert €')."""
    text = str(name)
    for code in re.findall(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", text):
        if code in CURRENCY_CODES:
            return code
    for symbol, code in _SYMBOLS.items():
        if symbol in text and code:
            return code
    return None


@functools.lru_cache(maxsize=1 << 16)
def role_from_words(name: str) -> str | None:
    """The role the words of a header name, if any rule matches (remembered per text: the header
    search asks about every short cell near the top of each file, and a folder repeats them)."""
    # "Market Value USD": the code is no word of the role
    kept = [word for word in header_words(name).split() if word.upper() not in CURRENCY_CODES]
    words = " " + " ".join(kept) + " "
    return next((canonical for canonical, pattern in _COMPILED if pattern.search(words)), None)


def _numbers(values: pd.Series) -> pd.Series:
    """A rough reading of number texts, enough to tell numbers from text and see their sum."""
    text = values.astype("string").str.replace(r"[=\"%$€£¥ '\u00a0]", "", regex=True)
    text = text.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
    both = text.str.contains(".", regex=False) & text.str.contains(",", regex=False)
    comma_decimal = both & (text.str.rfind(",") > text.str.rfind("."))
    text = text.where(~comma_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    text = text.where(comma_decimal | ~both, text.str.replace(",", "", regex=False))
    only_comma = ~both & text.str.contains(",", regex=False) & ~text.str.contains(r",[0-9]{3}$")
    text = text.where(~only_comma, text.str.replace(",", ".", regex=False)).str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce")


def confirm(canonical: str, values: pd.Series) -> tuple[bool | None, str]:
    """Whether a column's values (text) bear out a role: True, False (refuted), None (cannot say)."""
    present = values.dropna()
    present = present[present.str.len() > 0]
    if present.empty:
        return None, "no values"
    if canonical in _IDENTIFIERS:
        share = float(present.str.upper().str.strip().str.match(SHAPES[canonical]).mean())
        if share >= 0.5:
            return True, f"{share:.0%} of values {canonical.upper()}-shaped"
        return (False if share < 0.1 else None), f"{share:.0%} of values {canonical.upper()}-shaped"
    if canonical in _NUMERIC:
        numbers = _numbers(present)
        share = float(numbers.notna().mean())
        if share < 0.5:
            return False, f"only {share:.0%} of values are numbers"
        if canonical == "weight":
            total = float(numbers.sum())
            near = next((t for t in (1.0, 100.0) if abs(total - t) <= 0.1 * t), None)
            if near is not None:
                return True, f"numbers summing to {total:.4g}"
            if numbers.abs().max() <= 100:
                return None, f"numbers within ±100 summing to {total:.4g}"
            return False, f"numbers up to {numbers.abs().max():.4g}, too large for weights"
        return True, f"{share:.0%} of values are numbers"
    if canonical in ("security_name", "country", "sector", "asset_class"):
        share = float(present.str.contains(r"[^\W\d_]").mean())
        return (share >= 0.5), f"{share:.0%} of values are words"
    return None, "not checked"


def from_content(values: pd.Series) -> tuple[str, str] | None:
    """An identifier role that an unnamed or unknown column's values show by their shape alone."""
    present = values.dropna()
    present = present[present.str.len() > 0].str.upper().str.strip()
    if len(present) < 3:
        return None
    for canonical in ("isin", "lei"):  # shapes with check digits: a CUSIP's shape is too loose
        share = float(present.str.match(SHAPES[canonical]).mean())
        if share >= 0.9:
            return canonical, f"{share:.0%} of values {canonical.upper()}-shaped"
    return None
