"""Many delimited files read together: the work done once over their stacked tables, not per file.

A folder of a thousand small files costs the per-file path a few dozen whole-column steps per
file, each with its fixed cost. Here only what must be per file stays per file (decoding, the
records, the header row's position, the choice of columns where a header's words need the
column's content to confirm them); the cells of files with the same width are stacked into
one frame with a file code, and the header search, the number format, the parsing of numbers,
the classification of rows and the reading of every column run once over the stack, per
distinct value where the work is per value. Decisions that belong to a file (its header row,
decimal separator, weight scale, last holding, as-of date) are made by grouping on the file code.
A column of the stack is turned into Arrow strings once and encoded by distinct value; text
work runs on the distinct values with the Arrow kernels the per-file path's pandas calls run,
and comes back to the rows by their codes, so the per-row work is integer arithmetic.

The result of each file is what :func:`~._build.read_holdings` gives for it (the tests load the
shipped and the real files both ways and compare). A file that shows anything this path does
not reproduce is read by the per-file path instead, on its own: no header in its first rows, a
mixed identifier column, an as-of column, a portfolio column, numbers in two formats or
unreadable numbers, a numeric column without numbers, no holdings, unknown country names, or an
as-of date to warn about.

Why one module of this size: each function mirrors one step of ``read_holdings`` over the stack
and must give the same answer; the steps share the stack's file codes and row positions, and
kept together they can be read against ``_build.py`` step by step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _columns as col
from ._aliases import IDENTITY_COLUMNS, LANGUAGE_NAMES, NUMERIC_COLUMNS, alias_index, header_key, header_language
from ._asof import implausible_as_of, storable
from ._build import WEIGHT_SUM_TOLERANCE, _rule_details, _weight_sums, read_sheets
from ._countries import country_codes
from ._currency import stated_currency, states_currency
from ._dates import AS_OF_WORDS, parse_date
from ._dispatch import _head, read_input
from ._ids import SHAPES, identifier_text
from ._limits import ReadLimits
from ._nport import is_nport
from ._numbers import _SEPARATED, NumberFormat, _clean_text, no_votes, parse_clean, plain_numbers
from ._report import SKIPPED_COLUMNS, FileReport
from ._roles import role_from_words
from ._sources import Source, read_source
from ._table import (
    _LEGAL,
    _TOTAL,
    HEADER_SEARCH_ROWS,
    ColumnChoice,
    _plausible,
    _user_keys,
    _valid_code,
    cell_text,
    choose_columns,
    row_reasons,
    row_scores,
    row_text,
)

__all__ = ["BATCH_CELLS", "BATCH_FILES", "read_inputs"]

BATCH_FILES = 100
"""How many files are stacked at a time."""
BATCH_CELLS = 2_000_000
"""How many cells are stacked at a time: files waiting to be read together hold about this many
at most (a larger file is read on its own, where its fixed costs matter little), so the memory
a stack takes stays bounded whatever a folder holds, files near the :class:`ReadLimits` too."""

Result = list[tuple[pd.DataFrame, FileReport]]
_SCALAR_TEXT = pd.DataFrame(index=[0]).assign(text="a")["text"].dtype
"""The dtype a column of text set from one value gets (read_holdings sets the file's name so)."""


def _per_distinct(values, work) -> pd.Series:
    """``work(values)`` for an element-wise `work` on text, done once per distinct value (missing
    values included) and given back to every value, indexed like `values`."""
    index = values.index if isinstance(values, pd.Series) else pd.RangeIndex(len(values))
    found = _factorized(np.asarray(values, dtype=object))
    if found is None:
        codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        answers = work(pd.Series(distinct, dtype=object))
    else:
        codes, distinct = found  # a missing value is the last distinct value, code -1
        answers = work(pd.concat([distinct, pd.Series([pd.NA], dtype="string")], ignore_index=True))
    return pd.Series(answers.array.take(codes), index=index, dtype=answers.dtype)


class _Text:
    """The cells of stacked files (text or missing, as a delimited file gives them), column by
    column as Arrow strings encoded by distinct value, and as :func:`~._table.cell_text` gives
    them, worked out only for the columns and rows asked for (a holdings row needs the text of
    its identifying columns only; the rest of its cells are read by the column readers)."""

    def __init__(self, cells: np.ndarray):
        self.cells = cells
        self.width = cells.shape[1]
        self._encoded: dict[int, tuple[pa.DictionaryArray, np.ndarray, pd.Series]] = {}
        self._columns: dict[int, pa.Array] = {}

    def __len__(self) -> int:
        return len(self.cells)

    def encoded(self, position: int) -> tuple[pa.DictionaryArray, np.ndarray, pd.Series]:
        """A column's cells as the file holds them: Arrow-encoded, each cell's code (-1 where
        missing) and the distinct texts, in order of first appearance."""
        if position not in self._encoded:
            column = pa.array(self.cells[:, position], type=pa.large_string(), from_pandas=True)
            encoded = column.dictionary_encode()
            codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            distinct = pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary), copy=False)
            self._encoded[position] = (encoded, codes, distinct)
        return self._encoded[position]

    def arrow(self, position: int) -> pa.Array:
        if position not in self._columns:
            encoded, _, _ = self.encoded(position)
            self._columns[position] = _arrow_text(encoded.dictionary).take(encoded.indices)
        return self._columns[position]

    def column(self, position: int) -> pd.Series:
        return pd.Series(pd.arrays.ArrowStringArray(self.arrow(position)), copy=False)

    def per_cell(self, position: int, work) -> np.ndarray:
        """``work`` (element-wise, on cell text, giving booleans) of every cell of a column, done
        once per distinct cell text; a missing cell gets ``work`` of a missing value."""
        encoded, codes, _ = self.encoded(position)
        text = pd.Series(pd.arrays.ArrowStringArray(_arrow_text(encoded.dictionary)), copy=False)
        answers = work(pd.concat([text, pd.Series([pd.NA], dtype="string")], ignore_index=True))
        return answers.to_numpy(dtype=bool)[codes]

    def per_distinct(self, position: int, rows: np.ndarray, work) -> pd.Series:
        """``work`` (element-wise, on text) of a column's cells in `rows`, done once per distinct
        cell (a missing cell included), indexed by the rows."""
        _, codes, distinct = self.encoded(position)
        answers = work(pd.concat([distinct, pd.Series([pd.NA], dtype="string")], ignore_index=True))
        return pd.Series(answers.array.take(codes[rows]), index=rows, dtype=answers.dtype)

    def rows(self, which: np.ndarray) -> pd.DataFrame:
        """Every column of the rows `which` (positions or a mask), indexed by position."""
        where = np.flatnonzero(which) if which.dtype == bool else which
        return cell_text(pd.DataFrame(self.cells[where], index=where, columns=range(self.width)))

    def first(self) -> np.ndarray:
        """Each row's first non-empty cell (None for a blank row)."""
        out = np.full(len(self.cells), None, dtype=object)
        missing = np.arange(len(self.cells))
        for position in range(self.width):
            if not len(missing):
                break
            if position in self._encoded:
                values = self.arrow(position).take(missing)
            else:
                values = _arrow_text(self.cells[missing, position])
            out[missing] = values.to_numpy(zero_copy_only=False)
            missing = missing[pc.is_null(values).to_numpy(zero_copy_only=False)]
        return out


