"""Readers for the user's own SIPRI exports: the Top 100 workbook and the trade register.

SIPRI's terms allow use and citation with attribution but not redistribution of its tables, so
the project ships no SIPRI data: these readers read the files a user has downloaded.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import openpyxl
import pandas as pd

from ..contracts import CountryExposure, Involvement, validate
from ..errors import ArgumentError, InputFileError
from ..vocabulary import IssuerType
from ._bundled import ReferenceDataWarning
from ._countries import sipri_country_codes
from ._known_names import known_names_for

__all__ = ["deliveries_to_exposure", "read_sipri_top100", "read_sipri_trade_register"]

TOP100_URL = "https://www.sipri.org/databases/armsindustry"
TRADE_URL = "https://www.sipri.org/databases/armstransfers"
TIV_UNIT = "SIPRI TIV (millions)"

# A share computed from the rounded revenue figures may differ a little from SIPRI's own.
_SHARE_TOLERANCE = 0.02
_MAX_ROUNDED_SHARE = 1.05
_MISSING = re.compile(r"^\s*(\.\s*\.|\.\.|–|-|n/a)?\s*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\s*(\((?:[a-z](?:\s*,\s*|\s+)?)+\)|\*+)\s*$")
_MERGED = re.compile(r"\s+-\s+MERGED!\s*$", re.IGNORECASE)


def _header(text: object) -> str:
    return " ".join(str(text).split()) if text is not None and not pd.isna(text) else ""


def _numbers(column: pd.Series) -> pd.Series:
    """Numbers, with SIPRI's '. .' and blanks as missing."""
    text = column.astype("string")
    return pd.to_numeric(text.where(~text.fillna("").str.match(_MISSING)), errors="coerce")


