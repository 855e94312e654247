"""Form N-PORT: the SEC's XML report of a US fund's holdings, one ``invstOrSec`` per position.

Each position becomes one holding with every identifier the filing gives: the issuer's name and
LEI, the CUSIP (``000000000`` is the form's placeholder for "none", not a CUSIP), the ISIN, the
ticker and any other identifier (kept as ``other_identifiers``, "Trade Identifier: 23CJKBB56P4").
The value is in US dollars (``valUSD``; ``market_value_currency`` says so) and the position's
own currency is ``currency``; ``pctVal`` (percent of net assets) becomes the weight as a
fraction. The reporting date (``repPdDate``) is the as-of date.

The asset category (Item C.4) and issuer category (Item C.5) codes are kept as the filing
writes them (``asset_class_raw``, ``issuer_category``) and read into the project's words:
``asset_class`` and ``issuer_type``, where U.S. Treasury (``UST``) and non-U.S. sovereign
(``NUSS``) issuers are ``sovereign``. The code meanings follow the SEC's Form N-PORT and its
XML technical specification (``eis_NPORT_Filer.xsd``).

The XML is parsed with lxml with entity resolution, DTD loading and network access off, and a
document that declares a DTD is refused.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
from lxml import etree

from ..errors import InputFileError
from ..vocabulary import IssuerType
from ._asof import implausible_as_of
from ._columns import check_identifiers
from ._report import SKIPPED_COLUMNS, FileReport

__all__ = ["ASSET_CATEGORIES", "ISSUER_CATEGORIES", "is_nport", "read_nport"]

_NS = "http://www.sec.gov/edgar/nport"
_Q = f"{{{_NS}}}"
_SNIFF = 4096

ASSET_CATEGORIES: dict[str, str] = {
    "STIV": "money_market",  # short-term investment vehicle (money market fund, liquidity pool)
    "RA": "money_market",  # repurchase agreement
    "EC": "equity",  # equity-common
    "EP": "equity",  # equity-preferred
    "DBT": "fixed_income",  # debt
    "SN": "fixed_income",  # structured note
    "LON": "fixed_income",  # loan
    "ABS-MBS": "fixed_income",  # mortgage-backed security
    "ABS-APCP": "fixed_income",  # asset-backed commercial paper
    "ABS-CBDO": "fixed_income",  # collateralised bond/debt obligation
    "ABS-O": "fixed_income",  # other asset-backed security
    "DCO": "derivative",  # derivative-commodity
    "DCR": "derivative",  # derivative-credit
    "DE": "derivative",  # derivative-equity
    "DFE": "fx",  # derivative-foreign exchange
    "DIR": "derivative",  # derivative-interest rate
    "DO": "derivative",  # derivative-other
    "COMM": "other",  # commodity
    "RE": "other",  # real estate
    "OT": "other",  # other
}
"""N-PORT asset category (Item C.4) -> the project's asset class."""

ISSUER_CATEGORIES: dict[str, str] = {
    "CORP": IssuerType.CORPORATE.value,  # corporate
    "UST": IssuerType.SOVEREIGN.value,  # U.S. Treasury
    "NUSS": IssuerType.SOVEREIGN.value,  # non-U.S. sovereign
    "USGA": IssuerType.OTHER.value,  # U.S. government agency
    "USGSE": IssuerType.OTHER.value,  # U.S. government sponsored entity
    "MUN": IssuerType.OTHER.value,  # municipal
    "RF": IssuerType.FUND.value,  # registered fund
    "PF": IssuerType.FUND.value,  # private fund
    "OTHER": IssuerType.OTHER.value,
}
"""N-PORT issuer category (Item C.5) -> issuer type (``corporate``, ``sovereign``, ``fund``, ``other``)."""

_PLACEHOLDERS = frozenset({"", "N/A", "NA", "NONE", "000000000"})
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False)


def is_nport(data: bytes) -> bool:
    """Whether the bytes are a Form N-PORT XML document (by its root element's namespace)."""
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"edgarSubmission" in head and _NS.encode() in head


