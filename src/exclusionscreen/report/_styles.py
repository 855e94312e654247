"""The report's cell styles: value objects defined once here, turned into formats of each workbook.

A column of a sheet has a *kind* (text, money, percent, date, status, link, ...); the kind decides
the style and the number format. The writer looks styles up by kind and formats nothing itself.
Colours are RRGGBB hex strings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CellFormat",
    "KINDS",
    "LINK",
    "STATUS_FORMATS",
    "format_for",
]


@dataclass(frozen=True)
class CellFormat:
    """A cell style: font, fill, alignment and number format. Every cell is aligned to the top."""

    name: str
    number_format: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    wrap: bool = False
    align: str | None = None
    border_bottom: bool = False

    def properties(self, *, quoted: bool = False, left: bool = False) -> dict[str, object]:
        """The style as XlsxWriter format properties; `quoted` adds Excel's quote prefix (text that
        looks like a formula stays text when edited), `left` aligns the value to the left."""
        props: dict[str, object] = {"valign": "top"}
        for key, value in (
            ("num_format", self.number_format),
            ("bold", self.bold),
            ("italic", self.italic),
            ("underline", 1 if self.underline else 0),
            ("font_size", self.size),
            ("font_color", f"#{self.color}" if self.color else None),
            ("bg_color", f"#{self.fill}" if self.fill else None),
            ("text_wrap", self.wrap),
            ("align", "left" if left else self.align),
            ("bottom", 1 if self.border_bottom else 0),
            ("quote_prefix", quoted),
        ):
            if value:
                props[key] = value
        if self.fill:
            props["pattern"] = 1
        return props


_BLUE = "1F4E78"

PLAIN = CellFormat("plain")
HEADER = CellFormat("header", bold=True, color="FFFFFF", fill=_BLUE, wrap=True, border_bottom=True)
HEADER_NUMBER = CellFormat(
    "header number", bold=True, color="FFFFFF", fill=_BLUE, wrap=True, border_bottom=True, align="right"
)
TITLE = CellFormat("title", bold=True, size=14, color=_BLUE)
SECTION = CellFormat("section", bold=True, size=12, color=_BLUE)
LABEL = CellFormat("label", bold=True)
NOTE = CellFormat("note", italic=True, color="595959", wrap=True)
WARNING = CellFormat("warning", color="9C0006", wrap=True)
ALERT = CellFormat("alert", bold=True, size=12, color="9C0006", fill="FFC7CE", wrap=True)
WRAP = CellFormat("wrapped text", wrap=True)
MONEY = CellFormat("money", number_format="#,##0.00")
NUMBER = CellFormat("number", number_format="#,##0.####")
COUNT = CellFormat("count", number_format="#,##0")
PERCENT = CellFormat("percent", number_format="0.00%")
SCORE = CellFormat("score", number_format="0.00")
DATE = CellFormat("date", number_format="yyyy-mm-dd")
DATETIME = CellFormat("date and time", number_format="yyyy-mm-dd hh:mm:ss")
LINK = CellFormat("link", color="0563C1", underline=True)

#: a holding's status (and a flag's outcome) -> its cell format; fills follow the usual
#: red / amber / green reading of a traffic light, grey for what the screen could not judge
STATUS_FORMATS: dict[str, CellFormat] = {
    "excluded": CellFormat("status excluded", bold=True, color="9C0006", fill="FFC7CE"),
    "watch": CellFormat("status watch", bold=True, color="7F4F00", fill="FFEB9C"),
    "clear": CellFormat("status clear", color="006100", fill="C6EFCE"),
    "unresolved": CellFormat("status unresolved", bold=True, color="262626", fill="BFBFBF"),
    "not_applicable": CellFormat("status not applicable", color="595959", fill="F2F2F2"),
    "exempt": CellFormat("status exempt", color=_BLUE, fill="DDEBF7"),
}
# a flag's outcome and a criterion's action read like the status they lead to
STATUS_FORMATS["exclude"] = STATUS_FORMATS["excluded"]

#: column kinds and their formats; "text", "id" and "status" cells hold text, never a formula
KINDS: dict[str, CellFormat] = {
    "text": PLAIN,
    "id": PLAIN,
    "wrap": WRAP,
    "money": MONEY,
    "number": NUMBER,
    "count": COUNT,
    "percent": PERCENT,
    "score": SCORE,
    "date": DATE,
    "datetime": DATETIME,
    "bool": PLAIN,
    "link": PLAIN,
    "status": PLAIN,
    "header": HEADER,
    "header_number": HEADER_NUMBER,
    "title": TITLE,
    "section": SECTION,
    "label": LABEL,
    "note": NOTE,
    "warning": WARNING,
    "alert": ALERT,
}


def format_for(kind: str) -> CellFormat:
    """The format of a column kind."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown column kind {kind!r}; known: {', '.join(KINDS)}") from None
