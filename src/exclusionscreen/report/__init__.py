"""The quarterly exclusion report: an Excel workbook of the screen, every holding as Parquet and CSV
beside it, and the restricted list as CSV.

``write_report(result, "2026Q3_exclusions.xlsx")`` writes the sheets Summary, Flags, Holdings not
clear, Review, Changes, Overrides, Criteria and About (see :func:`write_report`), and every holding
to ``2026Q3_exclusions_holdings.parquet`` and ``.csv`` beside it; ``write_restricted_list(result,
"restricted.csv")`` writes every security of every excluded issuer, for a trading system's
pre-trade check. Each file is written to a temporary file first and moved into place, and none may
overwrite an input of the screen. :func:`summary_alerts` gives the warnings the Summary shows first.
"""

from ._sheets import alerts as summary_alerts
from ._writer import ReportError, check_writable, holdings_paths, write_holdings, write_report, write_restricted_list

__all__ = [
    "ReportError",
    "check_writable",
    "holdings_paths",
    "summary_alerts",
    "write_holdings",
    "write_report",
    "write_restricted_list",
]
