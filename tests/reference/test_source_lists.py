"""Every file of ../shared/data/lists read as the build reads it: counts and hand-checked rows."""

from __future__ import annotations

import pandas as pd
import yaml

from .conftest import LISTS, needs_shared

pytestmark = needs_shared


def test_programme_index_agrees_with_the_yaml_files():
    index = pd.read_csv(LISTS / "sanction_programs" / "programs_index.csv", dtype=str, keep_default_na=False)
    files = sorted((LISTS / "sanction_programs" / "yml").glob("*.yml"))
    assert len(index) == len(files) == 261
    docs = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in files}
    embargo = {k for k, d in docs.items() if "Arms embargo" in (d.get("measures") or [])}
    assert len(embargo) == 43
    assert set(index.loc[index["arms_embargo"].eq("True"), "key"]) == embargo
    # The known transcription error, in both files: the DRC programme targets 'cg'.
    assert docs["UN-SC1533"]["target_territories"] == ["cg"]
    assert index.set_index("key").loc["UN-SC1533", "target_territories"] == "cg"


def test_1260h_file_counts_and_rows():
    table = pd.read_csv(LISTS / "us_dod_1260h_chinese_military_companies.csv", dtype=str, keep_default_na=False)
    assert len(table) == 397
    assert table["Start date"].value_counts().to_dict() == {
        "2026-06-08": 188,
        "2025-01-07": 133,
        "2021-06-03": 47,
        "2024-01-31": 16,
        "2022-10-05": 13,
    }
    assert (table["End date"] != "").sum() == 21
    row = table[table["Clean Name"].eq("Beijing Megvii Technology Co., Ltd.")].iloc[0]
    assert (row["Start date"], row["End date"]) == ("2024-01-31", "2025-01-07")


def test_eu_833_file_counts_and_rows():
    table = pd.read_csv(LISTS / "eu_reg_833_2014_russia_consolidated.csv", dtype=str, keep_default_na=False)
    assert len(table) == 1746
    annex = table[table["annex"].eq("IV")]
    assert len(annex) == 921 and annex["recordId"].nunique() == 921
    assert annex["startDate"].value_counts().loc["12.9.2014"] == 9
    first = annex.iloc[0]
    assert (first["recordId"], first["name"], first["startDate"]) == ("1", "JSC Sirius", "12.9.2014")
