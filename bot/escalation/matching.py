"""Is a new wording the same customer need as a request already raised? (platform-neutral, no I/O)

1. Vectors: the e5 query vector of each wording (`container.embedder()`), stored with the member (float32
   bytes in the database) so old requests are never re-embedded.
2. Per-language mean-centring: e5 vectors carry a language offset (two Chinese wordings of different needs
   are closer than a Chinese and an English wording of one need). Each language's mean vector is subtracted
   before comparing: the mean of the stored wordings, started from a prior (bot/escalation/calibration.py)
   worth `prior_weight` wordings so that a new deployment centres well too.
3. A request's vector score blends the cosine between the new wording and the centroid of the request's
   centred wordings (the mean averages out each wording's framing) with the mean cosine of its `top_k`
   closest wordings (`member_weight`; a request whose wordings spread over several phrasings still
   matches a new phrasing close to one of them); plus `cross_bonus` when the request has no wording in the
   new one's language (centred cross-language cosines run lower), plus `lexical_weight` x the best
   IDF-weighted word overlap with a same-language wording, minus `contrast_weight` x the key-term contrast
   (two same-language wordings sharing most of their need-naming words, each with a heavy word of its own:
   "a delivery date" vs "a delivery time slot"; IDF over the stored wordings, so the words every request
   uses weigh little). Two wordings that both name identifiers (PAY-4012, SKUs) and share none never match.
4. The new wording joins the best request at or above `threshold`, else it opens a new request.

Measured in benchmarks/escalation_quality.py (settings tuned on its dev split as the mean F1 over several
arrival orders; test figures reported): centring is what makes cross-language merging work at all; the
closest-members term, per-language scoring and the contrast raise the dev mean F1 (0.595 -> 0.657) but
not the test mean (0.702 both; recall up, precision down); near-miss needs one word apart ("a delivery time slot" vs
"a delivery date") still merge too often with the bundled e5-small vectors (tests/escalation/test_service.py
keeps that as an expected failure).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from bot.messages import detect_language

DEFAULT_THRESHOLD = 0.5
DEFAULT_LEXICAL_WEIGHT = 0.4
DEFAULT_CROSS_BONUS = 0.2
MIN_GROUP = 3
DEFAULT_MEMBER_WEIGHT = 0.5
DEFAULT_CONTRAST_WEIGHT = 0.5
TOP_K = 3
PRIOR_WEIGHT = 5.0

_IDENT = re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_-]{2,}\b|\b\d{5,}\b")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def need_key(text: str) -> str:
    """The canonical key of a wording: NFKC, lower case, punctuation and spaces removed (unique per request)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())[:500]


def identifiers(text: str) -> frozenset[str]:
    """Codes in a wording (PAY-4012, SKU12345, order numbers): letters with digits, or 5+ digits."""
    return frozenset(m.group(0).upper() for m in _IDENT.finditer(text))


def content_words(text: str) -> frozenset[str]:
    from bot.analytics.terms import tokenize

    return frozenset(tokenize(text))


def unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        n = float(np.linalg.norm(x))
        return x / n if n else x
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


@dataclass(frozen=True)
class Wording:
    """A stored or new wording, ready to compare: its raw unit vector, language, words and identifiers."""

    request_id: int
    vector: np.ndarray
    language: str
    words: frozenset[str] = field(default_factory=frozenset)
    idents: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, request_id: int, text: str, vector: Sequence[float] | np.ndarray, language: str = "") -> "Wording":
        return cls(request_id, unit(np.asarray(vector, dtype=np.float32)), language or detect_language(text),
                   content_words(text), identifiers(text))


@dataclass(frozen=True)
class Match:
    request_id: int
    score: float


class LanguageMeans:
    """Per-language mean vectors (the centring of step 2): the stored wordings' means, started from a prior
    (bot/escalation/calibration.py) worth `prior_weight` wordings, so a new deployment centres well too.
    Without a prior, a language needs `min_group` wordings (else the overall mean is used)."""

    def __init__(self, wordings: Iterable[Wording], min_group: int = MIN_GROUP, enabled: bool = True,
                 priors: dict[str, np.ndarray] | None = None, prior_weight: float = PRIOR_WEIGHT) -> None:
        self.enabled = enabled
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = {}
        for w in wordings:
            sums[w.language] = sums[w.language] + w.vector if w.language in sums else w.vector.copy()
            counts[w.language] = counts.get(w.language, 0) + 1
        priors = priors or {}
        self.means: dict[str, np.ndarray] = {}
        for lang in set(sums) | set(priors):
            n = counts.get(lang, 0)
            if lang in priors and prior_weight > 0:
                total = priors[lang] * prior_weight + (sums[lang] if n else 0.0)
                self.means[lang] = total / (prior_weight + n)
            elif n >= min_group:
                self.means[lang] = sums[lang] / n
        n_all = sum(counts.values())
        if self.means:
            self.overall: np.ndarray | None = np.mean(list(self.means.values()), axis=0)
        elif n_all >= min_group:
            self.overall = np.sum(list(sums.values()), axis=0) / n_all
        else:
            self.overall = None

    def centre(self, vector: np.ndarray, language: str) -> np.ndarray:
        if not self.enabled or self.overall is None:
            return vector
        return unit(vector - self.means.get(language, self.overall))


