"""The quarterly exclusion report: an Excel workbook of the screen, and the restricted list as CSV.

``write_report(result, "2026Q3_exclusions.xlsx")`` writes the sheets Summary, Flags, Holdings,
Review, Changes, Overrides, Criteria and About (see :func:`write_report`);
``write_restricted_list(result, "restricted.csv")`` writes every security of every excluded
issuer, for a trading system's pre-trade check. Both write a temporary file first and move it
into place, and refuse to overwrite an input of the screen.
"""

from ._writer import ReportError, write_report, write_restricted_list

__all__ = ["ReportError", "write_report", "write_restricted_list"]
