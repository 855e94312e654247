"""The research list template reads as Involvement evidence; bad rows are named with their line."""

from __future__ import annotations

import pandas as pd
import pytest

from exclusionscreen.contracts import Involvement, validate
from exclusionscreen.errors import InputFileError
from exclusionscreen.reference import read_research_list, research_list_template

HEADER = "issuer_id,issuer_name,category,involvement_type,revenue_share,source,source_url,evidence_date,note\n"


def test_shipped_template_reads_and_is_plainly_fictional():
    frame = read_research_list(research_list_template())
    validate(frame, Involvement)
    assert len(frame) == 2
    assert frame["note"].str.contains("Fictional").all()
    assert frame["revenue_share"].iloc[1] == pytest.approx(0.12)
    assert frame["evidence_date"].iloc[0] == pd.Timestamp("2024-03-31")
    assert frame["source_row"].tolist() == [2, 3]


def test_good_rows_read_with_fractions_and_percentages(tmp_path):
    path = tmp_path / "research.csv"
    path.write_text(
        HEADER + ",Example Arms Co (fictional),conventional_weapons,arms_revenue,0.3,"
        "Own research,,2025-01-31,\n" + "X-1,,norms_breach,breach,,Own research,,,\n\n",
        encoding="utf-8",
    )
    frame = read_research_list(path)
    assert frame["revenue_share"].iloc[0] == pytest.approx(0.3)
    assert pd.isna(frame["revenue_share"].iloc[1]) and pd.isna(frame["evidence_date"].iloc[1])
    assert frame["source_file"].iloc[0] == str(path)


def test_every_bad_row_is_named_with_file_and_line(tmp_path):
    path = tmp_path / "research.csv"
    path.write_text(
        HEADER
        + ",Example A (fictional),cluster_bombs,production,,Own research,,2025-01-31,\n"
        + ",Example B (fictional),nuclear_weapons,making,,Own research,,2025-01-31,\n"
        + ",Example C (fictional),conventional_weapons,arms_revenue,150%,Own research,,,\n"
        + ",Example D (fictional),chemical_weapons,production,,Own research,,31/12/2024,\n"
        + ",Example E (fictional),chemical_weapons,production,,,,,\n"
        + ",,chemical_weapons,production,,Own research,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as info:
        read_research_list(path)
    message = str(info.value)
    assert str(path) in message and "6 problem(s)" in message
    for expected in (
        "row 2: category 'cluster_bombs'",
        "row 3: involvement_type 'making'",
        "row 4: revenue_share '150%'",
        "row 5: evidence_date '31/12/2024'",
        "row 6: source ''",
        "row 7: issuer_id/issuer_name",
    ):
        assert expected in message


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "research.csv"
    path.write_text("issuer_name,category\nExample (fictional),nuclear_weapons\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing column\\(s\\) involvement_type, source"):
        read_research_list(path)
