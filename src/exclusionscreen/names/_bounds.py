"""Exact upper bounds that prune candidate pairs before they are scored.

A token-sort ratio is ``2 * LCS / (la + lb)`` over the two names' sorted-token texts. The LCS is at
most the shorter length, and at most the characters the two have in common, class by class (A-Z,
0-9, space, anything else). Each name is summarised once: its sorted-token length and, per level t,
a bit set of the classes that occur more than t times; a pair's common count is then bounded with a
few bit counts, with no text compared.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Words", "length_window", "parse", "within_reach"]

# character classes for the character-count bound: A-Z, 0-9, space, anything else
_CLASSES = 38
_SPACE_CLASS = 36
_CLASS_OF = np.full(128, _CLASSES - 1, dtype=np.int64)
_CLASS_OF[ord("A") : ord("Z") + 1] = np.arange(26)
_CLASS_OF[ord("0") : ord("9") + 1] = np.arange(26, 36)
# class counts are kept as bit sets, one per level: bit c of level t (from 0) is set when class c occurs
# more than t times; beyond the last level, only the characters left over are known
_LEVELS = 3
# ASCII whitespace other than the space (str.split splits on these too)
_OTHER_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def _rows(table: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``table[positions]`` for a C-contiguous 2-D table, taking whole rows at once."""
    rows = table.view(np.dtype((np.void, table.shape[1] * table.itemsize))).ravel()
    return np.take(rows, positions).view(table.dtype).reshape(len(positions), table.shape[1])


class Words(NamedTuple):
    """Names split into words: `codes` index the `distinct` words (of `size` characters) and list every
    name's words in order; `counts` is each name's number of words."""

    codes: np.ndarray
    distinct: np.ndarray
    size: np.ndarray
    counts: np.ndarray


def _class_counts(words: Words) -> np.ndarray:
    """Each name's character-class counts, spaces between words included: the class counts of its
    sorted-token text."""
    codes, distinct, size, counts = words
    n = len(counts)
    code = np.frombuffer("".join(distinct).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = np.where(code < 128, _CLASS_OF[np.minimum(code, 127)], _CLASSES - 1)
    owner = np.repeat(np.arange(len(distinct)), size)
    per_word = np.bincount(owner * _CLASSES + classes, minlength=len(distinct) * _CLASSES).reshape(-1, _CLASSES)
    longest = int(size.max(initial=0)) * int(counts.max(initial=0)) + int(counts.max(initial=0))
    dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if longest <= np.iinfo(t).max)
    per_word = per_word.astype(dtype)
    # names with the most words first, so that those with a word in each slot come first
    order = np.argsort(-counts, kind="stable")
    first = (np.cumsum(counts) - counts)[order]
    longer = n - np.cumsum(np.bincount(counts))  # names with more than s words
    hist = np.zeros((n, _CLASSES), dtype=dtype)
    for slot in range(int(counts.max(initial=0))):
        k = int(longer[slot])
        hist[:k] += _rows(per_word, codes[first[:k] + slot])
    hist = _rows(hist, np.argsort(order))
    hist[:, _SPACE_CLASS] = np.maximum(counts - 1, 0)
    return hist


def parse(names: np.ndarray) -> tuple[Words, np.ndarray, np.ndarray]:
    """Names split into words, with a summary of each name's sorted-token text (its words sorted and
    joined by single spaces), which is what ``token_sort_ratio`` compares.

    Returns (words, lengths, levels): ``levels[t]`` is a bit set of the character classes that occur
    more than t times in the name.
    """
    n = len(names)
    joined = " ".join(names)
    regular = joined.isascii() and joined[:1] not in ("", " ") and joined[-1:] != " " and "  " not in joined
    if regular and not any(space in joined for space in _OTHER_SPACE):  # words parted by single spaces
        split = pc.split_pattern(pa.array(names, pa.large_string()), " ")
        encoded = pc.dictionary_encode(split.flatten())  # codes in order of first appearance
        codes = encoded.indices.to_numpy().astype(np.int64)
        distinct = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
        counts = np.diff(split.offsets.to_numpy()).astype(np.int64)
    else:
        codes, distinct = pd.factorize(np.array(joined.split(), dtype=object))
        distinct = np.asarray(distinct, dtype=object)
        counts = np.fromiter((len(name.split()) for name in names), dtype=np.int64, count=n)
    words = Words(codes, distinct, np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct)), counts)
    hist = _class_counts(words)
    lengths = hist.sum(axis=1, dtype=np.int64)
    levels = np.zeros((_LEVELS, n), dtype=np.uint64)
    for level in range(_LEVELS):
        bits = np.packbits(hist > level, axis=1, bitorder="little")
        levels[level] = np.pad(bits, ((0, 0), (0, 8 - bits.shape[1]))).view(np.uint64).ravel()
    return words, lengths, levels


def _common_bound(q_levels, q_lengths, c_levels, c_lengths, qi, ci, depth: int) -> np.ndarray:
    """An upper bound on the characters query `qi` and choice `ci` have in common, class by class.

    The common count is the sum over levels t of the classes that occur more than t times in both;
    beyond `depth` levels, it is bounded by the characters either has left over.
    """
    common = np.zeros(len(qi), dtype=np.int64)
    left_q, left_c = q_lengths[qi], c_lengths[ci]
    for level in range(depth):
        a, b = q_levels[level][qi], c_levels[level][ci]
        common += np.bitwise_count(a & b)
        left_q = left_q - np.bitwise_count(a)
        left_c = left_c - np.bitwise_count(b)
    return common + np.minimum(left_q, left_c)


def length_window(lengths: np.ndarray, cut: float) -> tuple[np.ndarray, np.ndarray]:
    """The lengths (lo, hi) a choice may have to score `cut` or more against names of these `lengths`:
    the ratio is at most ``2 * min(la, lb) / (la + lb)``. Every length when `cut` is not above 0."""
    if cut > 0:
        lo = np.floor(lengths * cut / (2 - cut)).astype(np.int64)
        hi = np.ceil(lengths * (2 - cut) / cut).astype(np.int64)
        return lo, hi
    return np.zeros_like(lengths), np.full_like(lengths, np.iinfo(np.int32).max)


def within_reach(q_levels, q_lengths, c_levels, c_lengths, qi: np.ndarray, ci: np.ndarray, cut: float) -> np.ndarray:
    """Positions of the pairs (query `qi`, choice `ci`) whose common characters allow a ratio of `cut`,
    bounded first on one level (cheap), then on all."""
    keep = np.arange(len(qi))
    for depth in (1, _LEVELS):
        q, c = qi[keep], ci[keep]
        common = _common_bound(q_levels, q_lengths, c_levels, c_lengths, q, c, depth)
        keep = keep[2 * common >= cut * (q_lengths[q] + c_lengths[c])]
    return keep
