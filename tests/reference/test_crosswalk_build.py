"""The exchange, SEC ticker and legal-form extracts are rebuilt byte for byte from the shared files."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from exclusionscreen._resources import data_dir

from .conftest import REPO, SHARED

IDENTIFIERS = SHARED / "identifiers"


def _script(name: str):
    path = REPO / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (IDENTIFIERS / "iso10383_mic_list.csv").is_file(), reason="the MIC list is not present")
def test_exchange_extract_is_the_build_of_the_mic_list(tmp_path, monkeypatch):
    script = _script("build_exchange_mics")
    monkeypatch.setattr(script, "OUT", tmp_path / "exchange_mics.csv")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    script.main(SHARED)
    assert (tmp_path / "exchange_mics.csv").read_bytes() == (data_dir() / "exchange_mics.csv").read_bytes()


@pytest.mark.skipif(
    not (IDENTIFIERS / "sec_company_tickers_2024-05.json").is_file(), reason="the SEC tickers file is not present"
)
def test_sec_extract_is_the_build_of_the_sec_file(tmp_path, monkeypatch):
    script = _script("build_sec_crosswalk")
    monkeypatch.setattr(script, "OUT", tmp_path / "sec_company_tickers.csv")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    script.main(SHARED)
    assert (tmp_path / "sec_company_tickers.csv").read_bytes() == (data_dir() / "sec_company_tickers.csv").read_bytes()


@pytest.mark.skipif(not (IDENTIFIERS / "gleif_elf-codes-1.4.1.csv").is_file(), reason="the ELF list is not present")
def test_legal_form_extracts_are_the_build_of_the_elf_list(tmp_path, monkeypatch):
    script = _script("build_legal_forms")
    monkeypatch.setattr(script, "OUT", tmp_path / "legal_forms.csv")
    monkeypatch.setattr(script, "VARIANTS", tmp_path / "legal_form_variants.csv")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    script.main(SHARED)
    for name in ("legal_forms.csv", "legal_form_variants.csv"):
        assert (tmp_path / name).read_bytes() == (data_dir() / name).read_bytes(), name


def test_elf_abbreviation_rule():
    script = _script("build_legal_forms")
    assert script.abbreviates("LTD", "LIMITED") and script.abbreviates("PLC", "PUBLIC LIMITED COMPANY")
    assert not script.abbreviates("INC", "CORPORATION")  # two designators, not one spelt two ways
    assert not script.abbreviates("LIMITED", "LIMITED")
