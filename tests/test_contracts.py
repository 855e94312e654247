"""Each data contract accepts good frames and rejects bad ones with a message naming rows and columns."""

import pandas as pd
import pytest

from exclusionscreen.contracts import (
    _FINGERPRINT_FROM,
    _FINGERPRINT_WIDTH,
    CONTRACTS,
    TEXT,
    CountryExposure,
    CountryLists,
    EntityLists,
    Flags,
    Holdings,
    Involvement,
    Issuers,
    Securities,
    _surely_unique,
    conform,
    validate,
)
from exclusionscreen.errors import ContractError

GOOD = {
    Holdings: dict(portfolio_id=["P"], holding_id=["1"], security_name=["Fictional Widgets plc"], weight=["0.05"]),
    Issuers: dict(
        issuer_id=["A"],
        issuer_name=["Fictional Widgets plc"],
        issuer_type=["corporate"],
        country=["GB"],
        parent_ownership=[None],
    ),
    Securities: dict(isin=["US0378331005"], issuer_id=["A"]),
    Involvement: dict(
        issuer_name=["Fictional Widgets plc"],
        category=["cluster_munitions"],
        involvement_type=["production"],
        revenue_share=[None],
        source=["fictional note"],
    ),
    CountryExposure: dict(issuer_id=["A"], recipient_country=["XR"], year=[2024], source=["fictional note"]),
    CountryLists: dict(list_id=["l"], country=["XR"], valid_from=["2020-01-01"], source=["fictional"]),
    EntityLists: dict(list_id=["l"], name=["Fictional Widgets"], valid_to=["2030-01-01"], source=["fictional"]),
}

BAD = [
    (Holdings, dict(portfolio_id=["P", "P"], holding_id=["1", "1"], security_name=["a", "b"]), "field_uniqueness"),
    (Holdings, dict(portfolio_id=["P"], holding_id=["1"]), "identifier"),
    (Holdings, dict(portfolio_id=["P"], holding_id=["1"], security_name=["a"], weight=[7.15]), "less_than_or_equal"),
    (Issuers, dict(issuer_id=["A"], issuer_name=["a"], issuer_type=["bank"]), "isin(['corporate'"),
    (Issuers, dict(issuer_id=["A"], issuer_name=["a"], issuer_type=["corporate"], country=["GBR"]), "str_matches"),
    (
        Issuers,
        dict(issuer_id=["A"], issuer_name=["a"], issuer_type=["corporate"], parent_issuer_id=["A"]),
        "parent_issuer_id must differ",
    ),
    (
        Issuers,
        dict(issuer_id=["A"], issuer_name=["a"], issuer_type=["corporate"], parent_ownership=[1.5]),
        "less_than_or_equal",
    ),
    (Securities, dict(issuer_id=["A"]), "each security needs"),
    (Involvement, dict(category=["x"], involvement_type=["y"], source=["s"]), "issuer_id or an issuer_name"),
    (
        Involvement,
        dict(issuer_id=["A"], category=["x"], involvement_type=["y"], source=["s"], revenue_share=[5]),
        "less_than_or_equal",
    ),
    (CountryExposure, dict(issuer_id=["A"], recipient_country=["XR"], year=["twenty"], source=["s"]), "coerce"),
    (
        CountryLists,
        dict(list_id=["l"], country=["XR"], valid_from=["2021-01-01"], valid_to=["2020-01-01"], source=["s"]),
        "valid_from must not be after valid_to",
    ),
    (EntityLists, dict(list_id=["l"], name=[None], source=["s"]), "not_nullable"),
]


@pytest.mark.parametrize("model", list(GOOD), ids=lambda m: m.__name__)
def test_good_frames_pass_and_keep_extra_columns(model):
    frame = pd.DataFrame(GOOD[model]).assign(my_extra=["kept"])
    out = validate(frame, model, source="good.csv")
    assert out["my_extra"].tolist() == ["kept"]
    assert set(model.to_schema().columns) <= set(out.columns)


@pytest.mark.parametrize(("model", "data", "check"), BAD, ids=[f"{m.__name__}-{c}" for m, _, c in BAD])
def test_bad_frames_are_rejected_naming_source_and_check(model, data, check):
    with pytest.raises(ContractError) as err:
        validate(pd.DataFrame(data), model, source="bad.csv")
    message = str(err.value)
    assert message.startswith("bad.csv:")
    assert check in message
    assert not err.value.failure_cases.empty


def test_missing_required_column_lists_what_was_found():
    with pytest.raises(ContractError, match=r"missing required column\(s\) holding_id .* columns found: portfolio_id"):
        validate(pd.DataFrame({"portfolio_id": ["P"]}), Holdings, source="h.csv")


def test_every_bad_row_is_listed_at_once():
    frame = pd.DataFrame(dict(issuer_id=list("ABCDEFG"), issuer_name=list("abcdefg"), issuer_type=["bank"] * 7))
    with pytest.raises(ContractError) as err:
        validate(frame, Issuers, source="issuers.csv")
    assert len(err.value.failure_cases) == 7
    assert "(+2 more)" in str(err.value)


def test_flags_contract_is_defined():
    assert {"via", "criterion_id", "criterion_version", "evidence_source", "action", "outcome"} <= set(
        Flags.to_schema().columns
    )
    assert set(CONTRACTS) >= {
        "holdings",
        "issuers",
        "securities",
        "involvement",
        "country_exposure",
        "country_lists",
        "entity_lists",
        "flags",
    }


def _text_columns(model) -> list[str]:
    return [name for name, column in model.to_schema().columns.items() if column.dtype.type == TEXT]


