"""Measure how well the screen ties real holdings to the companies an evidence source names.

Screens each holdings file keyed in ``benchmarks/keys/`` (see its README) three times: against the
SIPRI Top 100 for 2022, for 2023, and against the official lists (the bundled 1260H and Annex IV
lists, and the NS-CMIC entries of OFAC's consolidated list read from ``../shared/data``), then
compares the flags and the review rows with the hand-labelled keys. Per file and source it prints:

- ``keyed``: matches to find (relation ``direct`` or ``share_class``, status ``sure``);
- ``found`` and ``recall``: of those, the holdings flagged with that very entity as the cause;
- ``in review``: of the misses, those at least offered to an analyst (a review row naming the entity);
- ``false flags``: flags whose holding and entity are not keyed as a match (uncertain rows excepted);
- ``trap excl`` / ``trap watch``: flags with action exclude / watch on a keyed look-alike;
- ``cand/100``: review rows that propose a candidate (an entity-list or evidence name for a holding)
  per 100 holdings.

Choices that make it a measurement of matching, not of dates or thresholds:

- every list entry is taken as in force (the ``valid_to`` of the bundled lists is cleared) and the
  screening date is 2026-07-31, after every edition keyed; the keys say whether a holding *is* an
  entity, not whether the listing was in force on the file's date;
- SIPRI is read by a copy of the shipped ``conventional_weapons`` criterion with no revenue
  threshold (``revenue_threshold`` 0), so every SIPRI company found is flagged (watch), whatever its
  arms share;
- an entity is compared with the key by the letters and digits of its name, case aside, so that one
  entity printed two ways by two list editions ("Xi'an", "Xi’an") is one entity;
- the lists are read by three copies of ``official_military_lists``, one per list (1260H, Annex IV,
  ``us_ns_cmic``), so that a holding on two lists is counted on both.

It asserts nothing and exits 0; it writes every miss, false flag and flagged or reviewed trap to a CSV
for an analyst (``--out``, default ``accuracy_findings.csv``). Without ``../shared/data`` it says so and
exits 0.

Run: ``.venv/bin/python benchmarks/accuracy.py [--files IVV SWDA ...] [--out accuracy_findings.csv]``
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

import exclusionscreen as es

ROOT = Path(__file__).resolve().parents[1]
KEYS = ROOT / "benchmarks" / "keys"
SHARED = ROOT.parent / "shared" / "data"
HOLDINGS = SHARED / "holdings"
SIPRI = SHARED / "arms_industry" / "SIPRI-Top-100-2002-2023.xlsx"
OFAC = SHARED / "lists" / "ofac" / "cons_prim.csv"
AS_OF = "2026-07-31"
SOURCES = ("sipri_2022", "sipri_2023", "us_dod_1260h", "eu_833_annex_iv", "us_ns_cmic")
LIST_SOURCES = ("us_dod_1260h", "eu_833_annex_iv", "us_ns_cmic")
MATCH = ("direct", "share_class")
RELATED = ("direct", "share_class", "parent", "subsidiary")
OFAC_URL = "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists"


def read_keys(code: str) -> pd.DataFrame:
    """All key rows of one holdings file, every source, as text."""
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in sorted(KEYS.glob(f"{code}__*.csv"))]
    keys = pd.concat(frames, ignore_index=True)
    keys["row"] = keys["row"].astype(int)
    return keys


def key_files() -> dict[str, str]:
    """File code -> holdings file name, from the keys themselves."""
    out = {}
    for path in sorted(KEYS.glob("*__*.csv")):
        code = path.name.split("__")[0]
        names = pd.read_csv(path, dtype=str, usecols=["holdings_file"])["holdings_file"].unique()
        if len(names):
            out[code] = names[0]
    return out


def ns_cmic_list(path: Path) -> pd.DataFrame:
    """The NS-CMIC entries of OFAC's consolidated list as an entity list (names and issuer-name aliases)."""
    rows = []
    text = path.read_text(encoding="latin-1")
    for line, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        if len(record) < 12 or record[3].strip() != "CMIC-EO13959":
            continue
        remarks = record[11]
        aliases = re.findall(r"Issuer Name ([^;]+)", remarks) + re.findall(r"a\.k\.a\. '([^']+)'", remarks)
        listed = re.search(r"Listing Date \(CMIC\) (\d\d \w\w\w \d{4})", remarks)
        rows.append(
            dict(
                list_id="us_ns_cmic",
                name=record[1].strip(),
                aliases=" | ".join(a.strip().rstrip(".") for a in aliases) or None,
                parent_name=None,
                valid_from=pd.Timestamp(listed.group(1)) if listed else pd.NaT,
                valid_to=pd.NaT,
                source=f"OFAC non-SDN list, programme CMIC-EO13959 (lists/ofac/cons_prim.csv, line {line})",
                source_url=OFAC_URL,
            )
        )
    return pd.DataFrame(rows)


