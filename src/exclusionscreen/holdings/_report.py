"""The load report: for each file, where the table was, how its columns were read, and every row
that did not become a holding, with the reason.

One report object serves every view: ``str(report)`` for the command line, ``_repr_html_`` for
notebooks, :meth:`LoadReport.to_frame` and :attr:`LoadReport.skipped` for analysis.
:func:`~exclusionscreen.load_holdings` returns it beside the holdings, as a :class:`LoadResult`.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from ..display import frame_html

__all__ = ["SKIPPED_COLUMNS", "FileReport", "LoadReport", "LoadResult"]

SKIPPED_COLUMNS = ["source_file", "source_row", "reason", "text"]
_TEXT_WIDTH = 72


def _short(text: object, width: int = _TEXT_WIDTH) -> str:
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return value if len(value) <= width else value[: width - 1] + "\u2026"


@dataclass(frozen=True, eq=False, repr=False)
class FileReport:
    """How one file was read. ``rows_read == holdings + len(skipped)`` always holds."""

    path: str
    portfolio_id: str
    format: str
    sha256: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    header_row: int | None
    table_end_row: int | None
    column_mapping: dict[str, str]
    unmapped_columns: tuple[str, ...]
    as_of: pd.Timestamp | None
    as_of_source: str | None
    locale: str
    locale_reason: str
    weight_scale: str | None
    weight_scale_reason: str
    rows_read: int
    holdings: int
    skipped: pd.DataFrame
    weight_sum: float | None
    weight_sums: dict[str, float]
    duplicates: pd.DataFrame
    warnings: tuple[str, ...] = field(default=())
    details: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default=())

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        """How many rows were skipped for each reason."""
        return self.skipped["reason"].value_counts(sort=False).to_dict()

    @property
    def accounted(self) -> bool:
        """True when every row read is a holding or a skipped row."""
        return self.rows_read == self.holdings + len(self.skipped)

    def summary(self) -> dict[str, object]:
        """One row of :meth:`LoadReport.to_frame`."""
        return {
            "file": self.path,
            "portfolio_id": self.portfolio_id,
            "format": self.format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "table_end_row": self.table_end_row,
            "as_of": self.as_of,
            "locale": self.locale,
            "weight_scale": self.weight_scale,
            "rows_read": self.rows_read,
            "holdings": self.holdings,
            "skipped": len(self.skipped),
            "weight_sum": self.weight_sum,
            "duplicates": len(self.duplicates),
            "warnings": len(self.warnings),
            "sha256": self.sha256,
        }

    def _lines(self) -> list[tuple[str, str]]:
        where = f"sheet {self.sheet!r}, " if self.sheet else ""
        header = f"row {self.header_row}" if self.header_row else "given by the frame"
        end = f", last holding on row {self.table_end_row}" if self.table_end_row else ""
        lines = [
            ("format", f"{self.format}" + (f" (sha256 {self.sha256[:16]}\u2026)" if self.sha256 else "")),
            ("table", f"{where}header {header}{end}"),
        ]
        if len(self.sheets) > 1:
            lines.append(("sheets", ", ".join(self.sheets)))
        lines.extend((key, value) for key, value in self.details.items())
        lines.append(
            ("as of", f"{self.as_of:%Y-%m-%d} ({self.as_of_source})" if self.as_of is not None else "not stated")
        )
        lines.append(("numbers", f"{self.locale}: {self.locale_reason}"))
        given = {"percent": "in percent", "fraction": "as fractions"}.get(self.weight_scale or "")
        scale = f"given {given}: {self.weight_scale_reason}" if self.weight_scale else self.weight_scale_reason
        lines.append(("weights", scale))
        total = f"{self.weight_sum:.2%}" if self.weight_sum is not None else "n/a"
        if len(self.weight_sums) > 1:
            total = ", ".join(f"{pid} {value:.2%}" for pid, value in self.weight_sums.items())
        lines.append(("weight sum", total))
        reasons = ", ".join(f"{n} {r}" for r, n in self.skipped_by_reason.items())
        lines.append(
            (
                "rows",
                f"{self.rows_read} read = {self.holdings} holdings + "
                f"{len(self.skipped)} skipped" + (f" ({reasons})" if reasons else ""),
            )
        )
        mapping = ", ".join(f"{s} -> {c}" for s, c in self.column_mapping.items())
        lines.append(("columns", mapping or "(none)"))
        if self.unmapped_columns:
            lines.append(("unmapped", ", ".join(self.unmapped_columns)))
        if len(self.duplicates):
            lines.append(
                (
                    "duplicates",
                    f"{len(self.duplicates)} rows share a position with another row (kept; see report.duplicates)",
                )
            )
        return lines

    def skipped_lines(self) -> list[str]:
        """The skipped rows as text, runs of blank rows on one line."""
        frame = self.skipped
        if frame.empty:
            return []
        run = (frame["reason"] != frame["reason"].shift()) | (frame["reason"] != "blank")
        groups = run.astype("int64").cumsum()
        out = []
        for _, group in frame.groupby(groups, sort=False):
            first, last = group["source_row"].iloc[0], group["source_row"].iloc[-1]
            rows = f"row {first}" if first == last else f"rows {first}-{last}"
            text = _short(group["text"].iloc[0]) if group["reason"].iloc[0] != "blank" else ""
            out.append(f"{rows:<14}{group['reason'].iloc[0]:<10} {text}".rstrip())
        return out

    def __repr__(self) -> str:
        return (
            f"FileReport({self.path!r}, rows_read={self.rows_read}, holdings={self.holdings}, "
            f"skipped={len(self.skipped)}, warnings={len(self.warnings)})"
        )

    def __str__(self) -> str:
        out = [f"{self.path} -> portfolio {self.portfolio_id!r}"]
        out.extend(f"  {key:<11}{value}" for key, value in self._lines())
        out.extend(f"  note       {n}" for n in self.notes)
        out.extend(f"  warning    {w}" for w in self.warnings)
        lines = self.skipped_lines()
        if lines:
            out.append("  skipped rows:")
            out.extend(f"    {line}" for line in lines)
        return "\n".join(out)

    def _repr_html_(self) -> str:
        items = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
            f"{html.escape(v)}</td></tr>"
            for k, v in self._lines()
        )
        warnings = "".join(f"<li>{html.escape(w)}</li>" for w in (*self.notes, *self.warnings))
        skipped = frame_html(self.skipped.assign(text=self.skipped["text"].map(_short)))
        return (
            f"<div><h4>{html.escape(self.path)} &rarr; {html.escape(self.portfolio_id)}</h4>"
            f"<table>{items}</table>"
            + (f"<p>Notes and warnings</p><ul>{warnings}</ul>" if warnings else "")
            + f"<details><summary>{len(self.skipped)} skipped rows</summary>{skipped}</details>"
            "</div>"
        )


@dataclass(frozen=True, eq=False, repr=False)
class LoadReport:
    """The reports of every file loaded together, in the order given."""

    files: tuple[FileReport, ...]

    def __repr__(self) -> str:
        return f"LoadReport({', '.join(map(repr, self.files))})"

    def __iter__(self) -> Iterator[FileReport]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, key: int | str) -> FileReport:
        """A file's report by position, path as given, or file name."""
        if isinstance(key, int):
            return self.files[key]
        for report in self.files:
            if key in (report.path, report.path.replace("\\", "/").rsplit("/", 1)[-1]):
                return report
        raise KeyError(f"no file {key!r} in this load report")

    @property
    def skipped(self) -> pd.DataFrame:
        """Every skipped row of every file: source_file, source_row, reason, text."""
        frames = [r.skipped for r in self.files if not r.skipped.empty]
        if not frames:
            return pd.DataFrame(columns=SKIPPED_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    @property
    def duplicates(self) -> pd.DataFrame:
        """Every row that shares its position with another row of the same portfolio."""
        frames = [r.duplicates for r in self.files if not r.duplicates.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @property
    def warnings(self) -> list[str]:
        """Every warning, prefixed with its file."""
        return [f"{r.path}: {w}" for r in self.files for w in r.warnings]

    def to_frame(self) -> pd.DataFrame:
        """One row per file: where the table was, rows read, holdings, skipped, weight sum."""
        return pd.DataFrame([r.summary() for r in self.files])

    def __str__(self) -> str:
        total = sum(r.holdings for r in self.files)
        head = f"{len(self.files)} file(s), {total} holdings"
        return "\n\n".join([head, *(str(r) for r in self.files)])

    def _repr_html_(self) -> str:
        summary = frame_html(self.to_frame().drop(columns=["sha256"]), caption="Holdings loaded")
        return "<div>" + summary + "".join(r._repr_html_() for r in self.files) + "</div>"


class LoadResult(NamedTuple):
    """What :func:`~exclusionscreen.load_holdings` returns: the holdings, and how they were read.

    >>> holdings, report = load_holdings("q3/")  # doctest: +SKIP
    >>> result = screen(load_holdings("q3/"), universe, "broad")  # doctest: +SKIP

    A plain pair, so that the report travels beside the frame, not inside it: a frame filtered
    before screening (``screen(holdings[holdings.portfolio_id == "EQ"], ..., load_report=report)``)
    gets Skipped and About sheets that describe only the files still present.
    """

    holdings: pd.DataFrame
    report: LoadReport

    def __repr__(self) -> str:
        return f"LoadResult(holdings={len(self.holdings)} rows, report={self.report!r})"

    def _repr_html_(self) -> str:
        return self.report._repr_html_()