def _parse(data: bytes, name: str) -> etree._Element:
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[: _SNIFF * 4]):
        raise InputFileError(name, "refused: the XML declares a DTD or entities, which an N-PORT filing never needs")
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        raise InputFileError(name, f"damaged N-PORT XML{line}: {exc.msg}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise InputFileError(name, "refused: the XML declares a DTD")
    return root


def _text(element: etree._Element | None, tag: str) -> str | None:
    if element is None:
        return None
    found = element.find(_Q + tag)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return None if value.upper() in _PLACEHOLDERS else value


def _position(item: etree._Element) -> dict[str, object]:
    ids = item.find(_Q + "identifiers")
    isin = ticker = None
    others: list[str] = []
    if ids is not None:
        for child in ids:
            tag = etree.QName(child).localname
            value = (child.get("value") or "").strip()
            if not value or value.upper() in _PLACEHOLDERS:
                continue
            if tag == "isin":
                isin = value
            elif tag == "ticker":
                ticker = value
            else:
                others.append(f"{child.get('otherDesc') or tag}: {value}")
    conditional = item.find(_Q + "currencyConditional")
    currency = _text(item, "curCd") or (conditional.get("curCd") if conditional is not None else None)
    rate = conditional.get("exchangeRt") if conditional is not None else None
    asset = _text(item, "assetCat")
    asset_cond = item.find(_Q + "assetConditional")
    if asset is None and asset_cond is not None:
        asset = asset_cond.get("assetCat")
    issuer = _text(item, "issuerCat")
    issuer_cond = item.find(_Q + "issuerConditional")
    issuer_desc = None
    if issuer is None and issuer_cond is not None:
        issuer, issuer_desc = issuer_cond.get("issuerCat"), issuer_cond.get("desc")
    return {
        "source_row": item.sourceline,
        "security_name": _text(item, "name"),
        "security_title": _text(item, "title"),
        "lei": _text(item, "lei"),
        "cusip": _text(item, "cusip"),
        "isin": isin,
        "ticker": ticker,
        "other_identifiers": "; ".join(others) or None,
        "quantity": _text(item, "balance"),
        "quantity_units": _text(item, "units"),
        "currency": currency,
        "exchange_rate": rate,
        "market_value": _text(item, "valUSD"),
        "pct_of_net_assets": _text(item, "pctVal"),
        "payoff_profile": _text(item, "payoffProfile"),
        "asset_class_raw": asset,
        "issuer_category": issuer,
        "issuer_category_desc": issuer_desc,
        "country": _text(item, "invCountry"),
    }


def _numbers(values: pd.Series, column: str, rows: pd.Series, warnings: list[str]) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna()
    if bad.any():
        shown = ", ".join(f"line {r}: {v!r}" for r, v in zip(rows[bad].head(3), values[bad].head(3), strict=True))
        warnings.append(f"{int(bad.sum())} {column} value(s) are not numbers and were left missing: {shown}")
    return numbers.astype("float64")


def read_nport(data: bytes, name: str, portfolio_id: str) -> tuple[pd.DataFrame, FileReport]:
    """The holdings of an N-PORT filing (without holding ids) and the report on how it was read."""
    root = _parse(data, name)
    gen = root.find(f"{_Q}formData/{_Q}genInfo")
    items = root.findall(f"{_Q}formData/{_Q}invstOrSecs/{_Q}invstOrSec")
    if not items:
        raise InputFileError(name, "an N-PORT filing without positions (no invstOrSec element)")
    warnings: list[str] = []
    frame = pd.DataFrame([_position(item) for item in items])
    rows = frame["source_row"].astype("int64")
    for column in ("quantity", "market_value", "pct_of_net_assets", "exchange_rate"):
        frame[column] = _numbers(frame[column], column, rows, warnings)
    text_columns = [c for c in frame.columns if c not in ("source_row", "quantity", "market_value")]
    text_columns = [c for c in text_columns if c not in ("pct_of_net_assets", "exchange_rate")]
    frame[text_columns] = frame[text_columns].astype("string")
    frame["weight"] = frame["pct_of_net_assets"] / 100.0
    frame["market_value_currency"] = "USD"
    codes = frame["asset_class_raw"].str.upper()
    frame["asset_class"] = codes.map(ASSET_CATEGORIES).astype("string")
    unknown = sorted(set(codes.dropna()) - set(ASSET_CATEGORIES))
    if unknown:
        frame["asset_class"] = frame["asset_class"].fillna("other")
        warnings.append(f"asset categories not in Form N-PORT's list, read as 'other': {', '.join(unknown)}")
    frame["issuer_type"] = frame["issuer_category"].str.upper().map(ISSUER_CATEGORIES).astype("string")
    as_of_text = _text(gen, "repPdDate")
    as_of = pd.to_datetime(as_of_text, errors="coerce") if as_of_text else None
    as_of = None if as_of is None or pd.isna(as_of) else pd.Timestamp(as_of)
    frame["as_of"] = as_of if as_of is not None else pd.NaT
    frame["portfolio_id"] = portfolio_id
    frame["source_file"] = name
    frame["source_row"] = rows
    frame = check_identifiers(frame)  # ISINs derived from CUSIPs of securities only
    if as_of is not None:
        warnings.extend(implausible_as_of(frame, where={name: f"genInfo/repPdDate {as_of_text!r}"}))
    total = float(frame["weight"].sum())
    if frame["weight"].abs().gt(1).any():
        big = frame.loc[frame["weight"].abs().gt(1), "source_row"].head(3).tolist()
        warnings.append(f"positions worth more than the fund's net assets (lines {big}); weights left as filed")
    series = _text(gen, "seriesName") or _text(gen, "regName")
    mapping = {
        "name": "security_name",
        "title": "security_title",
        "lei": "lei",
        "cusip": "cusip (000000000 read as none)",
        "identifiers/isin": "isin",
        "identifiers/ticker": "ticker",
        "identifiers/other": "other_identifiers",
        "balance": "quantity",
        "curCd": "currency",
        "valUSD": "market_value (USD)",
        "pctVal": "weight (percent of net assets / 100)",
        "assetCat": "asset_class",
        "issuerCat": "issuer_type",
        "invCountry": "country",
    }
    report = FileReport(
        path=name,
        portfolio_id=portfolio_id,
        format="nport",
        sha256=hashlib.sha256(data).hexdigest(),
        sheet=None,
        sheets=(),
        header_row=None,
        table_end_row=int(rows.max()),
        column_mapping=mapping,
        unmapped_columns=(),
        as_of=as_of,
        as_of_source="genInfo/repPdDate" if as_of is not None else None,
        locale="Form N-PORT XML",
        locale_reason="numbers as the SEC schema writes them",
        weight_scale="percent",
        weight_scale_reason="pctVal is the percentage of the fund's net assets",
        rows_read=len(frame),
        holdings=len(frame),
        skipped=pd.DataFrame(columns=SKIPPED_COLUMNS),
        weight_sum=total,
        weight_sums={portfolio_id: total},
        duplicates=pd.DataFrame(),
        warnings=tuple(warnings),
        details={"fund": series or "(not named)", "values": "in USD (valUSD)"},
    )
    return frame, report
