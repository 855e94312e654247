"""The ``DataFrame.exclusions`` accessor: screen a holdings frame where it stands.

>>> result = holdings_df.exclusions.screen(universe, "broad", as_of="2026-09-30")

It returns exactly what :func:`exclusionscreen.screen` returns for the same arguments.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["ExclusionsAccessor"]


@pd.api.extensions.register_dataframe_accessor("exclusions")
class ExclusionsAccessor:
    """Screening methods on a holdings DataFrame."""

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame

    def screen(self, universe, policy, **options):
        """Screen these holdings: the same as ``exclusionscreen.screen(frame, universe, policy, **options)``."""
        from .screen import screen

        return screen(self._frame, universe, policy, **options)

    def validate(self) -> pd.DataFrame:
        """These holdings checked against the Holdings contract (identifiers cleaned and checked)."""
        from .contracts import Holdings, validate
        from .identifiers import normalise_identifiers

        return validate(normalise_identifiers(self._frame), Holdings, source="holdings")

    @property
    def load_report(self):
        """The load report of a frame returned by ``load_holdings`` (None for other frames)."""
        return self._frame.attrs.get("load_report")
