"""A logging filter that replaces personal data in every record by typed placeholders.

Installed on our stderr handler by `bot.logs.configure_logging`; it runs after the context filter (which
merges the arguments into the message, masks secrets and caps the length), so it sees the final text.
"""

from __future__ import annotations

import logging
import re

from bot.privacy.redactor import Redactor

# Cheap pre-check: a record without a digit, an "@", a CJK character or a capitalised word pair cannot hold
# personal data we detect, so most lines skip the detectors.
_MAYBE = re.compile(r"\d|@|[\u4e00-\u9fff]|[A-Z][a-z]+\s+[A-Z][a-z]+|\b(?:Mr|Mrs|Ms|Dr)\b")


class PersonalDataFilter(logging.Filter):
    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True  # the context filter already replaced a broken format; never drop a line
        if not _MAYBE.search(message):
            return True
        try:
            clean = self.redactor.redact(message).text
        except Exception:  # a detector bug must not lose the log line
            return True
        if clean != message:
            record.msg, record.args = clean, None
        return True
