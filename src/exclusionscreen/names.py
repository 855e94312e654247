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

import pandas as pd
from rapidfuzz import fuzz, process

from ._resources import data_dir

__all__ = ["best_matches", "issuer_name_table", "legal_form_tails", "legal_forms", "normalise_names"]



@lru_cache(maxsize=1)
def legal_forms() -> tuple[str, ...]:
    """The normalised legal-form words, longest first."""
    table = pd.read_csv(data_dir() / "legal_forms.csv", dtype=str, keep_default_na=False)
    extra = ["CORPORATION", "INCORPORATED", "COMPANY", "HOLDINGS?", "GROUP", "CO", "THE"]
    return tuple(dict.fromkeys(list(table["form"]) + extra))


@lru_cache(maxsize=1)
def _suffix_pattern() -> re.Pattern:
    """The legal-form and share-class suffixes as one regular expression (for SQL engines that need one)."""
    forms = sorted((re.escape(f).replace(r"\ ", " ") for f in legal_forms() if f != "THE"), key=len, reverse=True)
    forms = [f.replace("HOLDINGS\\?", "HOLDINGS?") for f in forms]
    share = [r"(?:CLASS|CL|SERIES|SER) [A-Z0-9]{1,2}"] + [re.escape(w).replace(r"\ ", " ") for w in _SHARE_WORDS]
    words = "|".join(share + forms)
    return re.compile(rf"(?:\s+(?:{words}))+$")


