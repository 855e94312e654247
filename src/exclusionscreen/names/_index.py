"""Fuzzy matching of normalised names: distinct names scored by token-sort ratio.

Candidates are blocked on shared words; pairs that cannot reach the bar are dropped on the exact upper
bounds of :mod:`._bounds`, and rapidfuzz scores the rest pairwise (``process.cpdist``), never a Python
loop over pairs. A :class:`NameIndex` prepares the choices once for several calls.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from .._fast import spans
from ._bounds import Words, length_window, parse, within_reach

__all__ = ["NameIndex", "best_matches", "issuer_name_index"]

# a runner-up is kept only if it may tie with the best: within this margin of a best score at or above
# the bar (the margin within which two different keys count as matching equally well)
_RUNNER_UP_MARGIN = 0.02
# slack on every cut-off, so that float32 rounding of a score never drops a pair at the floor
_SLACK = 1e-6
# candidate pairs bounded at once (bounds memory: some 100 to 200 bytes a pair)
_CHUNK = 1 << 18


def _first_occurrences(values: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value, in order."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    return np.sort(order[np.r_[True, ranked[1:] != ranked[:-1]]]) if len(values) else order


def _sorted_text(names: np.ndarray) -> np.ndarray:
    """Each name's words sorted and joined by single spaces (what ``token_sort_ratio`` compares)."""
    return np.array([" ".join(sorted(name.split())) for name in names], dtype=object)


_NO_TEXT = pa.scalar("", pa.large_string())


def _block_keys(words: Words):
    """Block keys of names split into words: every word of three letters or more, and the first four
    letters of each word longer than four (``INDU*``).

    Returns (position, place, key code, key strings): one entry per word key and per prefix key, with
    the name's position, the key's place in the name (its words first, then its prefixes) and a code
    indexing the distinct key strings. A name that repeats a key has it more than once.
    """
    codes, distinct, size, counts = words
    whole, long = np.flatnonzero(size >= 3), np.flatnonzero(size > 4)
    heads = pc.utf8_slice_codeunits(pa.array(distinct[long], pa.large_string()), 0, 4)
    prefixes = pc.binary_join_element_wise(heads, pa.scalar("*", pa.large_string()), _NO_TEXT)
    prefixes = prefixes.to_numpy(zero_copy_only=False).astype(object)
    word_key = np.full(len(distinct), -1, dtype=np.int64)
    prefix_key = np.full(len(distinct), -1, dtype=np.int64)
    if "*" in "".join(distinct[whole]):  # a word may read like a prefix key
        key_codes, keys = pd.factorize(np.concatenate([distinct[whole], prefixes]))
        word_key[whole] = key_codes[: len(whole)]
        prefix_key[long] = key_codes[len(whole) :]
    else:  # the distinct words are distinct keys already
        key_codes, distinct_prefixes = pd.factorize(prefixes)
        keys = np.concatenate([distinct[whole], np.asarray(distinct_prefixes, dtype=object)])
        word_key[whole] = np.arange(len(whole))
        prefix_key[long] = len(whole) + key_codes
    pos = np.repeat(np.arange(len(counts)), counts)
    place = spans(np.zeros(len(counts), dtype=np.int64), counts)
    wk, pk = word_key[codes], prefix_key[codes]
    has_w, has_p = wk >= 0, pk >= 0
    return (
        np.concatenate([pos[has_w], pos[has_p]]),
        np.concatenate([place[has_w], counts[pos[has_p]] + place[has_p]]),
        np.concatenate([wk[has_w], pk[has_p]]),
        np.asarray(keys, dtype=object),
    )


