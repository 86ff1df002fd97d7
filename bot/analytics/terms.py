"""Key terms of complaint clusters: tokens (jieba words for Chinese, words for English) and c-TF-IDF.

c-TF-IDF (as in BERTopic): all documents of a cluster form one class document; a term's weight is its
frequency in the class times log(1 + A / f), A the mean number of tokens per class and f the term's frequency
over all classes. Each document counts a term once, so one long complaint cannot dominate its cluster.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence, overload

_WORD = re.compile(r"[a-z][a-z']+[a-z]|[a-z]{2}")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]+")
# Function words only (grammar, not topic): generic for any complaint set.
_ZH_STOP = frozenset(
    """的 了 吗 呢 吧 啊 是 我 你 他 她 它 们 我们 你们 他们 在 和 与 及 或 就 都 也 还 又 很 请问 请 怎么 什么 如何
    为什么 一个 这个 那个 这样 那样 哪 有 没有 要 会 能 可以 被 把 给 让 对 从 到 上 下 中 啦 嘛 呀 么 这 那 着 过 个
    而 但 但是 因为 所以 如果 就是 还是 已经 自己 不是 没 不 再 才 说 觉得 感觉 真的 比较 一下 一些 一点 现在
    时候 还有 然后 其实 应该 可能 这么 那么 太 更 最 挺 非常 特别 只 只是 这种 那种 之后 之前 以后 以前 等""".split()
)


def _en_stop() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"im", "ive", "dont", "didnt", "doesnt", "cant", "wont", "isnt"}


def is_chinese(text: str) -> bool:
    """'zh' by the same rule as bot.messages.detect_language: CJK characters outnumber latin words."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return False
    return cjk >= len(re.findall(r"\b[A-Za-z]{2,}\b", text))


def _meaningless(token: str) -> bool:
    """Digits, one-character tokens, and tokens made of one repeated character (redaction marks, 哈哈哈)."""
    return token.isdigit() or len(set(token)) == 1


def tokenize(text: str, stop: frozenset[str] | None = None) -> list[str]:
    """Lower-cased content words: jieba words for Chinese runs, words for latin text, stop words removed."""
    en_stop = stop if stop is not None else _en_stop()
    low = text.lower().replace("’", "'")
    out: list[str] = []
    if _CJK.search(low):
        from bot.retrieval.lexical import load_jieba

        jb = load_jieba()
        for run in _CJK_RUN.findall(low):
            for word in jb.lcut(run):
                word = word.strip()
                if not word or word in _ZH_STOP or word in en_stop or _meaningless(word):
                    continue
                if _CJK.search(word) or len(word) > 2:
                    out.append(word.replace("'", ""))
        return out
    for m in _WORD.finditer(low):
        word = m.group(0).replace("'", "")
        if word not in en_stop and not _meaningless(word):
            out.append(word)
    return out


class LazyTokens(Sequence[list[str]]):
    """tokenize() of each text, computed on first access and kept: a report over many complaints tokenizes
    only those it reads (word features of one language, the key-term samples)."""

    def __init__(self, texts: Sequence[str], stop: frozenset[str] | None = None) -> None:
        self._texts = texts
        self._stop = stop if stop is not None else _en_stop()
        self._done: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, i: int) -> list[str]: ...

    @overload
    def __getitem__(self, i: slice) -> list[list[str]]: ...

    def __getitem__(self, i: int | slice) -> list[str] | list[list[str]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i) % len(self._texts) if i < 0 else int(i)
        if i not in self._done:
            self._done[i] = tokenize(self._texts[i], self._stop)
        return self._done[i]


def class_terms(docs_by_class: Sequence[Sequence[Sequence[str]]], top: int = 8) -> list[list[tuple[str, float]]]:
    """c-TF-IDF key terms of each class, given each class's tokenized documents (a term counts once a doc)."""
    counts: list[Counter[str]] = []
    for docs in docs_by_class:
        c: Counter[str] = Counter()
        for tokens in docs:
            c.update(set(tokens))
        counts.append(c)
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    mean_tokens = (sum(sum(c.values()) for c in counts) / max(len(counts), 1)) or 1.0
    result: list[list[tuple[str, float]]] = []
    for c, docs in zip(counts, docs_by_class):
        size = max(len(docs), 1)
        scored = []
        for term, n in c.items():
            if n < 2 and size > 3:  # a term of one complaint is not a reason's key term
                continue
            scored.append((term, (n / size) * math.log(1.0 + mean_tokens / total[term])))
        scored.sort(key=lambda x: (-x[1], x[0]))
        result.append(scored[:top])
    return result


def short_label(terms: Sequence[tuple[str, float]], max_terms: int = 3, chinese: bool = False) -> str:
    """A short human label from key terms, dropping a term contained in a better one ("refund" in "refunds")."""
    picked: list[str] = []
    for term, _ in terms:
        if any(term in p or p in term for p in picked):
            continue
        picked.append(term)
        if len(picked) == max_terms:
            break
    return ("、" if chinese else " / ").join(picked)
