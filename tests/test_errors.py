"""Every public error survives pickling (multiprocessing, joblib, dask) equal to itself, with its failure cases."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import exclusionscreen as es
from exclusionscreen.errors import FAILURE_COLUMNS, RuleProblem


def _contract_error() -> es.ContractError:
    frame = pd.DataFrame({"portfolio_id": ["P"], "holding_id": ["h1"], "weight": [3.0]})
    with pytest.raises(es.ContractError) as caught:
        es.validate(frame, es.Holdings, source="holdings.csv")
    return caught.value


ERRORS = {
    "base": lambda: es.ExclusionScreenError("something is wrong"),
    "argument": lambda: es.ArgumentError("as_of: 'soon' is not a date"),
    "rule file": lambda: es.RuleFileError(
        [RuleProblem("a.yaml", "criteria[0]", "unknown criterion", line=4), RuleProblem("b.yaml", "", "empty")]
    ),
    "contract": _contract_error,
    "input file": lambda: es.InputFileError("book.xlsx", "the file is empty"),
    "input file with line": lambda: es.InputFileError("book.csv", "unclosed quote", line=5),
    "column mapping": lambda: es.ColumnMappingError("book.csv", "no identifier column"),
    "override": lambda: es.OverrideError(
        "overrides.csv: 2 problems",
        failure_cases=es.errors.failure_frame(
            [{"file": "overrides.csv", "line": 3, "key": "approver", "problem": "blank"}]
        ),
    ),
    "report": lambda: es.ReportError("out.csv: the report is an Excel workbook"),
}


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_every_error_pickles_to_an_equal_error(kind):
    err = ERRORS[kind]()
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert back == err
    assert str(back) == str(err)
    pd.testing.assert_frame_equal(back.failure_cases, err.failure_cases)
    assert list(back.failure_cases.columns[:4]) == FAILURE_COLUMNS


def test_errors_of_different_arguments_differ():
    assert es.InputFileError("a.csv", "empty") != es.InputFileError("b.csv", "empty")
    assert es.ArgumentError("x") != es.ReportError("x")


def test_failure_cases_are_tidy():
    err = ERRORS["rule file"]()
    cases = err.failure_cases
    assert cases[["file", "line", "key"]].astype(object).where(cases.notna(), None).values.tolist() == [
        ["a.yaml", 4, "criteria[0]"],
        ["b.yaml", None, ""],
    ]
    contract = _contract_error()
    assert (contract.failure_cases["file"] == "holdings.csv").all()
    assert "weight" in set(contract.failure_cases["key"].dropna())


def test_argument_errors_are_value_errors_of_the_family():
    with pytest.raises(es.ArgumentError) as caught:
        es.load_holdings([])
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, es.ExclusionScreenError)
    with pytest.raises(es.ArgumentError):
        es.screen(pd.DataFrame(), es.load_universe(es.sample_dir() / "universe"), "broad", match_threshold=2)
