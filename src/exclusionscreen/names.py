"""Company-name normalisation and fuzzy matching.

Names are compared after normalisation: upper case, accents folded to ASCII, punctuation removed,
``&`` spelt AND, a leading THE dropped, share-class words (CLASS A, ORD, ADR, ...) and legal-form words
(INC, PLC, AG, SPA, ...) removed from the end. The legal forms come from GLEIF's ISO 20275 code list,
bundled as ``data/legal_forms.csv`` (built by ``scripts/build_legal_forms.py``).

Fuzzy matching scores distinct names by token-sort ratio. Candidates are blocked on shared words,
pairs that cannot reach the bar are dropped on exact upper bounds computed with numpy, and rapidfuzz
scores the rest pairwise (``process.cpdist``), never a Python loop over pairs. A :class:`NameIndex`
prepares the choices once for several calls.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from ._fast import spans
from ._resources import data_dir

__all__ = [
    "NameIndex",
    "best_matches",
    "issuer_name_index",
    "issuer_name_table",
    "legal_form_tails",
    "legal_forms",
    "normalise_names",
]


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
    text = values.astype("string")
    accented = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).astype(bool)
    if accented.any():  # accents folded to ASCII (most names have none)
        folded = text[accented].str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
        text = text.mask(accented, folded.astype("string"))
    text = text.str.upper().str.replace("&", " AND ", regex=False).str.replace(".", "", regex=False)
    text = text.str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    # Arrow's own kernel: pandas runs this anchored pattern through Python, ten times slower
    the = pc.replace_substring_regex(pa.array(text.array), pattern=r"^THE\s+", replacement="")
    return pd.Series(text.dtype.__from_arrow__(the), index=text.index)


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


@lru_cache(maxsize=1)
def _suffix_sizes() -> dict[str, tuple[int, ...]]:
    """For each word that ends a suffix, the lengths (in words) of the suffixes it ends, longest first."""
    sizes: dict[str, set[int]] = {}
    for suffix in _suffixes():
        sizes.setdefault(suffix[-1], set()).add(len(suffix))
    return {word: tuple(sorted(n, reverse=True)) for word, n in sizes.items()}


def _strip_suffixes(name: str, suffixes: frozenset) -> str:
    """Remove trailing legal-form and share-class words (never the first word)."""
    tokens = name.split()
    end = len(tokens)
    ends = _suffix_sizes()
    while end > 1:
        if end > 2 and tokens[end - 2] in _CLASS_WORDS and len(tokens[end - 1]) <= 2:
            end -= 2  # CLASS A, SERIES B, CL C
            continue
        for size in ends.get(tokens[end - 1], ()):
            if size < end and tuple(tokens[end - size : end]) in suffixes:
                end -= size
                break
        else:
            break
    return " ".join(tokens[:end])


@lru_cache(maxsize=1)
def _suffix_words() -> pa.Array:
    """Every word of a suffix, and the class words: the only words suffix stripping can remove, with
    the one- and two-letter words that may follow a class word (CLASS A). Each is there twice, alone
    and followed by a space."""
    words = sorted({word for suffix in _suffixes() for word in suffix} | _CLASS_WORDS)
    return pa.array(words + [w + " " for w in words], pa.large_string())


def _strip_many(texts: pa.Array) -> pa.Array:
    """:func:`_strip_suffixes` of each cleaned name, as whole-array operations.

    What stripping removes lies within a name's trailing run of words that are suffix words or of
    one or two letters, and never the first word; with a word before the run, the outcome depends on
    the run alone. So the rules run once per distinct run (a few hundred), not once per name, and
    each name is cut to its new length on the bytes of the array. `texts` are cleaned names (upper
    case ASCII letters and digits, words parted by single spaces), nulls allowed.
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = texts.cast(pa.large_string())
    valid = texts.is_valid()
    texts = pc.fill_null(texts, "")
    n = len(texts)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset : texts.offset + n + 1]
    data = np.frombuffer(texts.buffers()[2], dtype=np.uint8) if texts.buffers()[2] else np.zeros(0, np.uint8)
    data = data[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    length = np.diff(offsets)
    # words: each starts a name or follows a space, and ends before a space or at the end of its name
    spaces = np.flatnonzero(data == ord(" "))
    filled = np.flatnonzero(length > 0)
    starts = np.sort(np.concatenate([offsets[filled], spaces + 1]))
    ends = np.sort(np.concatenate([offsets[filled + 1], spaces]))
    words = np.bincount(np.searchsorted(offsets, starts, side="right") - 1, minlength=n)
    if not len(starts):  # no words at all
        return pc.if_else(valid, texts, pa.scalar(None, pa.large_string()))
    first = np.cumsum(words) - words  # each name's first word
    # a word of the run: a suffix word (compared with the space that follows it, if any) or short
    bounds = pa.py_buffer(np.append(starts, len(data)))
    with_space = pa.LargeStringArray.from_buffers(len(starts), bounds, pa.py_buffer(data))
    runish = (ends - starts <= 2) | pc.is_in(with_space, value_set=_suffix_words()).to_numpy(zero_copy_only=False)
    # the run: the words after the last word that is not of it, leaving the first word out
    breaks = np.where(runish, -1, np.arange(len(starts)))
    last_break = np.full(n, -1)
    last_break[filled] = np.maximum.reduceat(breaks, first[filled])
    run = np.where(words > 0, first + words - 1 - np.maximum(last_break, first), 0)
    run_start = np.where(run > 0, starts[np.minimum(first + words - run, len(starts) - 1)], offsets[1:])
    tails = _slices(data, run_start, offsets[1:])
    distinct = pc.unique(tails)
    suffixes = _suffixes()
    dropped = np.array(
        [len(t.split()) + 1 - len(_strip_suffixes("\x00 " + t, suffixes).split()) for t in distinct.to_pylist()],
        dtype=np.int64,
    )
    drop = dropped[pc.index_in(tails, value_set=distinct).to_numpy(zero_copy_only=False)]
    keep = np.where(drop > 0, ends[np.maximum(first + words - 1 - drop, 0)] - offsets[:-1], length)
    out = _slices(data, offsets[:-1], offsets[:-1] + keep)
    return pc.if_else(valid, out, pa.scalar(None, pa.large_string()))


def _slices(data: np.ndarray, begin: np.ndarray, end: np.ndarray) -> pa.Array:
    """The strings ``data[begin[i]:end[i]]``, for spans in order that do not overlap."""
    filled = begin < end  # these begin and end at distinct places; a span may end where the next begins
    edge = np.zeros(len(data) + 1, dtype=np.int8)
    edge[begin[filled]] = 1
    edge[end[filled]] -= 1
    inside = np.cumsum(edge[:-1], dtype=np.int8).view(np.bool_)
    bounds = np.concatenate([[0], np.cumsum(end - begin)])
    return pa.LargeStringArray.from_buffers(len(begin), pa.py_buffer(bounds), pa.py_buffer(data[inside]))


def _normalise_distinct(values: pd.Series) -> pd.Series:
    text = _clean(values)
    stripped = pd.Series(text.dtype.__from_arrow__(_strip_many(pa.array(text.array))), index=text.index)
    # never strip a name down to nothing: "AG" alone stays "AG"
    return stripped.where(stripped.str.len() > 0, text)


def normalise_names(names: pd.Series) -> pd.Series:
    """Normalised company names, computed once per distinct name; missing stays missing."""
    names = names.astype("string")
    codes, distinct = pd.factorize(names)
    if not len(distinct):
        return pd.Series(pd.NA, index=names.index, dtype="string")
    done = _normalise_distinct(pd.Series(distinct, dtype="string"))
    done = done.mask(done == "")
    return pd.Series(done.array.take(codes, allow_fill=True), index=names.index)


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


def issuer_name_index(table: pd.DataFrame) -> NameIndex:
    """The distinct normalised names of :func:`issuer_name_table`, keyed by issuer id, ready for fuzzy matching."""
    return NameIndex(table.drop_duplicates("norm").set_index("issuer_id")["norm"])


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


# ---------------------------------------------------------------------------------------------------
# fuzzy matching

# a runner-up is kept only if it may tie with the best: within this margin of a best score at or above
# the bar (the margin within which two different keys count as matching equally well)
_RUNNER_UP_MARGIN = 0.02
# slack on every cut-off, so that float32 rounding of a score never drops a pair at the floor
_SLACK = 1e-6
# candidate pairs bounded at once (bounds memory: some 100 to 200 bytes a pair)
_CHUNK = 1 << 18

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


def _first_occurrences(values: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value, in order."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    return np.sort(order[np.r_[True, ranked[1:] != ranked[:-1]]]) if len(values) else order


class _Words(NamedTuple):
    """Names split into words: `codes` index the `distinct` words (of `size` characters) and list every
    name's words in order; `counts` is each name's number of words."""

    codes: np.ndarray
    distinct: np.ndarray
    size: np.ndarray
    counts: np.ndarray


def _class_counts(words: _Words) -> np.ndarray:
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


def _parse(names: np.ndarray) -> tuple[_Words, np.ndarray, np.ndarray]:
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
    words = _Words(codes, distinct, np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct)), counts)
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


