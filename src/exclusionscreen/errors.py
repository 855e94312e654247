"""The errors exclusionscreen raises, one line each.

Every error names what the user has to look at: the file, the key path in a rule file, or the
rows and columns of a frame. Errors that gather several problems keep them as a tidy table so a
notebook user can filter them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "ExclusionScreenError",
    "RuleFileError",
    "RuleProblem",
    "ContractError",
    "InputFileError",
    "ColumnMappingError",
    "OverrideError",
    "ReportError",
]


class ExclusionScreenError(Exception):
    """Base class of every error raised by exclusionscreen."""


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
        super().__init__(f"{len(self.problems)} problem(s) in rule files:\n{lines}")


class ContractError(ExclusionScreenError):
    """A frame does not meet its data contract; `failure_cases` holds every failing check."""

    def __init__(self, contract: str, source: str, failure_cases: pd.DataFrame, message: str):
        self.contract = contract
        self.source = source
        self.failure_cases = failure_cases
        super().__init__(message)


class InputFileError(ExclusionScreenError):
    """An input file cannot be read: empty, corrupt, not a spreadsheet, or without a table."""

    def __init__(self, path: object, message: str):
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


class ColumnMappingError(InputFileError):
    """The columns of a holdings file cannot be mapped onto the Holdings contract."""


class OverrideError(ExclusionScreenError):
    """An overrides or decisions file names an unknown issuer, security or criterion, or is malformed.

    `failure_cases` has one row per problem: file, line (as the file counts them), key, problem.
    """

    def __init__(self, message: str, *, failure_cases: pd.DataFrame | None = None):
        super().__init__(message)
        if failure_cases is None:
            failure_cases = pd.DataFrame(columns=["file", "line", "key", "problem"])
        self.failure_cases = failure_cases

    def __reduce__(self):
        return (type(self), (str(self),), {"failure_cases": self.failure_cases})


class ReportError(ExclusionScreenError):
    """The report cannot be written where asked: the target is an input, a folder, or not .xlsx."""
