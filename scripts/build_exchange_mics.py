"""Build the exchange aliases that tickers are compared with, from the ISO 10383 MIC list.

Reads ``identifiers/iso10383_mic_list.csv`` from the shared data folder (default: ``../shared/data``
beside the repository) and writes ``src/exclusionscreen/data/exchange_mics.csv``: one row per way of
writing an active market (its MIC, its name, its acronym, the part of its name after the operator,
"EURONEXT - EURONEXT PARIS" -> "EURONEXT PARIS"), keyed as :func:`exclusionscreen.exchanges.exchange_key`
writes names, with the market's MIC, operating MIC and country (the source and its date are stated in
:mod:`exclusionscreen.exchanges`, not repeated on every row). A written form that would name two
operating MICs is left out (a name alone does not tell them apart). Systematic internalisers and
other non-exchange venues are left out.

A few names that fund holdings files write and the ISO list does not (``FILE_NAMES``) are added,
each mapped to the MIC whose ISO name it abbreviates; the script stops if such a MIC is missing or
expired.
Running it twice gives the same bytes.

Usage: python scripts/build_exchange_mics.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from exclusionscreen.exchanges import RETRIEVED, SOURCE, exchange_key

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "exclusionscreen" / "data" / "exchange_mics.csv"
# venues that are not markets a security is listed on: systematic internalisers, publication
# arrangements, reporting mechanisms, crypto and other services
_NOT_A_MARKET = {"SINT", "APPA", "ARMS", "CTPS", "CASP", "TRFS"}
#: names written by fund holdings files (iShares' exchange column) -> the MIC whose ISO name they shorten
FILE_NAMES = {
    "Nasdaq Omx Helsinki Ltd.": "XHEL",  # ISO: NASDAQ HELSINKI LTD
    "Omx Nordic Exchange Copenhagen A/S": "XCSE",  # ISO: NASDAQ COPENHAGEN A/S
    "Deutsche Boerse Xetra": "XETR",  # ISO: XETRA (operated by Deutsche Boerse AG)
    "Cboe BZX formerly known as BATS": "BATS",  # ISO: CBOE BZX U.S. EQUITIES EXCHANGE, acronym BATS
    "Cboe BZX": "BATS",
    "Warsaw Stock Exchange/Equities/Main Market": "XWAR",  # ISO: WARSAW STOCK EXCHANGE/EQUITIES/MAIN MARKET
    "New Zealand Exchange Ltd": "XNZE",  # ISO: NZX - ALL MARKETS
    "Osaka Securities Exchange": "XOSE",  # ISO: OSAKA EXCHANGE (renamed 2014)
}


def main(shared: Path) -> None:
    source = shared / "identifiers" / "iso10383_mic_list.csv"
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["STATUS"] == "ACTIVE"]
    by_mic = {r["MIC"]: r for r in rows}
    markets = [r for r in rows if r["MARKET_CATEGORY_CODE"] not in _NOT_A_MARKET]
    candidates: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    codes: dict[str, tuple[str, str, str]] = {}
    for r in markets:
        market = (r["MIC"], r["OPERATING_MIC"], r["ISO_COUNTRY_CODE"])
        codes[r["MIC"]] = market
        name = r["MARKET_NAME_INSTITUTION_DESCRIPTION"]
        written = [name, r["ACRONYM"]]
        if " - " in name:
            written.append(name.rsplit(" - ", 1)[1])
        for text in written:
            key = exchange_key(text)
            if len(key) >= 3 and key not in {"ALL MARKETS", "OFF BOOK", "MTF"}:
                candidates[key].add(market)
    for text, mic in FILE_NAMES.items():
        if mic not in by_mic:
            raise SystemExit(f"{source}: no active MIC {mic} for {text!r}")
        r = by_mic[mic]
        candidates[exchange_key(text)] = {(mic, r["OPERATING_MIC"], r["ISO_COUNTRY_CODE"])}
    table: dict[str, tuple[str, str, str]] = {}
    for key, found in candidates.items():
        if len({operating for _, operating, _ in found}) == 1:
            # one operating MIC: the market named is the operating one when it is among them
            table[key] = min(found, key=lambda m: (m[0] != m[1], m[0]))
    table.update(codes)  # a MIC written as itself is always that MIC
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["alias", "mic", "operating_mic", "country"])
        for key in sorted(table):
            writer.writerow([key, *table[key]])
    size = OUT.stat().st_size
    print(f"wrote {len(table)} exchange aliases of {len(codes)} markets to {OUT.relative_to(ROOT)} ({size:,} bytes)")
    print(f"source: {SOURCE}, retrieved {RETRIEVED}")


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "data"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
