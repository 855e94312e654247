"""Every text column a user sees in a screen's holdings, flags and restricted list has the contracts' text type."""

import pandas as pd
import pytest

from exclusionscreen.contracts import TEXT


@pytest.mark.parametrize("frame", ["holdings", "flags", "restricted"])
def test_result_text_columns_are_the_contract_text_type(broad_result, frame):
    out = getattr(broad_result, frame)
    assert len(out)
    other = out.select_dtypes(include=["number", "datetime", "bool"]).columns
    text = [c for c in out.columns if c not in other]
    assert {"holding_key", "evidence_note"} & set(text) or frame == "restricted"
    assert {c: str(out[c].dtype) for c in text} == dict.fromkeys(text, str(TEXT))
    assert all(out[c].dtype == TEXT for c in text)
    assert pd.api.types.is_string_dtype(out[text[0]])
