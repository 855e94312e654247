"""Name-keyed evidence: tie list entries and evidence rows that name a company to screen subjects.

Entity lists, SIPRI rows and research lists often name a company without any identifier. Their names
are matched, after normalisation, to the universe's issuers (names and aliases) and to the security
names of holdings that no issuer covers, exactly first and then fuzzily. Matches at or above the
confidence bar count; those between the review bar and the confidence bar go to review.

The screen's evidence stage is :func:`tie_evidence`: the evidence and list entries valid on the
screening date, tied to subjects, ready for every criterion.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from ._fast import isin, lookup, value_set
from .crosswalk import sec_registrant_names
from .exchanges import same_market, ticker_markets
from .names import NameIndex, best_matches, leading_legal_form, legal_form_tails, normalise_names
from .resolve import PreparedUniverse
from .universe import Universe

__all__ = [
    "REVIEW_COLUMNS",
    "GENERIC_WORDS",
    "LIST_COUNTRY",
    "PreparedEvidence",
    "implausible_places",
    "match_names",
    "prepare_evidence",
    "subject_index",
    "subject_names",
    "tie_evidence",
    "ended_by",
    "truncated_matches",
    "TRUNCATION_WIDTH",
    "match_list_identifiers",
    "pooled_list_names",
    "subject_countries",
    "valid_on",
]

_MIN_FUZZY_LENGTH = 6
_SHORT_ALIAS = 5
#: the fewest characters of a holding name that may have been cut by its file (fund files cut names
#: at 24 to 35 characters: "KEYSIGHT TECHNOLOGIES IN", "CONTEMPORARY AMPEREX TECHNOLOGY LT")
TRUNCATION_WIDTH = 20
# legal-form words whose beginning ends a cut name
_CUT_FORMS = frozenset(
    {"INC", "INCORPORATED", "LTD", "LIMITED", "CORP", "CORPORATION", "COMPANY", "PLC", "HOLDINGS", "GROUP"}
)

#: words that describe a company without naming it: in a fuzzy match, the rest of the two names must
#: reach the review bar on their own ("L3HARRIS TECHNOLOGIES" is not "HUAWEI TECHNOLOGIES")
GENERIC_WORDS = frozenset(
    {
        "TECHNOLOGY",
        "TECHNOLOGIES",
        "SYSTEMS",
        "SYSTEM",
        "GROUP",
        "INDUSTRIES",
        "INDUSTRY",
        "INDUSTRIAL",
        "HOLDINGS",
        "HOLDING",
        "ELECTRIC",
        "ELECTRONICS",
        "UNITED",
        "GENERAL",
        "NATIONAL",
        "INTERNATIONAL",
        "CORPORATION",
        "COMPANY",
        "AND",
        "OF",
        # words of a trade or a place, shared by many unrelated companies ("VERIZON COMMUNICATIONS" is
        # not "Zhongjie Communications", "GE AEROSPACE" not "Align Aerospace")
        "AEROSPACE",
        "AVIATION",
        "BANK",
        "CAPITAL",
        "CHINA",
        "COMMUNICATION",
        "COMMUNICATIONS",
        "CONSTRUCTION",
        "DIAGNOSTICS",
        "ENERGY",
        "ENGINEERING",
        "LOGISTICS",
        "MANUFACTURING",
        "NETWORK",
        "NETWORKS",
        "PARTNERS",
        "POWER",
        "SEMICONDUCTOR",
        "SEMICONDUCTORS",
        "SERVICES",
        "SOLUTIONS",
        "TELECOM",
        "TELECOMMUNICATIONS",
    }
)

#: the country in which a list places every one of its entities. Section 1260H of the National Defense
#: Authorization Act for Fiscal Year 2021 (Public Law 116-283) lists "Chinese military companies", and
#: Executive Order 14032 of 3 June 2021 the "Chinese military-industrial complex" (NS-CMIC); a name match
#: to a holding placed elsewhere goes to review unless identifiers agree
LIST_COUNTRY = {"us_dod_1260h": "CN", "us_ns_cmic": "CN"}
#: where a security of a company located in a list's country may also be placed: Hong Kong and Macau,
#: the offshore registers that groups listed abroad are incorporated in (Cayman Islands, Bermuda,
#: British Virgin Islands), and the United States (depositary receipts carry a US ISIN)
_USER_ASSIGNED = r"AA|Q[M-Z]|X[A-Z]|ZZ"
_ALSO_PLAUSIBLE = {"CN": frozenset({"CN", "HK", "MO", "KY", "BM", "VG", "US"})}


def subject_names(issuer_names: pd.DataFrame, holding_names: pd.Series) -> pd.DataFrame:
    """Every name a subject is known by: issuer names and aliases, and orphan holdings' security names.

    `issuer_names` is :func:`~exclusionscreen.names.issuer_name_table` of the universe's issuers.
    Returns ``subject_id``, ``name``, ``norm``. Orphan holdings become subjects ``name:<normalised>``.
    """
    table = issuer_names.rename(columns={"issuer_id": "subject_id"})[["subject_id", "name", "norm"]]
    orphans = pd.DataFrame({"name": holding_names.dropna().drop_duplicates()})
    orphans["norm"] = normalise_names(orphans["name"])
    orphans = orphans.dropna(subset=["norm"]).drop_duplicates("norm")
    orphans["subject_id"] = "name:" + orphans["norm"]
    return pd.concat([table, orphans[["subject_id", "name", "norm"]]], ignore_index=True)


def crosswalk_names(securities: pd.DataFrame, subject_ids: pd.Series) -> pd.DataFrame:
    """``subject_id``, ``name``, ``norm`` of the SEC registrant of each security (same index as
    `subject_ids`) whose ticker is a US listing (:func:`~exclusionscreen.crosswalk.sec_registrant_names`):
    "GE AEROSPACE" with ticker GE is also "GENERAL ELECTRIC CO"."""
    found = sec_registrant_names(securities.reindex(columns=["ticker", "exchange", "isin", "cusip"]))
    names = pd.DataFrame({"subject_id": subject_ids.astype("str"), "name": found["title"]}).dropna()
    names = names.drop_duplicates()
    return names.assign(norm=normalise_names(names["name"])).dropna(subset=["norm"])[["subject_id", "name", "norm"]]


def subject_index(subjects: pd.DataFrame, *, start: NameIndex | None = None) -> NameIndex:
    """The subjects' distinct normalised names prepared for fuzzy matching, keyed by subject id.

    `subjects` is :func:`subject_names`. `start`, an index of the issuer names those subjects begin with
    (``NameIndex(issuer_names.drop_duplicates("norm").set_index("issuer_id")["norm"])``), is extended
    with the remaining names instead of indexing every name again; one that does not begin the
    subjects' names is ignored.
    """
    distinct = subjects.drop_duplicates("norm").dropna(subset=["norm"])
    names = distinct.set_index("subject_id")["norm"]
    if start is not None and len(start) <= len(names):
        head = names.iloc[: len(start)]
        same_names = (head.astype(str).to_numpy(dtype=object) == start.names).all()
        if same_names and (head.index.to_numpy() == start.keys).all():
            return start.extended(names.iloc[len(start) :])
    return NameIndex(names)


def match_names(
    entries: pd.DataFrame,
    subjects: pd.DataFrame,
    *,
    match_threshold: float,
    review_threshold: float,
    index: NameIndex | None = None,
    fuzzy_flags: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match each entry (columns ``entry_id``, ``name``, optional ``aliases`` and ``known_names``) to
    subjects. ``known_names`` are other names of the company from a sourced table (a legal name, a
    former or later name): they count as its name, where an alias of five letters or fewer only
    proposes a match for review.

    A fuzzy score is the lower of the two names' score and that of their words other than
    :data:`GENERIC_WORDS` (when both have such words). With `fuzzy_flags` false (official lists), a
    fuzzy match is never a match, whatever its score: it goes to review.

    Returns (matches, doubtful): matches with ``entry_id``, ``subject_id``, ``matched_name``,
    ``match_method`` (name_exact or name_fuzzy) and ``match_confidence``; doubtful ones (between the
    two bars, or names that agree only once two different legal forms are dropped) with the same
    columns and a ``reason``, for review. Work is done once per distinct normalised name.

    `index` is :func:`subject_index` of `subjects`, to share between calls with the same subjects;
    without it, one is built for the call.
    """
    names = entries[["entry_id", "name"]].assign(is_alias=False)
    if "known_names" in entries.columns:  # sourced other names of the company: matched like its name
        known = entries[["entry_id", "known_names"]].dropna()
        known = known.assign(name=known["known_names"].str.split("|")).explode("name")[["entry_id", "name"]]
        names = pd.concat([names, known.assign(is_alias=False)], ignore_index=True)
    if "aliases" in entries.columns:
        alias = entries[["entry_id", "aliases"]].dropna()
        alias = alias.assign(name=alias["aliases"].str.split("|")).explode("name")[["entry_id", "name"]]
        names = pd.concat([names, alias.assign(is_alias=True)], ignore_index=True)
    names = names.assign(name=names["name"].astype("str").str.strip())
    names["norm"] = normalise_names(names["name"])
    names = names.dropna(subset=["norm"]).drop_duplicates(["entry_id", "norm"])
    columns = ["entry_id", "entry_name", "subject_id", "matched_name", "match_method", "match_confidence"]
    names = names.rename(columns={"name": "entry_name"})
    if names.empty or subjects.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=columns + ["reason"])

    candidates = subjects.loc[isin(subjects["norm"], names["norm"]), ["subject_id", "name", "norm"]]
    exact = names.merge(candidates.rename(columns={"name": "matched_name"}), on="norm")
    exact = exact.assign(match_method="name_exact", match_confidence=1.0)[[*columns, "is_alias", "norm"]]
    cut = truncated_matches(names, subjects)
    cut = cut.merge(exact[["entry_id", "subject_id"]], how="left", indicator=True)
    exact = pd.concat([exact, cut[cut.pop("_merge").eq("left_only")][exact.columns]], ignore_index=True)

    # fuzzy matching only for names long enough to carry meaning ("STAR" is not a company)
    rest = names[~names["norm"].isin(exact["norm"]) & (names["norm"].str.len() >= _MIN_FUZZY_LENGTH)]
    fuzzy = pd.DataFrame(columns=columns)
    if len(rest):
        choices = subject_index(subjects) if index is None else index
        best = best_matches(rest["norm"], choices, min_score=review_threshold)
        named = subjects[isin(subjects["norm"], best["match_name"])].drop_duplicates("norm").set_index("norm")["name"]
        best = best.assign(score=_distinctive_scores(best["query"], best["match_name"], best["score"]))
        best = best[best["score"] >= review_threshold]
        fuzzy = rest.merge(best, left_on="norm", right_on="query")
        fuzzy = fuzzy.assign(
            subject_id=fuzzy["match_key"],
            matched_name=fuzzy["match_name"].map(named).astype(subjects["name"].dtype),
            match_method="name_fuzzy",
            match_confidence=fuzzy["score"],
        )[[*columns, "is_alias", "norm"]]
        fuzzy = fuzzy.sort_values("match_confidence", ascending=False).drop_duplicates(["entry_id", "subject_id"])
    found = pd.concat([exact, fuzzy], ignore_index=True)
    # the same name with two different legal forms ("Costar Group Co., Ltd." and "COSTAR GROUP INC")
    # may be two companies: such a match is doubtful, whatever its score
    entry_form = legal_form_tails(found["entry_name"])
    subject_form = legal_form_tails(found["matched_name"])
    clash = (entry_form != "") & (subject_form != "") & (entry_form != subject_form)
    found["reason"] = pd.Series(pd.NA, index=found.index, dtype="str")
    agree = clash & (found["match_confidence"] >= match_threshold)
    found.loc[agree, "reason"] = (
        "names agree but legal forms differ (" + entry_form[agree] + " / " + subject_form[agree] + ")"
    )
    # "X Group Co., Ltd." and "X Co., Ltd." are a parent and its company: with a legal form on both
    # names, a match where only one says GROUP or HOLDING(S) is doubtful
    group = ~clash & (entry_form != "") & (subject_form != "")
    group &= _group_word(found["entry_name"]) != _group_word(found["matched_name"])
    found.loc[group, "reason"] = "one name is a group's or a holding company's, the other not (parent or subsidiary?)"
    clash |= group
    # a bare security name (no issuer data) is matched exactly or not at all; an alias of a few
    # letters ("HTC", "ROE") names too many companies to be enough on its own
    orphan_fuzzy = (found["match_method"] == "name_fuzzy") & found["subject_id"].str.startswith("name:")
    short_alias = found["is_alias"].astype(bool) & (found["norm"].str.len() <= _SHORT_ALIAS)
    # a name that is a few letters once its leading legal form is dropped ("Joint Stock Company STAR")
    # is as weak as a short alias
    short_name = (
        ~short_alias & leading_legal_form(found["entry_name"]).ne("") & (found["norm"].str.len() <= _SHORT_ALIAS)
    )
    found.loc[orphan_fuzzy, "reason"] = "fuzzy match to a security name with no issuer data"
    found.loc[short_alias, "reason"] = "matched only on the short alias " + found.loc[short_alias, "entry_name"]
    found.loc[short_name, "reason"] = "matched only on the short name " + found.loc[short_name, "norm"]
    short_alias |= short_name
    good = ~clash & ~orphan_fuzzy & ~short_alias & (found["match_confidence"] >= match_threshold)
    if not fuzzy_flags:
        listed_fuzzy = (found["match_method"] == "name_fuzzy") & found["reason"].isna()
        found.loc[listed_fuzzy, "reason"] = "fuzzy name match to a list entry: only an exact name or identifier flags"
        good &= found["match_method"] != "name_fuzzy"
    matches = found[good].drop_duplicates(["entry_id", "subject_id"])[columns]
    doubtful = found[~good & ~found["entry_id"].isin(matches["entry_id"])]
    doubtful = doubtful.assign(reason=doubtful["reason"].fillna("name match below the confidence bar"))
    return matches.reset_index(drop=True), doubtful[columns + ["reason"]].reset_index(drop=True)