def test_every_text_column_of_every_contract_is_pandas_default_str():
    assert TEXT == "str" and TEXT.storage == "pyarrow" and TEXT.na_value is not pd.NA
    for model in CONTRACTS.values():
        declared = {name: str(column.dtype.type) for name, column in model.to_schema().columns.items()}
        text = _text_columns(model)
        assert text, model.__name__
        # no text column is declared in another text type ("string", object)
        assert all(t in ("str", "float64", "Int64", "boolean", "datetime64[ns]") for t in declared.values()), declared


@pytest.mark.parametrize("model", list(GOOD), ids=lambda m: m.__name__)
@pytest.mark.parametrize("given", ["object", "string", "str"])
def test_validate_and_conform_give_text_columns_the_contract_type(model, given):
    frame = pd.DataFrame(GOOD[model])
    present = [c for c in _text_columns(model) if c in frame.columns]
    missing = [c for c in _text_columns(model) if c not in frame.columns]
    assert present and missing
    frame = frame.astype(dict.fromkeys(present, given))
    # present text columns are converted, missing ones are added empty in the contract's type
    out = validate(frame, model)
    assert all(out[c].dtype == TEXT for c in present + missing)
    added = conform(frame, model)
    assert all(added[c].dtype == TEXT and added[c].isna().all() for c in missing)
    assert all(validate(frame, model, only=present)[c].dtype == TEXT for c in present)


# --- unique columns of large frames: shown unique by fingerprints, else pandera's own check ---


def _large_holdings(n: int = _FINGERPRINT_FROM, ids: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "portfolio_id": "P",
            "holding_id": ids if ids is not None else [f"P:{i}" for i in range(1, n + 1)],
            "security_name": "Fictional Widgets plc",
            "weight": 0.0,
            "source_row": range(2, n + 2),
        }
    ).astype({"portfolio_id": TEXT, "holding_id": TEXT, "security_name": TEXT})


def test_fingerprints_show_a_large_unique_column_at_their_boundaries():
    ids = pd.Series([f"P:{i}" for i in range(_FINGERPRINT_FROM)], dtype=TEXT)
    assert _surely_unique(ids)
    assert not _surely_unique(ids.iloc[:-1])  # one row short of the size where fingerprints pay
    assert _surely_unique(ids.astype("string"))  # the other Arrow-backed text type
    assert not _surely_unique(ids.astype(object))  # coercion could make two values equal ("1", 1)
    widest = ids.str.pad(_FINGERPRINT_WIDTH, fillchar="x")
    assert widest.str.len().max() == _FINGERPRINT_WIDTH and _surely_unique(widest)
    assert not _surely_unique(ids.str.pad(_FINGERPRINT_WIDTH + 1, fillchar="x"))
    assert not _surely_unique(ids.where(ids != "P:7"))  # a missing value
    assert not _surely_unique(ids.str.replace("P:1", "\u00e9:1"))  # text that is not ASCII
    assert not _surely_unique(pd.concat([ids.iloc[:-1], ids.iloc[:1]], ignore_index=True))  # a duplicate


def test_fingerprints_tell_trailing_spaces_and_padding_apart():
    ids = pd.Series([f"P:{i}" for i in range(_FINGERPRINT_FROM - 2)] + ["A", "A "], dtype=TEXT)
    assert _surely_unique(ids)
    assert not _surely_unique(pd.Series(ids.tolist()[:-1] + ["A"], dtype=TEXT))


@pytest.mark.parametrize("where", [1, _FINGERPRINT_FROM - 1], ids=["second row", "last row"])
def test_a_duplicate_holding_id_in_a_large_frame_fails_naming_its_rows(where):
    frame = _large_holdings()
    frame.loc[where, "holding_id"] = "P:1"
    with pytest.raises(ContractError) as caught:
        validate(frame, Holdings, source="big.parquet")
    message = str(caught.value)
    assert message.startswith("big.parquet: 2 value(s) break the Holdings contract")
    assert f"column 'holding_id', check field_uniqueness: row 2: 'P:1', row {where + 2}: 'P:1'" in message
    cases = caught.value.failure_cases
    assert cases["source_row"].tolist() == [2, where + 2]


def test_a_duplicate_non_ascii_holding_id_in_a_large_frame_fails():
    ids = [f"Pé:{i}" for i in range(1, _FINGERPRINT_FROM + 1)]
    ids[-1] = ids[0]
    with pytest.raises(ContractError, match="field_uniqueness"):
        validate(_large_holdings(ids=ids), Holdings, source="big.parquet")


def test_other_failures_of_a_large_frame_are_still_caught_with_a_unique_id():
    frame = _large_holdings()
    frame.loc[5, "weight"] = -1.5
    frame.loc[6, "weight"] = float("nan")  # allowed: weight is nullable
    frame.loc[7, "portfolio_id"] = None
    frame.loc[8, ["security_name"]] = None  # no identifier and no name
    with pytest.raises(ContractError) as caught:
        validate(frame, Holdings, source="big.parquet")
    message = str(caught.value)
    assert "column 'weight', check greater_than_or_equal_to(-1.0): row 7: -1.5" in message
    assert "column 'portfolio_id', check not_nullable: row 9" in message
    assert "each holding needs an identifier" in message and "rows 10" in message
    assert "field_uniqueness" not in message


def test_a_large_valid_frame_passes_unchanged_by_the_fast_uniqueness_check():
    frame = _large_holdings()
    out = validate(frame, Holdings, source="big.parquet")
    reference = Holdings.validate(conform(frame, Holdings), lazy=True)
    pd.testing.assert_frame_equal(out, reference)
