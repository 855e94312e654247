"""Ultimate parents, cycles, and shares multiplied along ownership chains."""

import pandas as pd

from exclusionscreen.ownership import ancestors, descendants, ultimate_parents


def frame(rows):
    return pd.DataFrame(rows, columns=["issuer_id", "parent_issuer_id", "parent_ownership"])


def test_ultimate_parent_walks_the_whole_chain():
    issuers = frame([("A", None, None), ("B", "A", 1.0), ("C", "B", 0.6), ("D", None, None)])
    parents, cycles = ultimate_parents(issuers)
    assert list(parents) == ["A", "A", "A", "D"]
    assert cycles == []


def test_a_cycle_is_reported_once_and_does_not_hang():
    issuers = frame([("A", "B", 0.6), ("B", "C", 0.6), ("C", "A", 0.6), ("D", "A", 1.0), ("E", None, None)])
    parents, cycles = ultimate_parents(issuers)
    assert len(cycles) == 1 and sorted(cycles[0]) == ["A", "B", "C"]
    assert list(parents) == ["A", "B", "C", "D", "E"]


def test_ancestors_multiply_shares_and_stop_below_the_threshold():
    issuers = frame([("TOP", None, None), ("MID", "TOP", 0.8), ("LOW", "MID", 0.7)])
    start = pd.DataFrame({"issuer_id": ["LOW"]})
    found = ancestors(issuers, start, 0.5)
    assert found.set_index("relative_id")["share"].round(2).to_dict() == {"MID": 0.7, "TOP": 0.56}
    assert list(ancestors(issuers, start, 0.6)["relative_id"]) == ["MID"]


def test_descendants_of_an_involved_parent():
    issuers = frame([("P", None, None), ("S1", "P", 1.0), ("S2", "P", 0.4), ("S3", "S1", None)])
    found = descendants(issuers, pd.DataFrame({"issuer_id": ["P"]}), 0.5)
    # a link without a share is presumed to be control (50 %)
    assert found.set_index("relative_id")["share"].to_dict() == {"S1": 1.0, "S3": 0.5}


def test_walks_terminate_on_cycles():
    issuers = frame([("A", "B", 1.0), ("B", "A", 1.0)])
    found = ancestors(issuers, pd.DataFrame({"issuer_id": ["A"]}), 0.5)
    assert set(found["relative_id"]) <= {"A", "B"}