def _group_word(names: pd.Series) -> pd.Series:
    """Whether each name has the word GROUP or HOLDING(S)."""
    return names.astype("str").str.upper().str.contains(r"\b(?:GROUP|HOLDINGS?)\b", regex=True).fillna(False)


def _cut_form_starts() -> frozenset[str]:
    """The beginnings (two letters or more, short of the whole word) of the legal-form words that fund
    files cut at a fixed width: "IN" of INC, "LT" and "LIMIT" of LIMITED, "CORPORATIO"."""
    return frozenset(w[:n] for w in _CUT_FORMS for n in range(2, len(w))) - _CUT_FORMS


def truncated_matches(names: pd.DataFrame, subjects: pd.DataFrame) -> pd.DataFrame:
    """Entry names matched to subject names cut at a fixed width (``match_method`` name_truncated).

    `names` has ``entry_id``, ``entry_name``, ``is_alias`` and ``norm``; `subjects` ``subject_id``,
    ``name`` and ``norm``. A subject name of :data:`TRUNCATION_WIDTH` characters or more whose last
    word is cut matches an entry name when

    - its last word begins a legal form ("KEYSIGHT TECHNOLOGIES IN") and the name without it is the
      entry's normalised name, or
    - its other words are the entry's words but the last, and its last word (four letters or more)
      begins the entry's last word ("HUNTINGTON INGALLS INDUSTRIE", "CHINA STATE CONSTRUCTION ENGINEERI").

    A cut name is the holding's own name shortened by its file, not a different name, so such a
    match counts like an exact one.
    """
    out = ["entry_id", "entry_name", "subject_id", "matched_name", "match_method", "match_confidence"]
    empty = pd.DataFrame(columns=[*out, "is_alias", "norm"])
    long = subjects[subjects["name"].astype("str").str.strip().str.len().ge(TRUNCATION_WIDTH).fillna(False)]
    words = long["norm"].astype("str").str.rsplit(" ", n=1)
    long = long[words.str.len().eq(2)].assign(head=words.str[0], last=words.str[-1])
    if long.empty or names.empty:
        return empty
    form = long[long["last"].isin(_cut_form_starts())]
    form = form.assign(norm=normalise_names(form["head"]))[["subject_id", "name", "norm"]]
    by_form = names.merge(form.rename(columns={"name": "matched_name"}), on="norm")
    entry_words = names["norm"].astype("str").str.rsplit(" ", n=1)
    two = names[entry_words.str.len().eq(2)].assign(head=entry_words.str[0], entry_last=entry_words.str[-1])
    word = long[long["last"].str.len().ge(4)][["subject_id", "name", "head", "last"]]
    by_word = two.merge(word.rename(columns={"name": "matched_name"}), on="head")
    cut_word = [
        e.startswith(c) and len(e) > len(c) for e, c in zip(by_word["entry_last"], by_word["last"], strict=True)
    ]
    found = pd.concat([by_form, by_word[pd.Series(cut_word, index=by_word.index, dtype=bool)]], ignore_index=True)
    if found.empty:
        return empty
    found = found.assign(match_method="name_truncated", match_confidence=1.0)
    return found.drop_duplicates(["entry_id", "subject_id"])[[*out, "is_alias", "norm"]].reset_index(drop=True)


