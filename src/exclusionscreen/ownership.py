"""Ownership: ultimate parents, cycles, and who else an involved company's involvement catches.

Parent links come from the Issuers contract (``parent_issuer_id``, ``parent_ownership``). A link
without an ownership share is taken as control of at least 50 % (a consolidated subsidiary). Shares
multiply along a chain: a parent owning 80 % of a company that owns 50 % of another owns 40 % of it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ._fast import spans
from .errors import ArgumentError

__all__ = ["PRESUMED_SHARE", "descendants", "ancestors", "ultimate_parents"]

#: share presumed for a parent link whose ownership is not given
PRESUMED_SHARE = 0.5


def ultimate_parents(issuers: pd.DataFrame) -> tuple[pd.Series, list[list[str]]]:
    """The ultimate parent of every issuer (itself when it has none), and the ownership cycles found.

    Uses pointer jumping over integer positions (no Python loop over issuers). An issuer in a cycle,
    or below one, keeps itself as ultimate parent; each cycle is reported once as its member ids.
    """
    ids = issuers["issuer_id"].to_numpy()
    # one code per id: the issuers' own (distinct) ids come first, so an issuer's code is its position
    codes, _ = pd.factorize(pd.concat([issuers["issuer_id"], issuers["parent_issuer_id"]], ignore_index=True))
    if not np.array_equal(codes[: len(ids)], np.arange(len(ids))):
        raise ArgumentError("issuers: issuer_id values must be present and unique to walk parent links")
    parent = codes[len(ids) :]
    parent = np.where(parent < len(ids), parent, -1)  # -1: no parent, or one not among the issuers
    own = np.arange(len(ids))
    root = np.where(parent < 0, own, parent)
    for _ in range(int(np.ceil(np.log2(max(len(ids), 2)))) + 2):
        root = root[root]
    stuck = parent[root] >= 0  # the chain never reached an issuer without a parent
    cycles = _cycles(parent, np.flatnonzero(stuck), ids)
    root = np.where(stuck, own, root)
    return pd.Series(ids[root], index=issuers.index, name="ultimate_parent_id"), cycles


def _cycles(parent: np.ndarray, stuck: np.ndarray, ids: np.ndarray) -> list[list[str]]:
    """The distinct cycles reached from the stuck issuers (few, so a short walk each)."""
    found: dict[frozenset, list[str]] = {}
    for start in stuck:
        seen: dict[int, int] = {}
        node = int(start)
        while node >= 0 and node not in seen:
            seen[node] = len(seen)
            node = int(parent[node])
        if node >= 0:
            order = list(seen)[seen[node] :]
            members = frozenset(order)
            if members not in found:
                found[members] = [str(ids[i]) for i in order]
    return list(found.values())


class _Links(NamedTuple):
    """Parent links as arrays over the companies they name (`ids`): for each company, the links
    that leave it are ``target[indptr[i]:indptr[i + 1]]``, with their ``share``, in table order."""

    ids: pd.Index
    indptr: np.ndarray
    target: np.ndarray
    share: np.ndarray


def _links(issuers: pd.DataFrame, *, upward: bool) -> _Links:
    """Links from each company to its parent (`upward`) or to its subsidiaries."""
    linked = issuers[issuers["parent_issuer_id"].notna() & issuers["issuer_id"].notna()]
    n = len(linked)
    codes, ids = pd.factorize(pd.concat([linked["issuer_id"], linked["parent_issuer_id"]], ignore_index=True))
    child, parent = codes[:n], codes[n:]
    share = linked["parent_ownership"].fillna(PRESUMED_SHARE).to_numpy(dtype=float)
    source, target = (child, parent) if upward else (parent, child)
    order = np.argsort(source, kind="stable")  # each company's links in table order
    indptr = np.concatenate([[0], np.cumsum(np.bincount(source, minlength=len(ids)))])
    return _Links(pd.Index(ids), indptr, target[order], share[order])


def ancestors(
    issuers: pd.DataFrame, start: pd.DataFrame, min_share: float | None = None, *, max_depth: int = 25
) -> pd.DataFrame:
    """Parents that own at least the minimum share of each start issuer, directly or through a chain.

    `start` has a column ``issuer_id`` (plus any columns to carry along, and optionally ``min_share``
    per row, used when `min_share` is None). Returns those columns plus ``relative_id`` (the parent
    caught) and ``share`` (its effective ownership), walking one level of the tree at a time.
    """
    return _walk(start, _links(issuers, upward=True), min_share, max_depth)


def descendants(
    issuers: pd.DataFrame, start: pd.DataFrame, min_share: float | None = None, *, max_depth: int = 25
) -> pd.DataFrame:
    """Subsidiaries owned at least the minimum share by each start issuer, directly or through a chain."""
    return _walk(start, _links(issuers, upward=False), min_share, max_depth)


def _walk(start: pd.DataFrame, links: _Links, min_share: float | None, max_depth: int) -> pd.DataFrame:
    floor = (start["min_share"] if min_share is None else pd.Series(min_share, index=start.index)).to_numpy(float)
    origin = links.ids.get_indexer(start["issuer_id"])  # -1: a company no link names
    # the frontier: (start row, company reached, share owned), one level of the tree at a time
    row = np.flatnonzero(origin >= 0)
    node, share = origin[row], np.ones(len(row))
    found_row, found_node, found_share = [], [], []
    for _ in range(max_depth):
        size = links.indptr[node + 1] - links.indptr[node]
        edge = spans(links.indptr[node], size)
        row, node = np.repeat(row, size), links.target[edge]
        share = np.repeat(share, size) * links.share[edge]
        keep = (share >= floor[row] - 1e-12) & (node != origin[row])
        row, node, share = row[keep], node[keep], share[keep]
        if not len(row):
            break
        found_row.append(row)
        found_node.append(node)
        found_share.append(share)
    columns = list(start.columns) + ["relative_id", "share"]
    if not found_row:
        return pd.DataFrame(columns=columns)
    out = start.iloc[np.concatenate(found_row)].reset_index(drop=True)
    out = out.assign(relative_id=links.ids[np.concatenate(found_node)], share=np.concatenate(found_share))
    keys = [c for c in ("issuer_id", "relative_id", "criterion_id") if c in out.columns]
    return out.sort_values("share", ascending=False, kind="stable").drop_duplicates(keys)[columns]
