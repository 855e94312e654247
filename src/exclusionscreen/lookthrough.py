"""The look-through stage: holdings of funds become positions screened once, then exposures per portfolio.

A fund line (a holding whose ISIN, or ticker with exchange, names a fund of the ``funds`` input) is
looked through: the fund's own holdings file gives its positions, each with its weight in the fund
(the file's weight, else its market value over the file's total market value). Nested funds are
followed, their weights multiplied, to ``max_depth`` levels; a cycle is refused naming its chain.

The stage works in three steps, each a function of frames:

- :func:`load_funds` reads the fund files and their identities (a :class:`Funds`);
- :func:`underlying` flattens every fund to its positions below all levels, once per fund, however
  many portfolios hold it; :func:`positions_to_screen` gives them as holdings rows, which the screen
  resolves and evaluates together with the direct holdings;
- :func:`fund_lines` marks the portfolio lines that are funds, and :func:`expand_flags` repeats the
  flags of each fund's positions for every line that holds the fund, with the portfolio's exposure
  (the line's market value and weight times the position's weight in the fund) and the route.

How a file declares its fund: a ``funds.csv`` index in the folder, one row per file, with columns
``file``, ``isin``, ``ticker``, ``exchange`` (optional) and ``as_of`` (optional; else the file's own
date, as the loader reads it from an issuer preamble or an N-PORT filing). Without an index, every
file whose name (without extension) is a valid ISIN is that fund's holdings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._fast import spans
from .contracts import TEXT, as_text
from .errors import ArgumentError, InputFileError, LookThroughError
from .holdings import LoadResult, load_holdings, normalise_asset_class
from .identifiers import is_valid_isin
from .overrides import APPLIED, NO_HOLDING
from .universe import file_sha256

__all__ = [
    "AS_OF_GAP_MONTHS",
    "EXPANDED_COLUMNS",
    "FUNDS_INDEX",
    "Funds",
    "expand_flags",
    "fund_position_flags",
    "fund_files",
    "fund_lines",
    "fund_summary",
    "load_funds",
    "append_positions",
    "attribute_review",
    "beneath_flagged",
    "counted_once",
    "fund_lines_affected",
    "positions_to_screen",
    "underlying",
]

#: the index file of a folder of fund holdings
FUNDS_INDEX = "funds.csv"
#: a fund file dated more than this many months before the screening date is warned about
AS_OF_GAP_MONTHS = 9
#: the columns of a fund's position flag repeated for every fund line (the rest stay once per fund)
EXPANDED_COLUMNS = [
    "fund_id",
    "route",
    "fund_file",
    "fund_as_of",
    "fund_weight",
    "position_id",
    "security_name",
    "isin",
    "issuer_id",
    "issuer_name",
    "criterion_id",
    "via",
    "action",
    "outcome",
]
#: the portfolio id given to a fund's positions while they are screened (never a user's portfolio)
_PSEUDO = "look-through: "
_ROWS_COLUMNS = ["top", "position", "fund_weight", "route", "source", "nested", "parent"]
_INDEX_COLUMNS = ["fund_id", "isin", "ticker", "exchange", "file", "as_of", "path"]


@dataclass(frozen=True)
class Funds:
    """Fund holdings, read: ``index`` (one row per fund: ``fund_id``, ``isin``, ``ticker``,
    ``exchange``, ``file``, ``as_of``, ``path`` (of a file read, else empty)) and ``positions``
    (the funds' holdings in the Holdings contract, with ``fund_id`` and ``fund_weight``, the
    position's weight in its fund)."""

    index: pd.DataFrame
    positions: pd.DataFrame

    def __len__(self) -> int:
        return len(self.index)


def load_funds(source) -> Funds:
    """Fund holdings from a folder (see the module's docstring for how a file names its fund), from a
    mapping of fund ISIN (or ticker) to a frame or what :func:`load_holdings` returned, or a :class:`Funds`."""
    if isinstance(source, Funds):
        return source
    if isinstance(source, Mapping):
        rows = [(str(key), frame, "<frame>", None) for key, frame in source.items()]
        return _funds(rows)
    if isinstance(source, str | Path):
        return _funds(_folder_rows(Path(source)))
    raise ArgumentError(f"funds: expected a folder, a mapping of fund ISIN to holdings, got {type(source).__name__}")


def _folder_rows(folder: Path) -> list:
    if not folder.is_dir():
        raise InputFileError(folder, "is not a folder of fund holdings files")
    index_path = folder / FUNDS_INDEX
    if not index_path.is_file():
        files = sorted(p for p in folder.iterdir() if p.is_file() and is_valid_isin(p.stem.upper()))
        if not files:
            raise InputFileError(
                folder, f"has no {FUNDS_INDEX} index and no file named by an ISIN: no fund can be identified"
            )
        return [(p.stem.upper(), p, p.name, None) for p in files]
    index = pd.read_csv(index_path, dtype=str, keep_default_na=False)
    index.columns = [c.strip().lower() for c in index.columns]
    if "file" not in index.columns or not ({"isin", "ticker"} & set(index.columns)):
        raise InputFileError(
            index_path, "needs a column file and a column isin or ticker (and optionally exchange, as_of)"
        )
    rows = []
    for line, record in enumerate(index.to_dict("records"), start=2):
        isin, ticker = record.get("isin", "").strip().upper(), record.get("ticker", "").strip().upper()
        if isin and not is_valid_isin(isin):
            raise InputFileError(index_path, f"isin {isin!r} is not a valid ISIN", line=line)
        if not (isin or ticker):
            raise InputFileError(index_path, "gives neither isin nor ticker", line=line)
        path = folder / record["file"].strip()
        if not path.is_file():
            raise InputFileError(index_path, f"file {record['file']!r} is not in the folder", line=line)
        as_of = record.get("as_of", "").strip() or None
        if as_of is not None and pd.isna(pd.to_datetime(as_of, errors="coerce")):
            raise InputFileError(index_path, f"as_of {as_of!r} is not a date (use YYYY-MM-DD)", line=line)
        key = {"isin": isin, "ticker": ticker, "exchange": record.get("exchange", "").strip().upper()}
        rows.append((key, path, record["file"].strip(), as_of))
    return rows


def _funds(rows: list) -> Funds:
    """One index row and the positions of each (identity, holdings, file name, as_of) in `rows`."""
    index, positions = [], []
    for key, holdings, file, as_of in rows:
        if not isinstance(key, dict):
            key = (
                {"isin": key.upper(), "ticker": "", "exchange": ""}
                if is_valid_isin(key.upper())
                else {
                    "isin": "",
                    "ticker": key.upper(),
                    "exchange": "",
                }
            )
        fund_id = key["isin"] or key["ticker"]
        source = str(holdings) if isinstance(holdings, Path) else None
        if isinstance(holdings, Path):
            holdings = load_holdings(holdings, portfolio_id=fund_id)
        if isinstance(holdings, LoadResult):
            holdings = holdings.holdings
        if not isinstance(holdings, pd.DataFrame):
            raise ArgumentError(f"funds: the holdings of {fund_id} are a {type(holdings).__name__}, not a frame")
        frame = holdings.reset_index(drop=True)
        stated = pd.to_datetime(frame["as_of"], errors="coerce").dropna() if "as_of" in frame else pd.Series()
        day = pd.Timestamp(as_of) if as_of else (stated.max() if len(stated) else pd.NaT)
        value = pd.to_numeric(frame.get("market_value"), errors="coerce") if "market_value" in frame else None
        weight = (
            pd.to_numeric(frame["weight"], errors="coerce")
            if "weight" in frame
            else pd.Series(np.nan, index=frame.index)
        )
        if value is not None and weight.isna().any():
            total = value.sum()
            weight = weight.fillna(value / total if total else np.nan)
        if weight.isna().all():
            raise InputFileError(file, f"fund {fund_id}: its holdings give neither weights nor market values")
        index.append({**key, "fund_id": fund_id, "file": file, "as_of": day, "path": source})
        positions.append(frame.assign(fund_id=fund_id, fund_weight=weight.fillna(0.0).to_numpy()))
    table = pd.DataFrame(index, columns=_INDEX_COLUMNS)
    duplicated = table["fund_id"][table["fund_id"].duplicated()]
    if len(duplicated):
        raise ArgumentError(f"funds: fund {duplicated.iloc[0]} is given twice")
    table = table.replace({"isin": {"": np.nan}, "ticker": {"": np.nan}, "exchange": {"": np.nan}})
    table["as_of"] = pd.to_datetime(table["as_of"])
    all_positions = pd.concat(positions, ignore_index=True) if positions else pd.DataFrame()
    return Funds(table, all_positions)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=object)
    return frame[column].astype("str").str.strip().str.upper().replace("", np.nan)


