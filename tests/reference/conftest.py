"""Shared paths for the reference-data tests; tests of real files skip without ../shared/data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data"
TOP100 = SHARED / "arms_industry" / "SIPRI-Top-100-2002-2023.xlsx"
REGISTER = SHARED / "arms_industry" / "sipri_trade_register_1995_2025.csv"
LISTS = SHARED / "lists"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not present")


@pytest.fixture(scope="session")
def build_script():
    """The build script, imported as a module."""
    path = REPO / "scripts" / "build_reference_lists.py"
    spec = importlib.util.spec_from_file_location("build_reference_lists", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def top100_2022():
    from exclusionscreen.reference import read_sipri_top100

    return read_sipri_top100(TOP100, 2022)


@pytest.fixture(scope="session")
def deliveries():
    from exclusionscreen.reference import read_sipri_trade_register

    return read_sipri_trade_register(REGISTER)