class _Held:
    """The cells of the holding rows in each mapped column: as the file holds them (``held[c]``)
    or worked out once per distinct cell (:meth:`per_distinct`)."""

    def __init__(self, text: _Text, positions: dict[str, int], rows: np.ndarray):
        self.text, self.positions, self.rows = text, positions, rows
        self.index = pd.Index(rows)

    def __contains__(self, canonical: str) -> bool:
        return canonical in self.positions

    def __getitem__(self, canonical: str) -> pd.Series:
        return pd.Series(self.text.cells[self.rows, self.positions[canonical]], index=self.index, dtype=object)

    def get(self, canonical: str) -> pd.Series | None:
        return self[canonical] if canonical in self.positions else None

    def per_distinct(self, canonical: str, work) -> pd.Series:
        out = self.text.per_distinct(self.positions[canonical], self.rows, work)
        return out.set_axis(self.index)

    def arrow(self, canonical: str) -> pa.Array:
        """The cells as the file holds them, as Arrow strings."""
        encoded, _, _ = self.text.encoded(self.positions[canonical])
        return encoded.take(pa.array(self.rows)).cast(pa.large_string())


def _arrow_text(values: np.ndarray) -> pa.Array:
    """:func:`~._table.cell_text` of one column of text cells (str or None), as Arrow strings."""
    text = pc.utf8_trim_whitespace(pa.array(values, type=pa.large_string(), from_pandas=True))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)


@dataclasses.dataclass
class _File:
    """One delimited file waiting in the batch: its place among the inputs and its source."""

    place: int
    source: Source
    portfolio_id: str
    own: bool


def read_inputs(
    entries: Iterable[tuple[object, str, str, bool]],
    column_map: dict[str, str | None] | None,
    limits: ReadLimits,
) -> list[Result]:
    """The holdings and reports of each input, as :func:`~._dispatch.read_input` gives them (without
        a sheet named), delimited files read together in batches of :data:`BATCH_FILES` files or
    :data:`BATCH_CELLS` cells.

        An error is raised for the first input, in order, that the per-file path fails on.
    """
    results: dict[int, Result] = {}
    waiting: list[_File] = []
    pending = 0  # cells in the files waiting

    def flush() -> None:
        if waiting:
            results.update(_read_batch(waiting, column_map))
            waiting.clear()

    for place, (item, label, pid, own) in enumerate(entries):
        try:
            if isinstance(item, pd.DataFrame):
                results[place] = read_input(item, label, pid, column_map, None, own, limits)
                continue
            head = _head(item)
            if is_nport(head) or head.startswith(b"PAR1"):
                results[place] = read_input(item, label, pid, column_map, None, own, limits)
                continue
            source = read_source(item, label, limits)
            if source.format != "csv" or len(source.grids) != 1 or source.grids[0].cells.size > BATCH_CELLS:
                results[place] = read_sheets(source, pid, column_map, None, portfolio_from_file=own)
                continue
        except Exception:
            flush()  # an earlier file's own error comes first
            raise
        waiting.append(_File(place, source, pid, own))
        pending += source.grids[0].cells.size
        if len(waiting) >= BATCH_FILES or pending >= BATCH_CELLS:
            flush()
            pending = 0
    flush()
    return [results[place] for place in range(len(results))]


def _read_batch(files: list[_File], column_map: dict | None) -> dict[int, Result]:
    by_width: dict[int, list[_File]] = {}
    for f in files:
        by_width.setdefault(f.source.grids[0].cells.shape[1], []).append(f)
    done: dict[int, Result] = {}
    for width, group in by_width.items():
        if width:
            done.update(_read_stacked(group, column_map))
    for f in files:  # in order, so that the first failing file raises first
        if f.place not in done:
            done[f.place] = read_sheets(f.source, f.portfolio_id, column_map, None, portfolio_from_file=f.own)
    return done