def list_universe() -> es.Universe:
    """The bundled entity lists with every entry in force, plus NS-CMIC from OFAC (unless bundled)."""
    lists = es.bundled_entity_lists().copy()
    lists["valid_to"] = pd.NaT
    if not lists["list_id"].eq("us_ns_cmic").any():
        lists = pd.concat([lists, ns_cmic_list(OFAC)], ignore_index=True)
    return es.Universe.from_frames(entity_lists=lists)


def policies() -> tuple[es.Policy, es.Policy]:
    """A SIPRI policy (conventional weapons at any arms share) and a lists policy (three lists)."""
    broad = es.load_policy("broad")
    by_id = {c.id: c for c in broad.criteria}
    arms = replace(by_id["conventional_weapons"], revenue_threshold=0.0)
    # one criterion per list: a screen keeps one hit per holding and criterion, so a single
    # criterion reading three lists would report a holding on two lists under one of them only
    lists = tuple(
        replace(by_id["official_military_lists"], id=f"official_list_{list_id}", entity_lists=(list_id,))
        for list_id in LIST_SOURCES
    )
    sipri = replace(broad, id="accuracy_sipri", title="Accuracy: SIPRI at any arms share", criteria=(arms,))
    official = replace(broad, id="accuracy_lists", title="Accuracy: official lists, one criterion each", criteria=lists)
    return sipri, official


