"""Results to write reports of: the shipped fictional pension fund (two quarters, screened from its
files) and a small fictional screen whose names and sources are hostile to spreadsheets.

Every company, state, portfolio and source here is fictional.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exclusionscreen._resources import bundled_dir
from exclusionscreen.holdings import load_holdings
from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.report import write_report
from exclusionscreen.rulefiles import load_policy
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe, load_universe

AS_OF = "2026-09-30"

#: security names a spreadsheet would run, link or misread if they were not written as text
HOSTILE_NAMES = {
    "H1": '=HYPERLINK("https://attacker.example/steal","Click for details")',
    "H2": "+cmd|' /C calc'!A0",
    "H3": "-2+3",
    "H4": "@SUM(A1)",
    "H5": "#N/A",
    "H6": "=1+1",
}
CONTROL_NAME = "Bell\x07 and Escape\x1b Trading Ltd"


def isin(body: str) -> str:
    return body + isin_check_digit(body)


def _hostile_universe() -> Universe:
    issuers = pd.DataFrame(
        [
            dict(issuer_id="QUILL", issuer_name="Quillmoor Ordnance Holdings plc", country="GB"),
            dict(
                issuer_id="QUILL_FIN",
                issuer_name="Quillmoor Finance BV",
                country="NL",
                parent_issuer_id="QUILL",
                parent_ownership=1.0,
            ),
            dict(issuer_id="TRAP", issuer_name='=HYPERLINK("https://attacker.example","Trap")', country="GB"),
            dict(issuer_id="SPY", issuer_name="Glimmerfen Surveillance Systems Inc", country="US"),
            dict(issuer_id="BAKERY", issuer_name="Sunnymead Bakeries AG", country="DE"),
        ]
    ).assign(issuer_type="corporate")
    securities = pd.DataFrame(
        [
            dict(isin=isin("XS00QUIL001"), issuer_id="QUILL"),
            dict(isin=isin("XS00QUIL002"), issuer_id="QUILL_FIN"),  # a bond of a financing subsidiary
            dict(isin=isin("XS00QUIL003"), issuer_id="QUILL_FIN"),  # not held
            dict(isin=isin("XS00TRAP001"), issuer_id="TRAP"),
            dict(isin=isin("XS00SPYS001"), issuer_id="SPY"),
            dict(isin=isin("XS00BAKE001"), issuer_id="BAKERY"),
        ]
    )
    involvement = pd.DataFrame(
        [
            dict(
                issuer_id="QUILL",
                category="cluster_munitions",
                involvement_type="production",
                source="Fictional research note",
                source_url="https://example.org/notes/quillmoor",
                evidence_date="2026-03-31",
            ),
            dict(
                issuer_id="TRAP",
                category="anti_personnel_mines",
                involvement_type="production",
                source="Fictional research note",
                source_url="javascript:alert(1)",
            ),
            dict(
                issuer_id="SPY",
                category="cyber_surveillance",
                involvement_type="production",
                source="=cmd|' /C calc'!A0",
                source_url="https://example.org/notes/glimmerfen?a=1&b=2",
                evidence_date="2026-01-15",
            ),
        ]
    )
    return Universe.from_frames(issuers=issuers, securities=securities, involvement=involvement)


def _hostile_holdings() -> pd.DataFrame:
    rows = [
        dict(
            portfolio_id="EQ",
            holding_id="E1",
            isin=isin("XS00QUIL001"),
            security_name="Quillmoor Ord",
            market_value=400.0,
        ),
        dict(
            portfolio_id="EQ",
            holding_id="E2",
            isin=isin("XS00TRAP001"),
            security_name="Trap equity",
            market_value=100.0,
        ),
        dict(
            portfolio_id="EQ", holding_id="E3", isin=isin("XS00SPYS001"), security_name="Glimmerfen", market_value=150.0
        ),
        dict(
            portfolio_id="EQ", holding_id="E4", isin=isin("XS00BAKE001"), security_name=CONTROL_NAME, market_value=250.0
        ),
        dict(portfolio_id="EQ", holding_id="E5", security_name="USD cash", asset_class="cash", market_value=100.0),
        dict(
            portfolio_id="BD",
            holding_id="B1",
            isin=isin("XS00QUIL002"),
            security_name="Quillmoor Fin 4% 2031",
            market_value=300.0,
        ),
    ]
    rows += [
        dict(portfolio_id="BD", holding_id=key, security_name=name, market_value=50.0)
        for key, name in HOSTILE_NAMES.items()
    ]
    return pd.DataFrame(rows)


def hostile_screen(holding_ids: list[str] | None = None):
    """A fresh screen of the hostile fixture (each call has its own run time), of some holdings or all."""
    holdings = _hostile_holdings()
    if holding_ids is not None:
        holdings = holdings[holdings["holding_id"].isin(holding_ids)]
    return screen(holdings, _hostile_universe(), "broad", as_of=AS_OF)


@pytest.fixture(scope="session")
def hostile_result():
    return hostile_screen()


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory) -> Path:
    """A copy of the shipped sample portfolios (so that a test may write beside the inputs)."""
    target = tmp_path_factory.mktemp("samples") / "sample_portfolios"
    shutil.copytree(bundled_dir("sample_portfolios"), target)
    return target


def _screen_quarter(folder: Path, quarter: str, as_of: str):
    holdings = load_holdings(sorted(p for p in (folder / quarter).iterdir() if p.suffix in {".csv", ".xlsx"}))
    return screen(
        holdings,
        load_universe(folder / "universe"),
        load_policy(folder / "fund_policy.yaml"),
        as_of=as_of,
        overrides=folder / "overrides.csv",
        decisions=folder / "decisions.csv",
    )


@pytest.fixture(scope="session")
def sample_results(sample_folder):
    """The fictional pension fund screened at 30 June and 30 September 2026, from its files."""
    return _screen_quarter(sample_folder, "2026Q2", "2026-06-30"), _screen_quarter(sample_folder, "2026Q3", AS_OF)


@pytest.fixture(scope="session")
def sample_report(sample_results, tmp_path_factory) -> Path:
    """The Q3 report of the fictional fund, with changes against Q2 and every holding in the workbook."""
    previous, current = sample_results
    target = tmp_path_factory.mktemp("report") / "2026Q3_exclusions.xlsx"
    return write_report(current, target, previous=previous, all_holdings=True)


@pytest.fixture(scope="session")
def sample_book(sample_report):
    return openpyxl.load_workbook(sample_report)


@pytest.fixture(scope="session")
def hostile_report(hostile_result, tmp_path_factory) -> Path:
    return hostile_result.to_excel(tmp_path_factory.mktemp("hostile") / "hostile.xlsx")


@pytest.fixture(scope="session")
def hostile_book(hostile_report):
    return openpyxl.load_workbook(hostile_report)
