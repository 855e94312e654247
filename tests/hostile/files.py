"""Hostile input files, each built in code and small on disk.

Every workbook is written part by part with :mod:`zipfile`, so a test controls exactly what the
archive declares; nothing here is a real company's data.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_BOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Holdings" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)

#: A small holdings table (fictional securities) that every hostile workbook starts with.
TABLE = [
    ["ISIN", "Security Name", "Market Value"],
    ["XS0000000018", "EXAMPLE FINANCE 3.5% 2030", 300000],
    ["FR0000000026", "FICTIVE AERONAUTIQUE SA", 250000],
    ["DE0000000034", "MUSTER CHEMIE AG", 200000],
]


def _cell(ref: str, value: object) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def table_rows(table: list[list[object]] = TABLE) -> str:
    """The rows of `table` as sheet XML, from row 1."""
    out = []
    for r, values in enumerate(table, start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values))
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def write_workbook(path: Path, sheet: Iterable[bytes], shared_strings: Iterable[bytes] = (), *, level: int = 6) -> Path:
    """An .xlsx whose sheet1 and sharedStrings parts are the given chunks of XML."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            with archive.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return path


def _sheet(*parts: str | Iterable[str]) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    for part in parts:
        if isinstance(part, str):
            yield part.encode()
        else:
            for piece in part:
                yield piece.encode()
    yield b"</sheetData></worksheet>"


def _strings(strings: list[str]) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{len(strings)}">'.encode()
    for s in strings:
        yield f"<si><t>{s}</t></si>".encode()
    yield b"</sst>"


def far_cell(path: Path, ref: str) -> Path:
    """The small table and one more cell far away at `ref` (XFD20000, XFD1048576): a few KB."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    return write_workbook(path, _sheet(table_rows(), f'<row r="{row}">{_cell(ref, "x")}</row>'), _strings([]))


def repeated_shared_strings(path: Path, *, length: int = 32_767, strings: int = 4, rows: int = 10_000) -> Path:
    """Ten columns of cells that all point at a few shared strings of `length` characters.

    Small on disk (the strings compress to almost nothing and are stored once), but each of the
    100,000 cells stands for 32,767 characters: 3.3 billion characters once every cell is text.
    """
    texts = [chr(65 + i) * length for i in range(strings)]

    def body() -> Iterator[str]:
        for r in range(len(TABLE) + 1, len(TABLE) + 1 + rows):
            yield f'<row r="{r}">' + "".join(
                f'<c r="{chr(65 + c)}{r}" t="s"><v>{c % strings}</v></c>' for c in range(10)
            )
            yield "</row>"

    return write_workbook(path, _sheet(table_rows(), body()), _strings(texts), level=9)


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _raw_zip(path: Path, members: list[tuple[str, list[bytes], int, int]]) -> Path:
    """A zip archive of members given already deflated: (name, raw chunks, crc32, inflated size).

    :mod:`zipfile` compresses what it is given, which would make building a 500 MB member take
    seconds; writing the headers here lets one deflated segment be repeated instead.
    """
    central = []
    with path.open("wb") as out:
        for name, chunks, crc, size in members:
            offset = out.tell()
            packed = sum(map(len, chunks))
            encoded = name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, packed, size, len(encoded), 0))
            out.write(encoded)
            for chunk in chunks:
                out.write(chunk)
            central.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    packed,
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return path


def ratio_bomb(path: Path, *, segments: int = 525) -> Path:
    """About 1.7 MB on disk whose sheet inflates to over 500 MB, at a ratio near 300.

    The sheet repeats one 1 MB run of rows (200 equal cells and a counter each, no cell
    references) `segments` times. The ratio is under the old archive check's limit of 500 and
    the total under its old 512 MiB, so the old check let the file through.
    """
    cells = "<c><v>1</v></c>" * 200
    rows = "".join(f"<row><c><v>{k}</v></c>{cells}</row>" for k in range(330)).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = packer.compress(rows) + packer.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no history
    head = b"".join(_sheet(table_rows(), ""))[: -len(b"</sheetData></worksheet>")]
    tail = b"</sheetData></worksheet>"
    crc = zlib.crc32(head)
    for _ in range(segments):
        crc = zlib.crc32(rows, crc)
    crc = zlib.crc32(tail, crc)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    size = len(head) + segments * len(rows) + len(tail)
    small = [
        ("[Content_Types].xml", _TYPES.encode()),
        ("_rels/.rels", _ROOT_RELS.encode()),
        ("xl/workbook.xml", _BOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _BOOK_RELS.encode()),
        ("xl/sharedStrings.xml", b"".join(_strings([]))),
    ]
    members = [(name, [_deflate(data)], zlib.crc32(data), len(data)) for name, data in small]
    members.append(("xl/worksheets/sheet1.xml", [first, *([segment] * segments), last], crc, size))
    return _raw_zip(path, members)


def wide_csv(path: Path, *, columns: int = 100_000, rows: int = 8_000) -> Path:
    """A CSV of short holding lines and one line of 100,000 fields: about 2.7 MB."""
    lines = ["ISIN,Security Name,Market Value"]
    lines += [f"XS0000000018,EXAMPLE FINANCE {i},{1000 + i}" for i in range(rows)]
    lines.append(",".join(f"field-{i:015d}" for i in range(columns)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
