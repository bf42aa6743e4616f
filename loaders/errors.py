"""User-facing errors. The CLI prints their message as one paragraph and exits 1.

Anything else that escapes is an internal error (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_PROBLEMS_LISTED = 10
MAX_ROWS_LISTED = 10

_CPR_LIKE = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")


class UserError(Exception):
    """A problem the user can fix (bad file, missing key, unknown source). Exit code 1."""


class ConfigError(UserError):
    """Missing or invalid configuration (HMAC key, database settings)."""


class FileRejected(UserError):
    """The whole file was rejected; nothing was loaded."""


def mask_text(text: str) -> str:
    """Mask anything that looks like a CPR number (DDMMYY-SSSS or 10 digits) as DDMMYY-****."""
    return _CPR_LIKE.sub(lambda m: f"{m.group(1)}-****", text)


@dataclass
class Problem:
    """Rows of one file breaking one rule in one column (values already masked)."""

    column: str | None
    rule: str
    rows: list[int] = field(default_factory=list)  # up to a few row numbers, ascending
    count: int = 0  # how many rows in total
    example: str | None = None

    def add(self, rows: Iterable[int], examples: Iterable[str | None]) -> None:
        rows = list(rows)
        self.count += len(rows)
        if len(self.rows) < MAX_ROWS_LISTED:
            self.rows = sorted(set(self.rows) | set(rows))[:MAX_ROWS_LISTED]
        if self.example is None:
            for value in examples:
                if value is not None and value != "":
                    self.example = value
                    break

    def sentence(self) -> str:
        noun = "row breaks" if self.count == 1 else "rows break"
        shown = ", ".join(str(r) for r in self.rows)
        if self.count > len(self.rows):
            shown += f" and {self.count - len(self.rows)} more"
        row_word = "row" if self.count == 1 else "rows"
        text = f"{self.count} {noun} rule '{self.rule}': {row_word} {shown}"
        if self.column:
            text += f" in column{'s' if ',' in self.column else ''} {self.column}"
        if self.example is not None:
            text += f", e.g. '{self.example}'"
        return text + "."


def describe_problems(problems: list[Problem]) -> str:
    """Up to MAX_PROBLEMS_LISTED sentences, in order of the first row that breaks each rule."""
    ordered = sorted(problems, key=lambda p: (p.rows[0] if p.rows else 0, p.rule))
    listed = " ".join(p.sentence() for p in ordered[:MAX_PROBLEMS_LISTED])
    if len(ordered) > MAX_PROBLEMS_LISTED:
        listed += f" ({len(ordered) - MAX_PROBLEMS_LISTED} more rules broken, not listed.)"
    return listed