def compare(
    code: str, source: str, keys: pd.DataFrame, result: es.ScreenResult, ranks: dict[int, str]
) -> tuple[dict, list[dict]]:
    """Score one source of one file; return the figures and the findings for the analyst.

    A flag names its entity in ``cause_name`` for a list; for SIPRI, whose evidence is keyed by the
    holding's own name, the entity is SIPRI's company of the rank quoted in ``evidence_note``
    (`ranks`). A review row is tied to its holding by ``holding_id``, or, where that is empty, by the
    holding name it gives as ``candidate_name``.
    """
    holdings = result.holdings[["holding_id", "source_row", "security_name"]]
    row_of = dict(zip(holdings["holding_id"], holdings["source_row"].astype(int), strict=True))
    rows_named = holdings.groupby(holdings["security_name"].astype(str))["source_row"].agg(
        lambda s: [int(x) for x in s]
    )
    flags = result.flags.copy()
    review = result.review
    if source.startswith("sipri"):
        flags = flags[flags["criterion_id"].eq("conventional_weapons")]
        rank = flags["evidence_note"].astype(str).str.extract(r"SIPRI rank (\d+)", expand=False).astype(float)
        flags["entity"] = rank.map(lambda r: ranks.get(int(r)) if pd.notna(r) else None)
        candidates = review[~review["kind"].eq("holding") & review["evidence_name"].notna()]
    else:
        flags = flags[flags["list_id"].eq(source)]
        flags["entity"] = flags["cause_name"]
        candidates = review[review["kind"].eq(f"entity list {source}") & review["evidence_name"].notna()]
    flags["row"] = flags["holding_id"].map(row_of)
    # one entity printed two ways by two editions ("Xi'an", "Xi’an"): compared by letters and digits
    shown = dict(zip(flags["entity"].map(_entity_key), flags["entity"], strict=True))
    shown |= dict(zip(keys["entity_name"].map(_entity_key), keys["entity_name"], strict=True))
    shown |= {_entity_key(n): n for n in candidates["evidence_name"]}
    keys = keys.assign(entity_name=keys["entity_name"].map(_entity_key))
    flags["entity"] = flags["entity"].map(_entity_key)
    flagged = {(r, n): a for r, n, a in zip(flags["row"], flags["entity"], flags["action"], strict=True)}
    offered: dict[tuple[int, str], str] = {}
    for hid, cand, name, why in zip(
        candidates["holding_id"],
        candidates["candidate_name"],
        candidates["evidence_name"],
        candidates["reason"],
        strict=True,
    ):
        rows = [row_of[hid]] if pd.notna(hid) and hid in row_of else rows_named.get(str(cand), [])
        for r in rows:
            offered[(r, _entity_key(name))] = str(why)

    k = keys[keys["source"].eq(source)]
    sure = k[k["status"].eq("sure")]
    pairs = set(zip(k["row"], k["entity_name"], strict=True))
    related = set(
        zip(
            sure.loc[sure["relation"].isin(RELATED), "row"],
            sure.loc[sure["relation"].isin(RELATED), "entity_name"],
            strict=True,
        )
    )
    traps = set(
        zip(
            sure.loc[sure["relation"].eq("trap"), "row"],
            sure.loc[sure["relation"].eq("trap"), "entity_name"],
            strict=True,
        )
    )
    uncertain = set(
        zip(k.loc[k["status"].eq("uncertain"), "row"], k.loc[k["status"].eq("uncertain"), "entity_name"], strict=True)
    )
    wanted = sure[sure["relation"].isin(MATCH)]

    findings: list[dict] = []
    found = in_review = 0
    for rec in wanted.itertuples(index=False):
        pair = (rec.row, rec.entity_name)
        if pair in flagged:
            found += 1
            continue
        why = offered.get(pair)
        in_review += why is not None
        findings.append(
            _finding(code, source, rec.row, rec.security_name, shown[rec.entity_name], "missed", rec.relation, why)
        )
    false_flags = trap_excl = trap_watch = 0
    for (r, name), action in flagged.items():
        if (r, name) in related or (r, name) in uncertain:
            continue
        false_flags += 1
        on_trap = (r, name) in traps
        trap_excl += on_trap and action == "exclude"
        trap_watch += on_trap and action == "watch"
        what = f"flagged ({action}) on a trap" if on_trap else f"false flag ({action})"
        findings.append(
            _finding(code, source, r, _name(holdings, r), shown.get(name, name), what, "trap" if on_trap else "", None)
        )
    for (r, name), why in offered.items():
        if (r, name) in traps:
            findings.append(
                _finding(code, source, r, _name(holdings, r), shown.get(name, name), "trap in review", "trap", why)
            )
    figures = dict(
        file=code,
        source=source,
        holdings=len(result.holdings),
        keyed=len(wanted),
        found=found,
        recall=found / len(wanted) if len(wanted) else float("nan"),
        in_review=in_review,
        false_flags=false_flags,
        trap_excl=trap_excl,
        trap_watch=trap_watch,
        traps=len(traps),
        cand_per_100=100 * len(candidates) / max(len(result.holdings), 1),
        unkeyed_pairs=len({p for p in flagged if p not in pairs}),
    )
    return figures, findings


def _entity_key(name: object) -> str | None:
    """An entity's name as letters and digits, case folded (None stays None)."""
    return None if name is None or pd.isna(name) else re.sub(r"[\W_]+", "", str(name).casefold())


def _name(holdings: pd.DataFrame, row: int) -> str:
    names = holdings.loc[holdings["source_row"].astype(int).eq(row), "security_name"]
    return str(names.iloc[0]) if len(names) else ""


def _finding(code, source, row, security, entity, what, relation, reason) -> dict:
    return dict(
        file=code,
        source=source,
        row=row,
        security_name=security,
        entity_name=entity,
        finding=what,
        relation=relation,
        review_reason=reason or "",
    )


