"""Read holdings files as custodians, fund administrators and fund issuers publish them.

:func:`load_holdings` finds the table below any preamble and above any footer, maps its columns
through aliases in several languages, reads numbers whatever their locale, checks and derives
identifiers, and accounts for every row: each is a holding or a skipped row with its reason,
listed in the :class:`LoadReport` it returns beside the holdings (a :class:`LoadResult`).
"""

from ._aliases import CANONICAL
from ._asof import AS_OF_WINDOW_DAYS, EARLIEST_AS_OF, check_as_of, implausible_as_of
from ._assets import ASSET_CLASSES, NOT_SCREENABLE, normalise_asset_class
from ._limits import ReadLimits
from ._load import load_holdings, load_report
from ._report import SKIPPED_COLUMNS, FileReport, LoadReport, LoadResult

__all__ = [
    "AS_OF_WINDOW_DAYS",
    "ASSET_CLASSES",
    "CANONICAL",
    "EARLIEST_AS_OF",
    "NOT_SCREENABLE",
    "SKIPPED_COLUMNS",
    "FileReport",
    "LoadReport",
    "LoadResult",
    "ReadLimits",
    "check_as_of",
    "implausible_as_of",
    "load_holdings",
    "load_report",
    "normalise_asset_class",
]