def _distinctive_scores(query: pd.Series, choice: pd.Series, score: pd.Series) -> pd.Series:
    """`score`, lowered to the token-sort ratio of the names' words other than :data:`GENERIC_WORDS`
    where both names have such words, and to 0 where only one has (a name of generic words alone
    shares nothing distinctive with the other); one score per pair, a few hundred pairs at most."""
    out = score.to_numpy(dtype=float).copy()
    for i, (a, b) in enumerate(zip(query.astype(str), choice.astype(str), strict=True)):
        a_words = [w for w in a.split() if w not in GENERIC_WORDS]
        b_words = [w for w in b.split() if w not in GENERIC_WORDS]
        if a_words and b_words and (len(a_words) < len(a.split()) or len(b_words) < len(b.split())):
            rest = fuzz.token_sort_ratio(" ".join(a_words), " ".join(b_words)) / 100.0
            out[i] = min(out[i], rest)
        elif bool(a_words) != bool(b_words):  # "CHINA COMMUNICATIONS GROUP" has nothing of "CHARTER"
            out[i] = 0.0
    return pd.Series(out, index=score.index)


def subject_countries(issuers: pd.DataFrame, identifiers: pd.DataFrame | None) -> pd.Series:
    """Where each subject is placed, by subject id: an issuer's country, else a holding's own country,
    else its ISIN's prefix (two letters, upper case); codes that name no country are left out."""
    parts = [issuers.reindex(columns=["issuer_id", "country"]).rename(columns={"issuer_id": "subject_id"})]
    if identifiers is not None and len(identifiers):
        ids = identifiers.reindex(columns=["subject_id", "country", "isin"])
        country = ids["country"].astype("string").str.strip().str.upper()
        prefix = ids["isin"].astype("string").str.strip().str.upper().str[:2]
        country = country.where(country.str.fullmatch(r"[A-Z]{2}").fillna(False).astype(bool), prefix)
        parts.append(pd.DataFrame({"subject_id": ids["subject_id"], "country": country}))
    table = pd.concat(parts, ignore_index=True).dropna()
    table = table.assign(country=table["country"].astype("string").str.upper())
    # codes ISO 3166 leaves to its users (XA-XZ, QM-QZ, AA, ZZ; an ISIN's XS is international) place nothing
    table = table[~table["country"].str.fullmatch(_USER_ASSIGNED).fillna(True).astype(bool)]
    return table.drop_duplicates("subject_id").set_index("subject_id")["country"]


