"""Wordings of either language as English stems: a shared lexical space for comparing request wordings.

An English and a Chinese wording of one need share few vector features once each language is centred, and no
words at all. A general bilingual dictionary (CC-CEDICT through bot/retrieval/bilingual.py, read-only here)
puts both into one space: English words are stemmed as they are; each Chinese word (a jieba word, or any
dictionary headword of 2-4 characters inside a Chinese run, so "快递柜" gives 快递 -> courier, express) gives
the stems of the English words of its first senses. Words that frame every request (the customer, asking,
wanting) are dropped; the matcher weighs what is left by IDF over the stored wordings, so the words common
to all requests count little and the words naming a need count most (bot/escalation/matching.py).

Nothing here is fitted to particular needs: the dictionary is general, the stop list holds function words and
the vocabulary agents use to frame any request.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z][a-z0-9]*")
SENSES = 4  # English words kept per Chinese word (its first senses first)
STEM = 6  # stems are cut to this many letters: "delivery", "delivering" -> "delive"

# Function words, and the words agents frame any request with (who asks, that they ask or want it).
STOP = frozenset(
    """a an the is are was were be been being to of in on for and or but with at by from as it its this that these
    those i you he she we they me my your our their his her him them us do does did done doing can could would
    should will shall may might must how what when where which who whom why if then so not no yes please hi hello
    there here have has had am get got let just still any some much many more most very really about into out up
    down over than too also only even every each all both other own same such again off per via etc don t s
    customer customers cust cx client clients user users consumer buyer shopper people person guy
    says said say saying ask asks asked asking want wants wanted wanting need needs needed wish wishes like would
    tell told know request requests requested requesting pls plz thanks thank hey ok okay hi feature option
    suggest suggests suggestion suggested hope hopes hoping pasted quote original word words
    oneself sb sth one""".split()
)


def stem(word: str) -> str:
    """A crude stem: plural and verb endings stripped, then the first `STEM` letters."""
    w = word.lower()
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""),
                         ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[: len(w) - len(suffix)] + repl
            break
    return w[:STEM]


@lru_cache(maxsize=20000)
def _zh_word(word: str) -> tuple[str, ...]:
    from bot.retrieval.bilingual import cedict

    senses = cedict().zh_en.get(word, [])
    return tuple(dict.fromkeys(stem(w) for w in senses[:SENSES] if w not in STOP))


def _zh_terms(run: str) -> list[str]:
    """The words of a Chinese run: jieba's words, plus every dictionary headword of 2-4 characters inside it."""
    from bot.retrieval.bilingual import cedict
    from bot.retrieval.lexical import load_jieba

    heads = cedict().zh_en
    terms = [w for w in load_jieba().lcut(run) if len(w) >= 2]
    for i in range(len(run)):
        terms += [run[i:i + n] for n in (4, 3, 2) if i + n <= len(run) and run[i:i + n] in heads]
    return list(dict.fromkeys(terms))


@lru_cache(maxsize=4096)
def shared_terms(text: str) -> frozenset[str]:
    """The English stems of a wording in either language (Chinese words through the dictionary)."""
    low = text.lower().replace("’", "'")
    out: set[str] = set()
    for run in _CJK_RUN.findall(low):
        for term in _zh_terms(run):
            out.update(_zh_word(term))
    latin = _CJK_RUN.sub(" ", low).replace("'", "")
    out.update(stem(w) for w in _LATIN.findall(latin) if w not in STOP and len(w) > 1 and not w.isdigit())
    out.discard("")
    return frozenset(s for s in out if s not in STOP)
