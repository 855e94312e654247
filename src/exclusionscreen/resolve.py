"""Issuer resolution: which issuer of the universe stands behind each holding.

The order is ISIN, CUSIP, SEDOL, LEI, ticker with exchange (exchanges compared as ISO 10383 operating
MICs, or by country where one side gives only a country), ticker with country, then the security
name: exact after normalisation (issuer names and aliases), then fuzzy. Every holding gets the method
used and a confidence; doubtful matches go to review instead of into flags. Cash, FX and derivative
rows are not resolved. The work is done once per distinct security, then broadcast to the rows.

The screen's resolve stage is :func:`prepare_holdings` (the holdings validated, and their distinct
securities), :func:`prepare_universe` (the universe's names and parents, which do not depend on the
holdings), :func:`resolve_securities` (each distinct security's issuer and subject) and
:func:`broadcast` (each holding's resolution, copied from its security's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._fast import distinct_rows, isin, lookup
from .contracts import Holdings, validate
from .errors import OverrideError
from .exchanges import ticker_markets
from .holdings import ASSET_CLASSES, NOT_SCREENABLE, normalise_asset_class
from .identifiers import IDENTIFIER_COLUMNS, normalise_identifiers
from .names import NameIndex, best_matches, issuer_name_index, issuer_name_table, legal_form_tails, normalise_names
from .ownership import link_cycles, ownership_links, ultimate_parents
from .universe import Universe

__all__ = [
    "NOT_SCREENABLE",
    "RESOLVED_COLUMNS",
    "SECURITY_COLUMNS",
    "MethodConfidence",
    "PreparedUniverse",
    "broadcast",
    "distinct_securities",
    "holding_keys",
    "prepare_holdings",
    "prepare_universe",
    "resolve_distinct",
    "resolve_issuers",
    "resolve_securities",
    "screenable",
]

_TIE = 0.02  # a runner-up this close to the best match makes a fuzzy match doubtful
_KEY_COLUMNS = ["isin", "cusip", "sedol", "lei", "ticker", "exchange", "country", "security_name"]
#: the columns that say which security a holding is, as the holdings file presents it
SECURITY_COLUMNS = [*_KEY_COLUMNS, "asset_class"]

#: what each holding is given from its security's resolution
RESOLVED_COLUMNS = ["holding_key", "subject_id", "issuer_id", "issuer_name", "ultimate_parent_id"]
#: what the status of a holding is worked out from, besides its flags
STATUS_INPUTS = ["screenable", "resolution_method", "resolution_confidence"]

#: confidence given to each resolution method
MethodConfidence = {
    "isin": 1.0,
    "cusip": 1.0,
    "sedol": 1.0,
    "lei": 1.0,
    "ticker_exchange": 0.97,
    "ticker_country": 0.95,
    "name_exact": 0.93,
    "analyst_confirmed": 1.0,
}


def screenable(asset_class: pd.Series) -> pd.Series:
    """True where a row is a security whose issuer can be screened (not cash, FX, futures, ...).

    Accepts the loader's vocabulary ("cash", "fx") and a file's own wording ("Cash Collateral").
    """
    text = asset_class.str.strip().str.lower()
    canon = text.where(text.isin(ASSET_CLASSES), normalise_asset_class(asset_class))
    return ~canon.isin(NOT_SCREENABLE).fillna(False).astype(bool)


def holding_keys(frame: pd.DataFrame) -> pd.Series:
    """The key that identifies a holding's security across quarters: its first identifier, else its name.

    ``isin:US0378331005``, ``cusip:...``, ``sedol:...``, ``lei:...``, ``ticker:LMT@NYSE`` (exchange
    when known), ``name:<security name>``.
    """
    ticker = frame["ticker"]
    ticker_key = ticker + ("@" + frame["exchange"].str.upper()).fillna("")
    key = pd.Series(pd.NA, index=frame.index, dtype="str")
    for prefix, values in (
        ("isin", frame["isin"]),
        ("cusip", frame["cusip"]),
        ("sedol", frame["sedol"]),
        ("lei", frame["lei"]),
        ("ticker", ticker_key),
        ("name", frame["security_name"].str.strip()),
    ):
        key = key.fillna(prefix + ":" + values)
    return key


def _markets(tickers: pd.Series, exchanges: pd.Series) -> pd.DataFrame:
    """:func:`~exclusionscreen.exchanges.ticker_markets` with ``market``: the operating MIC, else the
    exchange as written (upper case) when the MIC extract does not know it; "" becomes missing, so a
    ticker without a market matches nothing."""
    out = ticker_markets(tickers, exchanges)
    market = out["mic"].where(out["mic"].ne(""), ("?" + out["written"]).where(out["market_country"].eq("")))
    return out.assign(market=market, market_country=out["market_country"].mask(out["market_country"].eq("")))


def distinct_securities(holdings: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes mapping each holding row to a distinct security as presented (identifiers, name, asset
    class), and those distinct securities (indexed 0, 1, ...): ``distinct.take(codes)`` is every row."""
    frame = holdings[SECURITY_COLUMNS]
    codes, first = distinct_rows(frame)
    return codes, frame.iloc[first].reset_index(drop=True)