def _starts(sizes: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


def _read_stacked(files: list[_File], column_map: dict | None) -> dict[int, Result]:
    """Files of one width: the header of each, then each column layout read together."""
    grids = [f.source.grids[0] for f in files]
    sizes = np.array([len(g.cells) for g in grids], dtype=np.int64)
    cells = np.concatenate([g.cells.to_numpy(dtype=object) for g in grids])
    text = _Text(cells)
    code = np.repeat(np.arange(len(files)), sizes)
    local = np.arange(len(code)) - np.repeat(_starts(sizes), sizes)
    headers, header_names = _headers(cells, code, local, len(files), column_map)

    layouts: dict[tuple, list[int]] = {}
    choices: dict[int, ColumnChoice] = {}
    cache = _CHOICES.setdefault(tuple(sorted(_user_keys(column_map).items(), key=lambda kv: kv[0])), {})
    if len(cache) > _CHOICES_MAX:
        cache.clear()
    starts = _starts(sizes)
    below = local > np.array([-1 if h is None else h for h in headers], dtype=np.int64)[code]
    shapes: dict[int, list] = {}  # grid column -> what from_content says of it in each file

    def shape(i: int, position: int) -> tuple[str, str] | None:
        if position not in shapes:
            shapes[position] = _content_shapes(text, position, below, code, len(files))
        return shapes[position][i]

    for i, header in enumerate(headers):
        if header is None:
            continue
        names = header_names[i]
        choice = _columns_of(
            names, column_map, text, starts[i] + header + 1, starts[i] + sizes[i], cache, lambda p, i=i: shape(i, p)
        )
        choices[i] = choice
        mapped = tuple(choice.columns.items())
        key = (mapped, tuple(choice.names[p] for p, _ in mapped))
        layouts.setdefault(key, []).append(i)

    done: dict[int, Result] = {}
    for members in layouts.values():
        every = len(members) == len(files)
        rows = np.ones(len(code), bool) if every else np.isin(code, members)
        part = _Stack(
            files=[files[i] for i in members],
            cells=cells if every else cells[rows],
            text=text if every else _Text(cells[rows]),
            code=np.searchsorted(members, code[rows]),
            local=local[rows],
            header=np.array([headers[i] for i in members], dtype=np.int64),
            choices=[choices[i] for i in members],
        )
        done.update(_read_layout(part))
    return done


_CHOICES: dict[tuple, dict[tuple, ColumnChoice]] = {}
"""The column choice of each header whose choice depends on no content but the identifier shapes
of its unknown columns, per column map: the same header recurs in every file of a family."""
_CHOICES_MAX = 10_000


def _headers(
    cells: np.ndarray, code: np.ndarray, local: np.ndarray, n: int, column_map: dict | None
) -> tuple[list[int | None], list[list[str | None] | None]]:
    """Each file's header row (position in the file) and its names, as
    :func:`~._table.find_header` finds it in its first rows; None where it finds none there
    (that file is read on its own). The rows are scored as ``find_header`` scores them
    (:func:`~._table.row_scores`), each distinct cell text looked up once for every file."""
    top = np.flatnonzero(local < HEADER_SEARCH_ROWS[0])
    codes, distinct = pd.factorize(cells[top].ravel(), use_na_sentinel=True)
    text = _arrow_text(np.asarray(distinct, dtype=object)).to_numpy(zero_copy_only=False)
    empty = np.append(pd.isna(text), True)  # cell_text is missing where a cell is blank
    codes = np.where(empty[codes], -1, codes).reshape(len(top), cells.shape[1])
    scores = row_scores(codes, pd.Series(text, dtype=object), column_map)
    ranked = np.where(scores["usable"].to_numpy(), scores["score"].to_numpy(), -1)
    top_code = code[top]
    order = np.lexsort((np.arange(len(top)), -ranked, top_code))  # per file, the best row first
    firsts = np.searchsorted(top_code[order], np.arange(n))
    named = np.append(text, None)
    headers: list[int | None] = []
    names: list[list[str | None] | None] = []
    for i in range(n):
        at = order[firsts[i]] if firsts[i] < len(order) else -1
        if at < 0 or top_code[at] != i or ranked[at] < 0:
            headers.append(None)
            names.append(None)
            continue
        headers.append(int(local[top[at]]))
        names.append([None if v is None else str(v) for v in named[codes[at]]])
    return headers, names


def _columns_of(
    names: list[str | None],
    column_map: dict | None,
    text: _Text,
    start: int,
    stop: int,
    cache: dict,
    shape_of,
) -> ColumnChoice:
    """:func:`~._table.choose_columns` of one file; remembered per header when no column's role
    depends on the file's content beyond the identifier shapes of unknown columns."""
    index = alias_index()
    user = _user_keys(column_map)
    unknown = []
    content_free = True
    for position, name in enumerate(names):
        if name is None:
            content_free = False
            break
        key = header_key(name)
        if key in user or key in index:
            continue
        if role_from_words(name) is not None:
            content_free = False
            break
        unknown.append(position)
    if content_free:
        key = (tuple(names), tuple(shape_of(p) for p in unknown))
        if key in cache:
            return cache[key]
    body = text.rows(np.arange(start, stop)).reset_index(drop=True)
    choice = choose_columns(names, column_map, body.notna().any(axis=0), body)
    if content_free:
        cache[key] = choice
    return choice


def _content_shapes(text: _Text, position: int, below: np.ndarray, code: np.ndarray, n: int) -> list:
    """What :func:`~._roles.from_content` says of one grid column in each file's body (the part
    of it a column choice depends on), for every file at once, each distinct cell read once."""
    _, codes, distinct = text.encoded(position)
    values = pd.Series(pd.arrays.ArrowStringArray(_arrow_text(distinct.array._pa_array)), copy=False)
    shown = (values.notna() & (values.str.len() > 0)).fillna(False).to_numpy(dtype=bool)
    upper = values.str.upper().str.strip()
    counted = below & (codes >= 0)
    counted[counted] = shown[codes[counted]]
    files = code[counted]
    counts = np.bincount(files, minlength=n)
    hits = {
        canonical: np.bincount(
            files[upper.str.match(SHAPES[canonical]).fillna(False).to_numpy(dtype=bool)[codes[counted]]], minlength=n
        )
        for canonical in ("isin", "lei")
    }
    out: list = []
    for i in range(n):
        found = None
        if counts[i] >= 3:
            for canonical in ("isin", "lei"):
                share = float(hits[canonical][i] / counts[i])
                if share >= 0.9:
                    found = (canonical, f"{share:.0%}")
                    break
        out.append(found)
    return out


@dataclasses.dataclass
class _Stack:
    """Files of one column layout, stacked: cells, text, file code and position in the file."""

    files: list[_File]
    cells: np.ndarray
    text: _Text
    code: np.ndarray
    local: np.ndarray
    header: np.ndarray
    choices: list[ColumnChoice]


def _factorized(values: np.ndarray) -> tuple[np.ndarray, pd.Series] | None:
    """Codes (-1 for a missing cell) and distinct texts, in order of first appearance, of cells
    that are text or missing; None when some cell is not text."""
    try:
        encoded = pa.array(values, type=pa.large_string(), from_pandas=True).dictionary_encode()
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary), copy=False)


