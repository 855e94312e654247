"""Company-name normalisation: upper case, accents folded to ASCII, punctuation removed, ``&`` spelt AND,
a leading THE dropped, and legal-form and share-class words stripped from the end.

The legal forms come from GLEIF's ISO 20275 code list, bundled as ``data/legal_forms.csv`` (built by
``scripts/build_legal_forms.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._resources import data_dir

__all__ = [
    "CLASS_WORDS",
    "issuer_name_table",
    "leading_legal_form",
    "legal_form_spellings",
    "legal_form_tails",
    "legal_forms",
    "name_suffixes",
    "normalise_names",
]

#: words that, followed by one or two letters or digits, end a name as a share class (CLASS A, SER B)
CLASS_WORDS = frozenset({"CLASS", "CL", "SERIES", "SER"})
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
    "H",  # Chinese share classes listed in Hong Kong (H), New York (N), Singapore (S)
    "N",
    "S",
    "HOLDINGS",
    "HOLDING",
)
# words that end names without being legal forms: descriptors and share-class words
_NOT_A_FORM = frozenset({"GROUP", *CLASS_WORDS, *(word for phrase in _SHARE_WORDS for word in phrase.split())})
# one limited company however the words before LIMITED are written ("Co., Ltd.", "Corporation Limited"):
# Chinese companies' English names; GLEIF's list gives China's forms in Chinese only (有限公司) and Hong
# Kong's as "Ltd;Ltd.;Limited", so this equivalence is written here, not derived
_SAME_TAIL = {
    "CO LTD": "LTD",
    "CORP LTD": "LTD",
    "PUBLIC JOINT STOCK CO": "PJSC",
    "OPEN JOINT STOCK CO": "OJSC",
    "JOINT STOCK CO": "JSC",
}
#: the English abbreviations of Russian company forms that Annex IV of Regulation 833/2014 and
#: issuers' own share lines print before or after the name ("PJSC Sollers", "Sollers PJSC");
#: GLEIF's list gives the Russian forms in Cyrillic and transliteration only
_RUSSIAN_FORMS = ("PJSC", "OJSC", "CJSC", "JSC", "PAO", "OAO", "ZAO", "OOO")
_LEADING_FORMS = (
    "NON PUBLIC JOINT STOCK COMPANY",
    "PUBLIC JOINT STOCK COMPANY",
    "OPEN JOINT STOCK COMPANY",
    "CLOSED JOINT STOCK COMPANY",
    "JOINT STOCK COMPANY",
    "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO",
    "PUBLICHNOE AKTSIONERNOE OBSCHESTVO",
    "AKTSIONERNOE OBSHCHESTVO",
    "AKTSIONERNOE OBSCHESTVO",
    *_RUSSIAN_FORMS,
)
# a leading form followed by at least one word of name
_LEADING = r"^(?:" + "|".join(_LEADING_FORMS) + r")\s+(\S)"


@lru_cache(maxsize=1)
def legal_form_spellings() -> dict[str, str]:
    """Each legal-form spelling that GLEIF lists beside a shorter one under one ELF code, mapped to that
    short form (LIMITED -> LTD, AKTIENGESELLSCHAFT -> AG, PUBLIC LIMITED COMPANY -> PLC), from
    ``data/legal_form_variants.csv`` (built by ``scripts/build_legal_forms.py``)."""
    table = pd.read_csv(data_dir() / "legal_form_variants.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["form"], table["same_as"], strict=True))


@lru_cache(maxsize=1)
def legal_forms() -> tuple[str, ...]:
    """The normalised legal-form words, longest first: GLEIF's abbreviations, and the spellings in full
    that GLEIF gives for one of them in two jurisdictions or more (AKTIENGESELLSCHAFT for AG, PUBLIC
    LIMITED COMPANY for PLC); a spelling of one jurisdiction only ("NATIONAL BANK") is not stripped."""
    table = pd.read_csv(data_dir() / "legal_forms.csv", dtype=str, keep_default_na=False)
    spelt = pd.read_csv(data_dir() / "legal_form_variants.csv", dtype=str, keep_default_na=False)
    known = set(table["form"])
    wide = spelt["jurisdictions"].str.split().str.len().ge(2) & spelt["same_as"].isin(known)
    extra = ["CORPORATION", "INCORPORATED", "COMPANY", "HOLDINGS?", "GROUP", "CO", "THE", *_RUSSIAN_FORMS]
    forms = list(table["form"]) + list(spelt.loc[wide & ~spelt["form"].isin(known), "form"])
    return tuple(dict.fromkeys(sorted(forms, key=len, reverse=True) + extra))


@lru_cache(maxsize=1)
def name_suffixes() -> tuple[str, ...]:
    """Every legal-form and share-class phrase that normalisation strips from the end of a name
    (besides a class word and one or two letters or digits, see :data:`CLASS_WORDS`)."""
    forms = (f for f in legal_forms() if f not in {"THE", "HOLDINGS?"})
    return tuple(dict.fromkeys((*forms, *_SHARE_WORDS)))


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[tuple[str, ...]]:
    """:func:`name_suffixes` as token tuples."""
    return frozenset(tuple(s.split()) for s in name_suffixes())


@lru_cache(maxsize=1)
def _suffix_sizes() -> dict[str, tuple[int, ...]]:
    """For each word that ends a suffix, the lengths (in words) of the suffixes it ends, longest first."""
    sizes: dict[str, set[int]] = {}
    for suffix in _suffixes():
        sizes.setdefault(suffix[-1], set()).add(len(suffix))
    return {word: tuple(sorted(n, reverse=True)) for word, n in sizes.items()}


def strip_suffixes(name: str) -> str:
    """`name` (a cleaned name) without its trailing legal-form and share-class words, never its first word."""
    tokens = name.split()
    end = count = len(tokens)
    sizes, suffixes = _suffix_sizes(), _suffixes()
    while end > 1:
        last = tokens[end - 1]
        if end > 2 and len(last) <= 2 and tokens[end - 2] in CLASS_WORDS:
            end -= 2  # CLASS A, SERIES B, CL C
            continue
        for size in sizes.get(last, ()):  # a one-word suffix is the word itself
            if size < end and (size == 1 or tuple(tokens[end - size : end]) in suffixes):
                end -= size
                break
        else:
            break
    return name if end == count else " ".join(tokens[:end])


def _clean(values: pd.Series) -> pd.Series:
    """Upper case ASCII letters and digits, words parted by single spaces, a leading THE dropped."""
    text = values.astype("str")
    accented = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).astype(bool)
    if accented.any():  # accents folded to ASCII (most names have none)
        folded = text[accented].str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
        text = text.mask(accented, folded.astype("str"))
    # an apostrophe joins the letters it stands between ("Xi'an", "Xi’an" and "XIAN" are one name)
    text = text.str.upper().str.replace("&", " AND ", regex=False).str.replace(".", "", regex=False)
    text = text.str.replace("'", "", regex=False)
    text = text.str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    # Arrow's own kernel: pandas runs this anchored pattern through Python, ten times slower
    # a custodian's inverted article ("BOEING CO/THE") is dropped like a leading one
    the = pc.replace_substring_regex(pa.array(text.array), pattern=r"^THE\s+|\s+THE$", replacement="")
    return pd.Series(text.dtype.__from_arrow__(the), index=text.index)


def strip_leading_form(name: str) -> str:
    """`name` (a cleaned name) without a Russian legal form that begins it and is followed by a word
    (the rule :func:`normalise_names` applies to whole columns at once)."""
    return re.sub(_LEADING, r"\1", name, count=1)


def leading_legal_form(names: pd.Series) -> pd.Series:
    """The Russian legal form that begins each name, cleaned ("JOINT STOCK COMPANY" of "Joint Stock
    Company STAR"), or "" when none does."""
    names = names.astype("str")
    distinct = names.dropna().drop_duplicates()
    if distinct.empty:
        return pd.Series("", index=names.index, dtype="str")
    pattern = "^(" + "|".join(_LEADING_FORMS) + r")\s+\S"
    forms = _clean(distinct).str.extract(pattern, expand=False).fillna("")
    return names.map(pd.Series(forms.to_numpy(), index=distinct.to_numpy())).fillna("").astype("str")


def _normalise_distinct(values: pd.Series) -> pd.Series:
    """Normalised names of distinct `values`: cleaned, then stripped name by name (one set look-up per
    trailing word); a name is never stripped down to nothing ("AG" alone stays "AG")."""
    text = _clean(values)
    # a Russian form before the name is dropped ("PJSC Sollers" is "Sollers PJSC"); legal_form_tails
    # reads the cleaned name, so it sees no form in such a name and no clash with the other's form
    lead = pc.replace_substring_regex(pa.array(text.array), pattern=_LEADING, replacement=r"\1", max_replacements=1)
    text = pd.Series(text.dtype.__from_arrow__(lead), index=text.index)
    stripped = [t if t is None else strip_suffixes(t) or t for t in text.to_numpy(dtype=object, na_value=None)]
    return pd.Series(stripped, index=text.index, dtype="str")


def normalise_names(names: pd.Series) -> pd.Series:
    """Normalised company names, computed once per distinct name; missing stays missing."""
    names = names.astype("str")
    codes, distinct = pd.factorize(names)
    if not len(distinct):
        return pd.Series(pd.NA, index=names.index, dtype="str")
    done = _normalise_distinct(pd.Series(distinct, dtype="str"))
    done = done.mask(done == "")
    return pd.Series(done.array.take(codes, allow_fill=True), index=names.index)


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
    """The legal-form words that normalisation strips from each name, each spelling as GLEIF's short
    form (:func:`legal_form_spellings`: CORPORATION -> CORP, AKTIENGESELLSCHAFT -> AG), and CO LTD,
    CORP LTD as LTD.

    Descriptors such as GROUP or HOLDINGS and share-class words are not legal forms and are left out,
    so "TransDigm Group" and "TRANSDIGM GROUP INC" have tails "" and "INC". Used to tell apart two
    companies whose names agree once their (different) legal forms are dropped.
    """
    names = names.astype("str")
    distinct = names.dropna().drop_duplicates()
    if distinct.empty:
        return pd.Series("", index=names.index, dtype="str")
    cleaned = _clean(distinct).to_numpy()
    core = _normalise_distinct(distinct).to_numpy()
    spellings = legal_form_spellings()
    tails = []
    for full, stripped in zip(cleaned, core, strict=True):  # once per distinct name
        words = str(full)[len(str(stripped)) :].split() if str(full).startswith(str(stripped)) else []
        words = [w for w in words if w not in _NOT_A_FORM and len(w) > 1]
        tail = spellings.get(" ".join(words)) or " ".join(spellings.get(w, w) for w in words)
        tails.append(_SAME_TAIL.get(tail, tail))
    mapping = pd.Series(tails, index=distinct.to_numpy())
    return names.map(mapping).fillna("").astype("str")
