"""Asset classes in a small vocabulary, so cash, derivatives and collateral are kept but not
screened for an issuer.

The vocabulary: equity, fixed_income, cash, money_market, fx, futures, derivative, collateral,
fund, other. A file's own wording ("Cash Collateral and Margins", "Aktien", "Geldmarkt") is
kept in ``asset_class_raw``. Where a file has no asset class, a few unmistakable names ("USD
CASH", "US DOLLAR", "S&P500 EMINI JUN 23") are enough to recognise cash and futures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "ASSET_CLASSES",
    "NOT_SCREENABLE",
    "asset_class_from_name",
    "broadcast",
    "normalise_asset_class",
    "per_distinct",
]

ASSET_CLASSES = (
    "equity",
    "fixed_income",
    "cash",
    "money_market",
    "fx",
    "futures",
    "derivative",
    "collateral",
    "fund",
    "other",
)
NOT_SCREENABLE = frozenset({"cash", "money_market", "fx", "futures", "derivative", "collateral"})
"""Asset classes with no issuer to screen."""

# Checked in this order: the first pattern that matches names the class.
_BY_TEXT: tuple[tuple[str, str], ...] = (
    ("collateral", r"collateral|margin|sicherheit|collat[eé]ral|garant[ií]a|onderpand"),
    (
        "money_market",
        r"money ?market|geldmarkt|mon[eé]taire|mercado monetario|monetari|"
        r"liquidity fund|geldmarktfonds",
    ),
    (
        "fx",
        r"\bfx\b|forex|forward|devisentermin|termingesch|change [aà] terme|"
        r"plazo|a termine|valutatermijn|currency contract",
    ),
    ("futures", r"future|termijncontract|contrat [aà] terme"),
    (
        "derivative",
        r"derivat|d[eé]riv[eé]|swap|option|warrant|optionsschein|opzion|opcion|"
        r"contract for difference|\bcfd\b",
    ),
    (
        "cash",
        r"\bcash\b|currency|kasse|bargeld|liquidit|esp[eè]ces|efectivo|contant|"
        r"\bkas\b|tesorer|bankguthaben|deposit",
    ),
    ("fund", r"\bfunds?\b|\betf\b|\betp\b|fonds|fondo|\bucits\b|\bsicav\b|investment trust"),
    (
        "fixed_income",
        r"fixed income|bond|debt|treasur|note|anleihe|rente|obligation|"
        r"obligaci|bono|obbligazion|obligatie|schuldverschreibung|gilt",
    ),
    (
        "equity",
        r"equit|stock|share|\badr\b|\bgdr\b|\breit\b|aktie|action|acci[oó]n|azion|"
        r"aandel|preferred|common|ordinary",
    ),
)

_CURRENCY_NAMES = (
    r"(?:us|u\.s\.|canadian|australian|new zealand|hong kong|singapore|taiwan) dollars?|"
    r"euros?|japanese yen|yen|(?:british )?pounds?(?: sterling)?|swiss francs?|"
    r"(?:danish|swedish|norwegian) kron[aeor]+|israeli (?:new )?shekel"
)
_BY_NAME: tuple[tuple[str, str], ...] = (
    (
        "collateral",
        r"\bcash collateral\b|\bmargin balance\b|\bmargin\b.*\bfutures?\b|"
        r"\bfutures?\b.*\bmargin\b",
    ),
    # "future" alone is no sign: "Future Retail Ltd.", "Future PLC" are companies
    ("futures", r"\be-?mini\b|\bfutures\b|\bfuture (?:contract|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b"),
    ("cash", rf"^(?:{_CURRENCY_NAMES})$|^[a-z]{{3}} cash$|^cash(?: and cash equivalents)?$"),
)


def _first_match(text: str, patterns: tuple[tuple[str, re.Pattern], ...]) -> str | None:
    return next((name for name, pattern in patterns if pattern.search(text)), None)


_TEXT_PATTERNS = tuple((name, re.compile(p)) for name, p in _BY_TEXT)
_NAME_PATTERNS = tuple((name, re.compile(p)) for name, p in _BY_NAME)


def per_distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct): each value's code (-1 for missing) and the distinct values as text.

    Work done on the distinct values is given back to every row with :func:`broadcast`.
    """
    codes, distinct = pd.factorize(values.astype("string"))
    return codes, pd.Series(distinct, dtype="string")


def broadcast(answers: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The answer for each row's distinct value (missing where the value is missing)."""
    answers = answers.astype("string")
    values = answers.array.take(codes, allow_fill=True) if len(answers) else pd.array([pd.NA] * len(codes), "string")
    return pd.Series(values, index=index, dtype="string")


def normalise_asset_class(raw: pd.Series) -> pd.Series:
    """The vocabulary class of each raw asset-class text (missing stays missing)."""
    codes, distinct = per_distinct(raw)
    text = distinct.str.strip().str.casefold()
    answers = pd.Series([_first_match(v, _TEXT_PATTERNS) or "other" for v in text], dtype="string")
    return broadcast(answers, codes, raw.index)


def asset_class_from_name(names: pd.Series) -> pd.Series:
    """Cash, collateral or futures where the security name leaves no doubt; missing otherwise.

    The patterns run over the distinct names in whole-column steps (a million holdings carry
    some ten thousand names, and a loop over them cost most of a typed table's load time).
    """
    codes, distinct = per_distinct(names)
    text = distinct.str.strip().str.casefold()
    answer = pd.Series(pd.NA, index=text.index, dtype="string")
    for name, pattern in reversed(_BY_NAME):  # the first pattern that matches wins
        answer = answer.mask(text.str.contains(pattern, regex=True).fillna(False).astype(bool), name)
    return broadcast(answer, codes, names.index)
