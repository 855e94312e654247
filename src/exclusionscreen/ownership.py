"""Ownership: ultimate parents, the ownership graph, its cycles, and who else an involved company's
involvement catches.

Links come from two places: the issuers' ``parent_issuer_id`` (with ``parent_ownership``), and the
ownership-links table (``ownership_links``: owner, owned, share, control flag, source, as-of date), so
that a company can have several owners. :func:`ownership_links` puts both in one table.

A link is *control* when its share is at least 50 % or its control flag is true; control is
transitive (a parent controlling a company that controls another controls that one too, whatever the
product of the shares). A link whose share is unknown and that is not flagged as control is
*unknown*: it never creates control, and a relation reached through it is reported as possible
("ownership share unknown"). The *economic share* of an owner in a company is the sum, over the
ownership paths between them, of the product of the shares along each path; unknown shares count as
0 for the share known and as 100 % for the most it could be. Links on a cycle are reported, not walked.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ._fast import spans
from .errors import ArgumentError

__all__ = [
    "CONTROL_SHARE",
    "LINK_COLUMNS",
    "OwnershipGraph",
    "link_cycles",
    "ownership_graph",
    "ownership_links",
    "related",
    "ultimate_parents",
]

#: the share at and above which a link is control
CONTROL_SHARE = 0.5
#: the columns of the ownership-links table
LINK_COLUMNS = ["owner_issuer_id", "owned_issuer_id", "share", "control", "source", "as_of"]
#: the source named on link rows made from the issuers' parent_issuer_id
PARENT_SOURCE = "issuers.parent_issuer_id"
_TOLERANCE = 1e-12


def ultimate_parents(issuers: pd.DataFrame) -> tuple[pd.Series, list[list[str]]]:
    """The ultimate parent of every issuer by ``parent_issuer_id`` (itself when it has none), and the
    cycles of those links.

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
    cycles = _parent_cycles(parent, np.flatnonzero(stuck), ids)
    root = np.where(stuck, own, root)
    return pd.Series(ids[root], index=issuers.index, name="ultimate_parent_id"), cycles


def _parent_cycles(parent: np.ndarray, stuck: np.ndarray, ids: np.ndarray) -> list[list[str]]:
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


# --------------------------------------------------------------------------------------------
# the links table and the graph