def implausible_places(list_ids: pd.Series, subject_ids: pd.Series, countries: pd.Series) -> pd.Series:
    """For each (list, subject) pair, the reason the subject cannot be an entity of the list by its
    place (:data:`LIST_COUNTRY`), or missing when it can or when either place is unknown."""
    placed = lookup(subject_ids.astype("string"), countries).astype("string")
    listed = list_ids.map(LIST_COUNTRY).astype("string")
    allowed = listed.map(lambda c: _ALSO_PLAUSIBLE.get(c, frozenset({c})) if isinstance(c, str) else frozenset())
    ok = pd.Series([p in a for p, a in zip(placed.fillna(""), allowed, strict=True)], index=list_ids.index)
    bad = listed.notna() & placed.notna() & ~ok
    why = "the list places its entities in " + listed + "; the holding is placed in " + placed
    return why.where(bad)


# ---------------------------------------------------------------------------------------- the stage


def valid_on(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Rows in force on `day`: ``valid_from <= day < valid_to`` (half-open; empty dates are open)."""
    starts = frame["valid_from"].isna() | (frame["valid_from"] <= day)
    ends = frame["valid_to"].isna() | (frame["valid_to"] > day)
    return starts & ends


def ended_by(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Evidence rows whose involvement ended by `day`: ``valid_to <= day``, the end of :func:`valid_on`'s
    half-open validity (``valid_to`` is the first day the involvement no longer holds; empty: it goes on)."""
    if "valid_to" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["valid_to"].notna() & (frame["valid_to"] <= day)


@dataclass(frozen=True)
class PreparedEvidence:
    """Evidence tied to subjects, ready for every criterion of a screen."""

    involvement: pd.DataFrame
    entity_matches: pd.DataFrame
    review: pd.DataFrame
    warnings: tuple[str, ...]


#: the columns of a review item raised while evidence is matched or evaluated
REVIEW_COLUMNS = [
    "kind",
    "evidence_name",
    "evidence_source",
    "candidate_subject_id",
    "candidate_name",
    "candidate_score",
    "reason",
]
_MATCH_COLUMNS = ["entry_id", "entry_name", "subject_id", "matched_name", "match_method", "match_confidence"]


def _split_ids(lists: pd.DataFrame, column: str) -> pd.DataFrame:
    """(entry_id, value) for every value of a " | "-joined identifier column of entity-list rows."""
    if column not in lists.columns:
        return pd.DataFrame(columns=["entry_id", "value"])
    values = lists[["entry_id", column]].dropna()
    values = values.assign(value=values[column].astype(str).str.split("|")).explode("value")
    values["value"] = values["value"].str.strip().str.upper()
    return values.loc[values["value"].ne(""), ["entry_id", "value"]]


def pooled_list_names(lists: pd.DataFrame) -> pd.DataFrame:
    """`lists` with the aliases of every entry shared by the entries (of any list or edition) that
    print the very same name (letters and digits compared, case and punctuation aside).

    OFAC's NS-CMIC entry "AVIC XI'AN AIRCRAFT INDUSTRY GROUP COMPANY LTD." names its issuer "AVIC
    Aircraft Co., Ltd."; the 1260H list prints the same company's name without it. Only identical
    names pool: "X Group Co., Ltd." and "X Co., Ltd." are two companies. Identifiers are not pooled:
    an entry is matched by identifier only on those its own list gives.
    """
    columns = [c for c in ("aliases",) if c in lists.columns]
    if lists.empty or not columns:
        return lists
    key = lists["name"].astype("str").str.casefold().str.replace(r"[\W_]+", "", regex=True)
    pooled = {}
    for column in columns:
        parts = lists[column].astype("string").str.split("|").explode().str.strip()
        parts = parts[parts.notna() & parts.ne("")]
        by_key = pd.DataFrame({"key": key.loc[parts.index].to_numpy(), "value": parts.to_numpy()})
        joined = by_key.drop_duplicates().groupby("key", sort=False)["value"].agg(" | ".join)
        pooled[column] = key.map(joined).astype(lists[column].dtype).where(key.map(joined).notna(), lists[column])
    return lists.assign(**pooled)


def match_list_identifiers(lists: pd.DataFrame, identifiers: pd.DataFrame) -> pd.DataFrame:
    """Entity-list entries matched to subjects by ISIN, then by ticker with its market (exchanges as
    ISO 10383 operating MICs; a list's country code, ``0728 HK``, names the markets of that country).

    `lists` holds entries with ``entry_id``, ``name`` and optional ``isins`` and ``tickers``
    (" | "-joined; a ticker is written with its exchange code, ``0728 HK``). `identifiers` has
    ``subject_id``, ``isin``, ``ticker`` and ``exchange`` (any may be missing). An entry matched
    by ISIN is not matched again by ticker. Returns the columns of a name match, with
    ``match_method`` ``isin`` or ``ticker_exchange`` and confidence 1.0.
    """
    found = []
    isins = _split_ids(lists, "isins")
    ids = identifiers.assign(isin=identifiers["isin"].str.strip().str.upper())
    by_isin = isins.merge(ids[["subject_id", "isin"]].dropna(), left_on="value", right_on="isin")
    found.append(by_isin.assign(match_method="isin"))
    tickers = _split_ids(lists, "tickers")
    tickers = tickers[~tickers["entry_id"].isin(by_isin["entry_id"])]
    found.append(_ticker_matches(tickers, ids))
    out = pd.concat(found, ignore_index=True)
    names = lists.set_index("entry_id")["name"]
    return (
        out.assign(
            entry_name=out["entry_id"].map(names),
            matched_name=out["value"],
            match_confidence=1.0,
        )
        .drop_duplicates(["entry_id", "subject_id"])[_MATCH_COLUMNS]
        .reset_index(drop=True)
    )


def _ticker_matches(tickers: pd.DataFrame, identifiers: pd.DataFrame) -> pd.DataFrame:
    """List tickers (``entry_id``, ``value``: the symbol and its market, ``0728 HK`` or ``HEI XETR``)
    matched to the subjects whose ticker is the same symbol on the same market
    (:func:`~exclusionscreen.exchanges.same_market`: one operating MIC, or a market in the country a
    list gives); a symbol without a market on either side matches nothing."""
    parts = tickers["value"].str.rsplit(" ", n=1)
    listed = ticker_markets(parts.str[0], parts.str[-1].where(parts.str.len().eq(2))).assign(
        entry_id=tickers["entry_id"].to_numpy(), value=tickers["value"].to_numpy()
    )
    held = ticker_markets(identifiers["ticker"], identifiers["exchange"]).assign(subject_id=identifiers["subject_id"])
    pairs = listed.dropna(subset=["ticker"]).merge(held.dropna(subset=["ticker", "subject_id"]), on="ticker")
    same = same_market(pairs["mic_x"], pairs["market_country_x"], pairs["mic_y"], pairs["market_country_y"])
    return pairs.loc[same, ["entry_id", "value", "subject_id"]].assign(match_method="ticker_exchange")


def _review_rows(kind, doubtful: pd.DataFrame) -> pd.DataFrame:
    """Doubtful evidence matches as review rows."""
    return pd.DataFrame(
        {
            "kind": kind,
            "evidence_name": doubtful["entry_name"],
            "evidence_source": doubtful["source"],
            "candidate_subject_id": doubtful["subject_id"],
            "candidate_name": doubtful["matched_name"],
            "candidate_score": doubtful["match_confidence"],
            "reason": doubtful["reason"],
        }
    )


def prepare_evidence(
    universe,
    subjects: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    match_threshold: float,
    review_threshold: float,
    index: NameIndex | None = None,
    identifiers: pd.DataFrame | None = None,
) -> PreparedEvidence:
    """Tie involvement rows and entity-list entries valid on `as_of` to subjects.

    Involvement rows dated after `as_of`, or whose involvement ended by it (:func:`ended_by`), are left out.

    `index` is the subjects' :func:`~exclusionscreen.evidence.subject_index`, built here when not given.
    """
    index = subject_index(subjects) if index is None else index
    warnings: list[str] = []
    reviews: list[pd.DataFrame] = []
    known = value_set(universe.issuers["issuer_id"])

    inv = universe.involvement.reset_index(drop=True)
    future = inv["evidence_date"].notna() & (inv["evidence_date"] > as_of)
    if future.any():
        warnings.append(f"{int(future.sum())} involvement row(s) dated after {as_of.date()} were not used")
    inv = inv[~future & ~ended_by(inv, as_of)].assign(entry_id=lambda f: f.index.astype(str))
    by_id = isin(inv["issuer_id"], known)
    stray = inv["issuer_id"].notna() & ~by_id
    if stray.any():
        ids = ", ".join(sorted(inv.loc[stray, "issuer_id"].unique())[:10])
        warnings.append(
            f"{int(stray.sum())} involvement row(s) name issuer ids not in the universe ({ids}); "
            "their issuer_name, where given, was matched instead"
        )
    direct = inv[by_id].assign(
        subject_id=inv["issuer_id"], match_method="issuer_id", match_confidence=1.0, matched_name=pd.NA
    )
    named = inv[~by_id & inv["issuer_name"].notna()]
    name_columns = ["entry_id", "name"] + (["known_names"] if "known_names" in named.columns else [])
    matches, doubtful = match_names(
        named.rename(columns={"issuer_name": "name"})[name_columns],
        subjects,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        index=index,
    )
    by_name = named.merge(matches, on="entry_id")
    involvement = pd.concat([direct, by_name], ignore_index=True)
    if len(doubtful):
        d = named.merge(doubtful, on="entry_id")
        reviews.append(_review_rows("involvement evidence", d))

    lists = universe.entity_lists
    lists = lists[valid_on(lists, as_of)].reset_index(drop=True)
    lists = pooled_list_names(lists).assign(entry_id=lists.index.astype(str))
    securities = universe.securities
    known_ids = securities[securities["issuer_id"].notna()].rename(columns={"issuer_id": "subject_id"})
    id_columns = ["subject_id", "isin", "ticker", "exchange"]
    parts = [known_ids.reindex(columns=id_columns)]
    if identifiers is not None:
        parts.append(identifiers.reindex(columns=id_columns))
    by_id = match_list_identifiers(lists, pd.concat(parts, ignore_index=True))
    matches, doubtful = match_names(
        lists.loc[~lists["entry_id"].isin(by_id["entry_id"]), ["entry_id", "name", "aliases"]],
        subjects,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        index=index,
        fuzzy_flags=False,
    )
    # a name match to a holding the list cannot mean by its place goes to review, with the reason
    list_of = lists.set_index("entry_id")["list_id"]
    places = subject_countries(universe.issuers, identifiers)
    if len(doubtful):
        why = implausible_places(doubtful["entry_id"].map(list_of), doubtful["subject_id"], places)
        # a look-alike name of a company placed elsewhere is two signs against and no sign for: dropped
        # ("AISIN CORP" of Japan is not "Aisino Corporation"); an exact name placed elsewhere is reviewed
        fuzzy_elsewhere = why.notna() & doubtful["match_method"].eq("name_fuzzy")
        doubtful, why = doubtful[~fuzzy_elsewhere], why[~fuzzy_elsewhere]
        doubtful = doubtful.assign(reason=doubtful["reason"].where(why.isna(), doubtful["reason"] + "; " + why))
    where = implausible_places(matches["entry_id"].map(list_of), matches["subject_id"], places)
    if where.notna().any():
        moved = matches[where.notna()].assign(reason=where[where.notna()])
        matches = matches[where.isna()]
        doubtful = pd.concat([doubtful, moved], ignore_index=True)
    entity_matches = lists.merge(pd.concat([by_id, matches], ignore_index=True), on="entry_id")
    if len(doubtful):
        d = lists.merge(doubtful, on="entry_id")
        reviews.append(_review_rows("entity list " + d["list_id"], d))
    review = pd.concat(reviews, ignore_index=True) if reviews else pd.DataFrame(columns=REVIEW_COLUMNS)
    return PreparedEvidence(involvement, entity_matches, review, tuple(warnings))


def tie_evidence(
    universe: Universe,
    securities: pd.DataFrame,
    per_security: pd.DataFrame,
    prepared: PreparedUniverse,
    as_of: pd.Timestamp,
    *,
    match_threshold: float,
    review_threshold: float,
) -> PreparedEvidence:
    """The screen's evidence stage: the subjects (issuers, and the screenable securities that no issuer
    covers, by name) and the evidence valid on `as_of` tied to them.

    `per_security` is :func:`~exclusionscreen.resolve.resolve_securities` of `securities`; the fuzzy
    index of the issuers' names in `prepared` is extended with the orphans' names, not rebuilt.
    """
    orphan = per_security["screenable"] & per_security["issuer_id"].isna()
    subjects = subject_names(prepared.issuer_names, securities.loc[orphan, "security_name"])
    # the SEC registrant names of US tickers are names of their subjects for exact matching only:
    # they are left out of the fuzzy index, so the crosswalk never matches on a score of its own
    index = subject_index(subjects, start=prepared.name_index)
    held = per_security["screenable"] & per_security["subject_id"].notna()
    subjects = pd.concat([subjects, crosswalk_names(securities[held], per_security.loc[held, "subject_id"])])
    return prepare_evidence(
        universe,
        subjects.drop_duplicates(["subject_id", "norm"]).reset_index(drop=True),
        as_of,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        index=index,
        identifiers=securities.reindex(columns=["isin", "ticker", "exchange", "country"])
        .assign(subject_id=per_security["subject_id"])
        .loc[orphan],
    )
