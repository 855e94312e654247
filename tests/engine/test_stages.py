"""Stage functions on small frames: the override states at their date boundaries, statuses by np.select."""

from __future__ import annotations

import numpy as np
import pandas as pd

from exclusionscreen.overrides import override_states
from exclusionscreen.status import select_status
from exclusionscreen.vocabulary import Status

DAY = pd.Timestamp("2026-09-30")
ONE = pd.Timedelta(days=1)


def _overrides(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"criterion_id": ["cluster_munitions"] * n, "approved_on": [pd.NaT] * n, "expires_on": [pd.NaT] * n}
    return pd.DataFrame({**base, **columns})


def test_an_override_applies_on_its_expiry_date_and_expires_the_day_after():
    table = _overrides(expires_on=[DAY, DAY - ONE, DAY + ONE, pd.NaT])
    assert override_states(table, DAY, ["cluster_munitions"]).tolist() == ["applied", "expired", "applied", "applied"]


def test_an_override_applies_on_its_approval_date_and_not_the_day_before():
    table = _overrides(approved_on=[DAY, DAY + ONE, DAY - ONE])
    assert override_states(table, DAY, ["cluster_munitions"]).tolist() == ["applied", "not yet approved", "applied"]


def test_a_criterion_outside_the_policy_wins_over_the_dates():
    table = _overrides(
        criterion_id=["nuclear_weapons", "cluster_munitions", "nuclear_weapons"],
        approved_on=[DAY + ONE, DAY + ONE, pd.NaT],
        expires_on=[DAY - ONE, DAY - ONE, pd.NaT],
    )
    states = override_states(table, DAY, ["cluster_munitions"]).tolist()
    assert states == ["criterion not in policy", "not yet approved", "criterion not in policy"]


def test_statuses_are_the_first_condition_that_holds():
    a = np.array([True, True, False, False])
    b = np.array([False, True, True, False])
    out = select_status((a, Status.NOT_APPLICABLE), (b, Status.EXCLUDED), default=Status.UNRESOLVED)
    assert list(out) == ["not_applicable", "not_applicable", "excluded", "unresolved"]
    assert out.dtype == pd.array(["clear"], dtype="str").dtype  # the text type of the holdings
