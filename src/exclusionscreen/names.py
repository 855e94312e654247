"""Company-name normalisation and fuzzy matching.

Names are compared after normalisation: upper case, accents folded to ASCII, punctuation removed,
``&`` spelt AND, a leading THE dropped, share-class words (CLASS A, ORD, ADR, ...) and legal-form words
(INC, PLC, AG, SPA, ...) removed from the end. The legal forms come from GLEIF's ISO 20275 code list,
bundled as ``data/legal_forms.csv`` (built by ``scripts/build_legal_forms.py``).

Fuzzy matching uses rapidfuzz's vectorised ``process.cdist`` over distinct names, never a Python loop
over pairs.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ._resources import data_dir

__all__ = ["best_matches", "legal_form_tails", "legal_forms", "normalise_names"]

_SHARE_CLASS = [
    r"CLASS [A-Z]",
    r"CL [A-Z]",
    r"SERIES [A-Z0-9]+",
    r"SER [A-Z]",
    r"ORDINARY SHARES?",
    r"ORD SHS?",
    r"ORD",
    r"COMMON STOCK",
    r"COMMON",
    r"COM",
    r"SHS?",
    r"ADR",
    r"ADS",
    r"GDR",
    r"SPONSORED ADR",
    r"REG",
    r"REGISTERED",
    r"PREF",
    r"PREFERRED",
    r"NPV",
    r"NON VOTING",
    r"NV",
    r"VTG",
    r"UNITS?",
    r"REIT",
    r"NEW",
    r"DR",
    r"A",
    r"B",
    r"C",
]


@lru_cache(maxsize=1)
def legal_forms() -> tuple[str, ...]:
    """The normalised legal-form words, longest first."""
    table = pd.read_csv(data_dir() / "legal_forms.csv", dtype=str, keep_default_na=False)
    extra = ["CORPORATION", "INCORPORATED", "COMPANY", "HOLDINGS?", "GROUP", "CO", "THE"]
    return tuple(dict.fromkeys(list(table["form"]) + extra))


@lru_cache(maxsize=1)
def _suffix_pattern() -> re.Pattern:
    forms = sorted((re.escape(f).replace(r"\ ", " ") for f in legal_forms() if f != "THE"), key=len, reverse=True)
    forms = [f.replace("HOLDINGS\\?", "HOLDINGS?") for f in forms]
    words = "|".join(_SHARE_CLASS + forms)
    return re.compile(rf"(?:\s+(?:{words}))+$")


def _clean(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.str.upper().str.replace("&", " AND ", regex=False).str.replace(".", "", regex=False)
    text = text.str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    return text.str.replace(r"^THE\s+", "", regex=True)


def _normalise_distinct(values: pd.Series) -> pd.Series:
    text = _clean(values)
    stripped = (" " + text).str.replace(_suffix_pattern(), "", regex=True).str.strip()
    # never strip a name down to nothing: "AG" alone stays "AG"
    return stripped.where(stripped.str.len() > 0, text)


def normalise_names(names: pd.Series) -> pd.Series:
    """Normalised company names, computed once per distinct name; missing stays missing."""
    names = names.astype("string")
    distinct = names.dropna().drop_duplicates()
    if distinct.empty:
        return pd.Series(pd.NA, index=names.index, dtype="string")
    mapping = pd.Series(_normalise_distinct(distinct).to_numpy(), index=distinct.to_numpy())
    out = names.map(mapping).astype("string")
    return out.mask(out == "")


_NOT_A_FORM = {
    "GROUP",
    "HOLDINGS",
    "HOLDING",
    "CLASS",
    "CL",
    "SERIES",
    "SER",
    "ORD",
    "ORDINARY",
    "SHARES",
    "SHS",
    "SH",
    "COMMON",
    "COM",
    "STOCK",
    "ADR",
    "ADS",
    "GDR",
    "SPONSORED",
    "REG",
    "REGISTERED",
    "PREF",
    "PREFERRED",
    "NPV",
    "NON",
    "VOTING",
    "VTG",
    "UNIT",
    "UNITS",
    "REIT",
    "NEW",
    "DR",
}
_SAME_FORM = {"CORPORATION": "CORP", "INCORPORATED": "INC", "LIMITED": "LTD", "COMPANY": "CO"}


def legal_form_tails(names: pd.Series) -> pd.Series:
    """The legal-form words that normalisation strips from each name, canonical (CORPORATION -> CORP).

    Descriptors such as GROUP or HOLDINGS and share-class words are not legal forms and are left out,
    so "TransDigm Group" and "TRANSDIGM GROUP INC" have tails "" and "INC". Used to tell apart two
    companies whose names agree once their (different) legal forms are dropped.
    """
    names = names.astype("string")
    distinct = names.dropna().drop_duplicates()
    if distinct.empty:
        return pd.Series("", index=names.index, dtype="string")
    cleaned = _clean(distinct).to_numpy()
    core = _normalise_distinct(distinct).to_numpy()
    tails = []
    for full, stripped in zip(cleaned, core, strict=True):  # once per distinct name
        words = str(full)[len(str(stripped)) :].split() if str(full).startswith(str(stripped)) else []
        words = [_SAME_FORM.get(w, w) for w in words if w not in _NOT_A_FORM and len(w) > 1]
        tails.append(" ".join(words))
    mapping = pd.Series(tails, index=distinct.to_numpy())
    return names.map(mapping).fillna("").astype("string")


def best_matches(queries: pd.Series, choices: pd.Series, *, min_score: float = 0.0, chunk: int = 2000) -> pd.DataFrame:
    """For each distinct normalised query name, the best-scoring normalised choice.

    `queries` and `choices` are normalised names (see :func:`normalise_names`); `choices` is indexed by
    the key to return (an issuer id, a list entry id). Returns one row per distinct query with columns
    ``query``, ``match_key``, ``match_name``, ``score`` (0-1, token-sort ratio), ``runner_up_score`` and
    ``runner_up_key`` (the next best choice),
    for queries whose best score is at least `min_score`. Scores are computed with rapidfuzz's
    ``cdist`` in chunks, so memory stays bounded for 100,000 x 100,000 names.
    """
    q = pd.Series(queries.dropna().unique(), dtype="string")
    c = choices.dropna()
    columns = ["query", "match_key", "match_name", "score", "runner_up_score", "runner_up_key"]
    if q.empty or c.empty:
        return pd.DataFrame(columns=columns)
    choice_names = c.astype(str).to_numpy()
    choice_keys = c.index.to_numpy()
    frames = []
    cutoff = int(min_score * 100)
    for start in range(0, len(q), chunk):
        part = q.iloc[start : start + chunk].astype(str).to_numpy()
        scores = process.cdist(
            part, choice_names, scorer=fuzz.token_sort_ratio, dtype=np.uint8, score_cutoff=cutoff, workers=-1
        )
        best = scores.argmax(axis=1)
        best_score = scores[np.arange(len(part)), best]
        rows = np.arange(len(part))
        scores[rows, best] = 0  # in place: the best is already taken; what is left gives the runner-up
        second_at = scores.argmax(axis=1)
        second = scores[rows, second_at]
        keep = best_score >= max(cutoff, 1)
        frames.append(
            pd.DataFrame(
                {
                    "query": part[keep],
                    "match_key": choice_keys[best[keep]],
                    "match_name": choice_names[best[keep]],
                    "score": best_score[keep] / 100.0,
                    "runner_up_score": second[keep] / 100.0,
                    "runner_up_key": choice_keys[second_at[keep]],
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
