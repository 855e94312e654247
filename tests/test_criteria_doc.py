"""docs/criteria.md is the render of the shipped rule files, and the render shows what a reader
needs: every criterion with its settings and linked references, and every policy with its dates."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from exclusionscreen.criteria_doc import BANNER, render_criteria_markdown
from exclusionscreen.rulefiles import shipped_criteria, shipped_policies
from exclusionscreen.rules import Reference

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "criteria.md"


@pytest.fixture(scope="module")
def shipped():
    return shipped_criteria(), shipped_policies()


@pytest.fixture(scope="module")
def page(shipped) -> str:
    return render_criteria_markdown(*shipped)


def test_committed_page_matches_the_rule_files(page):
    committed = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    assert committed == page, (
        "docs/criteria.md is out of date with criteria/; "
        "run `.venv/bin/python scripts/build_criteria_doc.py` and commit the result"
    )


def test_page_starts_with_the_generated_file_banner(page):
    assert page.startswith(BANNER + "\n")
    assert "scripts/build_criteria_doc.py" in BANNER


def table_rows(page: str, heading: str) -> list[list[str]]:
    section = page.split(heading, 1)[1]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    table = []
    for line in lines:
        if table and line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if table and len(cells) != len(table[0]):
            break
        table.append(cells)
    return table


def test_criteria_table_has_one_row_per_criterion_with_its_settings(page, shipped):
    criteria, _ = shipped
    header, *rows = table_rows(page, "## Criteria (19)")
    assert header == ["id", "title", "basis", "evidence", "scope", "threshold", "action", "ownership", "references"]
    by_id = {row[0].strip("`"): dict(zip(header, row, strict=True)) for row in rows}
    assert list(by_id) == sorted(criteria)
    conventional = by_id["conventional_weapons"]
    assert conventional["threshold"] == ">= 5%" and conventional["action"] == "watch"
    assert conventional["scope"] == "conventional_weapons: arms_revenue"
    cluster = by_id["cluster_munitions"]
    assert cluster["threshold"] == "any involvement" and cluster["action"] == "exclude"
    assert "parents owning >= 50%" in cluster["ownership"]
    assert "[Convention on Cluster Munitions (Dublin, 30 May 2008), Art. 1" in cluster["references"]
    assert "](https://www.clusterconvention.org/)" in cluster["references"]
    sales = by_id["arms_sales_rights_violating_regimes"]
    assert sales["evidence"] == "country_exposure" and sales["threshold"] == "look-back 5 years"
    assert "fh_not_free" in sales["scope"]
    assert by_id["official_military_lists"]["scope"] == "us_dod_1260h, eu_833_annex_iv, us_ns_cmic"


def test_policies_show_their_criteria_and_dates(page, shipped):
    _, policies = shipped
    assert f"## Policies ({len(policies)})" in page
    section = page.split("### `eu_pab_2025_1775`", 1)[1].split("### `", 1)[0]
    assert "**Applies from 2026-01-19 to (no end).**" in section
    assert "(https://eur-lex.europa.eu/eli/reg_del/2025/1775/oj/eng)" in section
    assert "30 June 2026" in section  # the notes on existing benchmarks
    rows = table_rows(section, "References:")
    assert [r[0] for r in rows[1:]] == [
        "`anti_personnel_mines`",
        "`cluster_munitions`",
        "`chemical_weapons`",
        "`biological_weapons`",
    ]
    old = page.split("### `eu_pab_2020_1818`", 1)[1].split("### `", 1)[0]
    assert "**Applies from 2020-12-23 to 2026-06-29.**" in old


def test_policy_table_shows_tightened_settings(shipped):
    criteria, policies = shipped
    strict = replace(
        policies["sfdr_pai14"],
        criteria=tuple(replace(c, revenue_threshold=0.0) for c in policies["sfdr_pai14"].criteria)
        + (replace(criteria["conventional_weapons"], revenue_threshold=0.01),),
    )
    page = render_criteria_markdown(criteria, {"sfdr_pai14": strict})
    section = page.split("### `sfdr_pai14`", 1)[1]
    assert (
        "| `conventional_weapons` | Conventional weapons (arms revenue of 5 % or more) | "
        "conventional_weapons: arms_revenue | >= 1% | watch |" in section
    )


def test_cells_are_escaped_and_kept_on_one_line(shipped):
    criteria, _ = shipped
    tricky = replace(
        criteria["cluster_munitions"],
        title="Cluster | munitions\nand bomblets",
        references=(Reference("Treaty | text", "Art. 1", None),),
    )
    page = render_criteria_markdown({"cluster_munitions": tricky}, {})
    [row] = [ln for ln in page.splitlines() if ln.startswith("| `cluster_munitions`")]
    assert "Cluster \\| munitions and bomblets" in row
    assert "Treaty \\| text, Art. 1" in row and "](" not in row
    assert len(re.split(r"(?<!\\)\|", row)) == 11  # nine cells between ten pipes


def test_build_script_check_mode_passes_on_the_committed_page():
    script = REPO / "scripts" / "build_criteria_doc.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
