"""CPR numbers out of everything the runner writes: logs, error messages, the run record.

One rule, used by the gates' examples and by every message built from file content.
"""

from __future__ import annotations

import re
from typing import Any

# A CPR number: DDMMYY and a 4-digit serial, with or without a dash, not part of a longer run of
# ASCII digits, anywhere in a text. The same rule as macros/cpr.sql's cpr_moenster.
CPR = re.compile(r"(?<![0-9])([0-9]{6})-?[0-9]{4}(?![0-9])")


def mask_cpr(value: Any) -> Any:
    """`value` with every CPR number in its strings masked: 0101801234 -> 010180-XXXX.
    Dicts and lists are masked element by element; other values are returned as they are."""
    if isinstance(value, str):
        return CPR.sub(r"\1-XXXX", value)
    if isinstance(value, dict):
        return {k: mask_cpr(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_cpr(v) for v in value]
    return value
