"""Paths for the holdings-loader tests; tests of the real files skip without ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "holdings"
SHARED_HOLDINGS = REPO / ".." / "shared" / "data" / "holdings"

needs_shared = pytest.mark.skipif(not SHARED_HOLDINGS.is_dir(), reason="../shared/data/holdings is not present")
