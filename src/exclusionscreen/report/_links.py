"""Source links of a table sheet, kept on disk rather than in memory while the rows stream.

A hyperlink in an .xlsx file lives in three places: the cell (which shows the URL as text), a
``<hyperlink ref="E2" r:id="..."/>`` entry after the rows of the sheet, and a relationship in the
sheet's ``.rels`` part that holds the target. openpyxl keeps a Python object for each of them until
the file is saved, about a kilobyte per link, and builds both lists as whole XML trees at the end.
Here a link is one line of a temporary file (its cell and target) from the moment its row is
written, and both lists are streamed from that file when the sheet is closed and the workbook saved:
memory stays the same however many links a sheet has.

Only a sheet without other relationships (no chart, image, comment or table) keeps its links this
way; the report's table sheets are such sheets.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from xml.sax.saxutils import quoteattr

from openpyxl.packaging.relationship import get_rels_path
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import PKG_REL_NS, REL_NS
from openpyxl.xml.functions import Element

__all__ = ["LinkSpool", "ReportExcelWriter", "spool_links"]

_HYPERLINK_TYPE = f"{REL_NS}/hyperlink"


class LinkSpool:
    """The hyperlinks of one sheet, one line each (``cell<TAB>target``) in a temporary file.

    Targets are web addresses already checked by :func:`._sheets.link_mask`: no whitespace, so a
    tab and a newline separate them safely.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        self.count = 0

    def add(self, cells: list[str], targets: list[str]) -> None:
        if cells:
            self._file.write("".join(f"{c}\t{t}\n" for c, t in zip(cells, targets, strict=True)))
            self.count += len(cells)

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        """(cell, relationship id, target) of every link, in the order they were added."""
        self._file.flush()
        self._file.seek(0)
        for n, line in enumerate(self._file, 1):
            cell, target = line.rstrip("\n").split("\t", 1)
            yield cell, f"link{n}", target

    def close(self) -> None:
        self._file.close()


class _SpooledLinksWriter(WorksheetWriter):
    """openpyxl's sheet writer, with the ``<hyperlinks>`` list streamed from the sheet's spool."""

    def __init__(self, ws, spool: LinkSpool):
        super().__init__(ws)
        self.spool = spool

    def write_hyperlinks(self) -> None:
        if self.ws._hyperlinks:  # every link of a spooled sheet goes through the spool
            raise RuntimeError(f"sheet {self.ws.title}: hyperlinks outside the link spool")
        if not self.spool.count:
            return
        xf = self.xf.send(True)
        with xf.element("hyperlinks"):
            for cell, rid, _ in self.spool:
                xf.write(Element("hyperlink", {"ref": cell, f"{{{REL_NS}}}id": rid}))
        self.xf.send(None)


def spool_links(ws) -> LinkSpool:
    """Give the write-only sheet `ws` a link spool (call before its first row); returns the spool."""
    spool = LinkSpool()
    ws._link_spool = spool

    def get_writer() -> None:  # replaces WriteOnlyWorksheet._get_writer for this sheet
        if ws._writer is None:
            ws._writer = _SpooledLinksWriter(ws, spool)
            ws._writer.write_top()

    ws._get_writer = get_writer
    return spool


class ReportExcelWriter(ExcelWriter):
    """openpyxl's workbook writer, which also writes the relationships of spooled links, streamed."""

    def write_worksheet(self, ws) -> None:
        spool = getattr(ws, "_link_spool", None)
        if spool is None:
            super().write_worksheet(ws)
            return
        try:
            super().write_worksheet(ws)
            if not spool.count:
                return
            if ws._rels or ws._charts or ws._images or ws._comments or ws._tables or ws.legacy_drawing:
                raise RuntimeError(f"sheet {ws.title}: spooled links on a sheet with other relationships")
            with self._archive.open(get_rels_path(ws.path)[1:], "w") as out:
                out.write(f'<Relationships xmlns="{PKG_REL_NS}">'.encode())
                for _, rid, target in spool:
                    out.write(
                        f'<Relationship Id="{rid}" Type="{_HYPERLINK_TYPE}" Target={quoteattr(target)} '
                        f'TargetMode="External"/>'.encode()
                    )
                out.write(b"</Relationships>")
        finally:
            spool.close()