def match_funds(frame: pd.DataFrame, index: pd.DataFrame) -> np.ndarray:
    """For each row of `frame`, the position in `index` of the fund it names (by ISIN, else by ticker
    where the exchanges agree or either is not given), or -1."""
    out = np.full(len(frame), -1, dtype=np.int64)
    if not len(index) or not len(frame):
        return out
    isins = pd.Index(index["isin"].astype(object))
    by_isin = isins.get_indexer(_text(frame, "isin").astype(object)) if isins.notna().any() else out.copy()
    by_isin[_text(frame, "isin").isna().to_numpy()] = -1
    tickers = index["ticker"].astype(object)
    ticker_position = {t: i for i, t in enumerate(tickers) if isinstance(t, str)}
    out[:] = by_isin
    if ticker_position:
        frame_tickers, frame_exchanges = _text(frame, "ticker"), _text(frame, "exchange")
        candidates = np.flatnonzero((out < 0) & frame_tickers.isin(list(ticker_position)).to_numpy())
        exchanges = index["exchange"].to_numpy()
        for row in candidates:
            position = ticker_position[frame_tickers.iloc[row]]
            wanted, given = exchanges[position], frame_exchanges.iloc[row]
            if pd.isna(wanted) or pd.isna(given) or wanted == given:
                out[row] = position
    return out


