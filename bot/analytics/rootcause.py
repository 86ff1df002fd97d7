"""/rootcause core: complaint reasons from precomputed vectors, ranked, with trend, dimension and advice.

`analyze(complaints, vectors, since=, until=, ...)` takes the complaints of the current window and of the
previous window of the same length (one list; they are told apart by `created_at`), with one vector per
complaint (the stored e5 vectors: nothing is embedded here). Both windows are clustered together, so a
reason has one identity in both; counts are per window.

Spike rule: a reason spikes when its current count is at least SPIKE_RATIO x its previous count and at
least SPIKE_MIN complaints (a reason absent before spikes from SPIKE_MIN on). Without a previous window
(no `since`), nothing spikes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

import numpy as np

from bot.analytics import advice, terms
from bot.analytics.cluster import cluster_multilingual, fit_space
from bot.analytics.dimensions import classify

SPIKE_RATIO = 2.0
SPIKE_MIN = 5
MIN_REASON_SIZE = 2  # a cluster smaller than this in the current window goes to "other"
TERMS_SAMPLE = 80  # complaints per cluster and language tokenized for key terms (c-TF-IDF is stable by then)
QUOTE_CHARS = 180
DIMENSION_SAMPLE = 60  # complaints nearest a reason's centre read for dimension cues (cue shares are stable by then)
DIMENSION_CHARS = 600  # of each, the opening (a long narrative states its problem first; bounds the regex work)
LABEL_MIN_SHARE = 0.2  # below this share of complaints in the asker's language, the label keeps its own
EXPAND_PERCENTILE = 0.0  # semantic keyword match: as close as the farthest lexical match (chosen on the seed-2 set)


@dataclass(frozen=True)
class Complaint:
    id: str
    text: str
    created_at: datetime | None = None
    lang: str = ""  # "zh" | "en"; detected from the text when empty
    category: str = ""  # an existing label field (shown beside the result, never used to find reasons)
    resolution: str = ""  # what was done (resolved tickets)


@dataclass
class Reason:
    label: str
    count: int
    share: float
    previous_count: int
    spike: bool
    dimension: str
    ticket_ids: list[str]
    examples: list[dict[str, str]]
    key_terms: list[str]
    evidence: list[dict[str, Any]]
    categories: dict[str, int]
    resolutions: list[dict[str, str]]
    interventions: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    generated_by: str = "templates"
    label_language: str = ""  # the label's language: the asker's unless the reason has no complaint in it

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label, "count": self.count, "share": round(self.share, 4),
            "previous_count": self.previous_count, "spike": self.spike, "dimension": self.dimension,
            "ticket_ids": self.ticket_ids, "examples": self.examples, "interventions": self.interventions,
            "scripts": self.scripts, "key_terms": self.key_terms, "evidence": self.evidence,
            "categories": self.categories, "resolutions": self.resolutions, "generated_by": self.generated_by,
            "label_language": self.label_language,
        }


@dataclass
class RootCauseResult:
    total: int
    since: datetime | None
    until: datetime | None
    language: str
    reasons: list[Reason]
    other_ids: list[str]
    previous_total: int = 0
    assignments: dict[str, int] = field(default_factory=dict)  # ticket id -> cluster id (current window)
    k: int = 0
    notice: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "window": {"since": self.since.isoformat() if self.since else None,
                       "until": self.until.isoformat() if self.until else None},
            "previous_total": self.previous_total,
            "reasons": [r.to_json() for r in self.reasons],
            "other": {"count": len(self.other_ids), "ticket_ids": self.other_ids},
        }

    def reason_of(self) -> dict[str, str]:
        """Ticket id -> reason label ("other" for the rest), for the CSV export."""
        out = {tid: "other" for tid in self.other_ids}
        for r in self.reasons:
            out.update(dict.fromkeys(r.ticket_ids, r.label))
        return out


def _lang(c: Complaint) -> str:
    return c.lang if c.lang in ("zh", "en") else ("zh" if terms.is_chinese(c.text) else "en")


def _quote(text: str, redact: Callable[[str], str] | None) -> str:
    flat = " ".join(text.split())
    if redact is not None:
        flat = redact(flat)
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rstrip() + "…"


def _naive(when: datetime | None) -> datetime | None:
    """Naive UTC (the state store's convention); aware datetimes are converted."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def _in_window(when: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    when = _naive(when)
    if when is None:
        return True
    if since is not None and when < since:
        return False
    return until is None or when < until


def analyze(
    complaints: Sequence[Complaint],
    vectors: np.ndarray,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    top: int = 5,
    language: str = "en",
    resolved: Sequence[Complaint] = (),
    resolved_vectors: np.ndarray | None = None,
    chat_model: Any = None,
    redact: Callable[[str], str] | None = None,
    timeout_seconds: float = 20.0,
    k: int | None = None,
    seed: int = 0,
) -> RootCauseResult:
    """The root-cause report of the complaints in [since, until), compared with the window before it."""
    vectors = np.asarray(vectors, dtype=np.float32)
    since, until = _naive(since), _naive(until)
    if len(complaints) != len(vectors):
        raise ValueError(f"{len(complaints)} complaints but {len(vectors)} vectors")
    current = np.array([_in_window(c.created_at, since, until) for c in complaints], dtype=bool)
    previous = ~current
    if since is not None and until is not None:
        start = since - (until - since)
        created = [_naive(c.created_at) for c in complaints]
        previous &= np.array([w is not None and start <= w < since for w in created], dtype=bool)
    else:
        previous[:] = False
    keep = current | previous
    rows = [c for c, kp in zip(complaints, keep) if kp]
    x_all = vectors[keep]
    cur = current[keep]
    total = int(cur.sum())
    result = RootCauseResult(total=total, since=since, until=until, language=language, reasons=[],
                             other_ids=[], previous_total=int((~cur).sum()))
    if total == 0:
        return result
    langs = [_lang(c) for c in rows]
    space = fit_space(x_all, langs, seed=seed)
    x = space.transform(x_all, langs)
    tokens = terms.LazyTokens([c.text for c in rows])  # tokenized only where read
    clustering = cluster_multilingual(x, langs, tokens, seed=seed, k=k)
    labels = clustering.labels
    result.k = clustering.k
    ids = [c.id for c in rows]
    result.assignments = {ids[i]: int(labels[i]) for i in range(len(rows)) if cur[i]}
    cur_counts = Counter(int(labels[i]) for i in range(len(rows)) if cur[i])
    prev_counts = Counter(int(labels[i]) for i in range(len(rows)) if not cur[i])
    order = sorted(cur_counts, key=lambda c: (-cur_counts[c], c))
    chosen = [c for c in order if cur_counts[c] >= MIN_REASON_SIZE][: max(top, 1)]
    key_terms = _cluster_terms(rows, labels, langs, clustering.k, seed, tokens)
    res_rows, res_x = _resolved_space(resolved, resolved_vectors, space)
    for cid in chosen:
        members = [i for i in range(len(rows)) if cur[i] and labels[i] == cid]
        sims = x[members] @ clustering.centroids[cid]
        ranked = [members[j] for j in np.argsort(-sims)]
        count, prev = cur_counts[cid], prev_counts.get(cid, 0)
        spike = since is not None and count >= SPIKE_MIN and count >= SPIKE_RATIO * prev
        terms_here = key_terms[cid]
        label_lang = _label_language(terms_here, [langs[i] for i in members], language)
        label_terms = terms_here.get(label_lang) or []
        label = terms.short_label(label_terms, chinese=(label_lang == "zh"))
        all_terms = [t for t, _ in label_terms] + [t for lg, ts in terms_here.items() if lg != label_lang for t, _ in ts]
        sample = ranked[:DIMENSION_SAMPLE]
        dim = classify(all_terms, [rows[i].text[:DIMENSION_CHARS] for i in sample], [ids[i] for i in sample])
        examples = _examples(rows, ranked, langs, language, redact)
        if not label:
            label = examples[0]["text"][:40] if examples else f"#{cid}"
            label_lang = "zh" if terms.is_chinese(label) else "en"
        reason = Reason(
            label=label, label_language=label_lang, count=count, share=count / total, previous_count=prev, spike=bool(spike),
            dimension=dim.dimension, ticket_ids=[ids[i] for i in ranked], examples=examples,
            key_terms=[t for t, _ in label_terms][:8],
            evidence=[{"phrase": p, "ticket_ids": t[:10], "count": len(t)} for p, t in dim.evidence],
            categories=dict(Counter(rows[i].category for i in members if rows[i].category).most_common(5)),
            resolutions=_nearest_resolutions(res_rows, res_x, clustering.centroids, cid, language),
        )
        result.reasons.append(reason)
    taken = {tid for r in result.reasons for tid in r.ticket_ids}
    result.other_ids = [ids[i] for i in range(len(rows)) if cur[i] and ids[i] not in taken]
    result.notice = advice.fill(result.reasons, language, chat_model=chat_model, timeout_seconds=timeout_seconds)
    return result


def _cluster_terms(rows: Sequence[Complaint], labels: np.ndarray, langs: Sequence[str], k: int, seed: int,
                   tokens: Sequence[Sequence[str]]) -> list[dict[str, list[tuple[str, float]]]]:
    """c-TF-IDF key terms per cluster and language, over a sample of each cluster's complaints."""
    rng = np.random.default_rng(seed)
    out: list[dict[str, list[tuple[str, float]]]] = [{} for _ in range(k)]
    by_cluster: dict[tuple[int, str], list[int]] = {}
    for i, (cid, lang) in enumerate(zip(labels.tolist(), langs)):
        by_cluster.setdefault((cid, lang), []).append(i)
    for lang in ("zh", "en"):
        docs_by_class: list[Sequence[Sequence[str]]] = []
        for cid in range(k):
            members = by_cluster.get((cid, lang), [])
            if len(members) > TERMS_SAMPLE:
                members = sorted(rng.choice(members, TERMS_SAMPLE, replace=False).tolist())
            docs_by_class.append([tokens[i] for i in members])
        if not any(docs_by_class):
            continue
        for cid, found in enumerate(terms.class_terms(docs_by_class)):
            if found:
                out[cid][lang] = found
    return out


def _label_language(found: dict[str, list[tuple[str, float]]], member_langs: Sequence[str], language: str) -> str:
    """The asker's language when at least LABEL_MIN_SHARE of the reason's complaints are in it (and it has
    key terms in it); otherwise the language of most of its complaints. Nothing is translated: the report
    says which language such a label is in."""
    share = sum(lg == language for lg in member_langs) / max(len(member_langs), 1)
    if share >= LABEL_MIN_SHARE and found.get(language):
        return language
    present = [lg for lg, _ in Counter(member_langs).most_common() if found.get(lg)]
    return present[0] if present else language


def _examples(rows: Sequence[Complaint], ranked: Sequence[int], langs: Sequence[str], language: str,
              redact: Callable[[str], str] | None, n: int = 3) -> list[dict[str, str]]:
    """Up to n complaints nearest the centre, in the asker's language first, without near-repeats."""
    order = [i for i in ranked if langs[i] == language] + [i for i in ranked if langs[i] != language]
    picked: list[dict[str, str]] = []
    seen: set[str] = set()
    for i in order[:200]:
        key = "".join(rows[i].text.lower().split())[:60]
        if key in seen or not rows[i].text.strip():
            continue
        seen.add(key)
        picked.append({"ticket_id": rows[i].id, "text": _quote(rows[i].text, redact)})
        if len(picked) == n:
            break
    return picked


def _resolved_space(resolved: Sequence[Complaint], vectors: np.ndarray | None,
                    space: Any) -> tuple[list[Complaint], np.ndarray]:
    pairs = [(i, c) for i, c in enumerate(resolved) if c.resolution.strip()]
    if vectors is None or not pairs:
        return [], np.zeros((0, 1), dtype=np.float32)
    rows = [c for _, c in pairs]
    vecs = np.asarray(vectors, dtype=np.float32)[[i for i, _ in pairs]]
    return rows, space.transform(vecs, [_lang(c) for c in rows])


def _nearest_resolutions(rows: Sequence[Complaint], x: np.ndarray, centroids: np.ndarray, cid: int,
                         language: str, n: int = 2) -> list[dict[str, str]]:
    """Past resolutions of resolved tickets whose nearest reason is this one, closest first."""
    if not rows:
        return []
    sims = x @ centroids.T
    nearest = sims.argmax(axis=1)
    members = [i for i in range(len(rows)) if nearest[i] == cid]
    members.sort(key=lambda i: (_lang(rows[i]) != language, -sims[i, cid]))
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for i in members:
        text = " ".join(rows[i].resolution.split())
        if text in seen:
            continue
        seen.add(text)
        out.append({"ticket_id": rows[i].id, "resolution": text})
        if len(out) == n:
            break
    return out


def match_keyword(complaints: Sequence[Complaint], vectors: np.ndarray, keyword: str,
                  query_vector: Sequence[float] | None = None, min_similarity: float = 0.86) -> np.ndarray:
    """Which complaints match a keyword (empty keyword: all).

    Lexical: its words all occur in the text. Semantic: complaints as close to the centre of the lexical
    matches (in the per-language centred vector space, so across languages) as the closer three quarters of
    the lexical matches are. With no lexical match, the keyword's query vector with cosine >= min_similarity
    (raw e5 query-passage cosines of one-word queries are poorly separated, hence a strict floor)."""
    n = len(complaints)
    if not keyword.strip():
        return np.ones(n, dtype=bool)
    words = terms.tokenize(keyword) or [keyword.strip().lower()]
    low = keyword.strip().lower()
    lexical = np.array([all(w in c.text.lower() for w in words) or low in c.text.lower() for c in complaints],
                       dtype=bool)
    v = np.asarray(vectors, dtype=np.float32)
    if n == 0 or len(v) != n:
        return lexical
    if lexical.sum() >= 3:
        langs = [_lang(c) for c in complaints]
        x = fit_space(v, langs, dims=0).transform(v, langs)
        centre = x[lexical].mean(axis=0)
        sims = x @ (centre / (np.linalg.norm(centre) or 1.0))
        return np.asarray(lexical | (sims >= np.percentile(sims[lexical], EXPAND_PERCENTILE)), dtype=bool)
    if query_vector is None:
        return lexical
    q = np.asarray(query_vector, dtype=np.float32)
    q = q / (np.linalg.norm(q) or 1.0)
    sims = (v @ q) / np.maximum(np.linalg.norm(v, axis=1), 1e-9)
    return np.asarray(lexical | (sims >= min_similarity), dtype=bool)
