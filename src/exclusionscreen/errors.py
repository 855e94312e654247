"""The errors exclusionscreen raises, one line each.

Every error names what the user has to look at: the file, the key path in a rule file, or the
rows and columns of a frame. Errors that gather several problems keep them as a tidy table,
``failure_cases``, with the columns ``file, line, key, problem`` (a contract error adds pandera's
own columns), so a notebook user can filter them.

Every error survives pickling (multiprocessing, joblib and dask send errors between processes):
each class keeps the arguments it was made from and rebuilds itself from them, and two errors are
equal when they are of one class and were made from equal arguments (pandera's
``ReducedPickleExceptionBase`` does the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = [
    "FAILURE_COLUMNS",
    "ArgumentError",
    "ColumnMappingError",
    "ContractError",
    "ExclusionScreenError",
    "InputFileError",
    "LookThroughError",
    "OverrideError",
    "ReportError",
    "RuleFileError",
    "RuleProblem",
    "failure_frame",
]

#: the columns of every error's ``failure_cases``
FAILURE_COLUMNS = ["file", "line", "key", "problem"]


def failure_frame(rows: Sequence[dict] | pd.DataFrame = ()) -> pd.DataFrame:
    """A tidy failure-case table: one row per problem, with at least the columns ``file, line, key, problem``.

    `line` is the line of the file as the file counts it (or missing); `key` is the column, key
    path or identifier the problem is about.
    """
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows.copy()
    for column in FAILURE_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    rest = [c for c in frame.columns if c not in FAILURE_COLUMNS]
    out = frame[FAILURE_COLUMNS + rest].astype({"file": "str", "key": "str", "problem": "str"})
    out["line"] = pd.to_numeric(out["line"], errors="coerce").astype("Int64")
    return out.reset_index(drop=True)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        return isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) and a.equals(b)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


class ExclusionScreenError(Exception):
    """Base class of every error raised by exclusionscreen."""

    def __init__(self, message: str = "", *, failure_cases: pd.DataFrame | None = None):
        self._state: tuple = (message,)
        self._failure_cases = failure_cases
        super().__init__(message)

    def _remember(self, *args: Any, **kwargs: Any) -> None:
        """Keep the arguments this error was made from: pickling rebuilds it from them."""
        self._state = args
        self._kwargs = kwargs

    @property
    def failure_cases(self) -> pd.DataFrame:
        """Every problem this error gathers, one row each (``file, line, key, problem``)."""
        if self._failure_cases is None:
            return failure_frame([{"problem": str(self)}])
        return self._failure_cases

    def __reduce__(self):
        kwargs = getattr(self, "_kwargs", None)
        if kwargs is None:  # made by this class's own __init__: the message and the failure cases
            kwargs = {} if self._failure_cases is None else {"failure_cases": self._failure_cases}
        return (_rebuild, (type(self), self._state, kwargs))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (
            _same(self._state, other._state)
            and _same(getattr(self, "_kwargs", {}), getattr(other, "_kwargs", {}))
            and _same(self._failure_cases, other._failure_cases)
        )

    __hash__ = Exception.__hash__


def _rebuild(cls: type[ExclusionScreenError], args: tuple, kwargs: dict) -> ExclusionScreenError:
    return cls(*args, **kwargs)


class ArgumentError(ExclusionScreenError, ValueError):
    """An argument of a public function is invalid (a bad date, threshold, column map or key)."""


@dataclass(frozen=True)
class RuleProblem:
    """One problem in a rule file: the file, the key path inside it, the line if known, and what is wrong."""

    file: str
    key_path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = self.key_path or "(document)"
        return f"{where}: {key}: {self.message}"


class RuleFileError(ExclusionScreenError):
    """A criterion or policy file is invalid; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[RuleProblem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        cases = failure_frame(
            [{"file": p.file, "line": p.line, "key": p.key_path, "problem": p.message} for p in self.problems]
        )
        super().__init__(f"{len(self.problems)} problem(s) in rule files:\n{lines}", failure_cases=cases)
        self._remember(self.problems)


class ContractError(ExclusionScreenError):
    """A frame does not meet its data contract; `failure_cases` holds every failing check.

    Besides pandera's columns (``schema_context, column, check, check_number, failure_case,
    index``), the table has ``file, line, key, problem``: the file and line a failing row came
    from where the frame records them, the column, and the check that failed.
    """

    def __init__(self, contract: str, source: str, failure_cases: pd.DataFrame, message: str):
        self.contract = contract
        self.source = source
        cases = failure_cases.copy()
        if "key" not in cases.columns and "column" in cases.columns:
            cases["key"] = cases["column"]
        if "problem" not in cases.columns and "check" in cases.columns:
            cases["problem"] = cases["check"].astype("str")
        if "file" not in cases.columns:
            cases["file"] = source
        super().__init__(message, failure_cases=failure_frame(cases))
        self._remember(contract, source, failure_cases, message)


class InputFileError(ExclusionScreenError):
    """An input file cannot be read: empty, corrupt, not a spreadsheet, or without a table."""

    def __init__(self, path: object, message: str, *, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = self.path if line is None else f"{self.path}, line {line}"
        cases = failure_frame([{"file": self.path, "line": line, "problem": message}])
        super().__init__(f"{where}: {message}", failure_cases=cases)
        self._remember(path, message, line=line)


class ColumnMappingError(InputFileError):
    """The columns of a holdings file cannot be mapped onto the Holdings contract."""


class OverrideError(ExclusionScreenError):
    """An overrides or decisions file names an unknown issuer, security or criterion, or is malformed.

    `failure_cases` lists each problem with its file and line, when the error gathers several.
    """


class ReportError(ExclusionScreenError):
    """The report cannot be written where asked: the target is an input, a folder, or not .xlsx."""


class LookThroughError(ExclusionScreenError):
    """Funds cannot be looked through: their holdings form a cycle (the message names the chain)."""
