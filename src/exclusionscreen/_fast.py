"""Set membership on text columns through Arrow's hash kernel.

``Series.isin`` on pandas' string columns hashes through Python objects here and is about twenty
times slower than Arrow's ``is_in``; the screen tests membership of a million identifiers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["isin"]


def isin(values: pd.Series, allowed) -> pd.Series:
    """``values.isin(allowed)`` for text: True where a value is among `allowed` (missing is never in)."""
    allowed = pd.Series(list(allowed) if isinstance(allowed, set | frozenset) else allowed, dtype="string")
    haystack = pa.array(allowed.dropna().unique().astype(str), type=pa.string())
    needles = pa.array(values.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
    found = pc.is_in(needles, value_set=haystack, skip_nulls=True).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(found, dtype=bool), index=values.index)