def _formats(
    stack: _Stack, inside: np.ndarray, codes: np.ndarray, clean: pd.Series, plain: np.ndarray, width: int, language
) -> list:
    """Each file's :class:`NumberFormat` as :func:`~._numbers.infer_format` decides it, or None
    where its numbers disagree (the file is read on its own). `clean` holds the distinct number
    texts as :func:`~._numbers._clean_text` leaves them, `codes` which of them each cell of the
    numeric columns holds (column after column, each over the rows `inside`)."""
    n = len(stack.files)
    if not width:
        return [no_votes(language)] * n
    if plain.all():  # distinct texts, each its own token: nothing to take off
        token_of, tokens = np.arange(len(clean)), clean
    else:
        text = clean
        bracketed = text.str.startswith("(").fillna(False).to_numpy(dtype=bool)
        if bracketed.any():  # only a text that starts with "(" can be one in brackets
            text = text.copy()
            text[bracketed] = text[bracketed].str.replace(r"^\((.*)\)$", r"\1", regex=True)
        text = text.str.replace("%", "", regex=False).str.rstrip("-")
        found = _factorized(text.to_numpy(dtype=object, na_value=None))
        token_of, tokens = found if found is not None else (np.zeros(0, np.int64), pd.Series([], dtype="string"))
    kinds = np.append(_votes(tokens), 0)
    token = np.append(token_of, -1)[codes]  # each cell's number token (-1: none)
    vote = kinds[token]
    files = np.tile(stack.code[inside], width)
    dots = np.bincount(files[vote == 1], minlength=n) > 0
    commas = np.bincount(files[vote == 2], minlength=n) > 0
    # a file's first two distinct voting tokens, its numbers read column by column as
    # infer_format reads them: the first voting cell, then the first with another token
    first = _first_per_file(vote > 0, files, n, width)
    second = _first_per_file((vote > 0) & (token != token[first[files]]), files, n, width)
    out: list = []
    for i in range(n):
        if dots[i] and commas[i]:
            out.append(None)  # conflicting numbers: warned about by the per-file path
            continue
        if not dots[i] and not commas[i]:
            out.append(no_votes(language))
            continue
        decimal = "." if dots[i] else ","
        examples = [tokens.iat[token[k]] for k in (first[i], second[i]) if k >= 0]
        name = "point" if decimal == "." else "comma"
        why = f"decimal {name}: numbers such as {', '.join(repr(str(e)) for e in examples)}"
        out.append(NumberFormat(decimal, "," if decimal == "." else ".", why, ()))
    return out


def _first_per_file(mask: np.ndarray, files: np.ndarray, n: int, width: int) -> np.ndarray:
    """The first cell of each file where `mask` holds (-1 for none), over cells held column
    after column (each column over the stack's rows): a file's cells in the order
    :func:`~._numbers.infer_format` reads them, its first column first."""
    count = len(mask) // width if width else 0
    out = np.full(n, -1, np.int64)
    for k in reversed(range(width)):  # an earlier column's cell wins
        where = np.flatnonzero(mask[k * count : (k + 1) * count]) + k * count
        found = np.full(n, -1, np.int64)
        found[files[where][::-1]] = where[::-1]  # the first cell of each file in this column
        out = np.where(found >= 0, found, out)
    return out


_SHAPED = _SEPARATED[:-1] + "\n?$"
""":data:`~._numbers._SEPARATED` for Arrow's regex engine, whose ``$`` (unlike Python's) does not
match before a final line break."""


