"""The ``DataFrame.exclusions`` accessor: screen a holdings frame where it stands.

>>> holdings, report = load_holdings("q3/")  # doctest: +SKIP
>>> result = holdings.exclusions.screen(universe, "broad", as_of="2026-09-30", load_report=report)  # doctest: +SKIP

It returns exactly what :func:`exclusionscreen.screen` returns for the same arguments. A frame
carries no load report: pass the one :func:`~exclusionscreen.load_holdings` returned beside it.
"""

from __future__ import annotations

import pandas as pd

from .contracts import Holdings, validate
from .identifiers import normalise_identifiers
from .screen import screen

__all__ = ["ExclusionsAccessor"]


@pd.api.extensions.register_dataframe_accessor("exclusions")
class ExclusionsAccessor:
    """Screening methods on a holdings DataFrame."""

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame

    def screen(self, universe, policy, **options):
        """Screen these holdings: the same as ``exclusionscreen.screen(frame, universe, policy, **options)``
        (``load_report=`` among the options gives the Skipped and About sheets their files)."""
        return screen(self._frame, universe, policy, **options)

    def validate(self) -> pd.DataFrame:
        """These holdings checked against the Holdings contract (identifiers cleaned and checked)."""
        return validate(normalise_identifiers(self._frame), Holdings, source="holdings")