def _sheet_for_year(path: Path, year: int) -> tuple[str, pd.DataFrame]:
    """The name and the cell values (no header) of the sheet for `year`."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputFileError(path, f"cannot be read as an Excel workbook ({exc})") from None
    try:
        for name in workbook.sheetnames:
            if name.strip() == str(year):
                rows = list(workbook[name].iter_rows(values_only=True))
                return name, pd.DataFrame(rows, dtype=object)
        years = ", ".join(sorted(n.strip() for n in workbook.sheetnames))
    finally:
        workbook.close()
    raise InputFileError(path, f"has no sheet for {year}; sheets: {years}")


def _column(header: pd.Series, path: Path, sheet: str, what: str, test) -> int:
    hits = [i for i, h in header.items() if test(h)]
    if not hits:
        raise InputFileError(path, f"sheet {sheet!r}: no {what} column in the header row")
    return hits[0]


def read_sipri_top100(path: str | Path, year: int) -> pd.DataFrame:
    """SIPRI Top 100 arms-producing companies of `year` as Involvement evidence, one row a company.

    Reads the sheet for `year` (sheet names may end in a space), finds the header row under the
    title lines, and reads every ranked company: ``issuer_name`` is SIPRI's company name without
    footnote markers, ``category`` conventional_weapons, ``involvement_type`` arms_revenue,
    ``revenue_share`` arms revenue over total revenue as a fraction (SIPRI's own percentage
    column where given; missing where SIPRI prints ``. .``), ``evidence_date`` 31 December of
    `year`. Extra columns: ``country`` (ISO alpha-2, missing for "Trans-European"),
    ``country_name``, ``rank``, ``arms_revenue_musd``, ``total_revenue_musd``, ``sipri_year``, and
    ``known_names``: the company's other names from the bundled, sourced table of
    :func:`~exclusionscreen.reference.known_names` (SIPRI's "HII" is Huntington Ingalls Industries,
    Inc.), " | "-joined, matched like SIPRI's own name. Company names still have to be matched to
    issuers or holdings.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    sheet, raw = _sheet_for_year(path, int(year))
    starts = raw.iloc[:, 0].map(_header).str.startswith("Rank")
    if not starts.any():
        raise InputFileError(path, f"sheet {sheet!r}: no header row starting with 'Rank'")
    header_row = int(starts.idxmax())
    header = raw.iloc[header_row].map(_header)
    company = _column(header, path, sheet, "Company", lambda h: h.startswith("Company"))
    country = _column(header, path, sheet, "Country", lambda h: h.startswith("Country"))
    arms = _column(
        header,
        path,
        sheet,
        f"Arms revenues ({year})",
        lambda h: h.startswith("Arms revenues") and f"({year})" in h and "constant" not in h and "%" not in h,
    )
    total = _column(header, path, sheet, "Total revenues", lambda h: h.startswith("Total"))
    share = _column(header, path, sheet, "arms revenue %", lambda h: "%" in h)
    notes = [i for i, h in header.items() if h.startswith("Notes")]

    body = raw.iloc[header_row + 1 :]
    rank = pd.to_numeric(body.iloc[:, 0], errors="coerce")
    body = body[rank.notna()]
    if body.empty:
        raise InputFileError(path, f"sheet {sheet!r}: no ranked companies under the header")
    printed = body[company].astype("string").str.strip()
    merged = printed.str.contains(_MERGED).fillna(False).astype(bool)
    names = printed.str.replace(_MERGED, "", regex=True).str.replace(_FOOTNOTE, "", regex=True)
    arms_rev, total_rev, pct = _numbers(body[arms]), _numbers(body[total]), _numbers(body[share])
    if pct.median() > 1.5:  # a sheet that prints 42 rather than 0.42
        pct = pct / 100
    computed = arms_rev / total_rev
    revenue_share = pct.fillna(computed)
    # Revenues are rounded to US$10 million, so a share may come out just above 100%; a share
    # far above it is an error in the figures and is left unknown.
    impossible = (revenue_share > _MAX_ROUNDED_SHARE).fillna(False).astype(bool)
    capped = ((revenue_share > 1) & ~impossible).fillna(False).astype(bool)
    shown = revenue_share.copy()
    revenue_share = revenue_share.clip(upper=1.0).mask(impossible)
    if impossible.any():
        warnings.warn(
            f"{path} sheet {sheet!r}: arms revenue above total revenue for: "
            f"{', '.join(names[impossible].tolist())}; their revenue share is left unknown",
            ReferenceDataWarning,
            stacklevel=2,
        )
    disagree = ((pct - computed).abs() > _SHARE_TOLERANCE) & ~impossible
    if disagree.any():
        listed = ", ".join(names[disagree].tolist())
        warnings.warn(
            f"{path} sheet {sheet!r}: SIPRI's arms share disagrees with arms/total revenue by "
            f"more than {_SHARE_TOLERANCE:.0%} for: {listed}; SIPRI's share is used",
            ReferenceDataWarning,
            stacklevel=2,
        )
    country_name = body[country].astype("string").str.strip()
    codes, unknown = sipri_country_codes(country_name)
    if unknown:
        warnings.warn(
            f"{path} sheet {sheet!r}: country names without an ISO code: {', '.join(unknown)}",
            ReferenceDataWarning,
            stacklevel=2,
        )
    footnotes = body[notes[0]].astype("string").str.strip().fillna("") if notes else pd.Series("", index=body.index)
    note = (
        country_name.fillna("?")
        + "; arms revenue US$ "
        + arms_rev.map(lambda v: "n/a" if pd.isna(v) else f"{v:,.0f}")
        + " million, total revenue US$ "
        + total_rev.map(lambda v: "n/a" if pd.isna(v) else f"{v:,.0f}")
        + f" million ({year}); SIPRI rank "
        + rank[body.index].astype(int).astype(str)
        + footnotes.map(lambda f: f"; SIPRI notes ({f})" if f else "")
        + merged.map(lambda m: "; marked 'MERGED!' in the sheet" if m else "")
        + capped.map(lambda c: "; share above 100% from rounding, capped at 1" if c else "")
        + shown.where(impossible).map(
            lambda v: "" if pd.isna(v) else f"; figures give an arms share of {v:.0%}, left unknown"
        )
    )
    frame = pd.DataFrame(
        {
            "issuer_id": pd.NA,
            "issuer_name": names,
            "category": "conventional_weapons",
            "involvement_type": "arms_revenue",
            "revenue_share": revenue_share,
            "source": f"SIPRI Arms Industry Database, Top 100 for {year}",
            "source_url": TOP100_URL,
            "evidence_date": pd.Timestamp(f"{int(year)}-12-31"),
            "note": note,
            "country": codes,
            "country_name": country_name,
            "rank": rank[body.index].astype("Int64"),
            "arms_revenue_musd": arms_rev,
            "total_revenue_musd": total_rev,
            "sipri_year": int(year),
            "known_names": known_names_for(names, "sipri_top100"),
        }
    ).reset_index(drop=True)
    return validate(frame, Involvement, source=f"{path} sheet {sheet!r}")


_REGISTER_COLUMNS = {
    "SIPRI AT Database ID": "deal_id",
    "Supplier": "supplier",
    "Recipient": "recipient",
    "Designation": "designation",
    "Description": "description",
    "Armament category": "armament_category",
    "Order date": "order_year",
    "Order date is estimate": "order_year_estimated",
    "Numbers delivered": "number_delivered",
    "Numbers delivered is estimate": "number_delivered_estimated",
    "Delivery year": "delivery_year",
    "Delivery year is estimate": "delivery_year_estimated",
    "Status": "status",
    "SIPRI estimate": "sipri_estimate",
    "TIV deal unit": "tiv_per_unit",
    "TIV delivery values": "tiv_delivered",
    "Local production": "local_production",
}
_REQUIRED = ["Supplier", "Recipient", "Designation", "Delivery year", "TIV delivery values"]