def _votes(tokens: pd.Series) -> np.ndarray:
    """Per token: 1 where it shows a decimal point, 2 a decimal comma, 0 neither or no number,
    as :func:`~._numbers._separator_votes` of each token that matches
    :data:`~._numbers._SEPARATED`, worked out with Arrow kernels over all tokens at once."""
    if tokens.empty:
        return np.zeros(0, np.int8)
    text = pa.array(tokens.astype("string").array)

    def ints(values) -> np.ndarray:
        return values.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    shaped = pc.match_substring_regex(text, _SHAPED).fill_null(False).to_numpy(zero_copy_only=False)
    token = pc.utf8_ltrim(text, characters="+-")
    length = ints(pc.utf8_length(token))
    dots, commas = ints(pc.count_substring(token, ".")), ints(pc.count_substring(token, ","))
    backwards = pc.utf8_reverse(token)
    last_dot = length - 1 - ints(pc.find_substring(backwards, "."))
    last_comma = length - 1 - ints(pc.find_substring(backwards, ","))
    at = np.where(dots > 0, ints(pc.find_substring(token, ".")), ints(pc.find_substring(token, ",")))
    zero = pc.starts_with(token, "0").fill_null(False).to_numpy(zero_copy_only=False)
    sep = np.where(dots > 0, 1, 2)  # the one separator shown, where only one kind is
    right = length - at - 1
    settles = (right != 3) | (at == 0) | ((at == 1) & zero) | (at > 3)
    vote = np.select(
        [(dots > 0) & (commas > 0), (dots == 0) & (commas == 0), dots + commas > 1, settles],
        [np.where(last_dot > last_comma, 1, 2), 0, 3 - sep, sep],
        default=0,
    )
    return np.where(shaped, vote, 0).astype(np.int8)


def _parse(
    stack: _Stack,
    inside: np.ndarray,
    codes: np.ndarray,
    clean: pd.Series,
    plain: np.ndarray,
    numeric: dict[str, int],
    formats: list,
) -> dict[str, tuple]:
    """(values, percent, unreadable) per numeric column, over every row (outside bodies: NaN,
    False, False), each distinct text parsed once per number format."""
    n_rows = len(stack.code)
    out = {c: (np.full(n_rows, np.nan), np.zeros(n_rows, bool), np.zeros(n_rows, bool)) for c in numeric}
    decimals = np.array([f.decimal if f is not None else "" for f in formats], dtype=object)
    row_decimal = decimals[stack.code[inside]]
    count = len(inside)
    for decimal in {f.decimal for f in formats if f is not None}:
        fmt = next(f for f in formats if f is not None and f.decimal == decimal)
        mine = row_decimal == decimal
        rows = inside[mine]
        parsed = parse_clean(clean, fmt, plain)
        values = np.append(parsed.values.to_numpy(dtype="float64"), np.nan)[codes]
        percent = np.append(parsed.percent.to_numpy(dtype=bool), False)[codes]
        unreadable = np.append(parsed.unreadable.to_numpy(dtype=bool), False)[codes]
        for k, canonical in enumerate(numeric):
            part = slice(k * count, (k + 1) * count)
            out[canonical][0][rows] = values[part][mine]
            out[canonical][1][rows] = percent[part][mine]
            out[canonical][2][rows] = unreadable[part][mine]
    return out


def _classify(
    cells: _Text, code: np.ndarray, local: np.ndarray, header: np.ndarray, columns: dict, has_number: np.ndarray
) -> tuple[pd.Series, np.ndarray]:
    """:func:`~._table.classify_rows` of every file at once; the last holding of each file (-1
    for none)."""
    n = len(header)
    identity = [p for p, c in columns.items() if c in IDENTITY_COLUMNS]
    start = header[code]
    plausible = {p: cells.per_cell(p, lambda v, p=p: _plausible(v, columns[p])) for p in identity}
    first_text = cells.first()
    blank = pd.isna(first_text)
    n_identity = np.sum([plausible[p] for p in identity], axis=0) if identity else np.zeros(len(code), np.int64)
    code_columns = [p for p in identity if columns[p] not in ("security_name", "ticker")]
    has_code = np.any([plausible[p] for p in code_columns], axis=0) if code_columns else np.zeros(len(code), bool)
    total = _totals(first_text) & ~has_code & ~blank
    body = local > start
    candidate = body & ~blank & ~total & (n_identity >= 1)
    numbers_in_file = (np.bincount(code[has_number], minlength=n) > 0)[code]
    holding = candidate & has_number
    last = _file_max(np.where(holding, local, -1), code, n)[code]
    holding |= candidate & (n_identity >= 2) & (local < last)
    if code_columns:
        text = pd.DataFrame({p: cells.column(p) for p in code_columns}, index=pd.RangeIndex(len(cells)))
        holding |= candidate & _valid_code(text, code_columns, columns).to_numpy(dtype=bool)
    holding = np.where(numbers_in_file, holding, candidate)
    end = _file_max(np.where(holding, local, -1), code, n)
    end_row = end[code]
    legal = np.zeros(len(code), bool)
    others = body & ~holding & ~blank
    if others.any():
        legal[others] = row_text(cells.rows(others)).str.contains(_LEGAL).fillna(False).to_numpy(dtype=bool)
    after = body & (local > np.where(end_row >= 0, end_row, start))
    return row_reasons(body, local == start, after, holding, legal, n_identity, total, blank), end


def _totals(first: np.ndarray) -> np.ndarray:
    """Rows whose first text is a totals label (:data:`~._table._TOTAL`), the label matched only
    where the text's first two letters could begin one (the rest cannot match)."""
    text = pa.array(first, type=pa.large_string(), from_pandas=True)
    could = pc.match_substring_regex(text, _TOTAL_START).fill_null(False).to_numpy(zero_copy_only=False)
    out = np.zeros(len(first), bool)
    if could.any():
        where = np.flatnonzero(could)
        found = pd.Series(first[where], dtype="string").str.match(_TOTAL).fillna(False)
        out[where] = found.to_numpy(dtype=bool)
    return out


_TOTAL_START = r"^[gGsStTiIzZ\x{80}-\x{10FFFF}][rReEuUoOnNwW\x{80}-\x{10FFFF}]"
"""The first two letters of every totals label (any non-ASCII letter too: case folding)."""


def _file_max(values: np.ndarray, code: np.ndarray, n: int) -> np.ndarray:
    """The largest of `values` in each file (-1 for a file without rows)."""
    out = np.full(n, -1, dtype=np.int64)
    np.maximum.at(out, code, values)
    return out


