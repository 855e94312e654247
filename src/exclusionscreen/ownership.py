"""Ownership: ultimate parents, cycles, and who else an involved company's involvement catches.

Parent links come from the Issuers contract (``parent_issuer_id``, ``parent_ownership``). A link
without an ownership share is taken as control of at least 50 % (a consolidated subsidiary). Shares
multiply along a chain: a parent owning 80 % of a company that owns 50 % of another owns 40 % of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PRESUMED_SHARE", "descendants", "ancestors", "ultimate_parents"]

#: share presumed for a parent link whose ownership is not given
PRESUMED_SHARE = 0.5


def ultimate_parents(issuers: pd.DataFrame) -> tuple[pd.Series, list[list[str]]]:
    """The ultimate parent of every issuer (itself when it has none), and the ownership cycles found.

    Uses pointer jumping over integer positions (no Python loop over issuers). An issuer in a cycle,
    or below one, keeps itself as ultimate parent; each cycle is reported once as its member ids.
    """
    ids = issuers["issuer_id"].to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    parent = issuers["parent_issuer_id"].map(position).fillna(-1).astype(np.int64).to_numpy()
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


def _edges(issuers: pd.DataFrame) -> pd.DataFrame:
    links = issuers.loc[issuers["parent_issuer_id"].notna(), ["issuer_id", "parent_issuer_id", "parent_ownership"]]
    return links.assign(share=links["parent_ownership"].fillna(PRESUMED_SHARE))[
        ["issuer_id", "parent_issuer_id", "share"]
    ]


def ancestors(issuers: pd.DataFrame, start: pd.DataFrame, min_share: float | None = None, *,
              max_depth: int = 25) -> pd.DataFrame:
    """Parents that own at least the minimum share of each start issuer, directly or through a chain.

    `start` has a column ``issuer_id`` (plus any columns to carry along, and optionally ``min_share``
    per row, used when `min_share` is None). Returns those columns plus ``relative_id`` (the parent
    caught) and ``share`` (its effective ownership), walking one level of the tree at a time.
    """
    edges = _edges(issuers).rename(columns={"issuer_id": "relative_id", "parent_issuer_id": "next_id"})
    return _walk(start, edges, min_share, max_depth)


def descendants(issuers: pd.DataFrame, start: pd.DataFrame, min_share: float | None = None, *,
                max_depth: int = 25) -> pd.DataFrame:
    """Subsidiaries owned at least the minimum share by each start issuer, directly or through a chain."""
    edges = _edges(issuers).rename(columns={"parent_issuer_id": "relative_id", "issuer_id": "next_id"})
    return _walk(start, edges, min_share, max_depth)


def _walk(start: pd.DataFrame, edges: pd.DataFrame, min_share: float | None, max_depth: int) -> pd.DataFrame:
    floor = start["min_share"] if min_share is None else pd.Series(min_share, index=start.index)
    ids = start["issuer_id"].to_numpy()
    # the walk carries only the start row's position; its other columns are joined once at the end
    frontier = pd.DataFrame(
        {"_start": np.arange(len(start)), "issuer_id": ids, "relative_id": ids, "share": 1.0,
         "_floor": floor.to_numpy(dtype=float)}
    )
    found = []
    for _ in range(max_depth):
        step = frontier.merge(edges, on="relative_id", how="inner", suffixes=("", "_edge"))
        step = step.assign(share=step["share"] * step["share_edge"])
        step = step[(step["share"] >= step["_floor"] - 1e-12) & (step["next_id"] != step["issuer_id"])]
        if step.empty:
            break
        step = step[["_start", "issuer_id", "next_id", "share", "_floor"]].rename(columns={"next_id": "relative_id"})
        found.append(step)
        frontier = step
    columns = list(start.columns) + ["relative_id", "share"]
    if not found:
        return pd.DataFrame(columns=columns)
    walked = pd.concat(found, ignore_index=True)
    out = start.iloc[walked["_start"].to_numpy()].set_axis(walked.index)
    out = out.assign(relative_id=walked["relative_id"].to_numpy(), share=walked["share"].to_numpy())
    keys = [c for c in ("issuer_id", "relative_id", "criterion_id") if c in out.columns]
    return out.sort_values("share", ascending=False, kind="stable").drop_duplicates(keys)[columns]