def ownership_links(issuers: pd.DataFrame, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every ownership link: the rows of the links table, then one row per ``parent_issuer_id`` that
    the table does not already give (its share from ``parent_ownership``, no control flag).

    Returns the columns of :data:`LINK_COLUMNS`, one row per (owner, owned) pair (the first given).
    """
    parents = issuers[issuers["parent_issuer_id"].notna()]
    from_parents = pd.DataFrame(
        {
            "owner_issuer_id": parents["parent_issuer_id"].to_numpy(),
            "owned_issuer_id": parents["issuer_id"].to_numpy(),
            "share": parents["parent_ownership"].to_numpy(dtype=float),
            "control": pd.array([pd.NA] * len(parents), dtype="boolean"),
            "source": PARENT_SOURCE,
            "as_of": pd.NaT,
        }
    )
    frames = [from_parents] if links is None or links.empty else [links[LINK_COLUMNS], from_parents]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else from_parents
    out = out.astype({"share": float, "control": "boolean"})
    return out.drop_duplicates(["owner_issuer_id", "owned_issuer_id"]).reset_index(drop=True)


class OwnershipGraph(NamedTuple):
    """The links as integer arrays over the companies they name (`ids`, with their `names`).

    Edge ``k`` runs from ``owner[k]`` to ``owned[k]`` with ``share[k]`` (NaN when unknown) and
    ``control[k]``; ``unknown[k]`` marks a link that is neither control nor of known share. Links on
    a cycle are left out and reported in `cycles`.
    """

    ids: pd.Index
    names: np.ndarray
    owner: np.ndarray
    owned: np.ndarray
    share: np.ndarray
    control: np.ndarray
    unknown: np.ndarray
    cycles: list[list[str]]


def ownership_graph(links: pd.DataFrame, names: pd.Series | None = None) -> OwnershipGraph:
    """The graph of `links` (from :func:`ownership_links`); `names` gives issuer names by id, for the
    paths written in flags (an id without a name is written as itself)."""
    n = len(links)
    codes, ids = pd.factorize(pd.concat([links["owner_issuer_id"], links["owned_issuer_id"]], ignore_index=True))
    owner, owned = codes[:n], codes[n:]
    share = links["share"].to_numpy(dtype=float, na_value=np.nan)
    flag = links["control"].to_numpy(dtype=bool, na_value=False)
    control = flag | (share >= CONTROL_SHARE - _TOLERANCE)
    unknown = ~control & np.isnan(share)
    ids = pd.Index(ids)
    shown = ids.to_series(index=ids)
    if names is not None and len(names):
        shown = pd.Series(names.reindex(ids).to_numpy(), index=ids).fillna(shown)
    on_cycle, cycles = _cycle_links(owner, owned, ids)
    keep = ~on_cycle
    return OwnershipGraph(
        ids,
        shown.astype(str).to_numpy(),
        owner[keep],
        owned[keep],
        share[keep],
        control[keep],
        unknown[keep],
        cycles,
    )


def link_cycles(links: pd.DataFrame) -> list[list[str]]:
    """The ownership cycles of `links`, each once as its member ids."""
    return ownership_graph(links).cycles


def _cycle_links(owner: np.ndarray, owned: np.ndarray, ids: pd.Index) -> tuple[np.ndarray, list[list[str]]]:
    """Which links lie on a cycle, and the cycles (their strongly connected groups of companies).

    Companies that no cycle can pass through are peeled off, vectorised: those with no owner left or
    nothing owned left, round after round. The few that remain are grouped by a short depth-first
    search (Tarjan's algorithm) over the remaining links only.
    """
    alive = np.ones(len(ids), dtype=bool)
    edge = np.ones(len(owner), dtype=bool)
    while True:
        has_owner = np.bincount(owned[edge], minlength=len(ids)) > 0
        owns = np.bincount(owner[edge], minlength=len(ids)) > 0
        drop = alive & ~(has_owner & owns)
        if not drop.any():
            break
        alive &= ~drop
        edge &= alive[owner] & alive[owned]
    if not edge.any():
        return np.zeros(len(owner), dtype=bool), []
    group = _strong_groups(owner[edge], owned[edge])
    on_cycle = np.zeros(len(owner), dtype=bool)
    rest = np.flatnonzero(edge)
    number = np.full(len(ids), -1)
    number[list(group)] = list(group.values())
    same = number[owner[rest]] == number[owned[rest]]  # both ends in one group: a link on a cycle
    on_cycle[rest[same]] = True
    members: dict[int, list[str]] = {}
    for node, g in group.items():
        members.setdefault(g, []).append(str(ids[node]))
    cyclic = {group[int(a)] for a in owner[rest[same]]}
    return on_cycle, [sorted(members[g]) for g in sorted(cyclic)]


def _strong_groups(owner: np.ndarray, owned: np.ndarray) -> dict[int, int]:
    """Tarjan's strongly connected components of a small graph, iteratively: node -> group number."""
    succ: dict[int, list[int]] = {}
    for a, b in zip(owner.tolist(), owned.tolist(), strict=True):
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    group: dict[int, int] = {}
    for root in succ:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(succ[node]):
                work.append((node, i + 1))
                nxt = succ[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                g = len(set(group.values()))
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group[member] = g
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return group


# --------------------------------------------------------------------------------------------
# the walk


def related(
    graph: OwnershipGraph, start: pd.DataFrame, *, upward: bool, control_only: bool, max_depth: int = 25
) -> pd.DataFrame:
    """The companies related to each start issuer through the graph, all start rows at once.

    `start` has a column ``issuer_id`` plus any columns to carry along. `upward` walks to owners
    (parents), otherwise to owned companies (subsidiaries). With `control_only` a path may use only
    links that are control or of unknown share; otherwise every link.

    Returns the start columns plus ``relative_id``, ``relative_name``, ``controlled`` (some path is
    control at every link), ``share_known`` (economic share from known shares: unknown ones count 0),
    ``share_most`` (unknown ones count 100 %), ``path`` (the names of the companies between, on the
    path shown: the controlled one with the largest share first) and ``depth`` of that path.
    The walk goes one level of the graph at a time, every (start row, company) pair merged per level.
    """
    columns = [
        *start.columns,
        "relative_id",
        "relative_name",
        "controlled",
        "share_known",
        "share_most",
        "path",
        "depth",
    ]
    n_nodes = len(graph.ids)
    source, target = (graph.owned, graph.owner) if upward else (graph.owner, graph.owned)
    usable = (graph.control | graph.unknown) if control_only else np.ones(len(source), dtype=bool)
    source, target = source[usable], target[usable]
    known = np.nan_to_num(graph.share[usable], nan=0.0)
    most = np.where(np.isnan(graph.share[usable]), 1.0, graph.share[usable])
    ctl = graph.control[usable]
    order = np.argsort(source, kind="stable")
    source, target, known, most, ctl = source[order], target[order], known[order], most[order], ctl[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(source, minlength=n_nodes))]).astype(np.int64)

    origin = graph.ids.get_indexer(start["issuer_id"])  # -1: a company no link names
    rows = np.flatnonzero(origin >= 0)
    level = pd.DataFrame({"row": rows, "node": origin[rows], "lo": 1.0, "hi": 1.0, "ctl": True, "via": "", "depth": 0})
    found = []
    for _ in range(max_depth):
        node = level["node"].to_numpy()
        size = indptr[node + 1] - indptr[node]
        edge = spans(indptr[node], size)
        if not len(edge):
            break
        via = level["via"].to_numpy(dtype=object)
        step_via = np.where(level["depth"].to_numpy() > 0, graph.names[node], "")
        joined = np.where((via != "") & (step_via != ""), via + " > " + step_via, via + step_via)
        nxt = pd.DataFrame(
            {
                "row": np.repeat(level["row"].to_numpy(), size),
                "node": target[edge],
                "lo": np.repeat(level["lo"].to_numpy(), size) * known[edge],
                "hi": np.repeat(level["hi"].to_numpy(), size) * most[edge],
                "ctl": np.repeat(level["ctl"].to_numpy(), size) & ctl[edge],
                "via": np.repeat(joined, size),
                "depth": np.repeat(level["depth"].to_numpy(), size) + 1,
            }
        )
        nxt = nxt[(nxt["node"].to_numpy() != origin[nxt["row"].to_numpy()]) & (nxt["hi"] > 0)]
        if nxt.empty:
            break
        level = _merge_paths(nxt)
        found.append(level)
    if not found:
        return pd.DataFrame(columns=columns)
    every = _merge_paths(pd.concat(found, ignore_index=True))
    out = start.iloc[every["row"].to_numpy()].reset_index(drop=True)
    node = every["node"].to_numpy()
    return out.assign(
        relative_id=graph.ids[node],
        relative_name=graph.names[node],
        controlled=every["ctl"].to_numpy(),
        share_known=every["lo"].to_numpy(),
        share_most=every["hi"].to_numpy(),
        path=every["via"].to_numpy(),
        depth=every["depth"].to_numpy(),
    )[columns]


def _merge_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """One row per (start row, company): shares summed over the paths, control if any path is control,
    and the path shown the controlled one with the largest known share."""
    paths = paths.sort_values(["ctl", "lo", "depth"], ascending=[False, False, True], kind="stable")
    grouped = paths.groupby(["row", "node"], sort=False)
    return pd.DataFrame(
        {
            "lo": grouped["lo"].sum(),
            "hi": grouped["hi"].sum(),
            "ctl": grouped["ctl"].any(),
            "via": grouped["via"].first(),
            "depth": grouped["depth"].first(),
        }
    ).reset_index()