def _read_layout(stack: _Stack) -> dict[int, Result]:
    """Files of one width and one column layout, read together; files the per-file path must
    read (anything unusual) are left out of the answer."""
    first = stack.choices[0]
    mapped = first.columns
    positions = {c: p for p, c in mapped.items()}
    if any(c in positions for c in ("identifier", "as_of")):
        return {}  # a mixed identifier column or an as-of column: warnings made per file
    names = first.names
    n = len(stack.files)
    code, local, text = stack.code, stack.local, stack.text
    body = local > stack.header[code]
    language = header_language(header_key(names[p]) for p in mapped)
    numeric = {c: positions[c] for c in NUMERIC_COLUMNS if c in positions}
    inside = np.flatnonzero(body)
    long = [pa.array(stack.cells[inside, p], type=pa.large_string(), from_pandas=True) for p in numeric.values()]
    long = pa.concat_arrays(long) if long else pa.array([], pa.large_string())
    encoded = long.dictionary_encode()  # each distinct number text read once
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    distinct = pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary), copy=False)
    plain = plain_numbers(distinct)  # cleaning leaves these as they are
    clean = _clean_text(distinct, plain)
    formats = _formats(stack, inside, codes, clean, plain, len(numeric), language)
    parsed = _parse(stack, inside, codes, clean, plain, numeric, formats)
    has_number = np.zeros(len(code), bool)
    for values, _, _ in parsed.values():
        has_number |= ~np.isnan(values)
    index = pd.RangeIndex(len(code))
    reason, end = _classify(text, code, local, stack.header, mapped, has_number & body)
    keep = reason.isna().to_numpy()
    ok = np.array([f is not None for f in formats]) & (end >= 0)

    # the columns of the holding rows, every file at once
    kept = pd.Index(np.flatnonzero(keep))
    kcode = code[keep]
    lines = np.concatenate([f.source.grids[0].rows.to_numpy() for f in stack.files])
    defaults = np.array([f.portfolio_id for f in stack.files], dtype=object)
    raw = _Held(text, positions, np.flatnonzero(keep))
    texts = _texts(raw)
    if "portfolio_id" in raw and any(f.own for f in stack.files):
        return {}  # portfolios named in the file: weight sums per portfolio made per file
    portfolio = pd.Series(_spread(defaults, kcode, "string"), index=kept, copy=False)
    ids = {}
    for canonical in ("isin", "cusip", "sedol", "lei"):
        if canonical in raw:
            ids[canonical], _ = identifier_text(raw[canonical], canonical)
    values: dict[str, pd.Series] = {}
    holdings = np.bincount(kcode, minlength=n)
    for canonical, (parsed_values, _percent, unreadable) in parsed.items():
        bad = np.bincount(kcode[unreadable[keep]], minlength=n) > 0
        vals = pd.Series(parsed_values[keep], index=kept)
        none = (np.bincount(kcode[~np.isnan(parsed_values[keep])], minlength=n) == 0) & (holdings > 0)
        ok &= ~bad & ~none
        values[canonical] = vals
    scales = _scales(
        values.get("weight"), parsed, keep, kcode, n, names[positions["weight"]] if "weight" in positions else ""
    )
    if "weight" in values:
        percent = np.array([s is not None and s[0] == "percent" for s in scales])[kcode]
        values["weight"] = values["weight"].where(~percent, values["weight"] / 100.0).astype("float64")
    classes = _classes(raw, texts.get("security_name"), kept, kcode, n)
    places, unknown = _places(raw, kcode, n)
    ok &= ~unknown
    out = pd.DataFrame(
        {**texts, **ids, **{c: v.astype("float64") for c, v in values.items()}, **classes[0], **places}, index=kept
    )
    if "holding_id" in raw:
        out["holding_id"] = raw.per_distinct("holding_id", col.clean_text)

    # the preamble's as-of date of each file
    joined = pd.Series(pd.NA, index=index, dtype="string")
    joined[~keep] = row_text(text.rows(~keep))
    preamble = ~body & (local < stack.header[code])
    stated = joined[preamble]
    said = stated[stated.str.contains(AS_OF_WORDS, na=False)]
    said_code = code[said.index]
    found: dict[int, tuple[pd.Timestamp, int, str]] = {}
    for row, (i, line_text) in zip(said.index, zip(said_code, said.tolist(), strict=True), strict=True):
        if i in found:
            continue
        date = parse_date(line_text, formats[i].decimal == "," if formats[i] is not None else False)
        if date is not None:
            found[i] = (pd.Timestamp(date), int(lines[row]), line_text)
    checked: dict = {}
    for i, (date, _line, _t) in found.items():
        if date not in checked:
            probe = pd.DataFrame({"as_of": [date], "source_file": ["f"], "source_row": [1]})
            fine = not implausible_as_of(probe, where={"f": "x"}) and not storable(pd.Series([date]))[1]
            checked[date] = fine
        ok[i] &= checked[date]

    # the columns each file's holdings end with, as read_holdings adds them
    if found:
        stamps = np.array([found[i][0] if i in found else pd.NaT for i in range(n)], dtype=object)
        where = out.columns.get_loc("holding_id") if "holding_id" in out.columns else len(out.columns)
        dates, _ = storable(pd.Series(stamps, dtype=object))  # each file's date, as the contract holds it
        out.insert(where, "as_of", pd.Series(dates.to_numpy()[kcode], index=kept))
    currencies = [_value_currency(choice) for choice in stack.choices]
    # a currency stated beyond the value column's header (the preamble's words, the cells' symbols)
    # and its warnings are worked out as read_holdings does: such a file is read on its own
    preamble_text = pd.Series(stated.to_numpy(), index=lines[stated.index])
    preamble_code = code[stated.index]
    naming = np.zeros(n, bool)  # files with a preamble line that states a currency
    lines_said = _per_distinct(stated, lambda v: v.map(lambda t: pd.notna(t) and states_currency(str(t))))
    naming[np.unique(preamble_code[lines_said.to_numpy(dtype=bool)])] = True
    marked = np.zeros(n, bool)  # files with a currency sign in a value cell
    if "market_value" in numeric:
        k = list(numeric).index("market_value")
        values_held = long.slice(k * len(inside), len(inside)).take(pa.array(np.searchsorted(inside, raw.rows)))
        marked[np.unique(kcode[_signs(values_held)])] = True
    asked = np.flatnonzero(ok & (naming | marked))  # elsewhere the header's currency stands, unwarned
    cells = raw.get("market_value") if len(asked) else None
    for i in asked:
        mine = cells[kcode == i] if marked[i] else None
        told = stated_currency(currencies[i], mine, preamble_text[preamble_code == i], "line")
        ok[i] = told.code == currencies[i] and not told.warnings
    if any(currencies):
        out["market_value_currency"] = _spread(currencies, kcode, _SCALAR_TEXT)
    out["portfolio_id"] = portfolio
    paths = np.array([f.source.name for f in stack.files], dtype=object)
    out["source_file"] = _spread(paths, kcode, _SCALAR_TEXT)
    out["source_row"] = lines[keep].astype("int64")
    skipped_all = pd.DataFrame(
        {
            "source_file": _spread(paths, code[~keep], _SCALAR_TEXT),
            "source_row": lines[~keep].astype("int64"),
            "reason": reason[~keep].reset_index(drop=True),
            "text": joined[~keep].str.slice(0, 200).reset_index(drop=True),
        },
        columns=SKIPPED_COLUMNS,
    )
    sums: list[dict[str, float]] = [{} for _ in range(n)]
    if "weight" in values:
        # pandas sums every group in another order once the column holds a missing value anywhere
        # (the last digit can change), so files with a missing weight are summed one by one, as
        # the per-file path sums them, and the others together
        weights, pids = values["weight"], portfolio.to_numpy()
        gaps = np.bincount(kcode[weights.isna().to_numpy()], minlength=n) > 0
        whole = ~gaps[kcode]
        for (i, pid), total in weights[whole].groupby([kcode[whole], pids[whole]], sort=False).sum().items():
            sums[i][str(pid)] = float(total)
        for i in np.flatnonzero(gaps):
            mine = kcode == i
            sums[i] = _weight_sums(weights[mine], pd.Series(pids[mine], index=weights.index[mine]))
    out_bounds = np.searchsorted(kcode, np.arange(n + 1))
    skipped_bounds = np.searchsorted(code[~keep], np.arange(n + 1))

    rows_read = np.bincount(code, minlength=n)
    file_start = np.searchsorted(code, np.arange(n))
    results: dict[int, Result] = {}
    for i, f in enumerate(stack.files):
        if not ok[i]:
            continue
        frame = out.iloc[out_bounds[i] : out_bounds[i + 1]]
        frame.index = pd.RangeIndex(len(frame))
        absent = [
            c
            for c, here in (("as_of", i in found), ("market_value_currency", currencies[i]))
            if not here and c in frame.columns
        ]
        if absent:
            frame = frame.drop(columns=absent)
        skipped = skipped_all.iloc[skipped_bounds[i] : skipped_bounds[i + 1]]
        skipped.index = pd.RangeIndex(len(skipped))
        report = _report(
            f,
            stack.choices[i],
            formats[i],
            language,
            scales[i],
            found.get(i),
            frame,
            skipped,
            classes[1].get(i),
            sums[i],
            int(lines[file_start[i] + stack.header[i]]),
            int(lines[file_start[i] + end[i]]),
            int(rows_read[i]),
        )
        results[f.place] = [(frame, report)]
    return results


