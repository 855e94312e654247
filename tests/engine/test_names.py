"""Company-name normalisation: what an analyst expects two spellings of one name to become."""

import random

import pandas as pd
import pytest

from exclusionscreen.names import CLASS_WORDS, leading_legal_form, legal_form_tails, name_suffixes, normalise_names
from exclusionscreen.names._normalise import _clean, strip_leading_form, strip_suffixes


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Hollowmere Drone Dynamics S.p.A.", "HOLLOWMERE DRONE DYNAMICS"),
        ("HOLLOWMERE DRONE DYNAMICS SPA", "HOLLOWMERE DRONE DYNAMICS"),
        ("The Brackenfold Company", "BRACKENFOLD"),
        ("Brackenfold Inc. Class A", "BRACKENFOLD"),
        ("Brackenfold Inc CL B", "BRACKENFOLD"),
        ("Brackenfold Holdings PLC ADR", "BRACKENFOLD"),
        ("Öresund Fältverk AB", "ORESUND FALTVERK"),
        ("Quill & Ferrow Ltd", "QUILL AND FERROW"),
        ("AG", "AG"),  # never stripped down to nothing
        ("Inc Corp", "INC"),  # nor of its first word
        ("  ", None),
        (None, None),
    ],
)
def test_spellings_of_a_name_normalise_alike(raw, normalised):
    out = normalise_names(pd.Series([raw], dtype="string"))
    assert (pd.isna(out[0]) and normalised is None) or out[0] == normalised


def test_normalised_names_agree_with_the_rule_name_by_name():
    # names made of a word or two and then any mix of suffix words, class words and short words,
    # where the order and the run of suffixes decide what is stripped
    suffix_words = sorted({w for s in name_suffixes() for w in s.split()} | CLASS_WORDS)
    heads = ["ACME", "NORTH STAR", "X", "AB", "CLASS", "INC", "THE", "ZZ9", ""]
    tails = [*suffix_words, "A", "B", "Z9", "7", "CLASS", "SER", "WIDGETS"]
    rng = random.Random(7)
    names = [
        " ".join(filter(None, [rng.choice(heads), *rng.choices(tails, k=rng.randint(0, 6))])) for _ in range(20_000)
    ]
    names += ["", "A", "INC", "CLASS A", "ACME CLASS A INC", "ACME INC CLASS A", None]
    series = pd.Series(names, dtype="string")
    cleaned = _clean(series)
    by_rule = [
        None if pd.isna(c) else (strip_suffixes(strip_leading_form(c)) or strip_leading_form(c)) or None
        for c in cleaned.to_numpy(dtype=object)
    ]
    got = normalise_names(series)
    expected = pd.Series(by_rule, dtype="str")
    pd.testing.assert_series_equal(got.reset_index(drop=True), expected, check_names=False)


def test_share_letters_inverted_articles_and_chinese_limited_forms():
    names = pd.Series(["CRRC CORP LTD A", "CRRC CORP LTD H", "CRRC Corporation Limited", "BOEING CO/THE", "Boeing"])
    assert normalise_names(names).tolist() == ["CRRC", "CRRC", "CRRC", "BOEING", "BOEING"]
    tails = legal_form_tails(pd.Series(["Zhejiang Dahua Technology Co., Ltd.", "ZHEJIANG DAHUA TECHNOLOGY LTD A"]))
    assert tails.tolist() == ["LTD", "LTD"]
    assert legal_form_tails(pd.Series(["Costar Group Co., Ltd.", "COSTAR GROUP INC"])).tolist() == ["LTD", "INC"]


def test_russian_forms_and_apostrophes():
    names = pd.Series(
        ["PJSC Sollers", "Sollers PJSC", "Public Joint Stock Company Sollers", "JSC", "Xi’an Aero", "XI'AN AERO"]
    )
    assert normalise_names(names).tolist() == ["SOLLERS", "SOLLERS", "SOLLERS", "JSC", "XIAN AERO", "XIAN AERO"]
    assert leading_legal_form(names).tolist() == ["PJSC", "", "PUBLIC JOINT STOCK COMPANY", "", "", ""]
    # "AO" is not a leading form: A. O. Smith keeps its initials
    assert normalise_names(pd.Series(["AO SMITH CORP"])).tolist() == ["AO SMITH"]
