"""The synthetic generator and the warehouse share one set of reference data: the generator's
constants must equal the committed seeds, or the planted truth would test nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from loaders.synthetic import config as C

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(name: str) -> list[dict[str, str]]:
    path = next(SEEDS.rglob(f"{name}.csv"))
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_countries_agree_with_the_seed() -> None:
    seed = {r["country_code"]: r for r in _seed("countries")}
    for code, _name, is_western, is_menapt in C.COUNTRIES:
        assert code in seed, code
        assert (seed[code]["is_western"] == "true") == is_western, code
        assert (seed[code]["is_menapt"] == "true") == is_menapt, code


def test_benefit_codes_agree_with_the_seed() -> None:
    seed = {
        r["benefit_code"]: r["counts_as_outside_labour_market"]
        for r in _seed("benefit_classification")
    }
    generated = {code: str(counts).lower() for code, _name, counts, _note in C.BENEFITS}
    assert generated == seed


def test_synthetic_municipality_is_in_the_seed() -> None:
    seed = {r["municipality_code"]: r for r in _seed("municipalities")}
    assert seed[C.MUNICIPALITY_CODE]["region_code"] == C.REGION_CODE


def test_national_conviction_shares_agree_with_the_seed() -> None:
    seed = {int(r["year"]): r["share"] for r in _seed("national_conviction_share")}
    for year, share in C.NATIONAL_CONVICTION_SHARE.items():
        assert float(seed[year]) == float(share), year


def test_regional_mean_income_agrees_with_the_seed() -> None:
    seed = {
        int(r["year"]): r["mean_income_dkk"]
        for r in _seed("regional_mean_income")
        if r["region_code"] == C.REGION_CODE
    }
    for year, income in C.REGIONAL_MEAN_INCOME.items():
        assert float(seed[year]) == float(income), year