def _spread(per_file, code: np.ndarray, dtype) -> pd.api.extensions.ExtensionArray:
    """Each file's text (or None) given to each of its rows (`code`), as Arrow strings."""
    values = pa.array(list(per_file), type=pa.large_string()).take(pa.array(code))
    return pd.arrays.ArrowStringArray(values, dtype=pd.api.types.pandas_dtype(dtype))


def _signs(cells: pa.Array) -> np.ndarray:
    """Value cells with a character besides digits, spaces, separators, brackets, signs and "%"
    (Python's pattern run only where Arrow finds a character outside the ASCII ones)."""
    could = pc.match_substring_regex(cells, r"[^0-9 \t\n\r\f\v.,'’()+\-%]").fill_null(False)
    could = could.to_numpy(zero_copy_only=False)
    out = np.zeros(len(cells), bool)
    if could.any():
        picked = pd.Series(cells.filter(pa.array(could)).to_numpy(zero_copy_only=False), dtype="string")
        picked = picked.str.contains(r"[^\d\s.,'’()+\-%]", regex=True)
        out[could] = picked.fillna(False).to_numpy(dtype=bool)
    return out


def _value_currency(choice: ColumnChoice) -> str | None:
    """The currency the market value column's header names, as read_holdings takes it."""
    positions = {c: p for p, c in choice.columns.items()}
    if "market_value" in positions and positions["market_value"] in choice.roles:
        return choice.roles[positions["market_value"]].currency
    return None


def _texts(raw: dict[str, pd.Series]) -> dict[str, pd.Series]:
    present = [c for c in ("security_name", "exchange", "sector", "ticker", "currency") if c in raw]
    out = {}
    for canonical in present:
        upper = canonical in ("ticker", "currency")
        out[canonical] = raw.per_distinct(canonical, lambda v, upper=upper: col.clean_text(v, upper=upper))
    return out


