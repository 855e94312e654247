"""Derive the legal-form words stripped when names are normalised, from GLEIF's ISO 20275 list.

Reads ``identifiers/gleif_elf-codes-1.4.1.csv`` from the shared data folder (default: ``../shared/data``
beside the repository) and writes ``src/exclusionscreen/data/legal_forms.csv``: one row per legal-form
abbreviation in Latin script, normalised the way names are, with how many jurisdictions use it, its
source and the retrieval date of the GLEIF file.

It also writes ``src/exclusionscreen/data/legal_form_variants.csv``: the spellings of one legal form
that GLEIF lists together under one ELF code (its name and its abbreviations) where one is an
abbreviation of the other (its letters, in order, starting with the same letter: LIMITED and LTD,
AKTIENGESELLSCHAFT and AG, PUBLIC LIMITED COMPANY and PLC), each mapped to its short form, with
the jurisdictions that list the pair: a spelling is given the abbreviation most ELF codes list beside
it, and a spelling that is itself some other spelling's short form is left as it is (CORPORATION is
CORP, COMPANY is CO, and CORP stays CORP). Different designators that one jurisdiction allows for one
form (INC and CORP in US states, LTD and INC in Canada) are not grouped: a name does not say its
jurisdiction, and elsewhere they are different forms.
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
VARIANTS = ROOT / "src" / "exclusionscreen" / "data" / "legal_form_variants.csv"
SOURCE = "GLEIF ISO 20275 Entity Legal Forms code list, version 1.4.1 (CC0)"
SOURCE_URL = "https://www.gleif.org/en/about-lei/code-lists/iso-20275-entity-legal-forms-code-list"
MAX_TOKENS = 4
# The date the GLEIF file was taken into the shared data folder (the snapshot the reference lists are
# built from; the same date as RETRIEVED in build_reference_lists.py). A constant, so a rebuild gives
# the same bytes.
RETRIEVED = "2026-11-22"
TRANSLITERATED = "Entity Legal Form name Transliterated name (per ISO 01-140-10)"


def normalise(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if len(ascii_text) < len(text) * 0.8:  # mostly non-Latin script: not a word we can strip
        return ""
    cleaned = "".join(c if c.isalnum() else " " for c in ascii_text.replace(".", "").upper())
    return " ".join(cleaned.replace("&", " AND ").split())


def abbreviates(short: str, long: str) -> bool:
    """True when `short` is an abbreviation of `long`: shorter, the same first letter, and its letters
    (spaces aside) found in `long` in order."""
    short, long = short.replace(" ", ""), long.replace(" ", "")
    if not short or len(short) >= len(long) or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(c in rest for c in short)


def variants(rows: list[dict[str, str]]) -> dict[tuple[str, str], set[str]]:
    """(spelling, its short form) -> jurisdictions, from the active ELF codes' names and abbreviations."""
    spellings: dict[str, set[str]] = defaultdict(set)  # ELF code -> spellings
    where: dict[str, set[str]] = defaultdict(set)  # ELF code -> jurisdictions
    for row in rows:
        code = row["ELF Code"]
        where[code].add(row["Country Code (ISO 3166-1)"] or row["Jurisdiction of formation"])
        texts = [row["Entity Legal Form name Local name"], row[TRANSLITERATED]]
        texts += [
            p for c in ("Abbreviations Local language", "Abbreviations transliterated") for p in row[c].split(";")
        ]
        for text in texts:
            form = normalise(text)
            if len(form) >= 2 and len(form.split()) <= MAX_TOKENS and any(c.isalpha() for c in form):
                spellings[code].add(form)
    codes: dict[tuple[str, str], set[str]] = defaultdict(set)  # (spelling, abbreviation) -> ELF codes
    for code, forms in spellings.items():
        for long in forms:
            for short in forms:
                if abbreviates(short, long) and short not in long.split():
                    codes[(long, short)].add(code)
    # each spelling takes the abbreviation most codes list beside it (CORPORATION: CORP in 53 codes,
    # CO in 39), the longer on a tie
    best: dict[str, str] = {}
    for (long, short), found in codes.items():
        rank = (len(found), len(short), short)  # the spelling itself last, so that the choice is fixed
        if long not in best or rank > (len(codes[(long, best[long])]), len(best[long]), best[long]):
            best[long] = short
    # no chains: a spelling that is another's short form stays itself (CORP is not made CO)
    targets = set(best.values())
    return {
        (long, short): {j for code in codes[(long, short)] for j in where[code]}
        for long, short in sorted(best.items())
        if long not in targets
    }


def main(shared: Path) -> None:
    source = shared / "identifiers" / "gleif_elf-codes-1.4.1.csv"
    forms: dict[str, set[str]] = defaultdict(set)
    with source.open(encoding="utf-8-sig", newline="") as fh:
        active = [row for row in csv.DictReader(fh) if row["ELF Status ACTV/INAC"] == "ACTV"]
        for row in active:
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
    pairs = variants(active)
    with VARIANTS.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["form", "same_as", "jurisdictions", "source", "source_url", "retrieved"])
        for (long, canonical), where in sorted(pairs.items()):
            writer.writerow([long, canonical, " ".join(sorted(where)), SOURCE, SOURCE_URL, RETRIEVED])
    print(f"wrote {len(pairs)} legal-form spellings to {VARIANTS.relative_to(ROOT)}")


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "data"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