class NeedMatcher:
    """Scores a new wording against each request (see the module docstring); identifiers named on both
    sides and never shared veto the match."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
                 centre: bool = True, min_group: int = MIN_GROUP, cross_bonus: float = DEFAULT_CROSS_BONUS,
                 priors: dict[str, np.ndarray] | None = None, prior_weight: float = PRIOR_WEIGHT,
                 member_weight: float = DEFAULT_MEMBER_WEIGHT, per_language: bool = True,
                 contrast_weight: float = DEFAULT_CONTRAST_WEIGHT, top_k: int = TOP_K) -> None:
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self.centre = centre
        self.min_group = min_group
        self.cross_bonus = cross_bonus
        self.priors = priors or {}
        self.prior_weight = prior_weight
        self.member_weight = member_weight
        self.per_language = per_language
        self.contrast_weight = contrast_weight
        self.top_k = top_k

    def scores(self, new: Wording, stored: Sequence[Wording]) -> dict[int, float]:
        """The score of `new` against each request of the stored wordings."""
        if not stored:
            return {}
        means = LanguageMeans(stored, self.min_group, self.centre, self.priors, self.prior_weight)
        probe = means.centre(new.vector, new.language)
        groups: dict[int, list[tuple[Wording, np.ndarray]]] = {}
        for w in stored:
            groups.setdefault(w.request_id, []).append((w, means.centre(w.vector, w.language)))
        need_idf = self.lexical_weight or self.contrast_weight
        idf = _idf([w.words for w in stored if w.language == new.language] + [new.words]) if need_idf else {}
        out: dict[int, float] = {}
        for rid, members in groups.items():
            idents = frozenset().union(*(w.idents for w, _ in members))
            if new.idents and idents and not (new.idents & idents):
                out[rid] = -1.0
                continue
            out[rid] = self._vector_score(probe, new.language, members)
            same = [w for w, _ in members if w.language == new.language]
            if same and new.words:
                if self.lexical_weight:
                    out[rid] += self.lexical_weight * max(_weighted_jaccard(new.words, w.words, idf) for w in same)
                if self.contrast_weight:
                    out[rid] -= self.contrast_weight * _contrast(new.words, [w.words for w in same], idf)
        return out

    def _vector_score(self, probe: np.ndarray, language: str, members: list[tuple[Wording, np.ndarray]]) -> float:
        """The centroid cosine blended with the mean cosine of the `top_k` closest wordings. With
        `per_language`, each language of the request's wordings is scored apart (the best counts) and
        `cross_bonus` is added to another language's score; else the whole request is scored at once and
        the bonus is added when it has no wording in the probe's language."""
        by_lang: dict[str, list[np.ndarray]] = {}
        for w, c in members:
            by_lang.setdefault(w.language if self.per_language else "", []).append(c)
        has_same = any(w.language == language for w, _ in members)
        best = -2.0
        for lang, vecs in by_lang.items():
            mat = np.asarray(vecs)
            score = float(probe @ unit(mat.sum(axis=0)))
            if self.member_weight:
                closest = np.sort(mat @ probe)[::-1][: self.top_k]
                score = (1 - self.member_weight) * score + self.member_weight * float(closest.mean())
            cross = lang != language if self.per_language else not has_same
            best = max(best, score + (self.cross_bonus if cross else 0.0))
        return best

    def best(self, new: Wording, stored: Sequence[Wording], exclude: Iterable[int] = ()) -> Match | None:
        """The request `new` belongs to (score >= threshold), or None: a new need."""
        skip = set(exclude)
        ranked = sorted(((s, rid) for rid, s in self.scores(new, stored).items() if rid not in skip), reverse=True)
        if ranked and ranked[0][0] >= self.threshold:
            return Match(ranked[0][1], ranked[0][0])
        return None


def _contrast(words: frozenset[str], others: Sequence[frozenset[str]], idf: dict[str, float]) -> float:
    """Key-term contrast against the closest same-language wordings: two wordings that share most of their
    need-naming words (IDF-weighted) yet each has a heavy word of its own ("choose a delivery date" vs
    "choose a delivery time slot") name neighbouring needs, not one. Per stored wording: the shared share
    of the IDF mass times the smaller of the two sides' own shares; the largest over the wordings. Wordings
    that share nothing (a paraphrase in other words) give 0: the vectors decide."""
    best = 0.0
    for other in others:
        union = words | other
        mass = sum(idf.get(w, 1.0) for w in union)
        if not mass:
            continue
        shared = sum(idf.get(w, 1.0) for w in words & other) / mass
        own = min(sum(idf.get(w, 1.0) for w in words - other), sum(idf.get(w, 1.0) for w in other - words)) / mass
        best = max(best, shared * own)
    return best


def _idf(docs: Sequence[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency over the stored wordings of one language: words every request uses
    ("customer", "want", "choose") weigh little, the words that name a need ("slot", "date") weigh most."""
    df: dict[str, int] = {}
    for doc in docs:
        for word in doc:
            df[word] = df.get(word, 0) + 1
    n = len(docs)
    return {word: math.log((n + 1) / (c + 1)) + 1.0 for word, c in df.items()}


def _weighted_jaccard(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    union = a | b
    if not union:
        return 0.0
    total = sum(idf.get(w, 1.0) for w in union)
    return sum(idf.get(w, 1.0) for w in a & b) / total if total else 0.0


def encode_vector(vector: Sequence[float] | np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def decode_vector(raw: bytes | None) -> np.ndarray | None:
    if not raw:
        return None
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)