def check_rows(code: str, keys: pd.DataFrame, holdings: pd.DataFrame) -> list[str]:
    """Key rows that the loader did not load under the same name (the comparison needs them)."""
    loaded = dict(zip(holdings["source_row"].astype(int), holdings["security_name"].astype(str), strict=True))
    problems = []
    for row, name in sorted(set(zip(keys["row"], keys["security_name"], strict=True))):
        if loaded.get(row) != name:
            problems.append(f"{code} row {row} {name!r}: loaded as {loaded.get(row)!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", help="file codes to screen (default: every keyed file)")
    parser.add_argument("--out", default="accuracy_findings.csv", help="CSV of misses, false flags and traps")
    args = parser.parse_args(argv)
    if not (HOLDINGS.is_dir() and SIPRI.is_file() and OFAC.is_file()):
        print(f"shared data not found next to the repository ({SHARED.relative_to(ROOT.parent)}): nothing measured")
        return 0
    files = key_files()
    codes = args.files or list(files)
    sipri_policy, list_policy = policies()
    sipri = {year: es.read_sipri_top100(SIPRI, year) for year in (2022, 2023)}
    ranks = {f"sipri_{y}": dict(zip(f["rank"].astype(int), f["issuer_name"], strict=True)) for y, f in sipri.items()}
    universes = {
        "sipri_2022": es.Universe.from_frames(involvement=sipri[2022]),
        "sipri_2023": es.Universe.from_frames(involvement=sipri[2023]),
        "lists": list_universe(),
    }
    table, findings, problems = [], [], []
    for code in codes:
        keys = read_keys(code)
        holdings, load_report = es.load_holdings(HOLDINGS / files[code])
        problems += check_rows(code, keys, holdings)
        for name, universe in universes.items():
            policy = list_policy if name == "lists" else sipri_policy
            start = time.perf_counter()
            result = es.screen(holdings, universe, policy, as_of=AS_OF, load_report=load_report)
            seconds = time.perf_counter() - start
            for source in LIST_SOURCES if name == "lists" else (name,):
                figures, found = compare(code, source, keys, result, ranks.get(source, {}))
                figures["seconds"] = seconds
                table.append(figures)
                findings += found
    frame = pd.DataFrame(table)
    print(f"accuracy against benchmarks/keys, screened at {AS_OF} (every list entry in force)\n")
    print(_render(frame))
    print(_totals(frame))
    pd.DataFrame(findings, columns=list(_finding("", "", 0, "", "", "", "", "").keys())).to_csv(args.out, index=False)
    print(f"\n{len(findings)} findings written to {args.out}")
    for problem in problems:
        print("key row not loaded as keyed:", problem)
    return 0


def _render(frame: pd.DataFrame) -> str:
    shown = frame.assign(
        recall=frame["recall"].map(lambda x: "-" if pd.isna(x) else f"{x:.0%}"),
        cand_per_100=frame["cand_per_100"].map(lambda x: f"{x:.1f}"),
        seconds=frame["seconds"].map(lambda x: f"{x:.1f}"),
    )
    columns = {
        "file": "file",
        "source": "source",
        "holdings": "holdings",
        "keyed": "keyed",
        "found": "found",
        "recall": "recall",
        "in_review": "in review",
        "false_flags": "false flags",
        "traps": "traps",
        "trap_excl": "trap excl",
        "trap_watch": "trap watch",
        "cand_per_100": "cand/100",
        "seconds": "screen s",
    }
    return shown[list(columns)].rename(columns=columns).to_string(index=False)


def _totals(frame: pd.DataFrame) -> str:
    keyed, found = int(frame["keyed"].sum()), int(frame["found"].sum())
    recall = found / keyed if keyed else float("nan")
    lists = frame[frame["source"].isin(LIST_SOURCES)]
    per_file = lists.groupby("file", sort=False)["cand_per_100"].sum()
    review = ", ".join(f"{file} {value:.1f}" for file, value in per_file.items())
    return (
        f"\nlist-candidate review rows per 100 holdings, the three lists together: {review}"
        f"\nall: {found} of {keyed} keyed matches found (recall {recall:.1%}); "
        f"{int(frame['false_flags'].sum())} false flags, of which {int(frame['trap_excl'].sum())} exclusions "
        f"and {int(frame['trap_watch'].sum())} watches on {int(frame['traps'].sum())} traps"
    )


if __name__ == "__main__":
    sys.exit(main())
