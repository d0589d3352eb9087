"""CPR numbers out of everything the runner writes: logs, error messages, the run record.

One rule, used by the gates' examples and by every message built from file content.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# A CPR number: DDMMYY and a 4-digit serial, with or without a dash, not part of a longer number.
CPR = re.compile(r"(?<!\d)(\d{6})-?\d{4}(?!\d)")


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


class MaskCpr(logging.Filter):
    """A log filter: the rendered message, and any traceback, with CPR numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_cpr(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_cpr(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            record.exc_text = mask_cpr(record.exc_text)
        return True