def _scales(weights, parsed, keep, kcode, n, header) -> list:
    """Each file's weight scale as :func:`~._numbers.weight_scale` decides it: (scale, reason,
    certain), or None without a weight column."""
    if weights is None:
        return [None] * n
    if "pct" in header_key(header):
        return [("percent", f"the column {header!r} is labelled in percent", True)] * n
    signs = pd.Series(parsed["weight"][1][keep]).groupby(kcode).any().reindex(range(n), fill_value=False)
    present = weights.notna().to_numpy()
    sums = pd.Series(weights.to_numpy()[present]).groupby(kcode[present]).sum().reindex(range(n))
    largest = pd.Series(np.abs(weights.to_numpy()[present])).groupby(kcode[present]).max().reindex(range(n))
    out = []
    for i in range(n):
        if signs[i]:
            out.append(("percent", "the values carry a percent sign", True))
        elif pd.isna(sums[i]):
            out.append(("fraction", "no weights given", False))
        else:
            total, top = float(sums[i]), float(largest[i])
            whose = "the weights sum"
            if top > 1.0:
                out.append(("percent", f"the largest weight, {top:g}, is above 1", True))
            elif total > 1.5:
                out.append(("percent", f"{whose} to {total:.4g}, too much for fractions", True))
            elif total >= 0.5:
                out.append(("fraction", f"{whose} to {total:.4g}, close to 1", True))
            else:
                out.append(
                    (
                        "fraction",
                        f"every weight is at most 1 and {whose} to {total:.4g}: could be either; assumed fractions",
                        False,
                    )
                )
    return out


def _classes(raw, names, kept, kcode, n) -> tuple[dict[str, pd.Series], dict[int, str]]:
    """The asset-class columns as :func:`~._columns.asset_classes` reads them, and the warning of
    each file whose classes came from names."""
    out: dict[str, pd.Series] = {}
    if "asset_class" in raw:
        out["asset_class_raw"] = raw.per_distinct("asset_class", col.clean_text)
        classes = raw.per_distinct("asset_class", lambda v: col.normalise_asset_class(col.clean_text(v)))
    else:
        classes = pd.Series(pd.NA, index=kept, dtype="string")
    notes: dict[int, str] = {}
    if names is not None:
        from_name = raw.per_distinct("security_name", lambda v: col.asset_class_from_name(col.clean_text(v)))
        guessed = classes.isna() & from_name.notna()
        if guessed.any():
            classes = classes.fillna(from_name.where(guessed))
            which = pd.Series(kcode, index=kept)[guessed]
            for i, rows in which.groupby(which).groups.items():
                shown = ", ".join(repr(v) for v in names[rows].head(2))
                notes[int(i)] = f"asset class taken from the security name for {len(rows)} row(s) (such as {shown})"
    out["asset_class"] = classes
    return out, notes


def _places(raw, kcode, n) -> tuple[dict[str, pd.Series], np.ndarray]:
    if "country" not in raw:
        return {}, np.zeros(n, bool)
    text = raw.per_distinct("country", col.clean_text)
    codes = raw.per_distinct("country", lambda v: country_codes(col.clean_text(v))[0])
    # a name without a code: country_codes lists it as unknown (the text is already clean)
    missing = (text.notna() & codes.isna()).to_numpy(dtype=bool)
    return {"country_raw": text, "country": codes}, np.bincount(kcode[missing], minlength=n) > 0


def _report(
    f: _File,
    choice: ColumnChoice,
    fmt: NumberFormat,
    language: str | None,
    scale,
    as_of_found,
    frame: pd.DataFrame,
    skipped: pd.DataFrame,
    class_note: str | None,
    sums: dict[str, float],
    header_row: int,
    end_row: int,
    rows_read: int,
) -> FileReport:
    """The report on one file of a stack, as :func:`~._build.read_holdings` makes it."""
    source = f.source
    warnings: list[str] = []
    if scale is not None and not scale[2]:
        warnings.append(f"weights: {scale[1]}")
    if class_note:
        warnings.append(class_note)
    mapped, names, roles = choice.columns, choice.names, choice.roles
    as_of = as_of_source = None
    if as_of_found is not None:
        as_of, line, said = as_of_found
        as_of_source = f"preamble row {line}: {said!r}"
    for pid, total in sums.items():
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            whose = f"portfolio {pid!r}: " if len(sums) > 1 else ""
            warnings.append(f"{whose}the weights sum to {total:.2%}, not 100 %; left as given (not rescaled)")
    if "weight" not in frame.columns:
        warnings.append("no weight column: weights are missing")
    return FileReport(
        path=source.name,
        portfolio_id=f.portfolio_id,
        format=source.format,
        sha256=source.sha256,
        sheet=None,
        sheets=(),
        header_row=header_row,
        table_end_row=end_row,
        column_mapping={names[p]: c for p, c in mapped.items()},
        unmapped_columns=choice.unmapped,
        as_of=as_of,
        as_of_source=as_of_source,
        locale=f"{LANGUAGE_NAMES.get(language or 'en')} column names, {fmt.description}",
        locale_reason=fmt.reason,
        weight_scale=scale[0] if scale else None,
        weight_scale_reason=scale[1] if scale else "no weight column",
        rows_read=rows_read,
        holdings=len(frame),
        skipped=skipped,
        weight_sum=float(frame["weight"].sum()) if "weight" in frame.columns else None,
        weight_sums=sums,
        duplicates=pd.DataFrame(),
        warnings=tuple(warnings),
        details=dict(source.notes) | _rule_details(names, roles, _value_currency(choice)),
        notes=choice.notes,
    )