def _clean(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.str.upper().str.replace("&", " AND ", regex=False).str.replace(".", "", regex=False)
    text = text.str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    return text.str.replace(r"^THE\s+", "", regex=True)


_SHARE_WORDS = (
    "ORDINARY SHARES",
    "ORDINARY SHARE",
    "ORD SHS",
    "ORD SH",
    "ORD",
    "COMMON STOCK",
    "COMMON",
    "COM",
    "SHS",
    "SH",
    "ADR",
    "ADS",
    "GDR",
    "SPONSORED ADR",
    "REG",
    "REGISTERED",
    "PREF",
    "PREFERRED",
    "NPV",
    "NON VOTING",
    "NV",
    "VTG",
    "UNIT",
    "UNITS",
    "REIT",
    "NEW",
    "DR",
    "A",
    "B",
    "C",
    "HOLDINGS",
    "HOLDING",
)
_CLASS_WORDS = frozenset({"CLASS", "CL", "SERIES", "SER"})


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[tuple[str, ...]]:
    """Every legal-form and share-class word sequence that may end a name, as token tuples."""
    forms = [f for f in legal_forms() if f not in {"THE", "HOLDINGS?"}]
    return frozenset(tuple(f.split()) for f in (*forms, *_SHARE_WORDS))


def _strip_suffixes(name: str, suffixes: frozenset) -> str:
    """Remove trailing legal-form and share-class words (never the first word)."""
    tokens = name.split()
    end = len(tokens)
    while end > 1:
        if end > 2 and tokens[end - 2] in _CLASS_WORDS and len(tokens[end - 1]) <= 2:
            end -= 2  # CLASS A, SERIES B, CL C
            continue
        for size in (4, 3, 2, 1):
            if size < end and tuple(tokens[end - size : end]) in suffixes:
                end -= size
                break
        else:
            break
    return " ".join(tokens[:end])


def _normalise_distinct(values: pd.Series) -> pd.Series:
    text = _clean(values)
    suffixes = _suffixes()
    stripped = pd.Series(  # once per distinct name, a few set look-ups each
        [_strip_suffixes(t, suffixes) if isinstance(t, str) else t for t in text.to_numpy(dtype=object)],
        index=text.index,
        dtype="string",
    )
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


# words that end names without being legal forms: descriptors and share-class words
_NOT_A_FORM = frozenset({"GROUP", *_CLASS_WORDS, *(word for phrase in _SHARE_WORDS for word in phrase.split())})
_SAME_FORM = {"CORPORATION": "CORP", "INCORPORATED": "INC", "LIMITED": "LTD", "COMPANY": "CO"}


def issuer_name_table(issuers: pd.DataFrame) -> pd.DataFrame:
    """Every name an issuer is known by (its name and each alias), normalised: issuer_id, name, norm."""
    names = issuers[["issuer_id", "issuer_name"]].rename(columns={"issuer_name": "name"})
    aliases = issuers[["issuer_id", "aliases"]].dropna()
    aliases = aliases.assign(name=aliases["aliases"].str.split("|")).explode("name")[["issuer_id", "name"]]
    table = pd.concat([names, aliases], ignore_index=True)
    table["name"] = table["name"].str.strip()
    table["norm"] = normalise_names(table["name"])
    return table.dropna(subset=["norm"]).drop_duplicates(["issuer_id", "norm"]).reset_index(drop=True)


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


def _block_keys(names: pd.Series) -> pd.DataFrame:
    """(position, key) pairs: every word of three letters or more, and the first four letters of longer words."""
    words = names.str.split().explode().dropna()
    words = words[words.str.len() >= 3]
    prefixes = words[words.str.len() > 4].str[:4] + "*"
    keys = pd.concat([words, prefixes])
    return pd.DataFrame({"pos": keys.index.to_numpy(), "key": keys.to_numpy()}).drop_duplicates()


def best_matches(
    queries: pd.Series, choices: pd.Series, *, min_score: float = 0.0, max_block: int = 500
) -> pd.DataFrame:
    """For each distinct normalised query name, the best-scoring normalised choice.

    `queries` and `choices` are normalised names (see :func:`normalise_names`); `choices` is indexed by
    the key to return (an issuer id, a list entry id). Returns one row per distinct query with columns
    ``query``, ``match_key``, ``match_name``, ``score`` (0-1, token-sort ratio), ``runner_up_score`` and
    ``runner_up_key`` (the next best choice with another key), for queries whose best score is at
    least `min_score`.

    Candidates are blocked: a query is scored only against choices that share a word, or the first
    four letters of a word, with it (words shared by more than `max_block` choices are skipped,
    except a query's rarest word). Scoring runs pairwise in rapidfuzz (``cpdist``), so the work grows
    with the candidate pairs, not with queries x choices.
    """
    columns = ["query", "match_key", "match_name", "score", "runner_up_score", "runner_up_key"]
    q = pd.Series(queries.dropna().unique(), dtype="string")
    c = choices.dropna()
    if q.empty or c.empty:
        return pd.DataFrame(columns=columns)
    choice_names = c.astype(str).to_numpy()
    choice_keys = c.index.to_numpy()
    c_keys = _block_keys(pd.Series(choice_names))
    q_keys = _block_keys(q.reset_index(drop=True))
    size = c_keys["key"].value_counts()
    q_keys["size"] = q_keys["key"].map(size).fillna(0)
    q_keys = q_keys[q_keys["size"] > 0]
    rarest = q_keys.sort_values("size", kind="stable").drop_duplicates("pos")
    q_keys = pd.concat([q_keys[q_keys["size"] <= max_block], rarest]).drop_duplicates(["pos", "key"])
    pairs = q_keys[["pos", "key"]].merge(c_keys.rename(columns={"pos": "choice"}), on="key")
    pairs = pairs[["pos", "choice"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    q_text = q.astype(str).to_numpy()
    pairs["score"] = (
        process.cpdist(
            q_text[pairs["pos"].to_numpy()],
            choice_names[pairs["choice"].to_numpy()],
            scorer=fuzz.token_sort_ratio,
            workers=-1,
        )
        / 100.0
    )
    pairs["key"] = choice_keys[pairs["choice"].to_numpy()]
    pairs = pairs.sort_values(["pos", "score"], ascending=[True, False], kind="stable")
    best = pairs.drop_duplicates("pos")
    best = best[best["score"] >= min_score]
    others = pairs.merge(best[["pos", "key"]], on="pos", suffixes=("", "_best"))
    others = others[others["key"] != others["key_best"]].drop_duplicates("pos")
    runner = others.set_index("pos")
    return pd.DataFrame(
        {
            "query": q_text[best["pos"].to_numpy()],
            "match_key": best["key"].to_numpy(),
            "match_name": choice_names[best["choice"].to_numpy()],
            "score": best["score"].to_numpy(),
            "runner_up_score": best["pos"].map(runner["score"]).fillna(0.0).to_numpy(),
            "runner_up_key": best["pos"].map(runner["key"]).to_numpy(),
        },
        columns=columns,
    ).reset_index(drop=True)
