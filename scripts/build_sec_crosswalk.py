"""Build the US ticker crosswalk (ticker -> SEC registrant CIK and legal name) from the SEC's company
tickers file.

Reads ``identifiers/sec_company_tickers_2024-05.json`` from the shared data folder (default:
``../shared/data`` beside the repository; the SEC's ``company_tickers.json`` as of 2024-05-14, US
public data) and writes ``src/exclusionscreen/data/sec_company_tickers.csv``: ``ticker`` (letters and
digits only, so BRK-B, BRK.B and BRK/B are one key), ``cik``, ``title`` (the registrant's name as
EDGAR conforms it, without EDGAR's state-of-incorporation marker such as ``/DE/``) and ``retrieved``.
A ticker key that two registrants share is left out (it names neither). The source is stated in
:mod:`exclusionscreen.crosswalk`.
Running it twice gives the same bytes.

Usage: python scripts/build_sec_crosswalk.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from exclusionscreen.crosswalk import RETRIEVED, SOURCE_FILE, registrant_title, ticker_key

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "exclusionscreen" / "data" / "sec_company_tickers.csv"


def rows(shared: Path) -> list[tuple[str, str, str]]:
    """(ticker key, CIK, title) of every ticker key that names one registrant, sorted by key."""
    source = shared / "identifiers" / SOURCE_FILE
    entries = json.loads(source.read_text(encoding="utf-8"))
    by_key: dict[str, set[tuple[str, str]]] = {}
    for entry in entries.values():
        key = ticker_key(entry["ticker"])
        if key:
            by_key.setdefault(key, set()).add((str(int(entry["cik_str"])), registrant_title(entry["title"])))
    return [(key, *min(found)) for key, found in sorted(by_key.items()) if len({c for c, _ in found}) == 1]


def main(shared: Path) -> None:
    table = rows(shared)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["ticker", "cik", "title", "retrieved"])
        for key, cik, title in table:
            writer.writerow([key, cik, title, RETRIEVED])
    print(f"wrote {len(table)} tickers to {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "data"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
