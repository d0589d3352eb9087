"""Personal data in the runner, in one place: the pseudonym key, and CPR numbers out of
everything the runner writes (logs, error messages, the run record, the gates' examples).

The SQL side is macros/privacy.sql: the person key, and the same CPR rule for ids and file names.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

log = logging.getLogger("lis")

# A CPR number: DDMMYY and a 4-digit serial, with or without a dash, not part of a longer run of
# ASCII digits, anywhere in a text. The same rule as macros/privacy.sql's cpr_moenster.
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


def pseudonym_key(project_vars: dict) -> str:
    """The key of the pseudonymous person key: LIS_PSEUDONYM_KEY from the scheduler's environment,
    or, with a warning, the project's demo key."""
    key = os.environ.get("LIS_PSEUDONYM_KEY")
    if not key:
        key = project_vars.get("pseudonym_key", "")
        log.warning("LIS_PSEUDONYM_KEY is not set: person keys use the project's demo key")
    return key