def _unique_map(table: pd.DataFrame, key: str, wanted: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(key -> issuer_id for keys naming one issuer, key -> 'a, b' for keys naming several), for the
    keys among `wanted` (the holdings' own: a few thousand, against a universe of many more)."""
    pairs = table.loc[isin(table[key], wanted), [key, "issuer_id"]].dropna().drop_duplicates()
    counts = pairs.groupby(key)["issuer_id"].transform("size")
    unique = pairs[counts == 1].set_index(key)["issuer_id"]
    several = pairs[counts > 1].groupby(key)["issuer_id"].agg(lambda s: ", ".join(sorted(s)))
    return unique, several


def resolve_issuers(
    holdings: pd.DataFrame,
    issuers: pd.DataFrame,
    securities: pd.DataFrame,
    *,
    decisions: pd.DataFrame | None = None,
    issuer_names: pd.DataFrame | None = None,
    match_threshold: float = 0.90,
    review_threshold: float = 0.80,
) -> pd.DataFrame:
    """One row per holding (same index) with how its issuer was resolved.

    Columns: ``holding_key``, ``screenable``, ``issuer_id``, ``resolution_method``,
    ``resolution_confidence``, ``review_reason``, ``candidate_issuer_id``, ``candidate_score``.
    ``resolution_method`` is one of isin, cusip, sedol, lei, ticker_exchange, ticker_country,
    name_exact, name_fuzzy, analyst_confirmed, not_applicable (cash and the like) or none.
    The work is done once per distinct security (:func:`resolve_distinct`), then broadcast.
    """
    codes, distinct = distinct_securities(holdings)
    resolved = resolve_distinct(
        distinct,
        issuers,
        securities,
        decisions=decisions,
        issuer_names=issuer_names,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
    )
    return resolved.take(codes).set_axis(holdings.index)


def resolve_distinct(
    distinct: pd.DataFrame,
    issuers: pd.DataFrame,
    securities: pd.DataFrame,
    *,
    decisions: pd.DataFrame | None = None,
    issuer_names: pd.DataFrame | None = None,
    name_index: NameIndex | None = None,
    match_threshold: float = 0.90,
    review_threshold: float = 0.80,
) -> pd.DataFrame:
    """:func:`resolve_issuers` for the distinct securities of :func:`distinct_securities` (same index).

    `name_index` is the issuer names' :class:`~exclusionscreen.names.NameIndex` (distinct normalised
    names keyed by issuer id), to share with other name matching; without it one is built here.
    """
    securities = securities[isin(securities["issuer_id"], issuers["issuer_id"])]  # others are reported
    d = distinct[SECURITY_COLUMNS].astype("str")
    n = len(d)
    issuer = pd.Series(pd.NA, index=d.index, dtype="str")
    method = pd.Series("none", index=d.index, dtype="str")
    reason = pd.Series(pd.NA, index=d.index, dtype="str")
    cand_id = pd.Series(pd.NA, index=d.index, dtype="str")
    cand_score = pd.Series(np.nan, index=d.index)

    def take(keys: pd.Series, table: pd.DataFrame, key: str, name: str) -> None:
        open_ = issuer.isna() & reason.isna()
        unique, several = _unique_map(table, key, keys[open_])
        hit = lookup(keys, unique)
        found = open_ & hit.notna()
        issuer[found] = hit[found]
        method[found] = name
        clash = lookup(keys, several)
        doubtful = open_ & ~found & clash.notna()
        reason[doubtful] = f"{name} names several issuers: " + clash[doubtful]

    if n:
        sec = securities
        for column in ("isin", "cusip", "sedol"):
            take(d[column], sec, column, column)
        take(d["lei"], issuers, "lei", "lei")
        tickers = d["ticker"].str.upper()
        sec = sec[isin(sec["ticker"].str.upper(), tickers)]  # the securities the holdings' tickers may name
        # a ticker names a listing only with its market: the exchanges, however written, as ISO 10383
        # operating MICs (an exchange the MIC extract does not know is compared as written)
        held, listed = _markets(d["ticker"], d["exchange"]), _markets(sec["ticker"], sec["exchange"])
        tx = sec.assign(key=listed["ticker"] + "|" + listed["market"])
        take(held["ticker"] + "|" + held["market"], tx, "key", "ticker_exchange")
        # a market given by its country alone ("AAPL US") names the listings of that country
        by_country = sec.assign(key=listed["ticker"] + "|" + listed["market_country"])
        take(
            (held["ticker"] + "|" + held["market_country"]).where(held["mic"].eq("")),
            by_country,
            "key",
            "ticker_exchange",
        )
        country_only = by_country[listed["mic"].eq("") & listed["market_country"].ne("")]
        take(held["ticker"] + "|" + held["market_country"], country_only, "key", "ticker_exchange")
        tc = sec.merge(issuers[["issuer_id", "country"]], on="issuer_id", how="left")
        tc = tc.assign(key=tc["ticker"].str.upper() + "|" + tc["country"])
        take(tickers + "|" + d["country"].str.upper(), tc, "key", "ticker_country")

        names = issuer_name_table(issuers) if issuer_names is None else issuer_names
        norm = normalise_names(d["security_name"])
        take(norm, names, "norm", "name_exact")

        todo = issuer.isna() & reason.isna() & norm.notna()
        if todo.any() and len(names):
            choices = issuer_name_index(names) if name_index is None else name_index
            matches = best_matches(norm[todo], choices, min_score=review_threshold).set_index("query")
            score = norm.map(matches["score"])
            key = norm.map(matches["match_key"]).astype("str")
            runner_up = norm.map(matches["runner_up_score"])
            rival = norm.map(matches["runner_up_key"]).astype("str")
            # two different issuers that match almost equally well: an analyst decides
            tie = todo & (score >= match_threshold) & (runner_up >= score - _TIE) & (rival != key).fillna(False)
            accept = todo & (score >= match_threshold) & ~tie
            issuer[accept] = key[accept]
            method[accept] = "name_fuzzy"
            cand_score[accept] = score[accept]
            doubtful = todo & score.notna() & ~accept
            reason[doubtful] = "name match below the confidence bar"
            reason[tie] = "two issuers match the name almost equally: " + key[tie] + ", " + rival[tie]
            cand_id[doubtful] = key[doubtful]
            cand_score[doubtful] = score[doubtful]

    if n:
        _legal_form_clashes(d, issuers, issuer, method, reason, cand_id, cand_score)
    confidence = method.map(MethodConfidence).astype(float)
    # a fuzzy match is never surer than an exact one
    confidence = confidence.where(method != "name_fuzzy", cand_score * MethodConfidence["name_exact"])

    out = pd.DataFrame(
        {
            "issuer_id": issuer,
            "resolution_method": method,
            "resolution_confidence": confidence,
            "review_reason": reason,
            "candidate_issuer_id": cand_id,
            "candidate_score": cand_score,
        },
        index=d.index,
    ).astype(
        {
            "issuer_id": "string",
            "resolution_method": "string",
            "review_reason": "string",
            "candidate_issuer_id": "string",
        }
    )
    out.insert(0, "holding_key", holding_keys(d))
    out.insert(1, "screenable", screenable(d["asset_class"]))
    if decisions is not None and len(decisions):
        out = _apply_decisions(out, decisions, issuers)
    off = ~out["screenable"]
    out.loc[off, ["issuer_id", "review_reason", "candidate_issuer_id"]] = pd.NA
    out.loc[off, "resolution_method"] = "not_applicable"
    out.loc[off, ["resolution_confidence", "candidate_score"]] = np.nan
    unresolved = out["screenable"] & out["issuer_id"].isna() & out["review_reason"].isna()
    out.loc[unresolved, "review_reason"] = "no issuer in the universe matches its identifiers or name"
    return out


def _legal_form_clashes(d, issuers, issuer, method, reason, cand_id, cand_score) -> None:
    """Undo name matches whose names agree only once two different legal forms are dropped.

    "Solo Widgets GmbH" and "Solo Widgets Inc" may be two companies: the match goes to review.
    Updates the given series in place (they are this module's working columns).
    """
    by_name = method.isin(["name_exact", "name_fuzzy"])
    if not by_name.any():
        return
    matched = issuers[isin(issuers["issuer_id"], issuer[by_name])]
    names = matched.set_index("issuer_id")["issuer_name"]
    held_form = legal_form_tails(d.loc[by_name, "security_name"])
    issuer_form = legal_form_tails(lookup(issuer[by_name], names))
    clash = (held_form != "") & (issuer_form != "") & (held_form != issuer_form)
    rows = clash[clash].index
    cand_id[rows] = issuer[rows]
    cand_score[rows] = cand_score[rows].fillna(MethodConfidence["name_exact"])
    reason[rows] = "names agree but legal forms differ (" + held_form[rows] + " / " + issuer_form[rows] + ")"
    issuer[rows] = pd.NA
    method[rows] = "none"


DECISION_COLUMNS = ["holding_key", "issuer_id", "decision", "decided_by", "decided_on"]


def _apply_decisions(resolved: pd.DataFrame, decisions: pd.DataFrame, issuers: pd.DataFrame) -> pd.DataFrame:
    """Carry an analyst's review over: confirmed matches resolve, rejected ones are undone."""
    latest = decisions.drop_duplicates("holding_key", keep="last").set_index("holding_key")
    named = latest["issuer_id"].dropna()
    unknown = sorted(set(named[~isin(named, issuers["issuer_id"])]))
    if unknown:
        raise OverrideError(f"decisions name issuer(s) not in the universe: {', '.join(unknown)}")
    out = resolved.copy()
    decided_issuer = out["holding_key"].map(latest["issuer_id"]).astype("str")
    decision = out["holding_key"].map(latest["decision"]).astype("str")
    who = out["holding_key"].map(latest["decided_by"]).astype("str").fillna("?")
    when = out["holding_key"].map(latest["decided_on"].astype("str")).fillna("?")
    confirmed = decision.eq("confirmed").fillna(False).astype(bool)
    out.loc[confirmed, "issuer_id"] = decided_issuer[confirmed]
    out.loc[confirmed, "resolution_method"] = "analyst_confirmed"
    out.loc[confirmed, "resolution_confidence"] = 1.0
    out.loc[confirmed, ["review_reason", "candidate_issuer_id"]] = pd.NA
    rejected = decision.eq("rejected").fillna(False).astype(bool)
    undone = rejected & (out["issuer_id"].eq(decided_issuer) | out["candidate_issuer_id"].eq(decided_issuer)).fillna(
        False
    )
    out.loc[undone, ["issuer_id", "candidate_issuer_id"]] = pd.NA
    out.loc[undone, "resolution_method"] = "none"
    out.loc[undone, "resolution_confidence"] = np.nan
    out.loc[undone, "review_reason"] = (
        "match to " + decided_issuer[undone] + " rejected by " + who[undone] + " on " + when[undone]
    )
    return out


# ---------------------------------------------------------------------------------------- the stage


def prepare_holdings(holdings: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The holdings validated, with their weights; each one's distinct security, and those securities.

    Holdings that present a security the same way (identifiers, name, asset class) share a code:
    identifiers are cleaned and checked once per distinct security, as is everything after.
    """
    present = [c for c in SECURITY_COLUMNS if c in holdings.columns]
    codes, first = distinct_rows(holdings[present])
    if "identifier_issues" not in holdings.columns:
        fixed = normalise_identifiers(holdings[present].iloc[first].reset_index(drop=True))
        holdings = holdings.assign(
            **{
                c: pd.Series(fixed[c].array.take(codes), index=holdings.index)
                for c in (*IDENTIFIER_COLUMNS, "identifier_issues")
            }
        )
    out = validate(holdings, Holdings, source="holdings").reset_index(drop=True)
    # weight of each holding in its portfolio: as given, else from market value
    total = out.groupby("portfolio_id")["market_value"].transform("sum")
    derived = out["market_value"] / total.where(total != 0)
    out["share_of_portfolio"] = out["weight"].fillna(derived)
    # rows equal before validation are equal after it: the distinct securities keep their codes
    return out, codes, out[SECURITY_COLUMNS].iloc[first].reset_index(drop=True)


@dataclass(frozen=True)
class PreparedUniverse:
    """The universe's side of a screen, which does not depend on the holdings."""

    #: every issuer name and alias, normalised (:func:`~exclusionscreen.names.issuer_name_table`)
    issuer_names: pd.DataFrame
    #: those names prepared for fuzzy matching
    name_index: NameIndex
    #: issuer name by issuer id (the one index of issuer ids that every look-up goes through)
    names: pd.Series
    #: ultimate parent id by issuer id
    parent_of: pd.Series
    #: the ownership cycles met
    cycles: list
    #: references between the universe's parts that do not resolve
    problems: list


def prepare_universe(universe: Universe) -> PreparedUniverse:
    """Every issuer name normalised and indexed, the issuers' names and ultimate parents by id, the
    ownership cycles and the universe's unresolved references."""
    issuers = universe.issuers
    issuer_names = issuer_name_table(issuers)
    ultimate, _ = ultimate_parents(issuers)
    cycles = link_cycles(ownership_links(issuers, universe.ownership_links))  # parent links and the links table
    names = issuers.set_index("issuer_id")["issuer_name"]
    names.index.get_indexer(names.index[:1])  # builds the index's hash table here, once
    parent_of = pd.Series(ultimate.to_numpy(), index=names.index)
    return PreparedUniverse(
        issuer_names, issuer_name_index(issuer_names), names, parent_of, cycles, universe.problems()
    )


def resolve_securities(
    securities: pd.DataFrame,
    universe: Universe,
    prepared: PreparedUniverse,
    *,
    decisions: pd.DataFrame | None,
    match_threshold: float,
    review_threshold: float,
) -> pd.DataFrame:
    """:func:`resolve_distinct` of the distinct securities, with each one's subject, issuer name and
    ultimate parent. A screenable security without an issuer is its own subject, ``name:<normalised
    security name>``, so that name-keyed evidence can still reach it."""
    per_security = resolve_distinct(
        securities,
        universe.issuers,
        universe.securities,
        decisions=decisions,
        issuer_names=prepared.issuer_names,
        name_index=prepared.name_index,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
    )
    orphan = per_security["screenable"] & per_security["issuer_id"].isna()
    orphan_norm = normalise_names(securities["security_name"].where(orphan))
    return per_security.assign(
        # a holding known only by an ISIN is a name-only subject keyed by it, so list ISINs can reach it
        subject_id=per_security["issuer_id"]
        .fillna("name:" + orphan_norm)
        .fillna("name:isin:" + securities["isin"].where(orphan).str.upper()),
        issuer_name=lookup(per_security["issuer_id"], prepared.names),
        ultimate_parent_id=lookup(per_security["issuer_id"], prepared.parent_of),
        asset_class=securities["asset_class"],
    )


def broadcast(per_security: pd.DataFrame, codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """The columns of each holding's distinct security that the holdings carry, one row per holding."""
    return per_security[[*RESOLVED_COLUMNS, *STATUS_INPUTS]].take(codes).set_axis(index)
