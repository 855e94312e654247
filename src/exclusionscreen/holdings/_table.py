"""Where the holdings table is: its header row below any preamble, its columns, and which rows
below the header are holdings and which are blank lines, totals, disclaimers or footer.

Every format is first turned into a :class:`Grid`: the cells as the file holds them, one row per
record, with the row number a user sees in the file (line in a CSV, row in a sheet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from ..identifiers import is_valid_cusip, is_valid_isin, is_valid_lei, is_valid_sedol
from ._aliases import IDENTITY_COLUMNS, AliasHit, alias_index, header_key
from ._numbers import MISSING_TOKENS, SPACE
from ._roles import (
    SURE_ALIAS,
    SURE_CONFIRMED,
    SURE_WORDS,
    RoleChoice,
    confirm,
    from_content,
    header_currency,
    role_from_words,
)

__all__ = [
    "HEADER_SEARCH_ROWS",
    "ColumnChoice",
    "Grid",
    "HeaderChoice",
    "cell_text",
    "choose_columns",
    "row_reasons",
    "classify_rows",
    "find_header",
    "header_scores",
    "row_scores",
    "row_text",
]

HEADER_SEARCH_ROWS = (60, 500)
"""How far down a file the header row is looked for: first near the top, then further."""
_NAME_CELL = 80  # a column name is shorter than this
_WORDS_CELL = 40  # header words are looked for in cells shorter than this
_WORDS_RANK = 100  # a role from header words ranks after every alias

_TOTAL = (  # no \s: plain patterns run in pyarrow's regex engine
    r"(?i)^(?:grand[ -]*|sub[ -]*)?(?:total|totals|summe|gesamt|gesamtsumme|insgesamt|"
    r"zwischensumme|total g[eé]n[eé]ral|sous[ -]total|totale|totaal|subtotaal|suma total)"
    r"(?: +(?:net assets|portfolio|fund|holdings|positions|market value|investments|"
    r"fondsverm[oö]gen|portefeuille|cartera|portafoglio))? *[:.]? *$"
)
TOTAL_PATTERN = _TOTAL
"""A totals label ("Total", "Grand total", "Summe", "Total général"...)."""
_LEGAL = (
    r"(?i)invest|prospect|risk|copyright|©|rights reserved|trademark|past performance|fdic|"
    r"disclaim|distributor|distributed by|advice|recommendation|solicitation|regulat|licen[cs]|"
    r"relied|for more information|www\.|https?:|haftung|prospekt|risiko|rechtlich|hinweis|"
    r"avertissement|mentions l[eé]gales|aviso legal|advertencia|avvertenz|informazioni importanti|"
    r"belangrijke informatie|garantie"
)
_NAME_MAX = 200
_ID_MAX = 40


@dataclass(frozen=True, eq=False)
class Grid:
    """The cells of one table-bearing part of a file (a CSV, one sheet, a frame)."""

    cells: pd.DataFrame
    rows: pd.Series
    sheet: str | None = None
    header: tuple[str, ...] | None = None  # known column names (frames, Parquet): no search


@dataclass(frozen=True)
class HeaderChoice:
    """The header row found (position in the grid) and how many canonical columns it names."""

    position: int | None
    score: int
    candidates: tuple[str, ...] = ()  # the most header-like row, for error messages


@dataclass(frozen=True)
class ColumnChoice:
    """Which grid column became which canonical column, and what stayed unmapped."""

    columns: dict[int, str]
    names: dict[int, str]
    unmapped: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    roles: dict[int, RoleChoice] = field(default_factory=dict)  # grid column -> why it got its role

    def source_of(self, canonical: str) -> str | None:
        for position, target in self.columns.items():
            if target == canonical:
                return self.names[position]
        return None


def cell_text(cells: pd.DataFrame) -> pd.DataFrame:
    """Each cell as stripped text; empty cells missing (all cells cleaned in one pass)."""
    flat = pd.Series(cells.to_numpy(dtype=object).ravel()).astype("string").str.strip()
    flat = flat.mask(flat == "").to_numpy(dtype=object).reshape(cells.shape)
    return pd.DataFrame(flat, index=cells.index, columns=cells.columns).astype("string")


def row_text(text: pd.DataFrame) -> pd.Series:
    """Each row's non-empty cells joined by spaces."""
    cells = text.to_numpy(dtype=object, na_value="")
    # each cell after a space, empty cells too: the runs of spaces are collapsed below
    joined = pd.Series(["".join(" " + v for v in row) for row in cells.tolist()], index=text.index, dtype="string")
    return joined.str.replace(SPACE + "+", " ", regex=True).str.strip()


