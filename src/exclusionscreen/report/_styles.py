"""The report's cell styles: value objects defined once here, registered as named styles in each workbook.

A column of a sheet has a *kind* (text, money, percent, date, status, link, ...); the kind decides
the style and the number format. The writer looks styles up by kind and formats nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

__all__ = [
    "CellFormat",
    "KINDS",
    "STATUS_FORMATS",
    "format_for",
    "register",
]

_PREFIX = "exclusionscreen "


@dataclass(frozen=True)
class CellFormat:
    """A named cell style: font, fill, alignment and number format."""

    name: str
    number_format: str = "General"
    font: Font = field(default_factory=Font)
    fill: PatternFill = field(default_factory=PatternFill)
    alignment: Alignment = field(default_factory=Alignment)
    border: Border = field(default_factory=Border)

    @property
    def style_name(self) -> str:
        return _PREFIX + self.name

    def named_style(self) -> NamedStyle:
        """A fresh openpyxl NamedStyle (named styles are bound to one workbook, so never shared)."""
        return NamedStyle(
            name=self.style_name,
            number_format=self.number_format,
            font=self.font,
            fill=self.fill,
            alignment=self.alignment,
            border=self.border,
        )


def _solid(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


_TOP = Alignment(vertical="top")

HEADER = CellFormat(
    "header",
    font=Font(bold=True, color="FFFFFF"),
    fill=_solid("1F4E78"),
    alignment=Alignment(vertical="top", wrap_text=True),
    border=Border(bottom=Side(style="thin", color="000000")),
)
HEADER_NUMBER = CellFormat(
    "header number",
    font=HEADER.font,
    fill=HEADER.fill,
    alignment=Alignment(horizontal="right", vertical="top", wrap_text=True),
    border=HEADER.border,
)
TITLE = CellFormat("title", font=Font(bold=True, size=14, color="1F4E78"))
SECTION = CellFormat("section", font=Font(bold=True, size=12, color="1F4E78"))
LABEL = CellFormat("label", font=Font(bold=True), alignment=_TOP)
NOTE = CellFormat("note", font=Font(italic=True, color="595959"))
WARNING = CellFormat("warning", font=Font(color="9C0006"))
WRAP = CellFormat("wrapped text", alignment=Alignment(vertical="top", wrap_text=True))
MONEY = CellFormat("money", number_format="#,##0.00", alignment=_TOP)
NUMBER = CellFormat("number", number_format="#,##0.####", alignment=_TOP)
COUNT = CellFormat("count", number_format="#,##0", alignment=_TOP)
PERCENT = CellFormat("percent", number_format="0.00%", alignment=_TOP)
SCORE = CellFormat("score", number_format="0.00", alignment=_TOP)
DATE = CellFormat("date", number_format="yyyy-mm-dd", alignment=_TOP)
DATETIME = CellFormat("date and time", number_format="yyyy-mm-dd hh:mm:ss", alignment=_TOP)
LINK = CellFormat("link", font=Font(color="0563C1", underline="single"), alignment=_TOP)

#: a holding's status (and a flag's outcome) -> its cell format; fills follow the usual
#: red / amber / green reading of a traffic light, grey for what the screen could not judge
STATUS_FORMATS: dict[str, CellFormat] = {
    "excluded": CellFormat("status excluded", font=Font(bold=True, color="9C0006"), fill=_solid("FFC7CE")),
    "watch": CellFormat("status watch", font=Font(bold=True, color="7F4F00"), fill=_solid("FFEB9C")),
    "clear": CellFormat("status clear", font=Font(color="006100"), fill=_solid("C6EFCE")),
    "unresolved": CellFormat("status unresolved", font=Font(bold=True, color="262626"), fill=_solid("BFBFBF")),
    "not_applicable": CellFormat("status not applicable", font=Font(color="595959"), fill=_solid("F2F2F2")),
    "exempt": CellFormat("status exempt", font=Font(color="1F4E78"), fill=_solid("DDEBF7")),
}
# a flag's outcome and a criterion's action read like the status they lead to
STATUS_FORMATS["exclude"] = STATUS_FORMATS["excluded"]

#: column kinds and their formats; "text", "id" and "status" cells hold text, never a formula
KINDS: dict[str, CellFormat | None] = {
    "text": None,
    "id": None,
    "wrap": WRAP,
    "money": MONEY,
    "number": NUMBER,
    "count": COUNT,
    "percent": PERCENT,
    "score": SCORE,
    "date": DATE,
    "datetime": DATETIME,
    "bool": None,
    "link": None,
    "status": None,
    "header": HEADER,
    "header_number": HEADER_NUMBER,
    "title": TITLE,
    "section": SECTION,
    "label": LABEL,
    "note": NOTE,
    "warning": WARNING,
}
_ALL = (
    [f for f in KINDS.values() if f is not None] + list({f.name: f for f in STATUS_FORMATS.values()}.values()) + [LINK]
)


def format_for(kind: str) -> CellFormat | None:
    """The format of a column kind (None: the workbook's default style)."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown column kind {kind!r}; known: {', '.join(KINDS)}") from None


def register(workbook) -> None:
    """Add every report style to `workbook` as a named style (shown in Excel's cell styles gallery)."""
    for cell_format in _ALL:
        workbook.add_named_style(cell_format.named_style())
