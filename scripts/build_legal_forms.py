"""Derive the legal-form words stripped when names are normalised, from GLEIF's ISO 20275 list.

Reads ``identifiers/gleif_elf-codes-1.4.1.csv`` from the shared data folder (default: ``../shared/data``
beside the repository) and writes ``src/exclusionscreen/data/legal_forms.csv``: one row per legal-form
abbreviation in Latin script, normalised the way names are, with how many jurisdictions use it, its
source and the retrieval date of the GLEIF file.
Running it twice gives the same bytes.

Usage: python scripts/build_legal_forms.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "exclusionscreen" / "data" / "legal_forms.csv"
SOURCE = "GLEIF ISO 20275 Entity Legal Forms code list, version 1.4.1 (CC0)"
SOURCE_URL = "https://www.gleif.org/en/about-lei/code-lists/iso-20275-entity-legal-forms-code-list"
MAX_TOKENS = 4
# The date the GLEIF file was taken into the shared data folder (the snapshot the reference lists are
# built from; the same date as RETRIEVED in build_reference_lists.py). A constant, so a rebuild gives
# the same bytes.
RETRIEVED = "2026-11-22"


def normalise(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if len(ascii_text) < len(text) * 0.8:  # mostly non-Latin script: not a word we can strip
        return ""
    cleaned = "".join(c if c.isalnum() else " " for c in ascii_text.replace(".", "").upper())
    return " ".join(cleaned.replace("&", " AND ").split())


def main(shared: Path) -> None:
    source = shared / "identifiers" / "gleif_elf-codes-1.4.1.csv"
    forms: dict[str, set[str]] = defaultdict(set)
    with source.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["ELF Status ACTV/INAC"] != "ACTV":
                continue
            jurisdiction = row["Country Code (ISO 3166-1)"] or row["Jurisdiction of formation"]
            for column in ("Abbreviations Local language", "Abbreviations transliterated"):
                for raw in row[column].split(";"):
                    for part in raw.split(","):
                        form = normalise(part)
                        if len(form) >= 2 and len(form.split()) <= MAX_TOKENS and any(c.isalpha() for c in form):
                            forms[form].add(jurisdiction)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["form", "jurisdictions", "source", "source_url", "retrieved"])
        for form in sorted(forms, key=lambda f: (-len(f), f)):
            writer.writerow([form, len(forms[form]), SOURCE, SOURCE_URL, RETRIEVED])
    print(f"wrote {len(forms)} legal forms to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "data"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