def _sorted_text(names: np.ndarray) -> np.ndarray:
    """Each name's words sorted and joined by single spaces (what ``token_sort_ratio`` compares)."""
    return np.array([" ".join(sorted(name.split())) for name in names], dtype=object)


_NO_TEXT = pa.scalar("", pa.large_string())


def _block_keys(words: _Words):
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
        words, lengths, levels = _parse(names)
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
        words, lengths, levels = _parse(names)
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

    def _entries(self, words: _Words, max_block: int) -> tuple[np.ndarray, np.ndarray]:
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
    q = pd.Series(queries.dropna().unique(), dtype="string")
    index = choices if isinstance(choices, NameIndex) else NameIndex(choices)
    if q.empty or not len(index):
        return pd.DataFrame(columns=columns)
    q_text = q.astype(str).to_numpy(dtype=object)
    words, q_lengths, q_levels = _parse(q_text)
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

    A ratio is ``2 * LCS / (la + lb)``; the LCS is at most the shorter length (which picks out a span
    of each key's choices, ordered by length) and at most the characters the two have in common,
    class by class (bounded first on one level, then on all).
    """
    la = q_lengths[entry_pos]
    cut = floor - _SLACK
    if cut > 0:
        lo = np.floor(la * cut / (2 - cut)).astype(np.int64)
        hi = np.ceil(la * (2 - cut) / cut).astype(np.int64)
    else:
        lo, hi = np.zeros_like(la), np.full_like(la, np.iinfo(np.int32).max)
    first, last = index._ranges(entry_key, lo, hi)
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
            for depth in (1, _LEVELS):
                qi = entry_pos[entry]
                common = _common_bound(q_levels, q_lengths, index._levels, index._lengths, qi, ci, depth)
                fit = np.flatnonzero(2 * common >= cut * (q_lengths[qi] + index._lengths[ci]))
                entry, ci = entry[fit], ci[fit]
        out_e.append(entry)
        out_c.append(ci)
        i = j
    entry, ci = np.concatenate(out_e), np.concatenate(out_c)
    order = np.lexsort((ci, entry))  # each key's choices back in choice order
    qi, ci = entry_pos[entry[order]], ci[order]
    once = _first_occurrences(qi * len(index) + ci)  # a choice may share several keys with a query
    return qi[once], ci[once]