def underlying(funds: Funds, max_depth: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every fund flattened to its positions below all levels (to `max_depth` levels of funds; None:
    all), once per fund: (rows, unexpanded).

    ``rows`` has one row per fund and position: ``top`` (the fund's position in the index),
    ``position`` (the row in ``funds.positions``), ``fund_weight`` (the product of the weights along
    the way), ``route`` (the funds passed, `` → ``-joined), ``source`` (the innermost fund's
    position in the index), ``nested`` (the row is a fund's line in another fund: it stays a position,
    screened as a security of its own, and its contents follow it) and ``parent`` (the row of the
    nested fund line the position sits directly beneath, -1 if none). ``unexpanded`` names the nested
    fund lines left as they are at the depth cap.
    Raises :class:`~exclusionscreen.errors.LookThroughError` on a cycle, naming the chain.
    """
    if max_depth is not None and max_depth < 1:
        raise ArgumentError(f"max_depth: {max_depth} is not a number of levels (1 or more)")
    positions, index = funds.positions, funds.index
    inner = match_funds(positions, index)  # which positions are funds of the index themselves
    of_fund = pd.Index(index["fund_id"]).get_indexer(positions["fund_id"]) if len(positions) else np.array([], int)
    members = [np.flatnonzero(of_fund == f) for f in range(len(index))]
    weights = positions["fund_weight"].to_numpy(dtype=float) if len(positions) else np.array([])
    labels = index["fund_id"].tolist()
    memo: dict[tuple[int, int], tuple] = {}
    capped: list[tuple[int, int]] = []

    def flatten(fund: int, chain: tuple[int, ...]) -> tuple:
        depth_left = None if max_depth is None else max_depth - len(chain)
        key = (fund, -1 if depth_left is None else depth_left)
        if key in memo:
            return memo[key]
        rows = members[fund]
        nested = inner[rows]
        keep = rows[nested < 0]
        out_pos, out_w = [keep], [weights[keep]]
        out_route, out_src = [np.full(len(keep), "", dtype=object)], [np.full(len(keep), fund)]
        out_parent = [np.full(len(keep), -1)]
        size = len(keep)
        for row in rows[nested >= 0]:
            child = inner[row]
            if child in chain or child == fund:
                cycle = [labels[f] for f in (*chain, fund)]
                start = cycle.index(labels[child])
                raise LookThroughError(
                    "fund holdings form a cycle: " + " → ".join([*cycle[start:], labels[child]]) + "; a fund "
                    "cannot hold itself through other funds, so its exposure has no end"
                )
            # the nested fund's own line stays a position (screened as a security of its own)
            out_pos.append(np.array([row]))
            out_w.append(weights[[row]])
            out_route.append(np.array([""], dtype=object))
            out_src.append(np.array([fund]))
            out_parent.append(np.array([-1]))
            line, size = size, size + 1
            if depth_left is not None and depth_left <= 1:
                capped.append((fund, row))
                continue
            c_pos, c_w, c_route, c_src, c_parent = flatten(child, (*chain, fund))
            out_pos.append(c_pos)
            out_w.append(c_w * weights[row])
            out_route.append(np.array([labels[child] + (" → " + r if r else "") for r in c_route], dtype=object))
            out_src.append(c_src)
            # beneath the nested line: its contents, whose own nested lines move with them
            out_parent.append(np.where(c_parent >= 0, c_parent + size, line))
            size += len(c_pos)
        result = tuple(np.concatenate(p) for p in (out_pos, out_w, out_route, out_src, out_parent))
        memo[key] = result
        return result

    parts = []
    for fund in range(len(index)):
        pos, w, route, src, parent = flatten(fund, ())
        top_label = labels[fund]
        routes = [top_label + (" → " + r if r else "") for r in route]
        offset = sum(len(part) for part in parts)
        parts.append(
            pd.DataFrame(
                {
                    "top": fund,
                    "position": pos,
                    "fund_weight": w,
                    "route": routes,
                    "source": src,
                    "nested": inner[pos] >= 0,
                    "parent": np.where(parent >= 0, parent + offset, -1),
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_ROWS_COLUMNS)
    unexpanded = pd.DataFrame(
        [{"fund_id": labels[f], "nested_fund": labels[inner[r]], "fund_weight": weights[r]} for f, r in set(capped)],
        columns=["fund_id", "nested_fund", "fund_weight"],
    )
    return rows, unexpanded


def beneath_flagged(rows: pd.DataFrame, flagged: np.ndarray) -> np.ndarray:
    """Which of `rows` (of :func:`underlying`) sit beneath a nested fund line whose entry in `flagged`
    (one per row) is true: a fund counted as a whole is not counted again through its contents."""
    parent = rows["parent"].to_numpy(dtype=np.int64) if len(rows) else np.array([], dtype=np.int64)
    out = np.zeros(len(parent), dtype=bool)
    current = parent.copy()
    while (current >= 0).any():
        up = current >= 0
        out[up] |= flagged[current[up]]
        current[up] = parent[current[up]]
    return out


def append_positions(holdings: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """`holdings` with the funds' `positions` (:func:`positions_to_screen`) after them, each column in
    the holdings' type (a column the positions lack would otherwise turn a million text values into
    Python objects)."""
    missing = {c: pd.Series(np.nan, index=positions.index) for c in holdings.columns if c not in positions.columns}
    positions = positions.assign(**missing)[[*holdings.columns, *(c for c in positions if c not in holdings)]]
    typed = {}
    for column in holdings.columns:
        try:
            typed[column] = positions[column].astype(holdings[column].dtype)
        except (TypeError, ValueError):
            continue  # left as it is: the Holdings contract coerces (or refuses) it
    return pd.concat([holdings, positions.assign(**typed)], ignore_index=True)


def positions_to_screen(funds: Funds, rows: pd.DataFrame) -> pd.DataFrame:
    """The flattened positions as holdings rows, one per fund and position, in a portfolio of their
    own per fund (``look-through: <fund>``): the screen resolves and evaluates them once."""
    columns = [c for c in funds.positions.columns if c not in ("fund_id", "fund_weight", "portfolio_id", "holding_id")]
    out = funds.positions[columns].take(rows["position"].to_numpy()).reset_index(drop=True)
    top = funds.index["fund_id"].to_numpy()[rows["top"].to_numpy()]
    out.insert(0, "portfolio_id", [_PSEUDO + t for t in top])
    out.insert(1, "holding_id", [f"{_PSEUDO}{t}#{i}" for i, t in enumerate(top)])
    out["market_value"] = rows["fund_weight"].to_numpy()
    out["weight"] = np.nan
    out["as_of"] = pd.NaT
    return out


def fund_lines(
    holdings: pd.DataFrame, codes: np.ndarray, securities: pd.DataFrame, funds: Funds, day: pd.Timestamp
) -> pd.DataFrame:
    """The holdings that are funds: those the fund input names (looked through) and those whose asset
    class says fund but which it does not (not looked through). One row per line with its ``_row``
    in `holdings`, ``fund`` (position in the index, -1 if none), the fund file, its date and the gap
    in days to the screening date `day`.

    `codes` maps each holding to its distinct security in `securities`: the funds are recognised
    once per security, not once per holding."""
    codes = codes[: len(holdings)]
    per_security = match_funds(securities, funds.index)
    fundlike_security = (normalise_asset_class(securities["asset_class"]) == "fund").fillna(False).to_numpy()
    matched = per_security[codes]
    rows = np.flatnonzero((matched >= 0) | fundlike_security[codes])
    fund = matched[rows]
    known = fund >= 0
    index = funds.index
    out = pd.DataFrame(
        {
            "portfolio_id": holdings["portfolio_id"].take(rows).to_numpy(),
            "holding_id": holdings["holding_id"].take(rows).to_numpy(),
            "security_name": holdings["security_name"].take(rows).to_numpy(),
            "fund_id": np.where(known, index["fund_id"].to_numpy(dtype=object)[np.maximum(fund, 0)], None),
            "market_value": holdings["market_value"].take(rows).to_numpy(),
            "share_of_portfolio": holdings["share_of_portfolio"].take(rows).to_numpy(),
            "looked_through": known,
            "fund_file": np.where(known, index["file"].to_numpy(dtype=object)[np.maximum(fund, 0)], None),
            "fund_as_of": pd.to_datetime(
                np.where(known, index["as_of"].to_numpy()[np.maximum(fund, 0)], np.datetime64("NaT"))
            ),
            "_row": rows,
            "fund": fund,
        }
    )
    out["as_of_gap_days"] = (day - out["fund_as_of"]).dt.days
    return out


def fund_files(funds: Funds) -> pd.DataFrame:
    """The fund holdings files read, as rows of the result's inputs (kind ``fund holdings``), with
    each file's positions."""
    read = funds.index.dropna(subset=["path"])
    positions = funds.positions["fund_id"].value_counts() if len(funds.positions) else pd.Series(dtype=int)
    return pd.DataFrame(
        {
            "kind": "fund holdings",
            "path": read["path"].astype(str).to_numpy(),
            "sha256": [file_sha256(Path(p)) for p in read["path"]],
            "rows": [int(positions.get(f, 0)) for f in read["fund_id"]],
        }
    )


def stale_funds(index: pd.DataFrame, day: pd.Timestamp) -> list[str]:
    """Warnings for fund files dated more than :data:`AS_OF_GAP_MONTHS` months before `day`, or undated."""
    limit = day - pd.DateOffset(months=AS_OF_GAP_MONTHS)
    out = []
    for fund_id, file, as_of in zip(index["fund_id"], index["file"], index["as_of"], strict=True):
        if pd.isna(as_of):
            out.append(f"fund {fund_id} ({file}) states no date: its look-through may be out of date")
        elif as_of < limit:
            out.append(
                f"fund {fund_id} ({file}) is dated {as_of.date()}, more than {AS_OF_GAP_MONTHS} months before the "
                f"screening date {day.date()}: its look-through may not show what the fund holds today"
            )
    return out


def fund_position_flags(flags: pd.DataFrame, rows: pd.DataFrame, funds: Funds, first: int) -> pd.DataFrame:
    """The flags of the funds' positions, once per fund (not per portfolio).

    `flags` are the screen's flags whose ``_row`` is at or after `first` (the positions screened from
    :func:`positions_to_screen`, in the order of `rows`). Each gets ``fund_id`` (the fund held),
    ``route`` (fund → … → security), ``fund_file`` and ``fund_as_of`` (of the innermost fund, whose
    file names the position), ``fund_weight`` (the position's weight in the fund held) and
    ``position_id``.
    """
    position = flags["_row"].to_numpy() - first
    source = rows["source"].to_numpy()[position]
    security = flags["security_name"].astype(object).where(flags["security_name"].notna(), flags["isin"].astype(object))
    route = rows["route"].to_numpy()[position] + " → " + security.fillna("?").astype(str).to_numpy()
    out = flags.drop(columns=["portfolio_id", "holding_id", "market_value", "share_of_portfolio", "_row"])
    out = out.assign(
        fund_id=funds.index["fund_id"].to_numpy()[rows["top"].to_numpy()[position]],
        route=route,
        fund_file=funds.index["file"].to_numpy()[source],
        fund_as_of=funds.index["as_of"].to_numpy()[source],
        fund_weight=rows["fund_weight"].to_numpy()[position],
        position_id=flags["holding_id"].to_numpy(),
        _top=rows["top"].to_numpy()[position],
    )
    lead = ["fund_id", "route", "fund_file", "fund_as_of", "fund_weight", "position_id"]
    return as_text(out[lead + [c for c in out.columns if c not in lead]].reset_index(drop=True))


def expand_flags(position_flags: pd.DataFrame, lines: pd.DataFrame, funds: int) -> pd.DataFrame:
    """The flags of :func:`fund_position_flags` repeated for every looked-through fund line of `lines`
    that holds the fund (`funds` is the number of funds): each gets the line's portfolio and holding
    id, the fund line's name, the route from the portfolio, and the portfolio's exposure:
    ``market_value`` and ``share_of_portfolio`` of the line times ``fund_weight``.

    Only :data:`EXPANDED_COLUMNS` of each flag are repeated (a million fund flags is usual); the
    rest of its evidence is in the flag once per fund, found by ``fund_id``, ``position_id`` and
    ``criterion_id``.
    """
    lines = lines[lines["looked_through"]]
    top = position_flags["_top"].to_numpy()
    order = np.argsort(top, kind="stable")
    counts = np.bincount(top, minlength=funds)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    line_fund = lines["fund"].to_numpy()
    repeat = counts[line_fund]
    line_rows = np.repeat(np.arange(len(lines)), repeat)
    flag_rows = order[spans(starts[line_fund], repeat)]
    left = as_text(lines[["portfolio_id", "holding_id", "security_name", "market_value", "share_of_portfolio"]])
    left = left.take(line_rows).reset_index(drop=True).rename(columns={"security_name": "fund_name"})
    right = position_flags[EXPANDED_COLUMNS].take(flag_rows).reset_index(drop=True)
    weight = right["fund_weight"].to_numpy()
    left["market_value"] = left["market_value"].to_numpy() * weight
    left["share_of_portfolio"] = left["share_of_portfolio"].to_numpy() * weight
    portfolio = pa.array(left["portfolio_id"].astype(TEXT).array)
    separator = pa.scalar(" → ", type=portfolio.type)
    routes = pc.binary_join_element_wise(portfolio, pa.array(right["route"].astype(TEXT).array), separator)
    right["route"] = pd.Series(pd.arrays.ArrowStringArray(routes)).astype(TEXT)
    out = pd.concat([left, right], axis=1)
    lead = ["portfolio_id", "holding_id", "fund_id", "fund_name", "route", "fund_file", "fund_as_of", "fund_weight"]
    return out[lead + [c for c in out.columns if c not in lead]]


def fund_summary(funds: Funds, rows: pd.DataFrame, screened: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Per fund: its file and date, positions, the weight in it that is excluded, on watch and covered
    (resolved to an issuer), the excluded issuers, and the portfolios' lines that hold it.

    `screened` are the screened positions of :func:`positions_to_screen`, in the order of `rows`."""
    index = funds.index
    status = screened["status"].astype(object).to_numpy()
    weight = rows["fund_weight"].to_numpy()
    top = rows["top"].to_numpy()
    n = len(index)

    nested = rows["nested"].to_numpy(dtype=bool)

    def total(mask) -> np.ndarray:
        mask = mask & ~beneath_flagged(rows, mask & nested)  # a nested fund of that status counts whole
        return np.bincount(top[mask], weights=weight[mask], minlength=n)

    excluded = status == "excluded"
    names = pd.Series(screened["issuer_name"].astype(object).to_numpy()[excluded], dtype=object)
    issuers = (
        pd.DataFrame({"top": top[excluded], "name": names})
        .dropna()
        .drop_duplicates()
        .sort_values(["top", "name"])
        .groupby("top")["name"]
        .agg("; ".join)
    )
    held = lines[lines["looked_through"]]
    value = held.groupby("fund")["market_value"].sum(min_count=1)
    count = held.groupby("fund")["portfolio_id"].nunique()
    out = index.assign(
        positions=np.bincount(top, minlength=n),
        weight_excluded=total(excluded),
        weight_watch=total(status == "watch"),
        weight_covered=total(screened["issuer_id"].notna().to_numpy() & (status != "not_applicable") & ~nested),
        excluded_issuers=[issuers.get(i, "") for i in range(n)],
        portfolios=[int(count.get(i, 0)) for i in range(n)],
        value_held=[value.get(i, np.nan) for i in range(n)],
    )
    out["value_excluded"] = out["value_held"] * out["weight_excluded"]
    return out


def attribute_review(review: pd.DataFrame, rows: pd.DataFrame, funds: Funds, lines: pd.DataFrame) -> pd.DataFrame:
    """`review` with its rows on the funds' positions (portfolio ``look-through: <fund>``) given to the
    fund lines that carry them: one row per position and looked-through line holding the fund, with
    the line's portfolio and holding id, ``fund_id`` and ``route`` (fund → … → security) and the
    portfolio's exposure (the line's market value and share times the position's weight in the fund).
    Positions of a fund no portfolio holds are left out: no holding of any user carries them.

    `rows` are the flattened positions of :func:`underlying`, in the order screened; the direct
    rows of `review` get empty ``fund_id`` and ``route``."""
    inside = review["portfolio_id"].astype("str").str.startswith(_PSEUDO).fillna(False).to_numpy()
    direct = review[~inside].assign(fund_id=pd.NA, route=pd.NA)
    if not inside.any():
        return direct.astype({"fund_id": TEXT, "route": TEXT})
    through = review[inside].reset_index(drop=True)
    # the row of `rows` each position came from: its holding id is "look-through: <fund>#<row>"
    position = through["holding_id"].astype("str").str.rsplit("#", n=1).str[1].astype(int).to_numpy()
    top = rows["top"].to_numpy()[position]
    weight = rows["fund_weight"].to_numpy()[position]
    security = through["security_name"].astype(object).where(through["security_name"].notna(), through["isin"])
    route = rows["route"].to_numpy()[position] + " → " + security.fillna("?").astype(str).to_numpy()
    held = lines[lines["looked_through"].to_numpy()]
    line_fund = held["fund"].to_numpy()
    order = np.argsort(line_fund, kind="stable")
    counts = np.bincount(line_fund, minlength=len(funds.index))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    repeat = counts[top]
    review_rows = np.repeat(np.arange(len(through)), repeat)
    line_rows = order[spans(starts[top], repeat)]
    out = through.take(review_rows).reset_index(drop=True)
    share = weight[review_rows]
    out["portfolio_id"] = held["portfolio_id"].to_numpy()[line_rows]
    out["holding_id"] = held["holding_id"].to_numpy()[line_rows]
    out["market_value"] = held["market_value"].to_numpy(dtype=float)[line_rows] * share
    out["share_of_portfolio"] = held["share_of_portfolio"].to_numpy(dtype=float)[line_rows] * share
    out["fund_id"] = funds.index["fund_id"].to_numpy()[top][review_rows]
    # the route from each line's portfolio, joined by Arrow (hundreds of thousands of rows is usual)
    portfolio = pa.array(held["portfolio_id"].astype(TEXT).array).take(pa.array(line_rows))
    tail = pa.array(route.astype(str), type=pa.large_string()).take(pa.array(review_rows))
    joined = pc.binary_join_element_wise(portfolio.cast(pa.large_string()), tail, pa.scalar(" → ", pa.large_string()))
    out["route"] = pd.Series(pd.arrays.ArrowStringArray(joined), index=out.index).astype(TEXT)
    both = pd.concat([direct, out], ignore_index=True).astype({"fund_id": TEXT, "route": TEXT})
    order = np.lexsort((-both["share_of_portfolio"].fillna(-np.inf), -both["market_value"].fillna(-np.inf)))
    return both.iloc[order].reset_index(drop=True)


def fund_lines_affected(table: pd.DataFrame, fund_flags: pd.DataFrame, direct_flags: pd.DataFrame) -> pd.DataFrame:
    """The overrides `table` with ``holdings_affected`` counting the portfolios' own holdings only
    (the flags of `direct_flags` it targets) and ``fund_lines_affected`` the fund lines carrying a
    position it targets (distinct portfolio and fund line among `fund_flags`). An override applied
    to neither is in the state ``no_holding``."""
    if table.empty:
        return table.assign(fund_lines_affected=pd.Series(dtype="int64"))
    direct, lines = [], []
    for issuer_id, isin, criterion_id in zip(table["issuer_id"], table["isin"], table["criterion_id"], strict=True):
        counts = []
        for frame in (direct_flags, fund_flags):
            if frame.empty:
                counts.append(frame.iloc[:0])
                continue
            target = (frame["issuer_id"] == issuer_id) if pd.notna(issuer_id) else (frame["isin"] == isin)
            counts.append(frame[target.fillna(False).to_numpy() & (frame["criterion_id"] == criterion_id).to_numpy()])
        direct.append(len(counts[0]))
        lines.append(len(counts[1][["portfolio_id", "holding_id"]].drop_duplicates()) if len(counts[1]) else 0)
    applied = table["state"] == APPLIED
    out = table.assign(holdings_affected=np.where(applied, direct, 0), fund_lines_affected=np.where(applied, lines, 0))
    out.loc[applied & (out["holdings_affected"] == 0) & (out["fund_lines_affected"] == 0), "state"] = NO_HOLDING
    return out


def counted_once(rows: pd.DataFrame, position: np.ndarray, criterion: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Which flags of the funds' positions to keep: a flag (at row `position` of `rows`, for
    `criterion`) is dropped when a nested fund line above it is flagged for the same criterion
    itself (`counts` true for that flag): the nested fund then counts as a whole, once."""
    keep = np.ones(len(position), dtype=bool)
    on_nested = rows["nested"].to_numpy(dtype=bool)[position] & counts if len(rows) else keep[:0]
    for name in pd.unique(criterion[on_nested]):
        flagged = np.zeros(len(rows), dtype=bool)
        flagged[position[on_nested & (criterion == name)]] = True
        keep &= ~((criterion == name) & beneath_flagged(rows, flagged)[position])
    return keep
