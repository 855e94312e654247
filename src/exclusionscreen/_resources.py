"""Where the bundled criteria, sample data and reference lists are.

An installed wheel carries ``criteria/`` and ``sample_portfolios/`` inside the package
(``exclusionscreen/_bundled``); a source checkout (including an editable install) reads them from
the repository root beside ``src/``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["bundled_dir", "data_dir", "sample_dir"]


def bundled_dir(name: str) -> Path:
    """The folder of bundled material `name` ("criteria" or "sample_portfolios")."""
    packaged = Path(str(files("exclusionscreen"))) / "_bundled" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(f"the bundled folder {name!r} is missing from this installation of exclusionscreen")


def data_dir() -> Path:
    """The folder of reference lists shipped inside the package."""
    return Path(str(files("exclusionscreen"))) / "data"


def sample_dir() -> Path:
    """The shipped fictional sample fund: two quarters of holdings, a universe, a policy, overrides."""
    return bundled_dir("sample_portfolios")