def read_sipri_trade_register(path: str | Path) -> pd.DataFrame:
    """SIPRI Arms Transfers Database trade register export as one row per delivery year.

    Skips the preamble above the header line, drops the ';' that ends every line, and maps
    supplier and recipient names to ISO alpha-2 codes (``supplier_country``,
    ``recipient_country``; missing for non-state actors, which SIPRI marks with ``*``, for
    organisations, marked ``**``, and for unknown parties). Columns: deal_id, supplier,
    supplier_country, recipient, recipient_country, order_year, delivery_year, designation,
    description, armament_category, number_delivered, tiv_per_unit, tiv_delivered, value_unit
    (SIPRI TIV, millions), the '... is estimate' flags, status, local_production, source,
    source_url, source_row (line in the file).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    lines = text.splitlines()
    found = [i for i, line in enumerate(lines) if "Supplier" in line and "Recipient" in line]
    if not found:
        raise InputFileError(path, "no header line naming Supplier and Recipient")
    start = found[0]
    generated = next(
        (line.split(":", 1)[1].strip(" ;") for line in lines[:start] if line.lower().startswith("data generated")), ""
    )
    body = "\n".join(line.removesuffix(";") for line in lines[start:])
    table = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False, skip_blank_lines=True)
    table.columns = [c.strip() for c in table.columns]
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {', '.join(missing)}; columns found: {', '.join(table.columns)}")
    out = table.rename(columns=_REGISTER_COLUMNS)[
        [v for k, v in _REGISTER_COLUMNS.items() if k in table.columns]
    ].copy()
    out["source_row"] = pd.RangeIndex(start + 2, start + 2 + len(out))
    for column in ("order_year", "delivery_year"):
        if column in out:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    for column in ("number_delivered", "sipri_estimate", "tiv_per_unit", "tiv_delivered"):
        if column in out:
            out[column] = pd.to_numeric(out[column].replace("", pd.NA), errors="coerce")
    for column in [c for c in out.columns if c.endswith("_estimated")] + ["local_production"]:
        if column in out:
            out[column] = out[column].map({"Yes": True, "No": False}).astype("boolean")
    for column in ("supplier", "recipient"):
        out[column] = out[column].str.strip()
        codes, unknown = sipri_country_codes(out[column])
        out[f"{column}_country"] = codes
        if unknown:
            warnings.warn(
                f"{path}: {column} names without an ISO code: {', '.join(unknown)}", ReferenceDataWarning, stacklevel=2
            )
    out["value_unit"] = TIV_UNIT
    suffix = f" (data generated {generated})" if generated else ""
    out["source"] = f"SIPRI Arms Transfers Database, trade register{suffix}"
    out["source_url"] = TRADE_URL
    first = [
        "deal_id",
        "supplier",
        "supplier_country",
        "recipient",
        "recipient_country",
        "order_year",
        "delivery_year",
        "designation",
        "description",
        "number_delivered",
        "tiv_delivered",
        "value_unit",
    ]
    first = [c for c in first if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]].reset_index(drop=True)


def deliveries_to_exposure(deliveries: pd.DataFrame, issuers: pd.DataFrame) -> pd.DataFrame:
    """State-to-state deliveries as CountryExposure of the universe's sovereign issuers.

    Each sovereign issuer (``issuer_type`` sovereign) whose ``country`` is a delivery's
    ``supplier_country`` gets one row per delivery and delivery year, with the recipient state,
    the weapon, the number delivered and the TIV. Deliveries to non-state actors,
    organisations or unknown recipients have no recipient state and are left out.
    """
    for column in ("supplier_country", "recipient_country", "delivery_year", "tiv_delivered"):
        if column not in deliveries.columns:
            raise ArgumentError(
                f"deliveries_to_exposure: deliveries have no {column!r} column; "
                "read them with read_sipri_trade_register"
            )
    for column in ("issuer_id", "issuer_type", "country"):
        if column not in issuers.columns:
            raise ArgumentError(f"deliveries_to_exposure: issuers have no {column!r} column")
    states = issuers.loc[
        issuers["issuer_type"].eq(IssuerType.SOVEREIGN.value) & issuers["country"].notna(), ["issuer_id", "country"]
    ]
    usable = deliveries[deliveries["recipient_country"].notna() & deliveries["delivery_year"].notna()]
    joined = usable.merge(states, left_on="supplier_country", right_on="country", how="inner")
    number = joined.get("number_delivered", pd.Series(pd.NA, index=joined.index))
    what = joined.get("description", pd.Series("", index=joined.index)).fillna("")
    count = number.map(lambda n: "number n/a" if pd.isna(n) else f"{n:g}").astype("string")
    description = (
        joined["designation"].astype("string").fillna("")
        + " ("
        + what.astype("string")
        + "), "
        + count
        + " delivered to "
        + joined["recipient"].astype("string")
    )
    frame = pd.DataFrame(
        {
            "issuer_id": joined["issuer_id"],
            "recipient_country": joined["recipient_country"],
            "year": joined["delivery_year"].astype("Int64"),
            "description": description,
            "value": joined["tiv_delivered"],
            "value_unit": joined.get("value_unit", TIV_UNIT),
            "source": joined["source"],
            "source_url": joined["source_url"],
            "supplier": joined["supplier"],
            "recipient": joined["recipient"],
            "deal_id": joined.get("deal_id"),
        }
    )
    return validate(frame, CountryExposure, source="deliveries_to_exposure")
