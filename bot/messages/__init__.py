"""Every user-facing message, in English and Chinese, in one place.

`text(key, lang, **params)` returns the message in the asker's language ("zh" or "en").
Adapters and the CLI never build error wording themselves: they call this module. The catalog itself
lives in two modules of this package (bot/messages/core.py, bot/messages/features.py); `MESSAGES` is their
union, so `from bot.messages import MESSAGES, detect_language, text` works as before.
"""

from __future__ import annotations

import re

from bot.messages.core import CORE_MESSAGES
from bot.messages.features import FEATURE_MESSAGES

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str, default: str = "en") -> str:
    """'zh' when the text is mostly Chinese, 'en' otherwise (identifiers like PAY-4012 don't count)."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return default if not _LATIN.search(text) else "en"
    latin_words = len(re.findall(r"\b[A-Za-z]{2,}\b", text))
    return "zh" if cjk >= latin_words else "en"


MESSAGES: dict[str, dict[str, str]] = {**CORE_MESSAGES, **FEATURE_MESSAGES}


def text(key: str, lang: str = "en", **params: object) -> str:
    """The message `key` in `lang` (falls back to English), formatted with `params`."""
    entry = MESSAGES.get(key) or MESSAGES["internal_error"]
    template = entry.get(lang) or entry["en"]
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
