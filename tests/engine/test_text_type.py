"""Every text column a user sees in a screen's tables has the contracts' text type."""

import pandas as pd
import pytest

from exclusionscreen.contracts import TEXT, as_text


@pytest.mark.parametrize("frame", ["holdings", "flags", "restricted", "review", "pai14_flags"])
def test_result_text_columns_are_the_contract_text_type(broad_result, frame):
    out = getattr(broad_result, frame)
    assert len(out)
    other = out.select_dtypes(include=["number", "datetime", "bool"]).columns
    text = [c for c in out.columns if c not in other]
    assert {"holding_key", "evidence_note"} & set(text) or frame in ("restricted", "review")
    assert {c: str(out[c].dtype) for c in text} == dict.fromkeys(text, str(TEXT))
    assert all(out[c].dtype == TEXT for c in text)
    assert pd.api.types.is_string_dtype(out[text[0]])


def test_tables_no_contract_describes_get_the_text_type_too():
    frame = pd.DataFrame(
        {"path": pd.Series(["a.csv", None], dtype=object), "rows": [1, 2], "mixed": pd.Series(["x", 1], dtype=object)}
    )
    out = as_text(frame)
    assert out["path"].dtype == TEXT and out["rows"].dtype == frame["rows"].dtype
    assert out["mixed"].dtype == object  # not only text: left as it is
    assert frame["path"].dtype == object  # the caller's frame is not changed
