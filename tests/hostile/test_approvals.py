"""Careless approvals: blank approvers, deciders and dates, conflicting overrides, each refused by line."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from exclusionscreen.errors import OverrideError
from exclusionscreen.overrides import check_decisions, read_decisions, read_overrides

HEADER = "issuer_id,isin,criterion_id,decision,rationale,approver,approved_on,expires_on\n"
GOOD = "ACME,,cluster_munitions,exempt,Divestment agreed,Investment Committee,2026-01-15,2026-12-31\n"


def overrides(tmp_path, *rows: str):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + GOOD + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("ACME,,nuclear_weapons,exempt,   ,Investment Committee,2026-01-15,\n", "rationale is empty"),
        ("ACME,,nuclear_weapons,exempt,Engagement,\t,2026-01-15,\n", "approver is empty"),
        ("ACME,,nuclear_weapons,exempt,Engagement,Investment Committee, ,\n", "approved_on is empty"),
    ],
)
def test_an_override_without_a_real_approval_is_refused(tmp_path, row, problem):
    path = overrides(tmp_path, row)
    with pytest.raises(OverrideError, match=f"overrides.csv: line 3: {problem}") as caught:
        read_overrides(path)
    cases = caught.value.failure_cases
    assert list(cases.columns) == ["file", "line", "key", "problem"]
    assert cases.to_dict("records") == [
        {"file": str(path), "line": 3, "key": "issuer:ACME/nuclear_weapons", "problem": problem}
    ]
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == str(caught.value) and again.failure_cases.equals(cases)


@pytest.mark.parametrize(
    "row",
    [
        "ACME,,cluster_munitions,enforce,Engagement failed,Board,2026-06-01,\n",  # different decision, overlapping
        "ACME,,cluster_munitions,exempt,Renewed,Board,2026-12-31,2027-12-31\n",  # same decision, one day shared
    ],
)
def test_overlapping_overrides_of_one_flag_are_refused_naming_both_lines(tmp_path, row):
    path = overrides(tmp_path, row)
    with pytest.raises(OverrideError, match=r"line 3: conflicts with line 2: two overrides of issuer:ACME/cluster_m"):
        read_overrides(path)


def test_overrides_that_follow_each_other_are_a_history(tmp_path):
    path = overrides(tmp_path, "ACME,,cluster_munitions,enforce,Exemption ended,Board,2027-01-01,\n")
    assert len(read_overrides(path)) == 2


DECISIONS = "holding_key,issuer_id,decision,decided_by,decided_on,note\n"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("isin:XS0000000018,ACME,rejected,  ,2026-06-05,\n", "decided_by is empty"),
        ("isin:XS0000000018,ACME,rejected,Analyst,\t,\n", "decided_on is empty"),
        ("isin:XS0000000018, ,confirmed,Analyst,2026-06-05,\n", "issuer_id is empty"),
    ],
)
def test_a_decision_without_decider_or_date_is_refused(tmp_path, row, problem):
    path = tmp_path / "decisions.csv"
    path.write_text(DECISIONS + row, encoding="utf-8")
    with pytest.raises(OverrideError, match=f"decisions.csv: line 2: {problem}") as caught:
        read_decisions(path)
    assert caught.value.failure_cases[["line", "key"]].to_dict("records") == [{"line": 2, "key": "isin:XS0000000018"}]


def test_decisions_after_the_screening_date_are_pending_and_unknown_keys_reported(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(
        DECISIONS
        + "isin:XS0000000018,ACME,confirmed,Analyst,2026-09-30,\n"
        + "isin:XS0000000026,ACME,confirmed,Analyst,2026-10-01,\n"
        + "isin:XS0000000034,ACME,confirmed,Analyst,2026-01-01,\n",
        encoding="utf-8",
    )
    decisions = read_decisions(path)
    keys = pd.Series(["isin:XS0000000018", "isin:XS0000000026"])
    applied, warnings = check_decisions(decisions, holding_keys=keys, issuers=pd.Series(["ACME"]), as_of="2026-09-30")
    assert applied["holding_key"].tolist() == ["isin:XS0000000018", "isin:XS0000000034"]  # the boundary day applies
    assert warnings == [
        f"{path}: line 4: no holding has the key 'isin:XS0000000034'; the decision is not applied",
        f"{path}: line 3: decided on 2026-10-01, after the screening date 2026-09-30; pending, not applied",
    ]
    with pytest.raises(OverrideError, match=r"decisions.csv: line 2: unknown issuer_id 'ACME'"):
        check_decisions(decisions, holding_keys=keys, issuers=pd.Series(["OTHER"]), as_of="2026-09-30")


def test_conflicting_decisions_for_one_holding_are_refused_naming_both_lines(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(
        "holding_key,issuer_id,decision,decided_by,decided_on,note\n"
        "isin:US0000000001,ACME,confirmed,A. Analyst,2026-08-01,\n"
        "isin:US0000000002,ACME,confirmed,A. Analyst,2026-08-01,\n"
        "isin:US0000000001,ACME,rejected,B. Analyst,2026-08-02,\n",
        encoding="utf-8",
    )
    decisions = read_decisions(path)
    keys = pd.Series(["isin:US0000000001", "isin:US0000000002"])
    with pytest.raises(OverrideError) as caught:
        check_decisions(decisions, holding_keys=keys, issuers=pd.Series(["ACME"]), as_of="2026-09-30")
    cases = caught.value.failure_cases
    assert cases["line"].tolist() == [2, 4]
    assert "conflicts with line(s) 4" in cases["problem"].iloc[0]
    # the same decision twice is no conflict, and a later one still pending does not clash
    path.write_text(
        "holding_key,issuer_id,decision,decided_by,decided_on,note\n"
        "isin:US0000000001,ACME,confirmed,A. Analyst,2026-08-01,\n"
        "isin:US0000000001,ACME,confirmed,B. Analyst,2026-08-02,\n"
        "isin:US0000000001,ACME,rejected,B. Analyst,2026-10-01,\n",
        encoding="utf-8",
    )
    applied, warnings = check_decisions(
        read_decisions(path), holding_keys=keys, issuers=pd.Series(["ACME"]), as_of="2026-09-30"
    )
    assert len(applied) == 2 and any("pending" in w for w in warnings)
