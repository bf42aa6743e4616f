"""CPR normalisation, validation, masking and the keyed pseudonym."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from loaders.errors import ConfigError, mask_text
from loaders.pseudonymise import (
    load_key,
    mask_cpr,
    normalise_cpr,
    person_key,
    pseudonymise_series,
)

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def test_normalise_and_validate() -> None:
    assert normalise_cpr("010150-9001") == "0101509001"
    assert normalise_cpr(" 0101509001 ") == "0101509001"
    assert normalise_cpr("2902009003") == "2902009003"  # 29 February accepted
    assert normalise_cpr("0101509000") == "0101509000"  # no modulus-11 check
    for bad in (
        "3201509001",
        "0113509001",
        "3104509001",
        "0000509001",
        "01015-09001",
        "010150900",
        "01015090011",
        "abcdefghij",
        "",
    ):
        assert normalise_cpr(bad) is None, bad


def test_series_matches_scalar_functions() -> None:
    values = pd.Series(["010150-9001", None, "3201509001", "x", "0202519002"], dtype=object)
    keys, invalid = pseudonymise_series(values, KEY)
    expected = hmac.new(KEY, b"0101509001", hashlib.sha256).hexdigest()
    assert keys[0] == expected == person_key(KEY, "0101509001")
    assert keys[1:4].isna().all()
    assert keys[4] == person_key(KEY, "0202519002")
    assert invalid.fillna("").tolist() == ["", "", "320150-****", "****", ""]
    assert len(keys[0]) == 64 and keys[0] == keys[0].lower()


def test_masking() -> None:
    assert mask_cpr("010150-9001") == "010150-****"
    assert mask_text("row with 0101509001 and 020251-9002") == (
        "row with 010150-**** and 020251-****"
    )
    assert mask_text("kvhx 010112340012") == "kvhx 010112340012"  # 12 digits: not a CPR


def test_key_sources(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("BOLIGMON_HMAC_KEY", raising=False)
    monkeypatch.delenv("BOLIGMON_HMAC_KEY_FILE", raising=False)
    with pytest.raises(ConfigError, match="no default key"):
        load_key()
    monkeypatch.setenv("BOLIGMON_HMAC_KEY", "ab" * 32)
    assert load_key() == bytes.fromhex("ab" * 32)
    monkeypatch.setenv("BOLIGMON_HMAC_KEY", "a long enough text passphrase")
    assert load_key() == b"a long enough text passphrase"
    monkeypatch.setenv("BOLIGMON_HMAC_KEY", "short")
    with pytest.raises(ConfigError, match="too short"):
        load_key()
    monkeypatch.delenv("BOLIGMON_HMAC_KEY")
    monkeypatch.setenv("BOLIGMON_HMAC_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(ConfigError, match="not a readable file"):
        load_key()
    (tmp_path / "k").write_text("cd" * 32 + "\n")
    monkeypatch.setenv("BOLIGMON_HMAC_KEY_FILE", str(tmp_path / "k"))
    assert load_key() == bytes.fromhex("cd" * 32)
