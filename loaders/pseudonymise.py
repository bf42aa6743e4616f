"""CPR numbers -> keyed pseudonyms (HMAC-SHA256), before any row is written.

- Normalise: 10 digits, `DDMMYY-SSSS` accepted (one dash after the date part), surrounding
  whitespace ignored.
- Validate: the 6-digit date part must be a valid day and month (29 February is accepted for
  every year, the century needs the 7th digit's table). Modulus-11 is NOT applied: CPR numbers
  without a valid check digit have been issued since 2007.
- person_key = HMAC-SHA256(key, normalised cpr).hexdigest() (lowercase hex).
- The key comes from BOLIGMON_HMAC_KEY (hex, or any text) or from the file named by
  BOLIGMON_HMAC_KEY_FILE. There is no default key.
- Invalid values are only ever shown masked: `DDMMYY-****`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import ConfigError

KEY_ENV = "BOLIGMON_HMAC_KEY"
KEY_FILE_ENV = "BOLIGMON_HMAC_KEY_FILE"
MIN_KEY_BYTES = 16

_CPR_RE = re.compile(r"^(\d{6})-?(\d{4})$")
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _decode_key(text: str) -> bytes:
    text = text.strip()
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", text):
        return bytes.fromhex(text)
    return text.encode("utf-8")


def load_key() -> bytes:
    """The HMAC key from the environment; a missing or short key is a user error."""
    value = os.environ.get(KEY_ENV)
    source = KEY_ENV
    if not value:
        key_file = os.environ.get(KEY_FILE_ENV)
        if not key_file:
            raise ConfigError(
                f"No pseudonymisation key: set {KEY_ENV} (hex or text) or {KEY_FILE_ENV} "
                "(a file holding the key). CPR numbers are replaced by an HMAC-SHA256 "
                "pseudonym before loading, and there is deliberately no default key. For the "
                "demo, `make key` writes one to .local/hmac.key."
            )
        path = Path(key_file)
        if not path.is_file():
            raise ConfigError(f"{KEY_FILE_ENV} names '{key_file}', which is not a readable file.")
        value = path.read_text(encoding="utf-8")
        source = f"{KEY_FILE_ENV} ({key_file})"
    key = _decode_key(value)
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"The pseudonymisation key from {source} is too short ({len(key)} bytes); use at "
            f"least {MIN_KEY_BYTES} bytes, e.g. 64 hex characters from `secrets.token_hex(32)`."
        )
    return key


def mask_cpr(value: str) -> str:
    """`DDMMYY-****` for anything CPR-like, `****` when there is no 6-digit date part."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 6:
        return f"{digits[:6]}-****"
    return "****"


def normalise_cpr(value: str) -> str | None:
    """The 10-digit CPR, or None when the value is not a valid CPR number."""
    match = _CPR_RE.match(value.strip())
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    day, month = int(digits[0:2]), int(digits[2:4])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return None
    return digits


def person_key(key: bytes, normalised_cpr: str) -> str:
    return hmac.new(key, normalised_cpr.encode("ascii"), hashlib.sha256).hexdigest()


def hmac_hexdigests(key: bytes, messages: list[str]) -> list[str]:
    """HMAC-SHA256 hex digests, reusing the keyed inner/outer states (3x faster than hmac.new)."""
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    out = []
    for message in messages:
        i = inner.copy()
        i.update(message.encode("ascii"))
        o = outer.copy()
        o.update(i.digest())
        out.append(o.hexdigest())
    return out


def pseudonymise_series(values: pd.Series, key: bytes) -> tuple[pd.Series, pd.Series]:
    """Vectorised: (person_key, masked invalid value) per row, NaN where not applicable.

    `values` holds stripped strings (pandas `str` dtype) with NaN for empty cells; empty cells
    are not invalid.
    """
    text = values if values.dtype == "str" else values.astype("str")
    present = text.notna().to_numpy(dtype=bool)
    shaped = text.str.fullmatch(r"\d{6}-?\d{4}").fillna(False).to_numpy(dtype=bool)
    digits = text.str.replace("-", "", regex=False)
    day = pd.to_numeric(digits.str.slice(0, 2), errors="coerce").fillna(0).to_numpy(dtype=int)
    month = pd.to_numeric(digits.str.slice(2, 4), errors="coerce").fillna(0).to_numpy(dtype=int)
    month_ok = (month >= 1) & (month <= 12)
    max_day = _DAYS_IN_MONTH[np.where(month_ok, month, 0)]
    ok = shaped & month_ok & (day >= 1) & (day <= max_day)
    keys = np.full(len(text), np.nan, dtype=object)
    keys[ok] = hmac_hexdigests(key, digits[ok].tolist())
    invalid = np.full(len(text), np.nan, dtype=object)
    bad = present & ~ok
    if bad.any():
        invalid[bad] = [mask_cpr(str(v)) for v in text[bad].tolist()]
    return (
        pd.Series(keys, index=values.index, dtype="str"),
        pd.Series(invalid, index=values.index, dtype="str"),
    )