def _user_keys(column_map: dict[str, str | None] | None) -> dict[str, str | None]:
    return {header_key(source): target for source, target in (column_map or {}).items()}


def header_scores(top: pd.DataFrame, column_map: dict[str, str | None] | None) -> pd.DataFrame:
    """Per row of `top` (cells as :func:`cell_text` gives them): how many cells it has
    ("filled"), how many canonical columns its cells name ("score"), and whether it can be the
    header row ("usable": it names a column that identifies a security, and two or more
    columns, or one that is alone in its row)."""
    codes, distinct = pd.factorize(top.to_numpy(dtype=object, na_value=None).ravel(), use_na_sentinel=True)
    return row_scores(codes.reshape(top.shape), pd.Series(distinct, dtype=object), column_map, top.index)


def row_scores(
    codes: np.ndarray, distinct: pd.Series, column_map: dict[str, str | None] | None, index: pd.Index | None = None
) -> pd.DataFrame:
    """:func:`header_scores` of rows given as a matrix of `codes` (one row per row, -1 for an
    empty cell) into their `distinct` cell texts: each text is looked up once."""
    named = _cell_names(distinct, column_map)
    canon_of, canon = pd.factorize(np.asarray(named, dtype=object), use_na_sentinel=True)
    cell = np.where(codes >= 0, np.append(canon_of, -1)[codes], -1)  # each cell's canonical column
    ordered = np.sort(cell, axis=1)
    new = np.ones(ordered.shape, bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    score = ((ordered >= 0) & new).sum(axis=1)
    identity = np.append(np.isin(np.asarray(canon, dtype=object), list(IDENTITY_COLUMNS)), False)
    has_identity = identity[cell].any(axis=1) if cell.size else np.zeros(len(cell), bool)
    filled = (codes >= 0).sum(axis=1)
    usable = has_identity & ((score >= 2) | ((score == 1) & (filled == 1)))
    return pd.DataFrame(
        {"filled": filled.astype(np.int64), "score": score.astype(np.int64), "usable": usable},
        index=index if index is not None else pd.RangeIndex(len(codes)),
    )


def _cell_names(distinct: pd.Series, column_map: dict[str, str | None] | None) -> list[str | None]:
    """The canonical column each cell text names (None for none): a ``column_map`` entry, an
    alias, or header words (in a short cell); only texts of at most :data:`_NAME_CELL`
    characters with a letter are names. Answers are remembered (:data:`_NAMED`): the same
    preamble, header and security names recur in every file of a family."""
    user = _user_keys(column_map)
    memo = _NAMED.setdefault(tuple(sorted(user.items(), key=lambda kv: kv[0])), {})
    if len(memo) > _NAMED_MAX:
        memo.clear()
    out = []
    index = alias_index()
    for value in distinct.tolist():
        if value not in memo:
            memo[value] = _cell_name(value, user, index)
        out.append(memo[value])
    return out


def _cell_name(value, user: dict[str, str | None], index: dict[str, AliasHit]) -> str | None:
    if not isinstance(value, str) or len(value) > _NAME_CELL or not _LETTER.search(value):
        return None
    key = header_key(value)
    if key in user:
        return user[key]
    hit: AliasHit | None = index.get(key)
    if hit:
        return hit.canonical
    if len(value) <= _WORDS_CELL:
        return role_from_words(value)
    return None


_NAMED: dict[tuple, dict[object, str | None]] = {}
"""The canonical column named by each cell text seen, per column map (by its keys)."""
_NAMED_MAX = 200_000


_LETTER = re.compile(r"[^\W\d_]")


def find_header(text: pd.DataFrame, column_map: dict[str, str | None] | None) -> HeaderChoice:
    """The row that names the most canonical columns, including one that identifies a security.

    A row naming a single column is a header only when it holds nothing else (a plain list of
    ISINs under "ISIN"). The top of the file is searched first, then further down.
    """
    for depth in HEADER_SEARCH_ROWS:
        found = _best_header(text.iloc[:depth], column_map)
        if found.position is not None or depth >= len(text):
            return found
    return found


def _best_header(top: pd.DataFrame, column_map: dict[str, str | None] | None) -> HeaderChoice:
    scores = header_scores(top, column_map)
    filled, score, usable = scores["filled"], scores["score"], scores["usable"]
    widest = filled.idxmax() if len(filled) and filled.max() > 0 else None
    candidates = tuple(top.loc[widest].dropna().tolist()) if widest is not None else ()
    if not usable.any():
        best = score.idxmax() if len(score) and score.max() > 0 else widest
        shown = tuple(top.loc[best].dropna().tolist()) if best is not None else candidates
        return HeaderChoice(None, int(score.max()) if len(score) else 0, shown)
    ranked = score.where(usable, -1)
    position = int(ranked.idxmax())
    return HeaderChoice(position, int(ranked.max()), tuple(top.loc[position].dropna().tolist()))


def choose_columns(
    names: list[str | None],
    column_map: dict[str, str | None] | None,
    has_data: pd.Series,
    body: pd.DataFrame | None = None,
) -> ColumnChoice:
    """Map header `names` (one per grid column) to canonical columns.

    A ``column_map`` entry wins over the alias table, an alias over the words of a header
    (:mod:`._roles`); among several columns naming the same canonical column, the better-ranked
    rule wins, then the leftmost. With the table's `body` (its cells as text), a role from header
    words must not be refuted by the column's content, and an unnamed or unknown column whose
    values are ISINs or LEIs is taken as one. Columns without a name are listed as unmapped only
    when they hold data.
    """
    index = alias_index()
    user = _user_keys(column_map)
    shown = {
        position: (name if name is not None else f"(unnamed column {position + 1})")
        for position, name in enumerate(names)
    }
    candidates: list[tuple[int, str | None, int, RoleChoice | None]] = []
    notes: list[str] = []
    for position, name in enumerate(names):
        key = header_key(name) if name is not None else None
        currency = header_currency(name) if name is not None else None
        if key is not None and key in user:
            role = RoleChoice(user[key], "column_map", SURE_ALIAS, currency) if user[key] else None
            candidates.append((position, user[key], -1, role))
            continue
        if key is not None and key in index:
            hit = index[key]
            candidates.append(
                (position, hit.canonical, hit.rank, RoleChoice(hit.canonical, "alias", SURE_ALIAS, currency))
            )
            continue
        canonical = role_from_words(name) if name is not None else None
        values = body[position] if body is not None and position in body.columns else None
        if canonical is not None:
            verdict, why = confirm(canonical, values) if values is not None else (None, "not checked")
            if verdict is False:
                notes.append(
                    f"column {shown[position]!r}: its header reads as {canonical}, but its content "
                    f"does not ({why}); not used"
                )
                continue
            sure, rule = (SURE_CONFIRMED, f"header words, content: {why}") if verdict else (SURE_WORDS, "header words")
            candidates.append((position, canonical, _WORDS_RANK, RoleChoice(canonical, rule, sure, currency)))
        elif values is not None:
            found = from_content(values)
            if found is not None:
                role = RoleChoice(found[0], f"content: {found[1]}", SURE_CONFIRMED)
                candidates.append((position, found[0], _WORDS_RANK + 1, role))
    chosen: dict[int, str] = {}
    roles: dict[int, RoleChoice] = {}
    taken: dict[str, int] = {}
    for position, canonical, _rank, role in sorted(candidates, key=lambda c: (c[2], c[0])):
        if canonical is None:
            continue
        if canonical in taken:
            notes.append(f"column {shown[position]!r} also names {canonical}; used {shown[taken[canonical]]!r}")
            continue
        taken[canonical] = position
        chosen[position] = canonical
        if role is not None:
            roles[position] = role
    unmapped = tuple(
        shown[position]
        for position, name in enumerate(names)
        if position not in chosen and (name is not None or bool(has_data.iloc[position]))
    )
    return ColumnChoice(dict(sorted(chosen.items())), shown, unmapped, tuple(notes), roles)


def _plausible(text: pd.Series, canonical: str) -> pd.Series:
    """Cells that could be a security's name or identifier (not a paragraph of legal text)."""
    value = text.mask(text.str.lower().isin(MISSING_TOKENS))
    limit = _NAME_MAX if canonical == "security_name" else _ID_MAX
    ok = value.notna() & (value.str.len() <= limit)
    if canonical in ("isin", "cusip", "sedol", "lei", "identifier"):
        ok &= value.str.contains("[0-9]") & ~value.str.contains(SPACE)  # each has a check digit
    elif canonical != "security_name":
        ok &= value.str.count(SPACE) <= 2
    return ok.fillna(False).astype(bool)


_VALID = {"isin": is_valid_isin, "cusip": is_valid_cusip, "sedol": is_valid_sedol, "lei": is_valid_lei}


def _valid_code(text: pd.DataFrame, positions: list[int], columns: dict[int, str]) -> pd.Series:
    """Rows with an identifier whose check digit is right (checked once per distinct value)."""
    found = pd.Series(False, index=text.index)
    for position in positions:
        kinds = [columns[position]] if columns[position] in _VALID else list(_VALID)
        values = text[position].str.upper()
        distinct = values.dropna().unique()
        answers = {v: any(_VALID[k](v) for k in kinds) for v in distinct}
        found |= values.map(answers).fillna(False).astype(bool)
    return found


def classify_rows(
    text: pd.DataFrame,
    header_position: int | None,
    columns: dict[int, str],
    has_number: pd.Series,
) -> tuple[pd.Series, int | None]:
    """The reason each row is not a holding (missing for holdings), and the last holding's position.

    `text` is the whole grid as text, `columns` the mapped grid columns, `has_number` whether a
    body row has any readable number in a numeric column (all False when there is none). Each
    row's text (:func:`row_text`) is read for legal wording only where the row is no holding.
    """
    start = -1 if header_position is None else header_position
    blank = text.isna().all(axis=1)
    identity = [p for p, c in columns.items() if c in IDENTITY_COLUMNS]
    plausible = pd.DataFrame({p: _plausible(text[p], columns[p]) for p in identity}, index=text.index)
    n_identity = plausible.sum(axis=1) if identity else pd.Series(0, index=text.index)
    # A totals label often sits in the first column, which may be the ticker column.
    code_columns = [p for p in identity if columns[p] not in ("security_name", "ticker")]
    has_code = plausible[code_columns].any(axis=1) if code_columns else n_identity * 0 > 0
    first_text = pd.Series(pd.NA, index=text.index, dtype="string")
    for column in text.columns:
        first_text = first_text.fillna(text[column])
    total = first_text.str.match(_TOTAL).fillna(False).astype(bool) & ~has_code & ~blank
    position = pd.Series(range(len(text)), index=text.index)
    body = position > start
    # A row with an identifier and a number is a holding. In a table with numbers, a row with
    # two identifying fields and no number is one too, but only above the last such holding:
    # below the table, "Ticker Symbol: SPY" is a footer.
    candidate = body & ~blank & ~total & (n_identity >= 1)
    if has_number.any():
        holding = candidate & has_number
        last = position[holding].max() if holding.any() else -1
        holding |= candidate & (n_identity >= 2) & (position < last)
        # A valid ISIN, CUSIP, SEDOL or LEI (its check digit right) names a security wherever
        # the row sits: a position without a value at the end of a file is still a holding.
        holding |= candidate & _valid_code(text, code_columns, columns)
    else:
        holding = candidate
    end = int(position[holding].max()) if holding.any() else None
    legal = pd.Series(False, index=text.index)
    others = body & ~holding & ~blank
    if others.any():
        legal[others] = row_text(text[others]).str.contains(_LEGAL).fillna(False).astype(bool)

    after = body & (position > (end if end is not None else start))
    reason = row_reasons(body, position == start, after, holding, legal, n_identity, total, blank)
    return reason, end


def row_reasons(body, header, after, holding, legal, n_identity, total, blank) -> pd.Series:
    """Why each row that is no holding is skipped (missing for a holding), from the row masks:
    above the table, its header, below its last holding, inside it, a legal text, a total, blank.
    The masks are Series (the answer is indexed like `body`) or arrays."""
    index = body.index if isinstance(body, pd.Series) else pd.RangeIndex(len(body))
    body, header, after, holding, legal, total, blank = (
        np.asarray(m, dtype=bool) for m in (body, header, after, holding, legal, total, blank)
    )
    n_identity = np.asarray(n_identity)
    reason = np.full(len(body), -1, dtype=np.int64)  # a position in _REASONS, set in this order
    reason[~body] = 0
    reason[header] = 1
    inside = body & ~after & ~holding
    reason[after] = 2
    reason[after & legal] = 3
    reason[inside & (n_identity == 0)] = 4
    reason[inside & (n_identity >= 1)] = 5
    reason[inside & legal] = 3
    reason[body & total] = 6
    reason[blank] = 7
    text = _REASONS.take(pa.array(reason, mask=reason < 0))
    return pd.Series(pd.arrays.ArrowStringArray(text), index=index, copy=False)


_REASONS = pa.array(
    [
        "preamble",
        "header",
        "footer",
        "disclaimer",
        "no identifier or name",
        "no value and only one identifying field",
        "total line",
        "blank",
    ],
    type=pa.large_string(),
)