class NameIndex:
    """Choices prepared once for :func:`best_matches`, to reuse across calls with the same choices.

    Built from a Series of normalised names indexed by the key to return (an issuer id, a subject id);
    missing names are left out. Holds each choice's key, name, and the length and character classes
    of its sorted-token text, and its block keys as integer codes with, for each key, the choices that
    carry it (ordered by length, so that a query's length picks out the ones it may match).
    Sorted-token texts are made when a choice is first scored.
    """

    def __init__(self, choices: pd.Series) -> None:
        choices = choices.dropna()
        names = choices.astype(str).to_numpy(dtype=object)
        words, lengths, levels = parse(names)
        pos, _, local, keys = _block_keys(words)
        vocabulary = dict(zip(keys.tolist(), range(len(keys)), strict=True))
        self._set(choices.index.to_numpy(), names, lengths, levels, pos, local, vocabulary)

    def _set(self, keys, names, lengths, levels, pos, key, vocabulary, text=None, sort="quicksort") -> None:
        self.keys = keys  # each choice's key
        self.names = names  # each choice's normalised name
        self._lengths, self._levels = lengths, levels
        self._text = np.full(len(names), None, dtype=object) if text is None else text
        self._vocabulary = vocabulary  # key string -> key code
        n, span = max(len(names), 1), int(lengths.max(initial=0)) + 1
        self._span = span
        if (len(vocabulary) + 1) * span * n < np.iinfo(np.int64).max:
            entry = np.sort((key * span + lengths[pos]) * n + pos, kind=sort)
            self._slot, self._members = np.divmod(entry, n)  # slot: key * span + length
        else:  # very many keys and choices
            order = np.lexsort((pos, lengths[pos], key))
            self._slot, self._members = key[order] * span + lengths[pos[order]], pos[order]
        if len(self._slot):  # each (key, choice) once
            once = np.r_[True, (self._slot[1:] != self._slot[:-1]) | (self._members[1:] != self._members[:-1])]
            self._slot, self._members = self._slot[once], self._members[once]
        size = np.bincount(self._slot // span, minlength=len(vocabulary))
        self._start = np.concatenate([[0], np.cumsum(size)])

    def __len__(self) -> int:
        return len(self.names)

    def extended(self, more: pd.Series) -> NameIndex:
        """A new index over these choices followed by `more`, as if built from the two concatenated (this
        one if `more` has no names)."""
        more = more.dropna()
        names = more.astype(str).to_numpy(dtype=object)
        if not len(names):
            return self
        words, lengths, levels = parse(names)
        pos, _, local, keys = _block_keys(words)
        code = self._codes(keys)
        new = np.flatnonzero(code < 0)
        code[new] = len(self._vocabulary) + np.arange(len(new))
        vocabulary = {**self._vocabulary, **dict(zip(keys[new].tolist(), code[new].tolist(), strict=True))}
        out = object.__new__(NameIndex)
        out._set(
            np.concatenate([self.keys, more.index.to_numpy()]),
            np.concatenate([self.names, names]),
            np.concatenate([self._lengths, lengths]),
            np.concatenate([self._levels, levels], axis=1),
            np.concatenate([self._members, pos + len(self)]),
            np.concatenate([self._slot // self._span, code[local]]),
            vocabulary,
            np.concatenate([self._text, np.full(len(names), None, dtype=object)]),
            sort="stable",  # these choices' entries are in order already
        )
        return out

    def _entries(self, words: Words, max_block: int) -> tuple[np.ndarray, np.ndarray]:
        """The blocked keys of names split into words: (name position, key code), in the order a
        name's keys are visited, each key once per name."""
        pos, place, local, keys = _block_keys(words)
        code = self._codes(keys)[local]
        order = np.lexsort((place, pos))
        pos, code = pos[order], code[order]
        once = _first_occurrences(pos * (len(self._vocabulary) + 1) + code)
        pos, code = pos[once], code[once]
        pos, code = pos[code >= 0], code[code >= 0]  # keys no choice carries
        size = self._start[code + 1] - self._start[code]
        rarest = np.zeros(len(pos), dtype=bool)
        if len(pos):
            order = np.lexsort((size, pos))  # stable: of equal sizes, the first in the name is the rarest
            rarest[order[np.r_[True, pos[order][1:] != pos[order][:-1]]]] = True
        keep = (size <= max_block) | rarest
        return pos[keep], code[keep]

    def _codes(self, keys: np.ndarray) -> np.ndarray:
        """The codes of key strings, -1 for keys no choice carries."""
        return np.fromiter(map(self._vocabulary.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))

    def _ranges(self, code: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key code, the span of its choices whose length is in [lo, hi]: (start, end)."""
        top = self._span - 1
        start = np.searchsorted(self._slot, code * self._span + np.clip(lo, 0, self._span), side="left")
        end = np.searchsorted(self._slot, code * self._span + np.clip(hi, -1, top), side="right")
        return start, np.maximum(end, start)

    def _texts(self, positions: np.ndarray) -> np.ndarray:
        """Sorted-token texts of the choices at `positions`, made on first use."""
        missing = positions[self._text[positions] == None]  # noqa: E711 (element-wise)
        missing = missing[_first_occurrences(missing)]
        self._text[missing] = _sorted_text(self.names[missing])
        return self._text[positions]


def best_matches(
    queries: pd.Series, choices: pd.Series | NameIndex, *, min_score: float = 0.0, max_block: int = 500
) -> pd.DataFrame:
    """For each distinct normalised query name, the best-scoring normalised choice.

    `queries` are normalised names (see :func:`normalise_names`); `choices` are normalised names indexed
    by the key to return (an issuer id, a list entry id), or a :class:`NameIndex` built from such a
    Series (build it once when several calls share the choices). Returns one row per distinct query,
    in order of first appearance, with columns ``query``, ``match_key``, ``match_name``, ``score`` (0-1,
    token-sort ratio), ``runner_up_score`` and ``runner_up_key`` (the next best choice with another
    key), for queries whose best score is at least `min_score`.

    Candidates are blocked: a query is scored only against choices that share a word of three letters
    or more, or the first four letters of a word longer than four, with it (keys shared by more than
    `max_block` choices are skipped, except the query's rarest key, the first in the name on a tie).
    Pairs that cannot score ``min_score - 0.02`` are dropped on exact upper bounds (from lengths and
    character counts) before rapidfuzz scores the rest, so a runner-up below that floor is reported
    with score 0.0 and no key, as is a query with no other candidate; a runner-up that may tie with a
    best score at or above `min_score` is always reported. Equal scores go to the choice met first,
    visiting the query's keys in order (its words, then its four-letter prefixes) and each key's
    choices in choice order.
    """
    columns = ["query", "match_key", "match_name", "score", "runner_up_score", "runner_up_key"]
    q = pd.Series(queries.dropna().unique(), dtype="str")
    index = choices if isinstance(choices, NameIndex) else NameIndex(choices)
    if q.empty or not len(index):
        return pd.DataFrame(columns=columns)
    q_text = q.astype(str).to_numpy(dtype=object)
    words, q_lengths, q_levels = parse(q_text)
    entry_pos, entry_key = index._entries(words, max_block)
    floor = min_score - _RUNNER_UP_MARGIN - _SLACK
    qi, ci = _pairs(index, entry_pos, entry_key, q_lengths, q_levels, floor)
    if not len(qi):
        return pd.DataFrame(columns=columns)
    score = (
        process.cpdist(
            _sorted_text(q_text)[qi],
            index._texts(ci),
            scorer=fuzz.ratio,
            score_cutoff=max(0.0, (floor - _SLACK) * 100.0),
            workers=-1,
        )
        / 100.0
    )
    if floor > 0:
        kept = score >= floor
        qi, ci, score = qi[kept], ci[kept], score[kept]
    order = np.lexsort((-score, qi))  # stable: equal scores keep the order the pairs were met in
    qi, ci, score = qi[order], ci[order], score[order]
    starts = np.r_[True, qi[1:] != qi[:-1]] if len(qi) else np.zeros(0, dtype=bool)
    head, group = np.flatnonzero(starts), np.cumsum(starts) - 1
    key_code = pd.factorize(index.keys[ci])[0]
    rival = np.flatnonzero(key_code != key_code[head][group])  # pairs with another key than the best
    rival = rival[np.r_[True, group[rival][1:] != group[rival][:-1]]] if len(rival) else rival
    runner = np.full(len(head), -1, dtype=np.int64)
    runner[group[rival]] = rival
    good = score[head] >= min_score
    best, runner = head[good], runner[good]
    has = runner >= 0
    runner_key = np.full(len(best), np.nan, dtype=object)
    runner_key[has] = index.keys[ci[runner[has]]]
    return pd.DataFrame(
        {
            "query": q_text[qi[best]],
            "match_key": index.keys[ci[best]],
            "match_name": index.names[ci[best]],
            "score": score[best],
            "runner_up_score": np.where(has, score[runner], 0.0).astype(score.dtype),
            "runner_up_key": runner_key,
        },
        columns=columns,
    )


def _pairs(index: NameIndex, entry_pos, entry_key, q_lengths, q_levels, floor: float):
    """(query, choice) positions of the blocked pairs whose score may reach `floor`, each pair once,
    in the order they are met: key entry by key entry, each key's choices in choice order.

    The length window picks out a span of each key's choices (ordered by length); the character
    counts then drop the pairs that cannot reach `floor` (see :mod:`._bounds`).
    """
    cut = floor - _SLACK
    first, last = index._ranges(entry_key, *length_window(q_lengths[entry_pos], cut))
    size = last - first
    ends = np.cumsum(size)
    starts = ends - size
    out_e, out_c = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    i = 0
    while i < len(size):
        j = max(i + 1, int(np.searchsorted(ends, starts[i] + _CHUNK, side="right")))
        entry = np.repeat(np.arange(i, j), size[i:j])
        ci = index._members[spans(first[i:j], size[i:j])]
        if cut > 0:
            fit = within_reach(q_levels, q_lengths, index._levels, index._lengths, entry_pos[entry], ci, cut)
            entry, ci = entry[fit], ci[fit]
        out_e.append(entry)
        out_c.append(ci)
        i = j
    entry, ci = np.concatenate(out_e), np.concatenate(out_c)
    order = np.lexsort((ci, entry))  # each key's choices back in choice order
    qi, ci = entry_pos[entry[order]], ci[order]
    once = _first_occurrences(qi * len(index) + ci)  # a choice may share several keys with a query
    return qi[once], ci[once]


def issuer_name_index(table: pd.DataFrame) -> NameIndex:
    """The distinct normalised names of :func:`issuer_name_table`, keyed by issuer id, ready for fuzzy matching."""
    return NameIndex(table.drop_duplicates("norm").set_index("issuer_id")["norm"])
