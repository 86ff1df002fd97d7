"""Given names and surnames from the US census lists bundled with the `names` package (MIT; 5,494 given names
and 88,799 surnames with their frequencies; no download at run time).

`first_name_rank("Olga")` -> 1..3 (3: among the 500 most common given names, 2: the next 1,500, 1: the rest),
0 for a word that is not a given name ("Black"); `is_surname("Petrov")` says whether the word is a listed
surname. Name rules use them to tell "for Emma Clarke" (a person) from "for Black Friday" (not one). Loaded
once, on first use; without the package every word ranks 0 and `available()` is False, so the rules that need
the lists fall back to their other cues.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources

log = logging.getLogger(__name__)


def _read(name: str) -> list[str]:
    text = resources.files("names").joinpath(name).read_text(encoding="utf-8")
    return [line.split()[0].lower() for line in text.splitlines() if line.strip()]


@lru_cache(maxsize=1)
def _lists() -> tuple[dict[str, int], frozenset[str]]:
    try:
        given_lists = [_read("dist.female.first"), _read("dist.male.first")]
        surnames = frozenset(_read("dist.all.last"))
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        log.warning("the 'names' package is not installed: given-name and surname lists unavailable")
        return {}, frozenset()
    ranks: dict[str, int] = {}
    for names in given_lists:  # each list is sorted from the most to the least common name
        for position, name in enumerate(names):
            rank = 3 if position < 500 else 2 if position < 2000 else 1
            ranks[name] = max(rank, ranks.get(name, 0))
    return ranks, surnames


def _key(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())  # "O'Brien" -> "obrien", as the census writes it


def first_name_rank(word: str) -> int:
    """How common `word` is as a given name (0: not a listed given name)."""
    return _lists()[0].get(_key(word), 0)


def is_surname(word: str) -> bool:
    return _key(word) in _lists()[1]


def available() -> bool:
    return bool(_lists()[0])
